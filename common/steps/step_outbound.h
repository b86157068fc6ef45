/*
 * step_outbound.h - checklist step 4: an SMTP address space "*" routes
 * mail for every external domain out; and, seen from outside, the service
 * is no open relay.
 */
#ifndef IMSCHECK_STEP_OUTBOUND_H
#define IMSCHECK_STEP_OUTBOUND_H

#include "steps/smtp_check.h"

struct step_outbound_conf {
	struct smtp_target target;
	const char *from; /* an internal sender (default postmaster@DOMAIN) */
	const char *rcpt; /* an external recipient (required) */
	bool relay_test;
};

void step_outbound_run(const struct step_outbound_conf *conf,
		       const struct run_ctx *ctx, struct result *r);

#endif
