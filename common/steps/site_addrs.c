/*
 * site_addrs.c - the site's sending addresses, from -a and --smarthost.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "steps/site_addrs.h"

static void
add(struct site_addrs *out, const char *addr, const char *role)
{
	char canon[ADDR_TEXT_MAX];

	if (addr_canon(addr, canon, sizeof(canon)) == -1)
		return;
	for (size_t i = 0; i < out->n; i++)
		if (strcmp(out->a[i].addr, canon) == 0)
			return;
	if (out->n == SITE_ADDRS_MAX) {
		out->dropped++;
		return;
	}
	snprintf(out->a[out->n].addr, sizeof(out->a[0].addr), "%s", canon);
	snprintf(out->a[out->n].role, sizeof(out->a[0].role), "%s", role);
	out->n++;
}

/* A smarthost given by name: how many addresses, -1 if a lookup failed. */
static int
add_host(struct site_addrs *out, const char *host, struct dns_memo *memo,
	 const struct run_ctx *ctx, struct result *r)
{
	const enum dns_type types[] = {DNS_T_A, DNS_T_AAAA};
	const int families[] = {AF_INET, AF_INET6};
	char role[sizeof(out->a[0].role)];
	int found = 0;

	snprintf(role, sizeof(role), "smarthost %s", host);
	for (size_t k = 0; k < 2; k++)
		if (ctx->family == AF_UNSPEC || ctx->family == families[k])
			dns_memo_prefetch(memo, host, types[k]);
	for (size_t k = 0; k < 2; k++) {
		const struct dns_query *q;

		if (ctx->family != AF_UNSPEC && ctx->family != families[k])
			continue;
		q = dns_memo_ask(memo, host, types[k]);
		if (q->status != DNS_ANSWER && q->status != DNS_NODATA &&
		    q->status != DNS_NXDOMAIN) {
			result_problem(
			    r, run_failure_state(ctx, q->status == DNS_TIMEOUT),
			    "smarthost %s: %s %s", host, dns_type_name(q->type),
			    dns_status_name(q->status));
			found = -1;
			continue;
		}
		for (size_t i = 0; q->status == DNS_ANSWER && i < q->nrr; i++)
			add(out, q->rr[i].text, role);
		if (found >= 0 && q->status == DNS_ANSWER)
			found += (int)q->nrr;
	}
	return found;
}

void
site_addrs_collect(struct site_addrs *out, const char *const *address,
		   size_t naddress, const char *const *smarthost,
		   size_t nsmarthost, struct dns_memo *memo,
		   const struct run_ctx *ctx, struct result *r)
{
	out->n = out->dropped = 0;
	for (size_t i = 0; i < naddress; i++)
		add(out, address[i], "static IP");
	for (size_t i = 0; i < nsmarthost; i++) {
		if (addr_canon(smarthost[i], (char[ADDR_TEXT_MAX]){0},
			       ADDR_TEXT_MAX) != -1) {
			add(out, smarthost[i], "smarthost");
			continue;
		}
		if (add_host(out, smarthost[i], memo, ctx, r) == 0)
			result_problem(r, STATE_CRITICAL,
				       "smarthost %s has no address",
				       smarthost[i]);
	}
}

struct dns_memo *
site_memo_open(const char *server, const struct run_ctx *ctx, struct result *r,
	       struct dns **dns)
{
	const char *servers[1] = {server};
	struct dns_memo *memo = NULL;
	char err[256];

	*dns =
	    dns_open(servers, server ? 1 : 0, &ctx->deadline, err, sizeof(err));
	if (*dns != NULL && (memo = dns_memo_open(*dns, 0)) != NULL)
		return memo;
	result_fail(r, STATE_UNKNOWN, "%s", *dns ? "out of memory" : err);
	dns_close(*dns);
	*dns = NULL;
	return NULL;
}

void
site_memo_close(struct dns_memo *memo, struct dns *dns)
{
	dns_memo_close(memo);
	dns_close(dns);
}
