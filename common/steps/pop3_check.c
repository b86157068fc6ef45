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

#include "core/file.h"

static enum state
failure_state(const struct pop3_session *ps, const struct run_ctx *ctx)
{
	return run_failure_state(ctx, ps->pop3.net == NET_TIMEOUT);
}

/* The first line of the password file; a problem when it cannot be. */
static int
password_from_file(struct pop3_target *t, struct result *r)
{
	struct file_text f;
	char why[512];
	size_t len;

	if (file_read(t->password_file, POP3_PASSWORD_FILE_MAX, &f, why,
		      sizeof(why)) == -1) {
		result_problem(r, STATE_UNKNOWN, "password file %s", why);
		return -1;
	}
	len = strcspn(f.data, "\r\n");
	if (len >= sizeof(t->password))
		result_problem(r, STATE_UNKNOWN,
			       "password file %s: the first line is longer "
			       "than %zu bytes",
			       t->password_file, sizeof(t->password) - 1);
	else
		memcpy(t->password, f.data, len);
	t->password[len < sizeof(t->password) ? len : 0] = '\0';
	explicit_bzero(f.data, f.len);
	free(f.data);
	if (len >= sizeof(t->password))
		return -1;
	if (f.mode & (S_IRWXG | S_IRWXO))
		result_problem(r, STATE_WARNING,
			       "password file %s may be read by others "
			       "(mode %03o)",
			       t->password_file, f.mode & 0777);
	return 0;
}

int
pop3_check_password(struct pop3_target *t, struct result *r)
{
	const char *env = getenv("IMSCHECK_PASSWORD");

	if (t->password_file != NULL) {
		if (password_from_file(t, r) == -1)
			return -1;
	} else if (env != NULL) {
		if (strlen(env) >= sizeof(t->password)) {
			result_problem(r, STATE_UNKNOWN,
				       "IMSCHECK_PASSWORD is longer than %zu "
				       "bytes",
				       sizeof(t->password) - 1);
			return -1;
		}
		snprintf(t->password, sizeof(t->password), "%s", env);
	} else {
		result_problem(r, STATE_UNKNOWN,
			       "no password: give --password-file or set "
			       "IMSCHECK_PASSWORD");
		return -1;
	}
	/* An empty password would also key the probe's MAC with nothing. */
	if (t->password[0] == '\0') {
		result_problem(r, STATE_UNKNOWN, "the password is empty (%s)",
			       t->password_file ? t->password_file
						: "IMSCHECK_PASSWORD");
		return -1;
	}
	return 0;
}

static const char *
peer(const struct pop3_session *ps, const struct pop3_target *t)
{
	return ps->pop3.conn.peer[0] ? ps->pop3.conn.peer : t->host;
}

static int
start_stls(struct pop3_session *ps, const struct pop3_target *t,
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
pop3_check_open(struct pop3_session *ps, const struct pop3_target *t,
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
	if (t->stls && start_stls(ps, t, ctx, r) == -1)
		return -1;
	if (t->user == NULL)
		return 0;
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

void
pop3_check_close(struct pop3_session *ps, const struct run_ctx *ctx,
		 struct result *r)
{
	pop3_quit(&ps->pop3);
	run_transcript_lines(ctx, r, &ps->pop3.transcript);
	pop3_free(&ps->pop3);
}

const struct opt pop3_mailbox_opts[] = {
    {"tls", 0, NULL, "POP3 over implicit TLS (port 995)",
     OPT_FLAG_AT(struct pop3_target, tls), .flags = OPT_EXCLUSIVE},
    {"stls", 0, NULL, "STLS is required",
     OPT_FLAG_AT(struct pop3_target, stls)},
    {"user", 'u', "USER", "the mailbox's user name",
     OPT_STRING_AT(struct pop3_target, user)},
    {"password-file", 0, "FILE",
     "the password's file (or set IMSCHECK_PASSWORD)",
     OPT_STRING_AT(struct pop3_target, password_file), .check = &opt_path},
    TLS_CHECK_AT(struct pop3_target, cert),
    OPT_END,
};
