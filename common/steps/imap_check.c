/*
 * imap_check.c - the IMAP session the steps share.
 */
#include <stdio.h>
#include <string.h>

#include "steps/imap_check.h"

static const char *
peer(const struct imap_session *is, const struct mailbox_target *t)
{
	return is->imap.conn.peer[0] ? is->imap.conn.peer : t->host;
}

void
imap_check_refused(struct imap_session *is, const struct run_ctx *ctx,
		   struct result *r, const char *what, int rc)
{
	struct imap *i = &is->imap;

	if (rc == -1)
		result_problem(r, run_failure_state(ctx, i->net == NET_TIMEOUT),
			       "%s failed at %s: %s", i->conn.peer, what,
			       i->error);
	else if (i->bye)
		result_problem(r, STATE_CRITICAL, "%s said BYE at %s: %s",
			       i->conn.peer, what, i->text);
	else
		result_problem(r, STATE_CRITICAL, "%s refused %s: %s %s",
			       i->conn.peer, what, imap_status_name(i->status),
			       i->text);
}

/* A command's outcome: 0 when it answered OK, else -1 after a problem. */
static int
answered(struct imap_session *is, const struct run_ctx *ctx, struct result *r,
	 const char *what, int rc)
{
	if (rc == 0 && is->imap.status == IMAP_OK)
		return 0;
	imap_check_refused(is, ctx, r, what, rc);
	return -1;
}

static int
start_tls(struct imap_session *is, const struct mailbox_target *t,
	  const struct run_ctx *ctx, struct result *r)
{
	struct tls_opts o = tls_check_tls_opts(&t->cert);
	struct imap *i = &is->imap;

	if (!i->caps.starttls) {
		result_problem(r, STATE_CRITICAL, "%s does not offer STARTTLS",
			       peer(is, t));
		return -1;
	}
	/* OK here is CAPABILITY's, asked again over TLS */
	if (answered(is, ctx, r, "STARTTLS",
		     imap_starttls(i, &o, &is->tls_info)) == -1)
		return -1;
	is->tls = true;
	/* as for SMTP (smtp_check.c): dropped, but said */
	if (i->injected > 0)
		result_problem(r, STATE_WARNING,
			       "%zu bytes sent in plaintext after the OK to "
			       "STARTTLS were dropped",
			       i->injected);
	return 0;
}

static int
log_in(struct imap_session *is, const struct mailbox_target *t,
       const struct run_ctx *ctx, struct result *r)
{
	struct imap *i = &is->imap;
	char what[300];

	if (i->caps.auth_plain) {
		snprintf(what, sizeof(what), "AUTHENTICATE PLAIN of %.256s",
			 t->user);
		return answered(
		    is, ctx, r, what,
		    imap_authenticate_plain(i, t->user, t->password));
	}
	if (i->caps.logindisabled) {
		result_problem(r, STATE_CRITICAL,
			       "%s allows no login: LOGINDISABLED and no "
			       "AUTH=PLAIN%s",
			       peer(is, t),
			       is->tls ? ""
				       : " (without TLS: try -S or --tls)");
		return -1;
	}
	snprintf(what, sizeof(what), "the LOGIN of %.256s", t->user);
	return answered(is, ctx, r, what, imap_login(i, t->user, t->password));
}

int
imap_check_open(struct imap_session *is, const struct mailbox_target *t,
		const struct run_ctx *ctx, struct result *r)
{
	struct net_opts no = {.family = ctx->family, .source = t->source};
	unsigned port = t->port ? t->port : t->tls ? 993 : 143;
	struct imap *i = &is->imap;
	bool preauth;

	i->transcript_on = run_transcript(ctx);
	if (imap_connect(i, t->host, port, &no, &ctx->deadline) == -1) {
		result_problem(r, run_failure_state(ctx, i->net == NET_TIMEOUT),
			       "no connection to %s: %s", peer(is, t),
			       i->error);
		return -1;
	}
	if (t->tls) {
		if (tls_check_handshake(&i->conn, &t->cert, &is->tls_info,
					peer(is, t), ctx, r, &i->net) == -1)
			return -1;
		is->tls = true;
	}
	if (imap_greeting(i) == -1) {
		imap_check_refused(is, ctx, r, "the greeting", -1);
		return -1;
	}
	if (i->status == IMAP_BYE) {
		result_problem(r, STATE_CRITICAL, "%s greeted with BYE %s",
			       peer(is, t), i->text);
		return -1;
	}
	/* PREAUTH: logged in already (RFC 3501 7.1.4), nothing to send */
	preauth = i->status == IMAP_PREAUTH;
	if (!i->caps_known &&
	    answered(is, ctx, r, "CAPABILITY", imap_capability(i)) == -1)
		return -1;
	if (!is->tls)
		is->login_in_clear = !i->caps.logindisabled;
	if (t->starttls && start_tls(is, t, ctx, r) == -1)
		return -1;
	if (t->user == NULL || preauth)
		return 0;
	if (!mailbox_check_may_log_in(t, is->tls, &is->tls_info, peer(is, t),
				      r))
		return -1;
	return log_in(is, t, ctx, r);
}

int
imap_check_inbox(struct imap_session *is, bool read_only,
		 const struct run_ctx *ctx, struct result *r)
{
	return answered(is, ctx, r,
			read_only ? "EXAMINE INBOX" : "SELECT INBOX",
			imap_select(&is->imap, "INBOX", read_only));
}

void
imap_check_close(struct imap_session *is, const struct run_ctx *ctx,
		 struct result *r)
{
	imap_logout(&is->imap);
	run_transcript_lines(ctx, r, &is->imap.transcript);
	imap_free(&is->imap);
}

const struct opt imap_mailbox_opts[] = {
    {"tls", 0, NULL, "IMAP over implicit TLS (port 993)",
     OPT_FLAG_AT(struct mailbox_target, tls), .flags = OPT_EXCLUSIVE},
    {"starttls", 'S', NULL, "STARTTLS is required",
     OPT_FLAG_AT(struct mailbox_target, starttls)},
    {"user", 'u', "USER", "the mailbox's user name",
     OPT_STRING_AT(struct mailbox_target, user)},
    {"password-file", 0, "FILE",
     "the password's file (or set IMSCHECK_PASSWORD)",
     OPT_STRING_AT(struct mailbox_target, password_file), .check = &opt_path},
    TLS_CHECK_AT(struct mailbox_target, cert),
    OPT_END,
};
