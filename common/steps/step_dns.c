/*
 * step_dns.c - checklist step 1: "the ISP should create an MX record and an
 * A record for the mail server; ask for a static IP address."
 *
 * Every server given is asked the same questions in parallel (one c-ares
 * channel each), in three rounds: the domain's MX; the MX hosts' A and
 * AAAA; the addresses' PTR and the PTR names' addresses.  The first server
 * is judged in detail, the others are compared with it.
 *
 * With --dnssec the MX and address queries carry the DO bit, and the
 * first server's answers must come with AD; the root's DNSKEY, asked
 * beside the MX, tells a resolver that validates nothing (no AD even
 * there) from a zone that is not signed.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "steps/step_dns.h"

#include "core/addr.h"
#include "core/diag.h"

#include "proto/dns.h"

#define HOSTS_MAX     16  /* MX hosts checked */
#define REVERSE_MAX   64  /* addresses whose PTR is checked */
#define PTR_NAMES_MAX 4	  /* PTR names forward-confirmed per address */
#define DESC_MAX      256 /* one host's description, one message part */
#define SHOW_ADDRS    4	  /* addresses of one host in the status line */

struct mx_host {
	unsigned pref;
	char name[DNS_NAME_MAX + 1];
	bool literal;
	struct dns_query a;
	struct dns_query aaaa;
};

/* What one server says. */
struct view {
	struct dns_query mx;
	bool implicit; /* no MX: the domain's own address is its MX */
	bool null_mx;  /* RFC 7505: the domain accepts no mail */
	size_t nnull;  /* null MX records, alone or beside others */
	struct mx_host host[HOSTS_MAX];
	size_t nhost;
	size_t hosts_dropped;
	size_t failed;	    /* queries without a usable answer */
	enum state verdict; /* what those failures mean */
};

enum ptr_verdict { PTR_OK, PTR_MISSING, PTR_UNCONFIRMED, PTR_FAILED };

/* The reverse check of one address, asked of the first server. */
struct reverse {
	char addr[ADDR_TEXT_MAX];
	struct dns_query ptr;
	struct dns_query fwd[PTR_NAMES_MAX];
	size_t nfwd;
	enum ptr_verdict verdict;
};

struct run {
	const struct step_dns_conf *conf;
	const struct run_ctx *ctx;
	struct result *r;
	struct dns *dns;
	struct view *view; /* one per server */
	size_t nview;
	struct reverse *rev; /* PTR checks, allocated when they are due */
	size_t nrev;
	size_t rev_cap;
	size_t rev_dropped;
	double started;
	bool dnssec;		/* --dnssec or --rrsig-days */
	struct dns_query probe; /* ". DNSKEY" of the first server (dnssec) */
};

static const char *
server(const struct run *run, size_t i)
{
	return dns_channel_name(run->dns, i);
}

/* Round 1: the domain's MX, of every server. */
static void
ask_mx(struct run *run)
{
	for (size_t i = 0; i < run->nview; i++) {
		dns_query_init(&run->view[i].mx, run->conf->domain, DNS_T_MX);
		run->view[i].mx.dnssec = run->dnssec;
		dns_submit(run->dns, i, &run->view[i].mx);
	}
	if (run->dnssec &&
	    dns_query_init(&run->probe, ".", DNS_T_DNSKEY) == 0) {
		run->probe.dnssec = true;
		dns_submit(run->dns, 0, &run->probe);
	}
	dns_wait(run->dns);
}

/*
 * The hosts that take the domain's mail, from the MX answer.  A null MX
 * names no host: alone it says the domain takes no mail; beside others
 * it is a mistake, and the others are the hosts senders may still try.
 */
static void
hosts_from_mx(struct view *v, const char *domain)
{
	const struct dns_query *q = &v->mx;

	if (q->status == DNS_NODATA) { /* RFC 5321 5.1: implicit MX */
		v->implicit = true;
		snprintf(v->host[0].name, sizeof(v->host[0].name), "%s",
			 domain);
		v->nhost = 1;
		return;
	}
	if (q->status != DNS_ANSWER)
		return;
	for (size_t i = 0; i < q->nrr; i++)
		v->nnull += dns_rr_is_null_mx(&q->rr[i]);
	v->null_mx = v->nnull == q->nrr && q->dropped == 0;
	/* Records beyond the kept ones are hosts, never checked. */
	v->hosts_dropped = q->dropped;
	for (size_t i = 0; i < q->nrr && !v->null_mx; i++) {
		struct mx_host *h = &v->host[v->nhost];

		if (dns_rr_is_null_mx(&q->rr[i]))
			continue;
		if (v->nhost == HOSTS_MAX) {
			v->hosts_dropped++;
			continue;
		}
		h->pref = q->rr[i].pref;
		snprintf(h->name, sizeof(h->name), "%s", q->rr[i].text);
		h->literal = addr_is_literal(h->name);
		v->nhost++;
	}
}

/* Round 2: A and AAAA of every MX host, of every server. */
static void
ask_addresses(struct run *run)
{
	int family = run->ctx->family;

	for (size_t i = 0; i < run->nview; i++) {
		struct view *v = &run->view[i];

		hosts_from_mx(v, run->conf->domain);
		for (size_t k = 0; k < v->nhost; k++) {
			struct mx_host *h = &v->host[k];

			if (h->literal)
				continue;
			if (family != AF_INET6 &&
			    dns_query_init(&h->a, h->name, DNS_T_A) == 0) {
				h->a.dnssec = run->dnssec;
				dns_submit(run->dns, i, &h->a);
			}
			if (family != AF_INET &&
			    dns_query_init(&h->aaaa, h->name, DNS_T_AAAA) ==
				0) {
				h->aaaa.dnssec = run->dnssec;
				dns_submit(run->dns, i, &h->aaaa);
			}
		}
	}
	dns_wait(run->dns);
}

static bool
rev_known(const struct run *run, const char *addr)
{
	for (size_t i = 0; i < run->nrev; i++)
		if (strcmp(run->rev[i].addr, addr) == 0)
			return true;
	return false;
}

static void
rev_add(struct run *run, const struct dns_query *q)
{
	for (size_t i = 0; q->status == DNS_ANSWER && i < q->nrr; i++) {
		struct reverse *rv;

		if (rev_known(run, q->rr[i].text))
			continue;
		if (run->nrev == run->rev_cap) {
			run->rev_dropped++;
			continue;
		}
		rv = &run->rev[run->nrev];
		if (addr_canon(q->rr[i].text, rv->addr, sizeof(rv->addr)) == -1)
			continue;
		if (dns_query_init(&rv->ptr, rv->addr, DNS_T_PTR) == 0)
			dns_submit(run->dns, 0, &rv->ptr);
		run->nrev++;
	}
}

static bool
has_addr(const struct dns_query *q, const char *addr)
{
	for (size_t i = 0; q->status == DNS_ANSWER && i < q->nrr; i++)
		if (strcmp(q->rr[i].text, addr) == 0)
			return true;
	return false;
}

static enum ptr_verdict
ptr_verdict(const struct reverse *rv)
{
	switch (rv->ptr.status) {
	case DNS_ANSWER:
		break;
	case DNS_NXDOMAIN:
	case DNS_NODATA:
		return PTR_MISSING;
	default:
		return PTR_FAILED;
	}
	for (size_t i = 0; i < rv->nfwd; i++)
		if (has_addr(&rv->fwd[i], rv->addr))
			return PTR_OK;
	/* Not confirmed because a lookup failed is not "does not resolve". */
	for (size_t i = 0; i < rv->nfwd; i++)
		if (rv->fwd[i].status != DNS_ANSWER &&
		    rv->fwd[i].status != DNS_NODATA &&
		    rv->fwd[i].status != DNS_NXDOMAIN)
			return PTR_FAILED;
	return PTR_UNCONFIRMED;
}

/*
 * Round 3, of the first server: the PTR of every address, then the
 * addresses of every PTR name (forward confirmation).
 */
static void
ask_reverse(struct run *run)
{
	const struct view *v = &run->view[0];
	size_t addrs = 0;

	for (size_t k = 0; k < v->nhost; k++)
		addrs += v->host[k].a.nrr + v->host[k].aaaa.nrr;
	run->rev_cap = addrs < REVERSE_MAX ? addrs : REVERSE_MAX;
	if (addrs == 0 ||
	    (run->rev = calloc(run->rev_cap, sizeof(*run->rev))) == NULL) {
		run->rev_cap = 0;
		return;
	}
	for (size_t k = 0; k < v->nhost; k++) {
		rev_add(run, &v->host[k].a);
		rev_add(run, &v->host[k].aaaa);
	}
	dns_wait(run->dns);
	for (size_t i = 0; i < run->nrev; i++) {
		struct reverse *rv = &run->rev[i];
		enum dns_type type =
		    strchr(rv->addr, ':') ? DNS_T_AAAA : DNS_T_A;

		for (size_t n = 0; rv->ptr.status == DNS_ANSWER &&
				   n < rv->ptr.nrr && n < PTR_NAMES_MAX;
		     n++) {
			struct dns_query *f = &rv->fwd[rv->nfwd];

			if (dns_query_init(f, rv->ptr.rr[n].text, type) == 0) {
				dns_submit(run->dns, 0, f);
				rv->nfwd++;
			}
		}
	}
	dns_wait(run->dns);
	for (size_t i = 0; i < run->nrev; i++)
		run->rev[i].verdict = ptr_verdict(&run->rev[i]);
}

/* Every query asked of server i, and whether it was a reverse check. */
static size_t
view_queries(struct run *run, size_t i, struct dns_query **out, bool *rev,
	     size_t max)
{
	struct view *v = &run->view[i];
	size_t n = 0;

#define ADD(q, isrev)                                                          \
	do {                                                                   \
		if ((q)->status != DNS_UNASKED && n < max) {                   \
			rev[n] = (isrev);                                      \
			out[n++] = (q);                                        \
		}                                                              \
	} while (0)
	ADD(&v->mx, false);
	for (size_t k = 0; k < v->nhost; k++) {
		ADD(&v->host[k].a, false);
		ADD(&v->host[k].aaaa, false);
	}
	for (size_t k = 0; i == 0 && k < run->nrev; k++) {
		ADD(&run->rev[k].ptr, true);
		for (size_t f = 0; f < run->rev[k].nfwd; f++)
			ADD(&run->rev[k].fwd[f], true);
	}
#undef ADD
	return n;
}

#define QUERIES_MAX (1 + 2 * HOSTS_MAX + REVERSE_MAX * (1 + PTR_NAMES_MAX))

/*
 * Servers that did not answer, failed or refused.  A missing answer takes
 * the timeout state; a failed reverse lookup is a warning, since a wrong
 * PTR is one too.  NXDOMAIN of the domain itself is judged here as well.
 */
static void
judge_failures(struct run *run)
{
	struct dns_query *q[QUERIES_MAX];
	bool rev[QUERIES_MAX];

	for (size_t i = 0; i < run->nview; i++) {
		size_t n = view_queries(run, i, q, rev, QUERIES_MAX);
		size_t failed = 0, first = 0;

		for (size_t k = 0; k < n; k++) {
			switch (q[k]->status) {
			case DNS_TIMEOUT:
			case DNS_SERVFAIL:
			case DNS_REFUSED:
			case DNS_BADREPLY:
			case DNS_FAILED:
			case DNS_BOGUS:
			case DNS_PENDING:
				if (failed++ == 0)
					first = k;
				break;
			default:
				break;
			}
		}
		if (failed == 0)
			continue;
		const struct dns_query *f = q[first];
		enum state s = f->status == DNS_TIMEOUT
				   ? run->ctx->timeout_state
			       : rev[first] ? STATE_WARNING
					    : STATE_CRITICAL;
		char more[48] = "";

		run->view[i].failed = failed;
		run->view[i].verdict = s;
		if (failed > 1)
			snprintf(more, sizeof(more), " (and %zu more queries)",
				 failed - 1);
		if (f->status == DNS_TIMEOUT || f->status == DNS_PENDING)
			result_problem(run->r, s,
				       "no answer from %s to %s %s %s%s",
				       server(run, i), dns_type_name(f->type),
				       f->name, f->error, more);
		else if (f->status == DNS_FAILED)
			result_problem(run->r, s,
				       "could not ask %s for %s %s: %s%s",
				       server(run, i), dns_type_name(f->type),
				       f->name, f->error, more);
		else
			result_problem(
			    run->r, s, "%s answered %s to %s %s%s%s%s",
			    server(run, i), dns_status_name(f->status),
			    dns_type_name(f->type), f->name,
			    f->error[0] ? ": " : "", f->error, more);
	}
}

/*
 * DNSSEC of the first server's answers: AD on each MX and address answer
 * (a resolver without AD even for the root's DNSKEY validates nothing),
 * and the earliest RRSIG expiration against --rrsig-days.  Bogus answers
 * were judged with the failures.
 */
static void
judge_dnssec(struct run *run)
{
	struct dns_query *q[QUERIES_MAX];
	bool rev[QUERIES_MAX];
	size_t n = view_queries(run, 0, q, rev, QUERIES_MAX);
	size_t answers = 0, secure = 0, insecure = 0;
	const struct dns_query *first = NULL, *early = NULL;
	const struct dns_rrsig *sig = NULL;
	const struct opt_limits *lim = &run->conf->rrsig_days;
	double days;

	for (size_t k = 0; k < n; k++) {
		if (rev[k] ||
		    (q[k]->status != DNS_ANSWER && q[k]->status != DNS_NODATA))
			continue;
		answers++;
		if (q[k]->ad)
			secure++;
		else if (insecure++ == 0)
			first = q[k];
		for (size_t s = 0; s < q[k]->nrrsig; s++)
			if (sig == NULL ||
			    q[k]->rrsig[s].expiration < sig->expiration) {
				sig = &q[k]->rrsig[s];
				early = q[k];
			}
	}
	if (answers == 0)
		return;
	if (secure == 0 && !run->probe.ad) {
		result_problem(run->r, STATE_WARNING,
			       "%s never sets AD (not for the root's DNSKEY "
			       "either): it does not validate, DNSSEC not "
			       "judged",
			       server(run, 0));
		return;
	}
	if (insecure > 1)
		result_problem(run->r, STATE_WARNING,
			       "insecure: %s %s and %zu more answers came back "
			       "without AD",
			       dns_type_name(first->type), first->name,
			       insecure - 1);
	else if (insecure > 0)
		result_problem(run->r, STATE_WARNING,
			       "insecure: %s %s came back without AD",
			       dns_type_name(first->type), first->name);
	if (sig == NULL) {
		result_line(run->r, STATE_OK,
			    "DNSSEC: %zu of %zu answers with AD, no RRSIG seen",
			    secure, answers);
		return;
	}
	days = (double)(sig->expiration - (long long)time(NULL)) / 86400;
	bool crit = !isnan(lim->crit) && days < lim->crit;

	if (crit || (!isnan(lim->warn) && days < lim->warn))
		result_problem(run->r, crit ? STATE_CRITICAL : STATE_WARNING,
			       "RRSIG over %s %s (signer %s) expires in %.1f "
			       "days (%s %g)",
			       dns_type_name(sig->covered), early->name,
			       sig->signer[0] ? sig->signer : ".", days,
			       crit ? "critical" : "warning",
			       crit ? lim->crit : lim->warn);
	result_line(run->r, STATE_OK,
		    "DNSSEC: %zu of %zu answers with AD, earliest RRSIG "
		    "(%s %s) expires in %.1f days",
		    secure, answers, dns_type_name(sig->covered), early->name,
		    days);
	result_perf(run->r, "rrsig_days", round(days * 100) / 100, "", NULL,
		    NULL, NAN, NAN);
}

/* NXDOMAIN for the domain, naming every server that said so. */
static void
judge_nxdomain(struct run *run)
{
	char names[DESC_MAX / 2] = "";
	size_t len = 0;

	for (size_t i = 0; i < run->nview && len < sizeof(names); i++)
		if (run->view[i].mx.status == DNS_NXDOMAIN)
			len += (size_t)snprintf(
			    names + len, sizeof(names) - len, "%s%s",
			    len ? ", " : "", server(run, i));
	if (len > 0)
		result_problem(run->r, STATE_CRITICAL,
			       "domain does not exist (NXDOMAIN from %s)",
			       names);
}

static size_t
host_addrs(const struct mx_host *h, const char **out, size_t max)
{
	const struct dns_query *q[] = {&h->a, &h->aaaa};
	size_t n = 0;

	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0;
		     q[k]->status == DNS_ANSWER && i < q[k]->nrr && n < max;
		     i++)
			out[n++] = q[k]->rr[i].text;
	return n;
}

static bool
host_failed(const struct mx_host *h)
{
	const struct dns_query *q[] = {&h->a, &h->aaaa};

	for (size_t k = 0; k < 2; k++)
		if (q[k]->status != DNS_UNASKED && q[k]->status != DNS_ANSWER &&
		    q[k]->status != DNS_NODATA && q[k]->status != DNS_NXDOMAIN)
			return true;
	return false;
}

static bool
is_expected_addr(const struct run *run, const char *addr)
{
	char canon[ADDR_TEXT_MAX];

	for (size_t i = 0; i < run->conf->naddress; i++)
		if (addr_canon(run->conf->address[i], canon, sizeof(canon)) !=
			-1 &&
		    strcmp(canon, addr) == 0)
			return true;
	return false;
}

static void
judge_host(struct run *run, const struct mx_host *h)
{
	const char *addrs[2 * DNS_RR_MAX];
	size_t n = host_addrs(h, addrs, 2 * DNS_RR_MAX);
	const char *cname = h->a.cname[0] ? h->a.cname : h->aaaa.cname;

	if (h->literal) {
		result_problem(run->r, STATE_CRITICAL,
			       "MX %s is an IP literal, not a host name",
			       h->name);
		return;
	}
	if (host_failed(h))
		return; /* judged with the failures */
	if (cname[0] != '\0')
		result_problem(run->r, STATE_WARNING,
			       "MX %s is a CNAME (for %s)", h->name, cname);
	if (n == 0 && run->view[0].implicit)
		result_problem(run->r, STATE_CRITICAL, "no MX and no address");
	else if (n == 0)
		result_problem(run->r, STATE_CRITICAL, "MX %s has no %s record",
			       h->name,
			       run->ctx->family == AF_INET    ? "A"
			       : run->ctx->family == AF_INET6 ? "AAAA"
							      : "A/AAAA");
	else if (run->view[0].implicit)
		result_problem(
		    run->r, STATE_WARNING,
		    "no MX record: mail goes to the domain's own address "
		    "(implicit MX)");
	for (size_t i = 0; i < n; i++)
		if (!run->conf->allow_private && addr_is_private(addrs[i]))
			result_problem(run->r, STATE_WARNING,
				       "MX %s has the private address %s",
				       h->name, addrs[i]);
}

/* The expected static IPs among the MX hosts' addresses. */
static void
judge_addresses(struct run *run)
{
	const struct view *v = &run->view[0];
	size_t found = 0, missing = 0;
	const char *addrs[2 * DNS_RR_MAX];
	char canon[ADDR_TEXT_MAX], list[DESC_MAX / 2] = "";

	for (size_t i = 0; i < run->conf->naddress; i++) {
		bool seen = false;

		addr_canon(run->conf->address[i], canon, sizeof(canon));
		for (size_t k = 0; k < v->nhost && !seen; k++) {
			size_t n =
			    host_addrs(&v->host[k], addrs, 2 * DNS_RR_MAX);

			for (size_t a = 0; a < n && !seen; a++)
				seen = strcmp(addrs[a], canon) == 0;
		}
		if (seen) {
			found++;
		} else if (missing++ < 4) {
			size_t len = strlen(list);

			snprintf(list + len, sizeof(list) - len, "%s%s",
				 len ? ", " : "", canon);
		}
	}
	if (missing > 0)
		result_problem(run->r,
			       found == 0 ? STATE_CRITICAL : STATE_WARNING,
			       "static IP %s not among the MX addresses", list);
}

static void
judge_expected_mx(struct run *run)
{
	const struct view *v = &run->view[0];

	for (size_t i = 0; i < run->conf->nmx; i++) {
		bool seen = false;

		for (size_t k = 0; k < v->nhost && !seen; k++)
			seen = !v->implicit && addr_same_name(v->host[k].name,
							      run->conf->mx[i]);
		if (!seen)
			result_problem(run->r, STATE_WARNING,
				       "expected MX %s is missing",
				       run->conf->mx[i]);
	}
}

static void
judge_reverse(struct run *run)
{
	for (size_t i = 0; i < run->nrev; i++) {
		const struct reverse *rv = &run->rev[i];

		if (rv->verdict == PTR_MISSING)
			result_problem(run->r, STATE_WARNING, "no PTR for %s",
				       rv->addr);
		else if (rv->verdict == PTR_UNCONFIRMED)
			result_problem(
			    run->r, STATE_WARNING,
			    "PTR of %s is %s, which does not resolve back to "
			    "it",
			    rv->addr, rv->ptr.rr[0].text);
	}
}

/* MX sets as "10 a, 20 b" for messages. */
static void
mx_text(const struct view *v, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	if (v->mx.status != DNS_ANSWER) {
		snprintf(out, size, "%s", dns_status_name(v->mx.status));
		return;
	}
	for (size_t i = 0; i < v->mx.nrr && len < size; i++)
		len += (size_t)snprintf(
		    out + len, size - len, "%s%u %s", i ? ", " : "",
		    v->mx.rr[i].pref,
		    dns_rr_is_null_mx(&v->mx.rr[i]) ? "." : v->mx.rr[i].text);
}

static bool
same_answer(const struct dns_query *a, const struct dns_query *b)
{
	if (a->status != b->status || a->nrr != b->nrr)
		return false;
	for (size_t i = 0; i < a->nrr; i++)
		if (a->rr[i].pref != b->rr[i].pref ||
		    !addr_same_name(a->rr[i].text, b->rr[i].text))
			return false;
	return true;
}

/* Compare every further server with the first. */
static void
judge_agreement(struct run *run)
{
	const struct view *v0 = &run->view[0];
	char a[DESC_MAX / 3], b[DESC_MAX / 3];

	for (size_t i = 1; i < run->nview; i++) {
		const struct view *v = &run->view[i];

		if (!same_answer(&v0->mx, &v->mx)) {
			mx_text(v0, a, sizeof(a));
			mx_text(v, b, sizeof(b));
			result_problem(
			    run->r, STATE_WARNING,
			    "servers disagree on MX: %s says %s, %s says %s",
			    server(run, 0), a, server(run, i), b);
			continue;
		}
		for (size_t k = 0; k < v->nhost && k < v0->nhost; k++) {
			if (!same_answer(&v0->host[k].a, &v->host[k].a) ||
			    !same_answer(&v0->host[k].aaaa, &v->host[k].aaaa)) {
				result_problem(
				    run->r, STATE_WARNING,
				    "servers disagree on the addresses of %s: "
				    "%s and %s",
				    v->host[k].name, server(run, 0),
				    server(run, i));
				break;
			}
		}
	}
}

/* The reverse verdict of a host: its worst address. */
static const char *
host_ptr_text(const struct run *run, const struct mx_host *h)
{
	const char *addrs[2 * DNS_RR_MAX];
	size_t n = host_addrs(h, addrs, 2 * DNS_RR_MAX);
	enum ptr_verdict worst = PTR_OK;

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < run->nrev; k++)
			if (strcmp(run->rev[k].addr, addrs[i]) == 0 &&
			    run->rev[k].verdict > worst)
				worst = run->rev[k].verdict;
	switch (worst) {
	case PTR_OK:
		return "PTR ok";
	case PTR_MISSING:
		return "PTR missing";
	case PTR_UNCONFIRMED:
		return "PTR not confirmed";
	case PTR_FAILED:
		break;
	}
	return "PTR unknown";
}

/* "mail.example.com (10) 192.0.2.25 = static IP, PTR ok" */
static void
describe_host(struct run *run, const struct mx_host *h, char *out, size_t size)
{
	const char *addrs[2 * DNS_RR_MAX];
	size_t n = host_addrs(h, addrs, 2 * DNS_RR_MAX);
	bool is_static = false;
	size_t len;

	if (run->view[0].implicit)
		len = (size_t)snprintf(out, size, "%s", h->name);
	else
		len = (size_t)snprintf(out, size, "%s (%u)", h->name, h->pref);
	for (size_t i = 0; i < n; i++) {
		is_static = is_static || is_expected_addr(run, addrs[i]);
		if (i < SHOW_ADDRS && len < size)
			len += (size_t)snprintf(out + len, size - len, " %s",
						addrs[i]);
	}
	if (n > SHOW_ADDRS && len < size)
		len += (size_t)snprintf(out + len, size - len, " +%zu more",
					n - SHOW_ADDRS);
	if (n == 0 && len < size)
		len += (size_t)snprintf(out + len, size - len, "%s",
					host_failed(h) ? " not answered"
						       : " no address");
	if (is_static && len < size)
		len += (size_t)snprintf(out + len, size - len, " = static IP");
	if (!run->conf->no_reverse && n > 0 && len < size)
		snprintf(out + len, size - len, ", %s", host_ptr_text(run, h));
}

/* The summary after the problems: what the MX set is. */
static void
summarise(struct run *run)
{
	const struct view *v = &run->view[0];
	struct result *r = run->r;
	char host[DESC_MAX];

	result_subject(r, "%s", run->conf->domain);
	if (v->mx.status != DNS_ANSWER && v->mx.status != DNS_NODATA)
		return;
	if (v->null_mx)
		return;
	if (v->implicit)
		result_summary(r, "implicit MX");
	else
		result_summary(r, "%zu MX", v->nhost + v->hosts_dropped);
	for (size_t k = 0; k < v->nhost; k++) {
		describe_host(run, &v->host[k], host, sizeof(host));
		result_summary(r, "%s %s", v->implicit ? "" : ";", host);
	}
	if (v->hosts_dropped > 0)
		result_summary(r, "; %zu more MX not checked",
			       v->hosts_dropped);
}

/* Long output: each server's answers, each PTR, and with -vvv each query. */
static void
detail(struct run *run)
{
	struct dns_query *q[QUERIES_MAX];
	bool rev[QUERIES_MAX];
	struct result *r = run->r;

	for (size_t i = 0; i < run->nview; i++) {
		size_t n = view_queries(run, i, q, rev, QUERIES_MAX);
		size_t aa = 0;

		for (size_t k = 0; k < n; k++)
			aa += q[k]->aa;
		result_line(r, run->view[i].verdict,
			    "server %s: %zu queries, %zu failed, %zu answers "
			    "authoritative",
			    server(run, i), n, run->view[i].failed, aa);
		for (size_t k = 0; run_transcript(run->ctx) && k < n; k++)
			result_line(r, STATE_OK,
				    "  %s %s: %s%s%s, %zu records, %.1f ms",
				    dns_type_name(q[k]->type), q[k]->name,
				    dns_status_name(q[k]->status),
				    q[k]->aa ? " aa" : "",
				    q[k]->cname[0] ? " via CNAME" : "",
				    q[k]->nrr, q[k]->seconds * 1000);
	}
	for (size_t i = 0; run->ctx->verbose >= 1 && i < run->nrev; i++) {
		const struct reverse *rv = &run->rev[i];

		result_line(r, STATE_OK, "PTR %s -> %s (%s)", rv->addr,
			    rv->ptr.nrr ? rv->ptr.rr[0].text : "-",
			    rv->verdict == PTR_OK	     ? "confirmed"
			    : rv->verdict == PTR_MISSING     ? "missing"
			    : rv->verdict == PTR_UNCONFIRMED ? "not confirmed"
							     : "failed");
	}
	if (run->rev_dropped > 0)
		result_line(r, STATE_OK, "PTR not checked for %zu addresses",
			    run->rev_dropped);
}

/* Seconds from the first question to the last answer of server i. */
static double
view_seconds(struct run *run, size_t i)
{
	struct dns_query *q[QUERIES_MAX];
	bool rev[QUERIES_MAX];
	size_t n = view_queries(run, i, q, rev, QUERIES_MAX);
	double first = 0, last = 0;

	for (size_t k = 0; k < n; k++) {
		if (k == 0 || q[k]->sent < first)
			first = q[k]->sent;
		if (q[k]->sent + q[k]->seconds > last)
			last = q[k]->sent + q[k]->seconds;
	}
	return n > 0 ? last - first : 0;
}

static void
perfdata(struct run *run)
{
	double seconds = mono_now() - run->started;
	const struct view *v = &run->view[0];
	char label[PERF_LABEL_MAX];

	run_judge_time(run->ctx, run->r, "time", "lookups", seconds);
	result_perf(run->r, "mx",
		    v->implicit ? 0 : (double)(v->nhost + v->hosts_dropped), "",
		    NULL, NULL, 0, NAN);
	for (size_t i = 0; run->conf->nserver > 0 && i < run->nview; i++) {
		snprintf(label, sizeof(label), "time_%s", server(run, i));
		result_perf(run->r, label, view_seconds(run, i), "s", NULL,
			    NULL, 0, NAN);
	}
}

/*
 * RFC 7505: a null MX alone says the domain takes no mail (CRITICAL, as
 * no mail service is there to check).  Beside other MX records it is a
 * configuration error (section 3: "MUST NOT advertise any other MX RR"),
 * CRITICAL too: some senders bounce the domain's mail, others deliver it
 * to the other hosts, which are judged as usual.
 */
static void
judge_null_mx(struct run *run)
{
	const struct view *v = &run->view[0];

	if (v->null_mx && v->nnull > 1)
		result_problem(
		    run->r, STATE_CRITICAL,
		    "null MX: the domain accepts no mail (RFC 7505), "
		    "in %zu records where one is the rule",
		    v->nnull);
	else if (v->null_mx)
		result_problem(
		    run->r, STATE_CRITICAL,
		    "null MX: the domain accepts no mail (RFC 7505)");
	else if (v->nnull > 0)
		result_problem(
		    run->r, STATE_CRITICAL,
		    "misconfigured MX: a null MX beside %zu other MX "
		    "(RFC 7505: a null MX must be the only MX)",
		    v->nhost + v->hosts_dropped);
}

static void
judge(struct run *run)
{
	const struct view *v = &run->view[0];

	judge_nxdomain(run);
	judge_failures(run);
	if (v->mx.status == DNS_ANSWER || v->mx.status == DNS_NODATA) {
		judge_null_mx(run);
		for (size_t k = 0; k < v->nhost; k++)
			judge_host(run, &v->host[k]);
		if (!v->null_mx) {
			judge_addresses(run);
			judge_expected_mx(run);
		}
		judge_reverse(run);
		if (run->dnssec)
			judge_dnssec(run);
	}
	judge_agreement(run);
}

static void
run_free(struct run *run)
{
	for (size_t i = 0; run->view != NULL && i < run->nview; i++) {
		struct view *v = &run->view[i];

		dns_query_free(&v->mx);
		for (size_t k = 0; k < v->nhost; k++) {
			dns_query_free(&v->host[k].a);
			dns_query_free(&v->host[k].aaaa);
		}
	}
	for (size_t i = 0; run->rev != NULL && i < run->nrev; i++) {
		dns_query_free(&run->rev[i].ptr);
		for (size_t f = 0; f < run->rev[i].nfwd; f++)
			dns_query_free(&run->rev[i].fwd[f]);
	}
	free(run->view);
	free(run->rev);
	dns_query_free(&run->probe);
	dns_close(run->dns);
}

void
step_dns_run(const struct step_dns_conf *conf, const struct run_ctx *ctx,
	     struct result *r)
{
	struct run run = {.conf = conf,
			  .ctx = ctx,
			  .r = r,
			  .started = mono_now(),
			  .dnssec =
			      conf->dnssec || !isnan(conf->rrsig_days.warn)};
	char err[256];

	run.dns = dns_open(conf->server, conf->nserver, &ctx->deadline, err,
			   sizeof(err));
	if (run.dns == NULL) {
		result_fail(r, STATE_UNKNOWN, "%s", err);
		return;
	}
	run.nview = dns_channels(run.dns);
	if ((run.view = calloc(run.nview, sizeof(*run.view))) == NULL) {
		result_fail(r, STATE_UNKNOWN, "out of memory");
		run_free(&run);
		return;
	}
	ask_mx(&run);
	ask_addresses(&run);
	if (!conf->no_reverse)
		ask_reverse(&run);
	perfdata(&run);
	judge(&run);
	summarise(&run);
	detail(&run);
	run_free(&run);
}
