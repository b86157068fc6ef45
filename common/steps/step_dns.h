/*
 * step_dns.h - checklist step 1: the domain's MX records, the MX hosts'
 * addresses, the static IP among them, and their reverse DNS.
 */
#ifndef IMSCHECK_STEP_DNS_H
#define IMSCHECK_STEP_DNS_H

#include <stdbool.h>

#include "core/result.h"
#include "core/options.h"
#include "core/run.h"

#include "proto/dns.h"

#define STEP_DNS_LIST_MAX 16

struct step_dns_conf {
	const char *domain;
	const char *address[STEP_DNS_LIST_MAX]; /* expected static IPs */
	size_t naddress;
	const char *mx[STEP_DNS_LIST_MAX]; /* expected MX hosts */
	size_t nmx;
	const char *server[DNS_SERVERS_MAX]; /* servers to ask */
	size_t nserver;
	bool no_reverse;
	bool allow_private;
	bool dnssec;		      /* --dnssec: answers must carry AD */
	struct opt_limits rrsig_days; /* --rrsig-days W[,C] */
};

void step_dns_run(const struct step_dns_conf *conf, const struct run_ctx *ctx,
		  struct result *r);

#endif
