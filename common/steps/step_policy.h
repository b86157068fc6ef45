/*
 * step_policy.h - step 9: the domain's published policy.  SPF evaluated
 * for the site's static addresses and the smarthost's (RFC 7208), the
 * DKIM keys of the selectors given (RFC 6376, 8301), DMARC with the
 * external report destinations' consent (RFC 7489), MTA-STS with its
 * policy fetched over HTTPS and matched against the MX hosts (RFC 8461),
 * and TLS-RPT (RFC 8460): every lookup on one DNS server, under the
 * check's deadline.
 */
#ifndef IMSCHECK_STEP_POLICY_H
#define IMSCHECK_STEP_POLICY_H

#include <stdbool.h>

#include "core/options.h"
#include "core/result.h"
#include "core/run.h"

#define STEP_POLICY_LIST_MAX 16

struct step_policy_conf {
	const char *domain;
	const char *server; /* IP[:PORT], or NULL: the system resolver */
	const char *address[STEP_POLICY_LIST_MAX]; /* -a: static IPs */
	size_t naddress;
	const char *smarthost[STEP_POLICY_LIST_MAX]; /* IPs or names */
	size_t nsmarthost;
	const char *selector[STEP_POLICY_LIST_MAX]; /* DKIM selectors */
	size_t nselector;
	const char *ca_file; /* for the MTA-STS policy's server */
	bool no_spf, no_dmarc, no_mta_sts, no_tlsrpt;
};

/* What no option table can say: something left to check.  0 or -1. */
int step_policy_validate(const struct step_policy_conf *conf, char *err,
			 size_t errlen);

void step_policy_run(const struct step_policy_conf *conf,
		     const struct run_ctx *ctx, struct result *r);

#endif
