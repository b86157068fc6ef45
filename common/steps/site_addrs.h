/*
 * site_addrs.h - the addresses a site sends from, as steps 9 and 10 judge
 * them: the static IPs given with -a, and the smarthost's, given by IP or
 * by name (then its A and AAAA records, asked of the check's DNS server);
 * and the lookups those steps share over a memo on one DNS server.
 */
#ifndef IMSCHECK_SITE_ADDRS_H
#define IMSCHECK_SITE_ADDRS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/addr.h"
#include "core/result.h"
#include "core/run.h"

#include "proto/dns.h"

#define SITE_ADDRS_MAX 32

struct site_addr {
	char addr[ADDR_TEXT_MAX];     /* canonical */
	char role[DNS_NAME_MAX + 16]; /* "static IP", "smarthost NAME" */
};

struct site_addrs {
	struct site_addr a[SITE_ADDRS_MAX];
	size_t n;
	size_t dropped; /* beyond SITE_ADDRS_MAX */
};

/*
 * The DNS of steps 9 and 10: one channel on server (NULL: the system
 * resolver) under the run's deadline, and a memo on it.  NULL after the
 * result has failed UNKNOWN with the reason; site_memo_close() ends both.
 */
struct dns_memo *site_memo_open(const char *server, const struct run_ctx *ctx,
				struct result *r, struct dns **dns);
void site_memo_close(struct dns_memo *memo, struct dns *dns);

/*
 * host's addresses of the families family allows (AF_UNSPEC: both),
 * asked at once through memo: how many were put in addrs (at most max).
 * failed[0] is the A lookup and failed[1] the AAAA lookup that did not
 * answer (SERVFAIL, a timeout), NULL where it answered or was not asked.
 */
size_t site_host_addrs(struct dns_memo *memo, const char *host, int family,
		       char addrs[][ADDR_TEXT_MAX], size_t max,
		       const struct dns_query *failed[2]);

/*
 * Collect the addresses, each once: -a's, then the smarthosts'; a name
 * is resolved through memo (family: AF_UNSPEC, AF_INET or AF_INET6).  A
 * smarthost name without an address, or whose lookup failed, is a
 * problem in r.
 */
void site_addrs_collect(struct site_addrs *out, const char *const *address,
			size_t naddress, const char *const *smarthost,
			size_t nsmarthost, struct dns_memo *memo,
			const struct run_ctx *ctx, struct result *r);

/*
 * The TXT records at name that is() takes for the record (v=spf1,
 * v=DMARC1...): how many, *first the first of them; or -1 when the lookup
 * failed, after the problem "WHAT: TXT NAME: STATUS" in r.
 */
long site_txt_records(struct dns_memo *memo, const char *name,
		      bool (*is)(const char *, size_t), const char *what,
		      const struct run_ctx *ctx, struct result *r,
		      const struct dns_txt **first);

#endif
