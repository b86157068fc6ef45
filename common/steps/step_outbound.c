/*
 * step_outbound.c - checklist step 4: "verify that an SMTP entry exists for
 * the address space *".
 *
 * From inside, the service must accept a recipient in a foreign domain:
 * that is the route for "*".  From outside (--relay-test, or --source an
 * address the service does not trust) it must refuse every classic relay
 * trick.  Either way the transaction stops at RCPT: RSET, never DATA.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "steps/step_outbound.h"

#include "core/addr.h"
#include "core/diag.h"

#define ADDR_MAX	   300
#define VARIANTS_MAX	   16
#define VARIANTS_A_SESSION 8 /* stay below servers' soft error limits */

/* One relay attempt: an envelope the service must refuse. */
struct variant {
	const char *name;
	char from[ADDR_MAX];
	char rcpt[ADDR_MAX];
	enum state verdict;
	char reply[256];
	const char *stage; /* "MAIL" or "RCPT": where it ended */
};

static void variant(struct variant *v, size_t *n, const char *name,
		    const char *from, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
variant(struct variant *v, size_t *n, const char *name, const char *from,
	const char *fmt, ...)
{
	va_list ap;

	v += (*n)++;
	memset(v, 0, sizeof(*v));
	v->name = name;
	snprintf(v->from, sizeof(v->from), "%s", from);
	va_start(ap, fmt);
	vsnprintf(v->rcpt, sizeof(v->rcpt), fmt, ap);
	va_end(ap);
}

/*
 * The classic relay tests for recipient user@ext through a service of
 * domain D at address A: plain, null and spoofed senders, and the address
 * forms that once fooled relay checks.
 */
static size_t
build_variants(struct variant *v, const char *from, const char *rcpt,
	       const char *d, const char *a)
{
	const char *at = strrchr(rcpt, '@');
	const char *ext = at + 1;
	int ul = (int)(at - rcpt); /* length of the local part */
	char local[ADDR_MAX], literal[ADDR_MAX];
	size_t n = 0;

	snprintf(local, sizeof(local), "postmaster@%s", d);
	snprintf(literal, sizeof(literal), "postmaster@[%s]", a);
	variant(v, &n, "plain", from, "%s", rcpt);
	variant(v, &n, "null sender", "", "%s", rcpt);
	variant(v, &n, "local sender", local, "%s", rcpt);
	variant(v, &n, "IP-literal sender", literal, "%s", rcpt);
	variant(v, &n, "percent hack", from, "%.*s%%%s@%s", ul, rcpt, ext, d);
	variant(v, &n, "percent hack to the IP", from, "%.*s%%%s@[%s]", ul,
		rcpt, ext, a);
	variant(v, &n, "quoted", from, "\"%s\"", rcpt);
	variant(v, &n, "quoted, local domain", from, "\"%s\"@%s", rcpt, d);
	variant(v, &n, "double at", from, "%s@%s", rcpt, d);
	variant(v, &n, "source route", from, "@%s:%s", d, rcpt);
	variant(v, &n, "bang path", from, "%s!%.*s", ext, ul, rcpt);
	variant(v, &n, "bang path, local domain", from, "%s!%.*s@%s", ext, ul,
		rcpt, d);
	return n;
}

/* One attempt: MAIL and RCPT, then RSET; -1 when the session broke. */
static int
attempt(struct smtp_session *ss, struct variant *v)
{
	struct smtp *s = &ss->smtp;

	v->stage = "MAIL";
	if (smtp_command(s, "MAIL FROM:<%s>", v->from) == -1)
		return -1;
	if (smtp_class(s) == 2) {
		v->stage = "RCPT";
		if (smtp_command(s, "RCPT TO:<%s>", v->rcpt) == -1)
			return -1;
	}
	smtp_reply_line(&s->reply, v->reply, sizeof(v->reply));
	/* Accepted is only a RCPT accepted; 4xx may hide either answer. */
	v->verdict = smtp_class(s) == 2	  ? STATE_CRITICAL
		     : smtp_class(s) == 4 ? STATE_WARNING
					  : STATE_OK;
	return smtp_command(s, "RSET");
}

/*
 * Try every variant, a fresh session every VARIANTS_A_SESSION and after a
 * broken one.  0, or -1 after a problem in r.
 */
static int
run_variants(const struct step_outbound_conf *conf, const struct run_ctx *ctx,
	     struct result *r, struct smtp_session *ss, struct variant *v,
	     size_t n)
{
	bool fresh = true;

	for (size_t i = 0; i < n; i++) {
		int rc;

		if (!fresh) {
			double started = ss->started; /* the total spans all */

			smtp_check_close(ss, ctx, r);
			memset(ss, 0, sizeof(*ss));
			if (smtp_check_open(ss, &conf->target, ctx, r) == -1)
				return -1;
			ss->started = started;
		}
		if ((rc = attempt(ss, &v[i])) == -1 && v[i].reply[0] == '\0') {
			smtp_check_refused(ss, ctx, r, "the relay test", -1);
			return -1;
		}
		fresh = rc == 0 && (i + 1) % VARIANTS_A_SESSION != 0;
	}
	return 0;
}

/* Every attempt in the long output; the verdict on the status line. */
static void
report_variants(const struct step_outbound_conf *conf, struct result *r,
		const char *peer, const struct variant *v, size_t n)
{
	size_t accepted = 0, temporary = 0, len = 0;
	char names[256] = "";

	for (size_t i = 0; i < n; i++) {
		result_line(r, v[i].verdict,
			    "%s %s: MAIL FROM:<%s> RCPT TO:<%s>: %s",
			    v[i].verdict == STATE_CRITICAL  ? "accepted"
			    : v[i].verdict == STATE_WARNING ? "deferred"
							    : "refused",
			    v[i].name, v[i].from, v[i].rcpt, v[i].reply);
		if (v[i].verdict == STATE_WARNING)
			temporary++;
		if (v[i].verdict == STATE_CRITICAL && len < sizeof(names))
			len += (size_t)snprintf(
			    names + len, sizeof(names) - len, "%s%s",
			    accepted++ ? ", " : "", v[i].name);
	}
	if (accepted > 0)
		result_problem(r, STATE_CRITICAL,
			       "%s is an open relay: accepted %zu of %zu relay "
			       "attempts (%s)",
			       peer, accepted, n, names);
	else if (temporary > 0)
		result_problem(r, STATE_WARNING,
			       "%s deferred %zu of %zu relay attempts with 4xx",
			       peer, temporary, n);
	else
		result_summary(
		    r, "%s refused all %zu relay attempts from %s", peer, n,
		    conf->target.source ? conf->target.source : "this host");
}

static void
relay_test(const struct step_outbound_conf *conf, const struct run_ctx *ctx,
	   struct result *r, struct smtp_session *ss)
{
	struct variant v[VARIANTS_MAX];
	const char *from = conf->from ? conf->from : conf->rcpt;
	size_t n = build_variants(v, from, conf->rcpt, conf->target.domain,
				  ss->smtp.conn.addr);

	if (run_variants(conf, ctx, r, ss, v, n) == 0)
		report_variants(conf, r, ss->smtp.conn.peer, v, n);
}

/* From inside: the route for "*" takes a foreign recipient. */
static void
route_test(const struct step_outbound_conf *conf, const struct run_ctx *ctx,
	   struct result *r, struct smtp_session *ss)
{
	struct smtp *s = &ss->smtp;
	char from[ADDR_MAX], what[ADDR_MAX + 16];
	int rc;

	if (conf->from != NULL)
		snprintf(from, sizeof(from), "%s", conf->from);
	else
		snprintf(from, sizeof(from), "postmaster@%s",
			 conf->target.domain);
	snprintf(what, sizeof(what), "MAIL FROM:<%s>", from);
	if ((rc = smtp_command(s, "%s", what)) == -1 || smtp_class(s) != 2) {
		smtp_check_refused(ss, ctx, r, what, rc);
		return;
	}
	snprintf(what, sizeof(what), "RCPT TO:<%.256s>", conf->rcpt);
	if ((rc = smtp_command(s, "%s", what)) == -1 || smtp_class(s) != 2) {
		smtp_check_refused(ss, ctx, r, what, rc);
		if (rc == 0 && smtp_class(s) == 5)
			result_line(r, STATE_CRITICAL,
				    "mail for external domains has no route "
				    "(address space *)");
		return;
	}
	smtp_command(s, "RSET");
	result_summary(r, "%s routes mail for %s out (accepted from <%s>)",
		       s->conn.peer, strchr(conf->rcpt, '@') + 1, from);
}

void
step_outbound_run(const struct step_outbound_conf *conf,
		  const struct run_ctx *ctx, struct result *r)
{
	struct smtp_session ss = {0};

	if (smtp_check_open(&ss, &conf->target, ctx, r) == 0) {
		if (conf->relay_test)
			relay_test(conf, ctx, r, &ss);
		else
			route_test(conf, ctx, r, &ss);
	}
	smtp_check_perf(&ss, ctx, r);
	smtp_check_close(&ss, ctx, r);
}
