/*
 * step_imap.c - checklist step 3 over IMAP: the KB's POP3 clients are
 * IMAP clients today.
 *
 * Seen from outside: the IMAP server greets, offers STARTTLS when it is
 * required, refuses LOGIN before TLS, lets the user in and opens INBOX
 * (EXAMINE: read-only, nothing of the user's changes); the quota root of
 * INBOX is not too full; the mail service accepts the local mailbox; and
 * with --round-trip a probe sent over SMTP lands in INBOX, where it is
 * found by its header, verified, and removed by its UID alone.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "steps/step_imap.h"

#include "core/addr.h"
#include "core/diag.h"
#include "core/range.h"

#include "steps/imap_check.h"
#include "steps/probe_check.h"

/* A limit as perfdata's range ("80": above 80 alerts), or NULL. */
static const struct range *
limit_range(double limit, struct range *out)
{
	char text[32];

	if (isnan(limit))
		return NULL;
	snprintf(text, sizeof(text), "%g", limit);
	return range_parse(text, out) == 0 ? out : NULL;
}

/* The quota root of INBOX (RFC 9208) against --quota. */
static void
quota(struct imap_session *is, const struct step_imap_conf *conf,
      const struct run_ctx *ctx, struct result *r)
{
	struct imap *i = &is->imap;
	struct range w = {0}, c = {0};
	double used;
	int rc;

	if (!i->caps.quota) {
		result_problem(r, STATE_UNKNOWN,
			       "%s offers no QUOTA (RFC 9208): --quota cannot "
			       "be judged",
			       i->conn.peer);
		return;
	}
	if ((rc = imap_getquotaroot(i, "INBOX")) == -1 ||
	    i->status != IMAP_OK) {
		imap_check_refused(is, ctx, r, "GETQUOTAROOT INBOX", rc);
		return;
	}
	if (!i->quota.have_storage || i->quota.storage_limit == 0) {
		result_line(r, STATE_OK, "INBOX has no storage quota");
		return;
	}
	used = 100.0 * (double)i->quota.storage_used /
	       (double)i->quota.storage_limit;
	if (!isnan(conf->quota.crit) && used >= conf->quota.crit)
		result_problem(r, STATE_CRITICAL,
			       "INBOX is %.0f%% full (%llu of %llu KiB; "
			       "critical at %g%%)",
			       used, i->quota.storage_used,
			       i->quota.storage_limit, conf->quota.crit);
	else if (used >= conf->quota.warn)
		result_problem(r, STATE_WARNING,
			       "INBOX is %.0f%% full (%llu of %llu KiB; "
			       "warning at %g%%)",
			       used, i->quota.storage_used,
			       i->quota.storage_limit, conf->quota.warn);
	else
		result_summary(r, "; INBOX %.0f%% full", used);
	result_perf(r, "quota", round(used * 100) / 100, "%",
		    limit_range(conf->quota.warn, &w),
		    limit_range(conf->quota.crit, &c), 0, 100);
}

/*
 * The mailbox as a client finds it: greeting, STARTTLS, login, EXAMINE
 * INBOX, the quota; the certificate.  0, or -1 after a problem.
 */
static int
mailbox(const struct step_imap_conf *conf, const struct mailbox_target *t,
	const struct run_ctx *ctx, struct result *r, unsigned long *count,
	struct tls_info *ti)
{
	struct imap_session is = {0};
	int open = imap_check_open(&is, t, ctx, r), rc = -1;

	if (is.tls) /* a login refused over it: cert_days all the same */
		*ti = is.tls_info;
	if (open == 0) {
		if (is.tls)
			tls_check_judge(&t->cert, &is.tls_info,
					is.imap.conn.peer, r);
		if (is.login_in_clear)
			result_problem(r, STATE_WARNING,
				       "%s lets clients log in before TLS (no "
				       "LOGINDISABLED): passwords can cross "
				       "the network in clear",
				       is.imap.conn.peer);
		if (t->user == NULL ||
		    imap_check_inbox(&is, true, ctx, r) == 0) {
			mailbox_check_summary(t, is.imap.conn.peer, is.tls, r);
			*count = is.imap.box.exists;
			rc = 0;
		}
		if (rc == 0 && t->user != NULL && !isnan(conf->quota.warn))
			quota(&is, conf, ctx, r);
	}
	imap_check_close(&is, ctx, r);
	return rc;
}

void
step_imap_run(const struct step_imap_conf *conf, const struct run_ctx *ctx,
	      struct result *r)
{
	struct mailbox_target t = conf->imap; /* with the password loaded */
	unsigned long count = 0;
	bool counted = false;
	double started = mono_now(), delivery = NAN;
	struct tls_info ti = {0};

	if (t.user != NULL && mailbox_check_password(&t, r) == -1)
		return;
	if (mailbox(conf, &t, ctx, r, &count, &ti) == 0) {
		counted = t.user != NULL;
		delivery = delivery_check_run(&conf->delivery, &t, ctx, r);
	}
	run_judge_time(ctx, r, "time", "", mono_now() - started);
	if (counted)
		result_perf(r, "messages", (double)count, "", NULL, NULL, 0,
			    NAN);
	if (!isnan(delivery))
		result_perf(r, "delivery", delivery, "s", NULL, NULL, 0, NAN);
	tls_check_perf(&ti, r);
	explicit_bzero(t.password, sizeof(t.password));
}

int
step_imap_validate(struct step_imap_conf *conf, char *err, size_t errlen)
{
	conf->imap.proto = MAILBOX_IMAP;
	if (!isnan(conf->quota.warn) && conf->imap.user == NULL)
		return errorf(err, errlen, "--quota needs -u");
	return delivery_check_validate(&conf->delivery, &conf->imap, err,
				       errlen);
}
