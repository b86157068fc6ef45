/*
 * sts_check.h - a domain's MTA-STS policy as its senders find it (RFC
 * 8461 3): the _mta-sts TXT record, mta-sts.DOMAIN's addresses from the
 * check's own DNS server, the policy fetched over HTTPS (libcurl) and
 * parsed.  check_ims_policy judges the policy it finds; check_ims_mx
 * --mta-sts judges every MX session against it.
 */
#ifndef IMSCHECK_STS_CHECK_H
#define IMSCHECK_STS_CHECK_H

#include <stdbool.h>

#include "core/result.h"
#include "core/run.h"

#include "proto/dns.h"
#include "proto/mtasts.h"

enum sts_found {
	STS_UNPUBLISHED, /* no _mta-sts record (nothing said) */
	STS_FAILED,	 /* no policy to apply: the reason is in the result */
	STS_POLICY,	 /* the policy, valid */
};

struct sts_check {
	/* In. */
	const char *domain;
	const char *ca_file; /* NULL: SSL_CERT_FILE/DIR, or the system's */

	/* Out. */
	bool published; /* a record at _mta-sts.DOMAIN, valid or not */
	struct mtasts_txt txt;
	struct mtasts_policy policy;
};

/* Ask ahead on memo: the TXT record and mta-sts.DOMAIN's addresses. */
void sts_check_prefetch(const struct sts_check *s, struct dns_memo *memo,
			int family);

/*
 * Find the policy: the record (an OK line with its id), the addresses of
 * the families ctx allows, the fetch under ctx's deadline (perfdata
 * mta_sts_time, the response headers with -vvv) and the parse (an OK
 * line with the mode, max_age and the number of mx patterns).  Every
 * reason there is no policy (several records, a bad record, no address,
 * the fetch, the parse) is a problem in r: CRITICAL, or the -t state for
 * a timeout.
 */
enum sts_found sts_check_find(struct sts_check *s, struct dns_memo *memo,
			      const struct run_ctx *ctx, struct result *r);

#endif
