/*
 * smtp_check.c - the session and the judgements the SMTP steps share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steps/smtp_check.h"

#include "core/addr.h"
#include "core/diag.h"

/* The state for a failure: the -t state when it was the deadline. */
static enum state
failure_state(const struct smtp_session *ss, const struct run_ctx *ctx)
{
	return run_failure_state(ctx, ss->smtp.net == NET_TIMEOUT);
}

static const char *
peer(const struct smtp_session *ss, const struct smtp_target *t)
{
	return ss->smtp.conn.peer[0] ? ss->smtp.conn.peer : t->host;
}

static int
start_tls(struct smtp_session *ss, const struct smtp_target *t,
	  const struct run_ctx *ctx, struct result *r)
{
	struct tls_opts o = tls_check_tls_opts(&t->cert);
	char reply[256];
	size_t injected = 0;

	o.name = t->tls_name;
	o.tlsa = t->tlsa;
	o.ntlsa = t->ntlsa;
	if (!ss->smtp.caps.starttls && !t->starttls)
		return 0; /* opportunistic: the caller judges its absence */
	if (!ss->smtp.caps.starttls) {
		result_problem(r, STATE_CRITICAL,
			       "%s does not offer STARTTLS%s", peer(ss, t),
			       ss->smtp.caps.esmtp ? "" : " (it refused EHLO)");
		return -1;
	}
	if (smtp_starttls(&ss->smtp, ss->ehlo, &o, &ss->tls_info, &injected) ==
	    -1) {
		result_problem(r, failure_state(ss, ctx),
			       "%s failed at STARTTLS: %s", peer(ss, t),
			       ss->smtp.error);
		return -1;
	}
	if (!tls_active(&ss->smtp.conn)) {
		smtp_reply_line(&ss->smtp.reply, reply, sizeof(reply));
		result_problem(r, STATE_CRITICAL, "%s refused STARTTLS: %s",
			       peer(ss, t), reply);
		return -1;
	}
	ss->tls = true;
	/*
	 * Bytes after the 220 came before the handshake: a man in the middle
	 * (or a broken server) spoke for the TLS session.  They were dropped,
	 * but the session was tampered with: that is the state's to say.
	 */
	if (injected > 0)
		result_problem(r, STATE_WARNING,
			       "%zu bytes sent in plaintext after the 220 to "
			       "STARTTLS were dropped",
			       injected);
	return 0;
}

int
smtp_check_open(struct smtp_session *ss, const struct smtp_target *t,
		const struct run_ctx *ctx, struct result *r)
{
	struct net_opts no = {.family = ctx->family, .source = t->source};
	struct smtp *s = &ss->smtp;
	char reply[256];

	ss->started = mono_now();
	s->transcript_on = run_transcript(ctx);
	if (t->ehlo != NULL)
		snprintf(ss->ehlo, sizeof(ss->ehlo), "%s", t->ehlo);
	else
		smtp_default_ehlo(ss->ehlo, sizeof(ss->ehlo), t->domain);
	if (smtp_connect(s, t->host, t->port, &no, &ctx->deadline) == -1) {
		result_problem(r, failure_state(ss, ctx),
			       "no connection to %s: %s", peer(ss, t),
			       s->error);
		return -1;
	}
	if (t->tls) {
		if (tls_check_handshake(&s->conn, &t->cert, &ss->tls_info,
					peer(ss, t), ctx, r, &s->net) == -1)
			return -1;
		ss->tls = true;
	}
	if (smtp_greeting(s) == -1) {
		result_problem(r, failure_state(ss, ctx),
			       "%s failed at the greeting: %s", peer(ss, t),
			       s->error);
		return -1;
	}
	if (s->reply.code != 220) {
		smtp_reply_line(&s->reply, reply, sizeof(reply));
		result_problem(r, STATE_CRITICAL, "%s greeted with %s",
			       peer(ss, t), reply);
		return -1;
	}
	ss->transaction_started = mono_now();
	if (smtp_ehlo(s, ss->ehlo) == -1) {
		smtp_check_refused(ss, ctx, r, "EHLO", -1);
		return -1;
	}
	if (smtp_class(s) != 2) {
		smtp_reply_line(&s->reply, reply, sizeof(reply));
		result_problem(r, STATE_CRITICAL, "%s refused %s: %s",
			       peer(ss, t), s->helo ? "EHLO and HELO" : "EHLO",
			       reply);
		return -1;
	}
	if (!t->tls)
		ss->plain_caps = s->caps;
	if ((t->starttls || t->opportunistic) && start_tls(ss, t, ctx, r) == -1)
		return -1;
	if (ss->tls && smtp_class(s) != 2) {
		smtp_check_refused(ss, ctx, r, "EHLO after STARTTLS",
				   s->reply.code ? 0 : -1);
		return -1;
	}
	return 0;
}

void
smtp_check_cert(struct smtp_session *ss, const struct smtp_target *t,
		struct result *r)
{
	if (ss->tls)
		tls_check_judge(&t->cert, &ss->tls_info, peer(ss, t), r);
}

void
smtp_check_refused(struct smtp_session *ss, const struct run_ctx *ctx,
		   struct result *r, const char *what, int rc)
{
	char reply[256];
	const char *host = ss->smtp.conn.peer;

	if (rc == -1) {
		result_problem(r, failure_state(ss, ctx), "%s failed at %s: %s",
			       host, what, ss->smtp.error);
		return;
	}
	smtp_reply_line(&ss->smtp.reply, reply, sizeof(reply));
	if (smtp_class(&ss->smtp) == 4)
		result_problem(r, STATE_WARNING,
			       "%s temporarily refused %s: %s", host, what,
			       reply);
	else
		result_problem(r, STATE_CRITICAL, "%s refused %s: %s", host,
			       what, reply);
}

int
smtp_check_envelope(struct smtp_session *ss, const struct run_ctx *ctx,
		    struct result *r, const char *from, const char *rcpt)
{
	struct smtp *s = &ss->smtp;
	char what[300];
	int rc;

	snprintf(what, sizeof(what), "MAIL FROM:<%.256s>", from);
	if ((rc = smtp_command(s, "%s", what)) == -1 || smtp_class(s) != 2) {
		smtp_check_refused(ss, ctx, r, what, rc);
		return -1;
	}
	if (rcpt == NULL)
		return 0;
	snprintf(what, sizeof(what), "RCPT TO:<%.256s>", rcpt);
	if ((rc = smtp_command(s, "%s", what)) == -1 || smtp_class(s) != 2) {
		smtp_check_refused(ss, ctx, r, what, rc);
		return -1;
	}
	return 0;
}

void
smtp_check_accepts(const struct smtp_target *t, const char *from,
		   const char *rcpt, const struct run_ctx *ctx,
		   struct result *r)
{
	struct smtp_session ss = {0};

	if (smtp_check_open(&ss, t, ctx, r) == 0) {
		if (smtp_check_envelope(&ss, ctx, r, from, rcpt) == 0)
			result_summary(r, "; %s accepts mail for <%s>",
				       ss.smtp.conn.peer, rcpt);
		smtp_command(&ss.smtp, "RSET");
	}
	smtp_check_close(&ss, ctx, r);
}

void
smtp_check_perf(struct smtp_session *ss, const struct run_ctx *ctx,
		struct result *r)
{
	double total = mono_now() - ss->started;
	double tx = ss->transaction_started > 0
			? mono_now() - ss->transaction_started
			: 0;

	result_perf(r, "connect", ss->smtp.conn.connect_seconds, "s", NULL,
		    NULL, 0, NAN);
	result_perf(r, "greeting", ss->smtp.greeting_seconds, "s", NULL, NULL,
		    0, NAN);
	result_perf(r, "transaction", tx, "s", NULL, NULL, 0, NAN);
	run_judge_time(ctx, r, "time", "", total);
	if (ss->tls)
		tls_check_perf(&ss->tls_info, r);
}

void
smtp_check_close(struct smtp_session *ss, const struct run_ctx *ctx,
		 struct result *r)
{
	smtp_close(&ss->smtp);
	run_transcript_lines(ctx, r, &ss->smtp.transcript);
	smtp_free(&ss->smtp);
}

const struct opt smtp_target_opts[] = {
    {"port", 'p', "PORT", "its SMTP port (default 25)",
     OPT_PORT_AT(struct smtp_target, port)},
    {"ehlo", 'e', "NAME",
     "the name to greet with (default: this host's name, with the domain "
     "when it has no dot)",
     OPT_STRING_AT(struct smtp_target, ehlo), .check = &opt_ehlo},
    {"source", 0, "ADDR", "connect from this local address",
     OPT_STRING_AT(struct smtp_target, source), .check = &opt_ip},
    OPT_END,
};

const struct opt smtp_tls_opts[] = {
    {"tls", 0, NULL, "implicit TLS (SMTPS, port 465)",
     OPT_FLAG_AT(struct smtp_target, tls), .flags = OPT_EXCLUSIVE},
    {"starttls", 'S', NULL, "STARTTLS is required",
     OPT_FLAG_AT(struct smtp_target, starttls)},
    TLS_CHECK_AT(struct smtp_target, cert),
    OPT_END,
};
