/*
 * probe_check.h - a probe's round trip as steps 3 and 5 run it: send it
 * through the mail service over SMTP, then read the mailbox over POP3 or
 * IMAP (the target's proto), session after session, until it arrives or the
 * deadline passes; delete it, and our own stale probes of runs that have ended,
 * and nothing else: a message is deleted only when its token verifies for that
 * very message (proto/probe.h), whatever its headers look like.
 */
#ifndef IMSCHECK_PROBE_CHECK_H
#define IMSCHECK_PROBE_CHECK_H

#include "proto/probe.h"

#include "steps/imap_check.h"
#include "steps/mailbox_check.h"
#include "steps/pop3_check.h"
#include "steps/smtp_check.h"

#define PROBE_SCAN_MAX 10000 /* messages of a mailbox looked at */

struct probe_trip {
	struct probe probe;
	const char *key; /* the mailbox's password: the token's key */
	double sent;	 /* monotonic, when DATA was accepted */
	bool found;
	bool altered;	 /* found, but not as sent: left in the mailbox */
	double delivery; /* seconds from sent to found */
	struct probe_headers headers;
	size_t swept;			/* stale probes of ours deleted */
	size_t sessions;		/* sessions it took */
	unsigned long messages, octets; /* STAT of the first session (IMAP:
					   EXISTS, and no octets) */
	/*
	 * IMAP without UIDPLUS: the probe was flagged \Deleted but not
	 * expunged (EXPUNGE would take the user's own \Deleted messages).
	 */
	bool unexpunged;
};

/*
 * Start a trip: a probe for the mailbox t (its password loaded: the
 * token's key, kept by pointer) from this run, which ends at ctx's
 * deadline: the probe is stale, for any later run to sweep, only after
 * that.  0, or -1 after a problem in r.
 */
int probe_check_new(struct probe_trip *trip, const struct mailbox_target *t,
		    const struct run_ctx *ctx, struct result *r);

/*
 * Before sending: one session that logs in, counts the messages (STAT, or
 * SELECT's EXISTS) and sweeps stale probes of ours, so that no probe is
 * sent to a mailbox that cannot be read; over TLS, the mailbox's
 * certificate is judged (t->cert).  0, or -1 after a problem in r.
 */
int probe_check_prepare(struct probe_trip *trip, const struct mailbox_target *t,
			const struct run_ctx *ctx, struct result *r);

/*
 * Send the probe from -> rcpt through the SMTP target.  0, or -1 after a
 * problem in r.
 */
int probe_check_send(struct probe_trip *trip, const struct smtp_target *t,
		     const char *from, const char *rcpt,
		     const struct run_ctx *ctx, struct result *r);

/*
 * Read the mailbox until the probe arrives or the deadline passes.  Stale
 * probes of ours (their runs have ended) are deleted on the way; probes of
 * runs still going, and messages that only carry a copy of a token, are
 * never touched.  0 (see trip->found), or -1 after a problem in r.
 */
int probe_check_wait(struct probe_trip *trip, const struct mailbox_target *t,
		     const struct run_ctx *ctx, struct result *r);

/*
 * What step 3 asks of incoming mail, whichever protocol reads the
 * mailbox: --smtp, --rcpt, -f and --round-trip, for a table
 * (DELIVERY_CHECK_AT).
 */
struct delivery_check {
	struct smtp_target smtp; /* --smtp HOST[:PORT] */
	const char *rcpt;	 /* a local mailbox the service must accept */
	const char *from;	 /* the probe's sender (default: rcpt) */
	bool round_trip;
};

extern const struct opt delivery_check_opts[];
#define DELIVERY_CHECK_AT(s, f)                                                \
	OPT_GROUP_AT(struct delivery_check, s, f, delivery_check_opts)

/*
 * The options together, for the mailbox t (its --source serves SMTP too):
 * 0, or -1 with the reason in err.
 */
int delivery_check_validate(struct delivery_check *d,
			    const struct mailbox_target *t, char *err,
			    size_t errlen);

/*
 * Once the mailbox answered: the service accepts --rcpt
 * (smtp_check_accepts), or with --round-trip the probe's round trip:
 * its delivery seconds, NAN when there was none.
 */
double delivery_check_run(const struct delivery_check *d,
			  const struct mailbox_target *t,
			  const struct run_ctx *ctx, struct result *r);

/*
 * The whole round trip as step 3 runs it: a probe sent from -> rcpt
 * through smtp and waited for in the mailbox t: its delivery seconds
 * ("; probe delivered ..." in the summary), or NAN after a problem in r
 * (late: the timeout's state).
 */
double probe_check_round_trip(const struct smtp_target *smtp,
			      const struct mailbox_target *t, const char *from,
			      const char *rcpt, const struct run_ctx *ctx,
			      struct result *r);

#endif
