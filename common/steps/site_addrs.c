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

size_t
site_host_addrs(struct dns_memo *memo, const char *host, int family,
		char addrs[][ADDR_TEXT_MAX], size_t max,
		const struct dns_query *failed[2])
{
	const enum dns_type types[] = {DNS_T_A, DNS_T_AAAA};
	const int families[] = {AF_INET, AF_INET6};
	size_t n = 0;

	for (size_t k = 0; k < 2; k++)
		if (family == AF_UNSPEC || family == families[k])
			dns_memo_prefetch(memo, host, types[k]);
	for (size_t k = 0; k < 2; k++) {
		const struct dns_query *q;

		failed[k] = NULL;
		if (family != AF_UNSPEC && family != families[k])
			continue;
		q = dns_memo_ask(memo, host, types[k]);
		if (q->status != DNS_ANSWER && q->status != DNS_NODATA &&
		    q->status != DNS_NXDOMAIN) {
			failed[k] = q;
			continue;
		}
		for (size_t i = 0;
		     q->status == DNS_ANSWER && i < q->nrr && n < max; i++)
			snprintf(addrs[n++], ADDR_TEXT_MAX, "%.*s",
				 ADDR_TEXT_MAX - 1, q->rr[i].text);
	}
	return n;
}

/* A smarthost given by name: how many addresses, -1 if a lookup failed. */
static int
add_host(struct site_addrs *out, const char *host, struct dns_memo *memo,
	 const struct run_ctx *ctx, struct result *r)
{
	char addrs[SITE_ADDRS_MAX][ADDR_TEXT_MAX], role[sizeof(out->a[0].role)];
	const struct dns_query *failed[2];
	size_t n = site_host_addrs(memo, host, ctx->family, addrs,
				   SITE_ADDRS_MAX, failed);
	int found = (int)n;

	snprintf(role, sizeof(role), "smarthost %s", host);
	for (size_t k = 0; k < 2; k++) {
		if (failed[k] == NULL)
			continue;
		result_problem(
		    r, run_failure_state(ctx, failed[k]->status == DNS_TIMEOUT),
		    "smarthost %s: %s %s", host, dns_type_name(failed[k]->type),
		    dns_status_name(failed[k]->status));
		found = -1;
	}
	for (size_t i = 0; i < n; i++)
		add(out, addrs[i], role);
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

long
site_txt_records(struct dns_memo *memo, const char *name,
		 bool (*is)(const char *, size_t), const char *what,
		 const struct run_ctx *ctx, struct result *r,
		 const struct dns_txt **first)
{
	const struct dns_query *q = dns_memo_ask(memo, name, DNS_T_TXT);
	long n = 0;

	*first = NULL;
	if (q->status != DNS_ANSWER && q->status != DNS_NODATA &&
	    q->status != DNS_NXDOMAIN) {
		result_problem(
		    r, run_failure_state(ctx, q->status == DNS_TIMEOUT),
		    "%s: TXT %s: %s%s%s", what, q->name,
		    dns_status_name(q->status),
		    q->status == DNS_FAILED && q->error[0] ? ", " : "",
		    q->status == DNS_FAILED ? q->error : "");
		return -1;
	}
	for (size_t i = 0; q->status == DNS_ANSWER && i < q->ntxt; i++)
		if (is(q->txt[i].text, q->txt[i].len) && n++ == 0)
			*first = &q->txt[i];
	return n;
}
