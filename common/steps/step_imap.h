/*
 * step_imap.h - checklist step 3 for the mailbox clients of today: IMAP
 * clients read the local mailboxes, and incoming SMTP mail reaches them.
 */
#ifndef IMSCHECK_STEP_IMAP_H
#define IMSCHECK_STEP_IMAP_H

#include "core/options.h"

#include "steps/mailbox_check.h"
#include "steps/smtp_check.h"

struct step_imap_conf {
	struct mailbox_target imap;
	struct smtp_target smtp; /* --smtp HOST[:PORT] */
	const char *rcpt;	 /* a local mailbox the service must accept */
	const char *from;	 /* the probe's sender (default: rcpt) */
	bool round_trip;
	struct opt_limits quota; /* --quota W[,C]: percent of INBOX's root */
};

int step_imap_validate(struct step_imap_conf *conf, char *err, size_t errlen);
void step_imap_run(const struct step_imap_conf *conf, const struct run_ctx *ctx,
		   struct result *r);

#endif
