/*
 * step_imap.h - checklist step 3 for the mailbox clients of today: IMAP
 * clients read the local mailboxes, and incoming SMTP mail reaches them.
 */
#ifndef IMSCHECK_STEP_IMAP_H
#define IMSCHECK_STEP_IMAP_H

#include "core/options.h"

#include "steps/mailbox_check.h"
#include "steps/probe_check.h"

struct step_imap_conf {
	struct mailbox_target imap;
	struct delivery_check delivery; /* --smtp, --rcpt, --round-trip */
	struct opt_limits quota; /* --quota W[,C]: percent of INBOX's root */
};

int step_imap_validate(struct step_imap_conf *conf, char *err, size_t errlen);
void step_imap_run(const struct step_imap_conf *conf, const struct run_ctx *ctx,
		   struct result *r);

#endif
