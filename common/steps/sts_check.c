/*
 * sts_check.c - finding a domain's MTA-STS policy, the way its senders do.
 */
#include <math.h>
#include <stdio.h>
#include <sys/socket.h>

#include "steps/sts_check.h"

#include "core/addr.h"

#include "steps/site_addrs.h"

#define NAME_LEN (DNS_NAME_MAX + 1)

void
sts_check_prefetch(const struct sts_check *s, struct dns_memo *memo, int family)
{
	char name[NAME_LEN];

	snprintf(name, sizeof(name), "_mta-sts.%s", s->domain);
	dns_memo_prefetch(memo, name, DNS_T_TXT);
	snprintf(name, sizeof(name), "mta-sts.%s", s->domain);
	if (family != AF_INET6)
		dns_memo_prefetch(memo, name, DNS_T_A);
	if (family != AF_INET)
		dns_memo_prefetch(memo, name, DNS_T_AAAA);
}

/* The record at _mta-sts.DOMAIN: STS_POLICY when there is one to follow. */
static enum sts_found
find_record(struct sts_check *s, struct dns_memo *memo,
	    const struct run_ctx *ctx, struct result *r)
{
	const struct dns_txt *txt;
	char name[NAME_LEN], err[160];
	long n;

	snprintf(name, sizeof(name), "_mta-sts.%s", s->domain);
	n = site_txt_records(memo, name, mtasts_is_record, "MTA-STS", ctx, r,
			     &txt);
	if (n <= 0)
		return n == 0 ? STS_UNPUBLISHED : STS_FAILED;
	s->published = true;
	if (n > 1) {
		result_problem(r, STATE_CRITICAL,
			       "%ld MTA-STS records at %s (RFC 8461 3.1: none "
			       "applies)",
			       n, name);
		return STS_FAILED;
	}
	if (mtasts_txt_parse(&s->txt, txt->text, txt->len, err, sizeof(err)) ==
	    -1) {
		result_problem(r, STATE_CRITICAL, "MTA-STS record at %s: %s",
			       name, err);
		return STS_FAILED;
	}
	result_line(r, STATE_OK, "MTA-STS record: id=%s", s->txt.id);
	return STS_POLICY;
}

/* mta-sts.DOMAIN's addresses into f: how many (none: said in r). */
static size_t
find_server(struct mtasts_fetch *f, struct dns_memo *memo,
	    const struct run_ctx *ctx, struct result *r)
{
	const struct dns_query *failed[2];
	char host[NAME_LEN];

	snprintf(host, sizeof(host), "mta-sts.%s", f->domain);
	f->naddrs = site_host_addrs(memo, host, ctx->family, f->addrs,
				    MTASTS_ADDRS_MAX, failed);
	if (f->naddrs > 0)
		return f->naddrs;
	for (size_t k = 0; k < 2; k++)
		if (failed[k] != NULL) {
			result_problem(
			    r,
			    run_failure_state(ctx,
					      failed[k]->status == DNS_TIMEOUT),
			    "MTA-STS: no address for %s: %s %s", host,
			    dns_type_name(failed[k]->type),
			    dns_status_name(failed[k]->status));
			return 0;
		}
	result_problem(r, STATE_CRITICAL, "MTA-STS: %s has no address", host);
	return 0;
}

enum sts_found
sts_check_find(struct sts_check *s, struct dns_memo *memo,
	       const struct run_ctx *ctx, struct result *r)
{
	struct mtasts_fetch f = {.domain = s->domain,
				 .ca_file = s->ca_file,
				 .deadline = &ctx->deadline};
	struct buf transcript = BUF_INIT(8192);
	enum sts_found found;
	char err[160];

	s->published = false;
	if ((found = find_record(s, memo, ctx, r)) != STS_POLICY)
		return found;
	if (find_server(&f, memo, ctx, r) == 0)
		return STS_FAILED;
	found = STS_FAILED;
	if (run_transcript(ctx))
		f.transcript = &transcript;
	if (mtasts_fetch(&f) == -1)
		result_problem(r, run_failure_state(ctx, f.timed_out),
			       "MTA-STS policy not fetched from mta-sts.%s: %s",
			       s->domain, f.error);
	else if (mtasts_policy_parse(&s->policy, buf_str(&f.body), f.body.len,
				     err, sizeof(err)) == -1)
		result_problem(r, STATE_CRITICAL,
			       "MTA-STS policy is not valid: %s", err);
	else {
		found = STS_POLICY;
		result_line(r, STATE_OK,
			    "MTA-STS policy: mode %s, max_age %ld, %zu mx",
			    mtasts_mode_name(s->policy.mode), s->policy.max_age,
			    s->policy.nmx + s->policy.mx_dropped);
	}
	if (f.seconds > 0)
		result_perf(r, "mta_sts_time", f.seconds, "s", NULL, NULL, 0,
			    NAN);
	run_transcript_lines(ctx, r, &transcript);
	buf_free(&transcript);
	mtasts_fetch_free(&f);
	return found;
}
