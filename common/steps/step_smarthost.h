/*
 * step_smarthost.h - checklist step 2: mail is forwarded to the ISP's
 * relay (the smarthost), given by IP; the ISP's DNS servers answer for the
 * site's domain.
 */
#ifndef IMSCHECK_STEP_SMARTHOST_H
#define IMSCHECK_STEP_SMARTHOST_H

#include "proto/dns.h"

#include "steps/smtp_check.h"

struct step_smarthost_conf {
	struct smtp_target target;
	const char *from; /* default postmaster@DOMAIN */
	const char *rcpt; /* optional */
	const char *dns[DNS_SERVERS_MAX];
	size_t ndns;
	bool allow_name;
};

int step_smarthost_validate(struct step_smarthost_conf *conf, char *err,
			    size_t errlen);
void step_smarthost_run(const struct step_smarthost_conf *conf,
			const struct run_ctx *ctx, struct result *r);

#endif
