/*
 * step_mx.h - step 7, inbound: every MX host of the domain, every address
 * of each, takes the domain's mail over STARTTLS with a certificate its
 * senders accept (PKIX for the MX name, or DANE per RFC 7672), and greets
 * with the name its PTR record gives; with --mta-sts, as the domain's
 * MTA-STS policy (RFC 8461) wants it.
 */
#ifndef IMSCHECK_STEP_MX_H
#define IMSCHECK_STEP_MX_H

#include <stdbool.h>

#include "core/options.h"
#include "core/result.h"
#include "core/run.h"

#include "steps/smtp_check.h"

#define STEP_MX_RCPT_MAX 320

struct step_mx_conf {
	const char *domain;
	const char *server; /* IP[:PORT], or NULL: the system resolver */
	/* -p (25), -e, --source, -S, and the certificate options */
	struct smtp_target target;
	const char *rcpt;    /* NULL: postmaster@DOMAIN */
	bool dane;	     /* --dane: every MX host has secure TLSA records */
	bool catch_all_test; /* a random local part must be refused */
	bool mta_sts;	     /* every MX as the MTA-STS policy wants it */
	char default_rcpt[STEP_MX_RCPT_MAX];
};

/*
 * The defaults the options leave (the port, the recipient), and what the
 * table cannot say (--mta-sts judges verified certificates: not with
 * --no-verify).  0 or -1.
 */
int step_mx_validate(struct step_mx_conf *conf, char *err, size_t errlen);

void step_mx_run(const struct step_mx_conf *conf, const struct run_ctx *ctx,
		 struct result *r);

#endif
