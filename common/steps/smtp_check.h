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

#include "core/plugin.h"
#include "core/run.h"
#include "core/result.h"
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
	struct tls_check cert;
};

/* Keys of the shared long-only options. */
enum {
	SMTP_KEY_SOURCE = PLUGIN_KEY_LONG + 100,
	SMTP_KEY_TLS,
};

/* Option table entries for the target, shared by the SMTP plugins. */
#define SMTP_TARGET_OPTS(what)                                                 \
	{"host", 'H', "ADDR", what " (name or IP address; required)", false},  \
	    {"port", 'p', "PORT", "its SMTP port (default 25)", false},        \
	    {"domain", 'D', "DOMAIN", "the site's mail domain", false},        \
	    {"ehlo", 'e', "NAME",                                              \
	     "the name to greet with (default: this host's name, with the "    \
	     "domain when it has no dot)",                                     \
	     false},                                                           \
	{                                                                      \
		"source", SMTP_KEY_SOURCE, "ADDR",                             \
		    "connect from this local address", false                   \
	}

#define SMTP_TLS_OPTS                                                          \
	{"starttls", 'S', NULL, "STARTTLS is required", false},                \
	    {"tls", SMTP_KEY_TLS, NULL, "implicit TLS (SMTPS, port 465)",      \
	     false},                                                           \
	    TLS_CHECK_OPTS

/*
 * Apply one of the shared options to t: 0 when applied, -1 on a bad
 * value (err says why), 1 when key is not one of them.
 */
int smtp_check_set(struct smtp_target *t, int key, const char *arg, char *err,
		   size_t errlen);

/* What a session learnt, for perfdata and the summary. */
struct smtp_session {
	struct smtp smtp;
	char ehlo[256];
	bool tls; /* TLS runs on the connection */
	struct tls_info tls_info;
	double started; /* monotonic, before connecting */
	double transaction_started;
};

/*
 * Connect, start TLS as asked, read the greeting and say EHLO (and EHLO
 * again after STARTTLS).  Returns 0, or -1 after failing r with the reason.
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

/* The time a session took: connect, greeting, transaction, total. */
void smtp_check_perf(struct smtp_session *ss, const struct run_ctx *ctx,
		     struct result *r);

/* QUIT, the -vvv transcript into long output, and free. */
void smtp_check_close(struct smtp_session *ss, const struct run_ctx *ctx,
		      struct result *r);

/* The target's host, source, EHLO name and domain make sense. */
int smtp_check_validate_target(const struct smtp_target *t, char *err,
			       size_t errlen);

/* An address for MAIL FROM or RCPT TO: no spaces, brackets or controls. */
int smtp_check_address(const char *opt, const char *addr, char *err,
		       size_t errlen);

#endif
