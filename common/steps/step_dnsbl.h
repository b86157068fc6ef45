/*
 * step_dnsbl.h - step 10: reputation.  The site's static IPs and the
 * smarthost's addresses asked of each DNS blocklist (RFC 5782), every
 * list first proven by its test entries, listings counted against -w/-c.
 */
#ifndef IMSCHECK_STEP_DNSBL_H
#define IMSCHECK_STEP_DNSBL_H

#include "core/options.h"
#include "core/range.h"
#include "core/result.h"
#include "core/run.h"

#define STEP_DNSBL_ADDRS_MAX 16
#define STEP_DNSBL_LISTS_MAX 32

/* -w/-c on the number of listings, not on seconds. */
struct dnsbl_thresholds {
	struct range warn;
	struct range crit;
};

extern const struct opt step_dnsbl_thresholds[];
#define DNSBL_THRESHOLDS_AT(s, f)                                              \
	OPT_GROUP_AT(struct dnsbl_thresholds, s, f, step_dnsbl_thresholds)

struct step_dnsbl_conf {
	const char *server; /* IP[:PORT], or NULL: the system resolver */
	const char *address[STEP_DNSBL_ADDRS_MAX];
	size_t naddress;
	const char *smarthost[STEP_DNSBL_ADDRS_MAX];
	size_t nsmarthost;
	const char *list[STEP_DNSBL_LISTS_MAX]; /* zones */
	size_t nlist;
	struct dnsbl_thresholds limits;
};

/* The defaults before options: a listing warns, two are critical. */
void step_dnsbl_defaults(struct step_dnsbl_conf *conf);

int step_dnsbl_validate(const struct step_dnsbl_conf *conf, char *err,
			size_t errlen);

void step_dnsbl_run(const struct step_dnsbl_conf *conf,
		    const struct run_ctx *ctx, struct result *r);

#endif
