/*
 * step_route.h - checklist step 5: the address space "*" has no routing
 * address: mail leaves through the smarthost with its recipient as it was.
 */
#ifndef IMSCHECK_STEP_ROUTE_H
#define IMSCHECK_STEP_ROUTE_H

#include "steps/mailbox_check.h"
#include "steps/smtp_check.h"

struct step_route_conf {
	struct smtp_target smtp; /* the mail service */
	const char *from;	 /* the probe's sender (default: rcpt) */
	const char *rcpt;	 /* an external probe mailbox */
	/* where it is read: --pop3 HOST[:PORT], or over IMAP: */
	struct mailbox_target mailbox;
	const char *imap_host; /* --imap HOST[:PORT] */
	unsigned imap_port;
	const char *via; /* the smarthost, as the headers name it */
};

int step_route_validate(struct step_route_conf *conf, char *err, size_t errlen);
void step_route_run(const struct step_route_conf *conf,
		    const struct run_ctx *ctx, struct result *r);

#endif
