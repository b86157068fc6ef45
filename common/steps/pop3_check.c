/*
 * pop3_check.c - the POP3 session the steps share.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "steps/pop3_check.h"

#include "core/password.h"

static enum state
failure_state(const struct pop3_session *ps, const struct run_ctx *ctx)
{
	return run_failure_state(ctx, ps->pop3.net == NET_TIMEOUT);
}

static const char *
peer(const struct pop3_session *ps, const struct mailbox_target *t)
{
	return ps->pop3.conn.peer[0] ? ps->pop3.conn.peer : t->host;
}

static int
start_stls(struct pop3_session *ps, const struct mailbox_target *t,
	   const struct run_ctx *ctx, struct result *r)
{
	struct tls_opts o = tls_check_tls_opts(&t->cert);
	struct pop3 *s = &ps->pop3;

	if (!s->caps.stls) {
		result_problem(r, STATE_CRITICAL, "%s does not offer STLS%s",
			       peer(ps, t),
			       s->caps.capa ? "" : " (it refused CAPA)");
		return -1;
	}
	if (pop3_stls(s, &o, &ps->tls_info) == -1) {
		result_problem(r, failure_state(ps, ctx),
			       "%s failed at STLS: %s", peer(ps, t), s->error);
		return -1;
	}
	if (!tls_active(&s->conn)) {
		result_problem(r, STATE_CRITICAL, "%s refused STLS: -ERR %s",
			       peer(ps, t), s->text);
		return -1;
	}
	ps->tls = true;
	return 0;
}

int
pop3_check_open(struct pop3_session *ps, const struct mailbox_target *t,
		const struct run_ctx *ctx, struct result *r)
{
	struct net_opts no = {.family = ctx->family, .source = t->source};
	unsigned port = t->port ? t->port : t->tls ? 995 : 110;
	struct pop3 *s = &ps->pop3;

	s->transcript_on = run_transcript(ctx);
	if (pop3_connect(s, t->host, port, &no, &ctx->deadline) == -1) {
		result_problem(r, failure_state(ps, ctx),
			       "no connection to %s: %s", peer(ps, t),
			       s->error);
		return -1;
	}
	if (t->tls) {
		if (tls_check_handshake(&s->conn, &t->cert, &ps->tls_info,
					peer(ps, t), ctx, r, &s->net) == -1)
			return -1;
		ps->tls = true;
	}
	if (pop3_greeting(s) == -1) {
		result_problem(r, failure_state(ps, ctx),
			       "%s failed at the greeting: %s", peer(ps, t),
			       s->error);
		return -1;
	}
	if (!s->ok) {
		result_problem(r, STATE_CRITICAL, "%s greeted with -ERR %s",
			       peer(ps, t), s->text);
		return -1;
	}
	if (pop3_capa(s) == -1) {
		result_problem(r, failure_state(ps, ctx),
			       "%s failed at CAPA: %s", peer(ps, t), s->error);
		return -1;
	}
	if (t->starttls && start_stls(ps, t, ctx, r) == -1)
		return -1;
	if (t->user == NULL)
		return 0;
	if (!mailbox_check_may_log_in(t, ps->tls, &ps->tls_info, peer(ps, t),
				      r))
		return -1;
	if (pop3_login(s, t->user, t->password) == -1) {
		result_problem(r, failure_state(ps, ctx),
			       "%s failed at login: %s", peer(ps, t), s->error);
		return -1;
	}
	if (!s->ok) {
		result_problem(r, STATE_CRITICAL,
			       "%s refused the login of %s: -ERR %s",
			       peer(ps, t), t->user, s->text);
		return -1;
	}
	return 0;
}

int
pop3_check_stat(struct pop3_session *ps, unsigned long *count,
		unsigned long *octets, const struct run_ctx *ctx,
		struct result *r)
{
	struct pop3 *s = &ps->pop3;

	if (pop3_stat(s, count, octets) == -1) {
		result_problem(r, failure_state(ps, ctx),
			       "%s failed at STAT: %s", s->conn.peer, s->error);
		return -1;
	}
	/* A mailbox that cannot be counted is not an empty one. */
	if (!s->ok) {
		result_problem(r, STATE_CRITICAL, "%s refused STAT: -ERR %s",
			       s->conn.peer, s->text);
		return -1;
	}
	return 0;
}

void
pop3_check_close(struct pop3_session *ps, const struct run_ctx *ctx,
		 struct result *r)
{
	pop3_quit(&ps->pop3);
	run_transcript_lines(ctx, r, &ps->pop3.transcript);
	pop3_free(&ps->pop3);
}

const struct opt pop3_mailbox_opts[] = {
    {"tls", 0, NULL, "implicit TLS (port 995; 993 when read over IMAP)",
     OPT_FLAG_AT(struct mailbox_target, tls), .flags = OPT_EXCLUSIVE},
    {"stls", 0, NULL, "STLS is required (STARTTLS, read over IMAP)",
     OPT_FLAG_AT(struct mailbox_target, starttls)},
    {"user", 'u', "USER", "the mailbox's user name",
     OPT_STRING_AT(struct mailbox_target, user)},
    {"password-file", 0, "FILE",
     "the password's file (or set IMSCHECK_PASSWORD)",
     OPT_STRING_AT(struct mailbox_target, password_file), .check = &opt_path},
    TLS_CHECK_AT(struct mailbox_target, cert),
    OPT_END,
};
