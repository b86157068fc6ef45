/*
 * step_tcpip.h - checklist step 6, run on the mail host itself: its host
 * name and domain, the DNS servers of resolv.conf in their search order,
 * the FQDN's address and PTR, and the name the local SMTP service greets
 * with.
 */
#ifndef IMSCHECK_STEP_TCPIP_H
#define IMSCHECK_STEP_TCPIP_H

#include <stdbool.h>

#include "core/addr.h"
#include "core/result.h"
#include "core/run.h"

#include "proto/dns.h"

#define STEP_TCPIP_RESOLV_CONF "/etc/resolv.conf"

struct step_tcpip_conf {
	const char *hostname;		  /* -n: expected host name (or FQDN) */
	const char *domain;		  /* -D: expected domain */
	const char *dns[DNS_SERVERS_MAX]; /* -s: required, in search order */
	size_t ndns;
	const char *resolv_conf; /* NULL: STEP_TCPIP_RESOLV_CONF */
	const char *address[1];	 /* -a: the FQDN's address (a list in the
				    profile, like step 1's) */
	size_t naddress;
	const char *smtp_host; /* --smtp HOST[:PORT] */
	unsigned smtp_port;

	/* Filled by step_tcpip_validate(). */
	char dns_canon[DNS_SERVERS_MAX][ADDR_TEXT_MAX];
	char address_canon[ADDR_TEXT_MAX];
};

int step_tcpip_validate(struct step_tcpip_conf *conf, char *err, size_t errlen);
void step_tcpip_run(const struct step_tcpip_conf *conf,
		    const struct run_ctx *ctx, struct result *r);

#endif
