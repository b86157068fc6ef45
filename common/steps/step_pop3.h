/*
 * step_pop3.h - checklist step 3: POP3 clients read local mailboxes, and
 * incoming SMTP mail is rerouted into them.
 */
#ifndef IMSCHECK_STEP_POP3_H
#define IMSCHECK_STEP_POP3_H

#include "steps/mailbox_check.h"
#include "steps/probe_check.h"

struct step_pop3_conf {
	struct mailbox_target pop3;
	struct delivery_check delivery; /* --smtp, --rcpt, --round-trip */
};

int step_pop3_validate(struct step_pop3_conf *conf, char *err, size_t errlen);
void step_pop3_run(const struct step_pop3_conf *conf, const struct run_ctx *ctx,
		   struct result *r);

#endif
