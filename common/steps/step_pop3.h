/*
 * step_pop3.h - checklist step 3: POP3 clients read local mailboxes, and
 * incoming SMTP mail is rerouted into them.
 */
#ifndef IMSCHECK_STEP_POP3_H
#define IMSCHECK_STEP_POP3_H

#include "steps/pop3_check.h"
#include "steps/smtp_check.h"

struct step_pop3_conf {
	struct mailbox_target pop3;
	struct smtp_target smtp; /* --smtp HOST[:PORT] */
	const char *rcpt;	 /* a local mailbox the service must accept */
	const char *from;	 /* the probe's sender (default: rcpt) */
	bool round_trip;
};

int step_pop3_validate(struct step_pop3_conf *conf, char *err, size_t errlen);
void step_pop3_run(const struct step_pop3_conf *conf, const struct run_ctx *ctx,
		   struct result *r);

#endif
