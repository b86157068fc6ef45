/*
 * smtp_check.h - what the SMTP steps share: opening a session to the
 * server under test (connect, implicit TLS or STARTTLS, greeting, EHLO),
 * judging a refused command, the certificate, timing perfdata and the
 * -vvv transcript.  Every failure ends up in the result as one line that
 * names the server, the stage and the server's own words.
 */
#ifndef IMSCHECK_SMTP_CHECK_H
#define IMSCHECK_SMTP_CHECK_H

#include <math.h>
#include <stdbool.h>

#include "core/options.h"
#include "core/result.h"
#include "core/run.h"

#include "proto/smtp.h"

#include "steps/tls_check.h"

struct smtp_target {
	const char *host;
	unsigned port;
	const char *source; /* --source */
	const char *ehlo;   /* NULL: smtp_default_ehlo() */
	const char *domain; /* for the default EHLO name */
	bool tls;	    /* implicit TLS */
	bool starttls;	    /* STARTTLS required */
	bool opportunistic; /* STARTTLS when offered (an MX's senders) */
	struct tls_check cert;
	const char *tls_name; /* for SNI and the name check; NULL: host */
	const struct dns_tlsa *tlsa; /* DANE: secure TLSA records */
	size_t ntlsa;
};

/*
 * The target's options for a table, but -H and -D, which each plugin says
 * in its own words (and may require): -p, -e, --source (SMTP_TARGET_AT);
 * and how TLS is used: --tls or -S, and the certificate options
 * (SMTP_TLS_AT).
 */
extern const struct opt smtp_target_opts[];
extern const struct opt smtp_tls_opts[];
#define SMTP_TARGET_AT(s, f)                                                   \
	OPT_GROUP_AT(struct smtp_target, s, f, smtp_target_opts)
#define SMTP_TLS_AT(s, f) OPT_GROUP_AT(struct smtp_target, s, f, smtp_tls_opts)

/* What a session learnt, for perfdata and the summary. */
struct smtp_session {
	struct smtp smtp;
	char ehlo[256];
	bool tls; /* TLS runs on the connection */
	struct tls_info tls_info;
	/* What the EHLO said in plaintext (before STARTTLS); none with --tls */
	struct smtp_caps plain_caps;
	double started; /* monotonic, before connecting */
	double transaction_started;
};

/*
 * Connect, start TLS as asked (required, or when offered with
 * t->opportunistic), read the greeting and say EHLO (and EHLO again after
 * STARTTLS).  Returns 0, or -1 after failing r with the reason.
 */
int smtp_check_open(struct smtp_session *ss, const struct smtp_target *t,
		    const struct run_ctx *ctx, struct result *r);

/*
 * Judge the certificate of a TLS session: expiry, verification and the
 * --certificate-days thresholds; adds the cert_days perfdata.
 */
void smtp_check_cert(struct smtp_session *ss, const struct smtp_target *t,
		     struct result *r);

/*
 * Fail r because a command got no usable reply (network, protocol) or was
 * refused: WARNING for 4xx, CRITICAL for 5xx.  what is the command as
 * shown to the user, e.g. "MAIL FROM:<a@b>".
 */
void smtp_check_refused(struct smtp_session *ss, const struct run_ctx *ctx,
			struct result *r, const char *what, int rc);

/*
 * MAIL FROM:<from> and, when rcpt is not NULL, RCPT TO:<rcpt>: 0 when the
 * server took both, -1 after failing r as smtp_check_refused() does.
 */
int smtp_check_envelope(struct smtp_session *ss, const struct run_ctx *ctx,
			struct result *r, const char *from, const char *rcpt);

/*
 * A session of its own that offers MAIL FROM:<from> and RCPT TO:<rcpt>,
 * then RSET (no message): "; PEER accepts mail for <rcpt>" in the summary,
 * or the refusal in r.
 */
void smtp_check_accepts(const struct smtp_target *t, const char *from,
			const char *rcpt, const struct run_ctx *ctx,
			struct result *r);

/* The time a session took: connect, greeting, transaction, total. */
void smtp_check_perf(struct smtp_session *ss, const struct run_ctx *ctx,
		     struct result *r);

/* QUIT, the -vvv transcript into long output, and free. */
void smtp_check_close(struct smtp_session *ss, const struct run_ctx *ctx,
		      struct result *r);

#endif
