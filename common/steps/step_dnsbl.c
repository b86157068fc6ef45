/*
 * step_dnsbl.c - step 10: the site's addresses on DNS blocklists.
 *
 * Three rounds on one DNS channel, each in parallel: every list's test
 * entries (RFC 5782 5: 127.0.0.2 listed, 127.0.0.1 not; their IPv6 forms
 * when an IPv6 address is to be asked) with the smarthost's addresses;
 * every address on every list that passed; the TXT reason of every
 * listing.  Only 127.0.0.0/8 answers are listings; 127.255.255.252-255
 * mean the list refused to answer this resolver, which is a warning
 * about the list, never a listing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steps/step_dnsbl.h"

#include "core/addr.h"
#include "core/diag.h"

#include "proto/dns.h"
#include "proto/dnsbl.h"

#include "steps/site_addrs.h"

const struct opt step_dnsbl_thresholds[] = {
    {"warning", 'w', "RANGE",
     "warning threshold on the number of listings (default 0: one "
     "listing warns)",
     OPT_PARSE_AT(struct dnsbl_thresholds, warn, opt_parse_range),
     .flags = OPT_SYNOPSIS},
    {"critical", 'c', "RANGE",
     "critical threshold on the number of listings (default 1: two "
     "listings are critical)",
     OPT_PARSE_AT(struct dnsbl_thresholds, crit, opt_parse_range),
     .flags = OPT_SYNOPSIS},
    OPT_END,
};

enum list_state { LIST_OK, LIST_BROKEN, LIST_REFUSED, LIST_FAILED };

struct list {
	const char *zone;
	enum list_state state;
	bool v6;	/* its IPv6 test entry works */
	bool timed_out; /* its test entry was not answered in time */
	char why[160];
};

struct run {
	const struct step_dnsbl_conf *conf;
	const struct run_ctx *ctx;
	struct result *r;
	struct dns *dns;
	struct dns_memo *memo;
	struct site_addrs addrs;
	struct list list[STEP_DNSBL_LISTS_MAX];
	size_t listings;
	double started;
};

void
step_dnsbl_defaults(struct step_dnsbl_conf *conf)
{
	range_parse("0", &conf->limits.warn);
	range_parse("1", &conf->limits.crit);
}

int
step_dnsbl_validate(const struct step_dnsbl_conf *conf, char *err,
		    size_t errlen)
{
	if (conf->nlist == 0)
		return errorf(err, errlen, "-l/--list ZONE is required");
	if (conf->naddress == 0 && conf->nsmarthost == 0)
		return errorf(
		    err, errlen,
		    "-a/--address IP or --smarthost HOST is required");
	return 0;
}

static const struct dns_query *
ask(struct run *run, const char *addr, const char *zone, enum dns_type type,
    bool wait)
{
	char name[DNS_NAME_MAX + 1];

	if (dnsbl_name(addr, zone, name, sizeof(name)) == -1)
		return NULL;
	if (!wait) {
		dns_memo_prefetch(run->memo, name, type);
		return NULL;
	}
	return dns_memo_ask(run->memo, name, type);
}

static bool
has_v6(const struct run *run)
{
	for (size_t i = 0; i < run->addrs.n; i++)
		if (strchr(run->addrs.a[i].addr, ':') != NULL)
			return true;
	return false;
}

/* Whether an A record of q means kind. */
static bool
answers(const struct dns_query *q, enum dnsbl_answer kind)
{
	for (size_t i = 0; q->status == DNS_ANSWER && i < q->nrr; i++)
		if (dnsbl_classify(q->rr[i].text) == kind)
			return true;
	return false;
}

/* A refusal code anywhere in q: the list does not answer us. */
static bool
refused(const struct dns_query *q)
{
	return answers(q, DNSBL_REFUSED);
}

static bool
listed(const struct dns_query *q)
{
	return answers(q, DNSBL_LISTED);
}

static bool
lookup_failed(const struct dns_query *q)
{
	return q->status != DNS_ANSWER && q->status != DNS_NODATA &&
	       q->status != DNS_NXDOMAIN;
}

/* The test entries of one family: what they say of the list. */
static enum list_state
test_list(struct run *run, struct list *l, bool ipv6)
{
	const struct dns_query *yes =
	    ask(run, dnsbl_test_listed(ipv6), l->zone, DNS_T_A, true);
	const struct dns_query *no =
	    ask(run, dnsbl_test_not_listed(ipv6), l->zone, DNS_T_A, true);

	if (yes == NULL || no == NULL) {
		snprintf(l->why, sizeof(l->why), "the zone name is too long");
		return LIST_BROKEN;
	}
	if (refused(yes) || refused(no)) {
		snprintf(l->why, sizeof(l->why),
			 "refused the query (127.255.255.252-255: public "
			 "resolver, or too many queries)");
		return LIST_REFUSED;
	}
	if (lookup_failed(yes) || lookup_failed(no)) {
		const struct dns_query *q = lookup_failed(yes) ? yes : no;

		snprintf(l->why, sizeof(l->why), "%s to its test entry",
			 dns_status_name(q->status));
		l->timed_out = q->status == DNS_TIMEOUT;
		return LIST_FAILED;
	}
	if (!listed(yes) || listed(no)) {
		snprintf(l->why, sizeof(l->why),
			 "fails its RFC 5782 test entries (%s %slisted)",
			 listed(yes) ? dnsbl_test_not_listed(ipv6)
				     : dnsbl_test_listed(ipv6),
			 listed(yes) ? "" : "not ");
		return LIST_BROKEN;
	}
	return LIST_OK;
}

/*
 * A list that did not answer: the -t state when it was the deadline (or
 * the tries it was cut into), else a warning about the list.
 */
static enum state
list_failure_state(const struct run *run, bool timed_out)
{
	return timed_out || run_expired(run->ctx) ? run->ctx->timeout_state
						  : STATE_WARNING;
}

static void
prefetch_tests(struct run *run, bool ipv6)
{
	for (size_t i = 0; i < run->conf->nlist; i++) {
		ask(run, dnsbl_test_listed(ipv6), run->conf->list[i], DNS_T_A,
		    false);
		ask(run, dnsbl_test_not_listed(ipv6), run->conf->list[i],
		    DNS_T_A, false);
	}
}

/* Round one: the test entries of every list; the smarthost's names. */
static void
test_lists(struct run *run)
{
	const struct step_dnsbl_conf *c = run->conf;

	prefetch_tests(run, false);
	site_addrs_collect(&run->addrs, c->address, c->naddress, c->smarthost,
			   c->nsmarthost, run->memo, run->ctx, run->r);
	if (has_v6(run))
		prefetch_tests(run, true);
	for (size_t i = 0; i < c->nlist; i++) {
		struct list *l = &run->list[i];

		l->zone = c->list[i];
		l->state = test_list(run, l, false);
		if (l->state != LIST_OK) {
			result_problem(
			    run->r,
			    l->state == LIST_FAILED
				? list_failure_state(run, l->timed_out)
				: STATE_WARNING,
			    "%s %s; its answers are not counted", l->zone,
			    l->why);
			continue;
		}
		l->v6 = has_v6(run) && test_list(run, l, true) == LIST_OK;
		if (has_v6(run) && !l->v6)
			result_line(run->r, STATE_OK,
				    "%s: no IPv6 test entry (%s): IPv6 "
				    "addresses not asked there",
				    l->zone, dnsbl_test_listed(true));
	}
}

static bool
asked_there(const struct list *l, const char *addr)
{
	return l->state == LIST_OK && (strchr(addr, ':') == NULL || l->v6);
}

/* One address on one list, once every answer is in. */
static void
judge_pair(struct run *run, struct list *l, const struct site_addr *a,
	   enum state listing_state)
{
	const struct dns_query *q = ask(run, a->addr, l->zone, DNS_T_A, true);
	const struct dns_query *txt;
	char reason[200] = "";

	if (q == NULL)
		return;
	if (lookup_failed(q)) {
		result_problem(
		    run->r, list_failure_state(run, q->status == DNS_TIMEOUT),
		    "%s did not answer for %s: %s", l->zone, a->addr,
		    dns_status_name(q->status));
		return;
	}
	if (refused(q)) {
		result_problem(run->r, STATE_WARNING,
			       "%s refused the query for %s (127.255.255.252-"
			       "255): not a listing",
			       l->zone, a->addr);
		return;
	}
	for (size_t i = 0; q->status == DNS_ANSWER && i < q->nrr; i++)
		if (dnsbl_classify(q->rr[i].text) == DNSBL_FOREIGN)
			result_problem(run->r, STATE_WARNING,
				       "%s answered %s for %s: outside "
				       "127.0.0.0/8, not a listing",
				       l->zone, q->rr[i].text, a->addr);
	if (!listed(q))
		return;
	txt = ask(run, a->addr, l->zone, DNS_T_TXT, true);
	if (txt != NULL && txt->status == DNS_ANSWER && txt->ntxt > 0)
		snprintf(reason, sizeof(reason), ": %.180s", txt->txt[0].text);
	if (listing_state == STATE_OK)
		result_line(run->r, STATE_OK, "%s (%s) is listed on %s (%s)%s",
			    a->addr, a->role, l->zone, q->rr[0].text, reason);
	else
		result_problem(run->r, listing_state,
			       "%s (%s) is listed on %s (%s)%s", a->addr,
			       a->role, l->zone, q->rr[0].text, reason);
}

/* Rounds two and three: every address on every good list, then TXT. */
static void
ask_addresses(struct run *run)
{
	const struct dnsbl_thresholds *t = &run->conf->limits;
	enum state s;

	for (size_t i = 0; i < run->conf->nlist; i++)
		for (size_t k = 0; k < run->addrs.n; k++)
			if (asked_there(&run->list[i], run->addrs.a[k].addr))
				ask(run, run->addrs.a[k].addr,
				    run->list[i].zone, DNS_T_A, false);
	/* the listings, counted as their TXT reasons are asked for */
	for (size_t i = 0; i < run->conf->nlist; i++)
		for (size_t k = 0; k < run->addrs.n; k++) {
			const char *addr = run->addrs.a[k].addr;
			const struct dns_query *q;

			if (!asked_there(&run->list[i], addr))
				continue;
			q = ask(run, addr, run->list[i].zone, DNS_T_A, true);
			if (q == NULL || !listed(q) || refused(q))
				continue;
			run->listings++;
			ask(run, addr, run->list[i].zone, DNS_T_TXT, false);
		}
	s = result_perf(run->r, "listings", (double)run->listings, "", &t->warn,
			&t->crit, 0, NAN);
	for (size_t i = 0; i < run->conf->nlist; i++)
		for (size_t k = 0; k < run->addrs.n; k++)
			if (asked_there(&run->list[i], run->addrs.a[k].addr))
				judge_pair(run, &run->list[i], &run->addrs.a[k],
					   s);
	if (s != STATE_OK && run->listings == 0)
		result_problem(run->r, s,
			       "no listing, outside the thresholds (%s, %s)",
			       t->warn.text, t->crit.text);
}

static void
summarise(struct run *run)
{
	size_t good = 0;

	for (size_t i = 0; i < run->conf->nlist; i++)
		good += run->list[i].state == LIST_OK;
	result_subject(run->r, "%zu address%s on %zu of %zu lists",
		       run->addrs.n, run->addrs.n == 1 ? "" : "es", good,
		       run->conf->nlist);
	if (run->listings == 0)
		result_summary(run->r, "not listed");
	else
		result_summary(run->r, "%zu listing%s", run->listings,
			       run->listings == 1 ? "" : "s");
	for (size_t i = 0; run->ctx->verbose > 0 && i < run->addrs.n; i++)
		result_line(run->r, STATE_OK, "asked for %s (%s)",
			    run->addrs.a[i].addr, run->addrs.a[i].role);
}

void
step_dnsbl_run(const struct step_dnsbl_conf *conf, const struct run_ctx *ctx,
	       struct result *r)
{
	struct run run = {
	    .conf = conf, .ctx = ctx, .r = r, .started = mono_now()};

	if ((run.memo = site_memo_open(conf->server, ctx, r, &run.dns)) == NULL)
		return;
	test_lists(&run);
	ask_addresses(&run);
	result_perf(r, "time", mono_now() - run.started, "s", NULL, NULL, 0,
		    NAN);
	summarise(&run);
	site_memo_close(run.memo, run.dns);
}
