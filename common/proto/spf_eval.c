/*
 * spf_eval.c - check_host() (RFC 7208 4): the record of a domain chosen
 * among its TXT records, its terms evaluated in order, include and
 * redirect followed, under the limits of 4.6.4, every lookup through the
 * memo.  A term's outcome is a match, no match, or an error that ends
 * the whole evaluation (temperror, permerror).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "proto/spf.h"

#include "core/addr.h"

enum outcome { NO_MATCH, MATCH, FAILED };

/* Where the evaluation stands: the request of the record being read. */
struct frame {
	struct spf_eval *e;
	struct spf_request req;
	struct spf_addr addr;
	const struct spf_record *rec;
};

static enum spf_result check_host(struct spf_eval *e, const char *domain);

/* End the evaluation with result r, saying why. */
static enum outcome fail(struct frame *f, enum spf_result r, const char *fmt,
			 ...) __attribute__((format(printf, 3, 4)));

static enum outcome
fail(struct frame *f, enum spf_result r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->e->why, sizeof(f->e->why), fmt, ap);
	va_end(ap);
	f->e->result = r;
	return FAILED;
}

/* A DNS-querying term: one more of the ten (4.6.4). */
static bool
count_lookup(struct frame *f)
{
	if (++f->e->lookups <= SPF_LOOKUPS_MAX)
		return true;
	fail(f, SPF_PERMERROR, "more than %d DNS-querying terms",
	     SPF_LOOKUPS_MAX);
	return false;
}

/* A lookup that found nothing: one more of the two allowed. */
static bool
count_void(struct frame *f, const struct dns_query *q)
{
	if (q->status != DNS_NODATA && q->status != DNS_NXDOMAIN)
		return true;
	if (++f->e->voids <= SPF_VOIDS_MAX)
		return true;
	fail(f, SPF_PERMERROR, "more than %d void lookups", SPF_VOIDS_MAX);
	return false;
}

/* A lookup that failed: temperror (5: "the mechanism stops"). */
static bool
answered(struct frame *f, const struct dns_query *q)
{
	if (q->status == DNS_ANSWER || q->status == DNS_NODATA ||
	    q->status == DNS_NXDOMAIN)
		return true;
	fail(f, SPF_TEMPERROR, "%s %s: %s", dns_type_name(q->type), q->name,
	     dns_status_name(q->status));
	return false;
}

/* The term's domain-spec expanded, or the current domain. */
static bool
target(struct frame *f, const struct spf_term *t, char *out, size_t size)
{
	char err[128];

	if (t->speclen == 0) {
		snprintf(out, size, "%s", f->req.domain);
		return true;
	}
	if (spf_expand(&f->req, f->e->memo, t->spec, t->speclen, false, out,
		       size, err, sizeof(err)) == 0)
		return true;
	fail(f, SPF_PERMERROR, "%s", err);
	return false;
}

static int
prefix_of(const struct frame *f, const struct spf_term *t)
{
	if (f->addr.family == AF_INET)
		return t->cidr4 >= 0 ? t->cidr4 : 32;
	return t->cidr6 >= 0 ? t->cidr6 : 128;
}

/* Whether one of the addresses in q lies in the client's network. */
static bool
addrs_match(const struct frame *f, const struct dns_query *q, int prefix)
{
	for (size_t i = 0; q->status == DNS_ANSWER && i < q->nrr; i++) {
		struct spf_addr net;

		if (spf_addr_parse(q->rr[i].text, &net) == 0 &&
		    spf_addr_in(&f->addr, net.family, net.bytes, prefix))
			return true;
	}
	return false;
}

static enum dns_type
addr_type(const struct frame *f)
{
	return f->addr.family == AF_INET ? DNS_T_A : DNS_T_AAAA;
}

/* a (5.3) */
static enum outcome
match_a(struct frame *f, const struct spf_term *t)
{
	char name[SPF_EXPANDED_MAX];
	const struct dns_query *q;

	if (!count_lookup(f) || !target(f, t, name, sizeof(name)))
		return FAILED;
	q = dns_memo_ask(f->e->memo, name, addr_type(f));
	if (!answered(f, q) || !count_void(f, q))
		return FAILED;
	return addrs_match(f, q, prefix_of(f, t)) ? MATCH : NO_MATCH;
}

/* mx (5.4): at most ten MX names, each host's addresses. */
static enum outcome
match_mx(struct frame *f, const struct spf_term *t)
{
	char name[SPF_EXPANDED_MAX];
	const struct dns_query *mx;
	enum outcome o = NO_MATCH;

	if (!count_lookup(f) || !target(f, t, name, sizeof(name)))
		return FAILED;
	mx = dns_memo_ask(f->e->memo, name, DNS_T_MX);
	if (!answered(f, mx) || !count_void(f, mx))
		return FAILED;
	if (mx->nrr > SPF_NAMES_MAX)
		return fail(f, SPF_PERMERROR, "%s has more than 10 MX records",
			    name);
	for (size_t i = 0; i < mx->nrr; i++)
		if (mx->rr[i].text[0] != '\0' && strcmp(mx->rr[i].text, "."))
			dns_memo_prefetch(f->e->memo, mx->rr[i].text,
					  addr_type(f));
	for (size_t i = 0; i < mx->nrr && o == NO_MATCH; i++) {
		const struct dns_query *q;

		if (mx->rr[i].text[0] == '\0' || !strcmp(mx->rr[i].text, "."))
			continue; /* a null MX names no host */
		q = dns_memo_ask(f->e->memo, mx->rr[i].text, addr_type(f));
		if (!answered(f, q) || !count_void(f, q))
			return FAILED;
		if (addrs_match(f, q, prefix_of(f, t)))
			o = MATCH;
	}
	return o;
}

/* ptr (5.5): a validated name that is the target or below it. */
static enum outcome
match_ptr(struct frame *f, const struct spf_term *t)
{
	char name[SPF_EXPANDED_MAX], names[SPF_NAMES_MAX][DNS_NAME_MAX + 1];
	int n;

	f->e->ptr = true;
	if (!count_lookup(f) || !target(f, t, name, sizeof(name)))
		return FAILED;
	n = spf_validated_names(f->e->memo, &f->addr, names, SPF_NAMES_MAX,
				&f->e->voids);
	if (f->e->voids > SPF_VOIDS_MAX)
		return fail(f, SPF_PERMERROR, "more than %d void lookups",
			    SPF_VOIDS_MAX);
	for (int i = 0; i < n; i++) /* n is -1 on a DNS error: no match */
		if (spf_name_within(names[i], name))
			return MATCH;
	return NO_MATCH;
}

/* exists (5.7): any A record, whatever the client's family. */
static enum outcome
match_exists(struct frame *f, const struct spf_term *t)
{
	char name[SPF_EXPANDED_MAX];
	const struct dns_query *q;

	if (!count_lookup(f) || !target(f, t, name, sizeof(name)))
		return FAILED;
	q = dns_memo_ask(f->e->memo, name, DNS_T_A);
	if (!answered(f, q) || !count_void(f, q))
		return FAILED;
	return q->status == DNS_ANSWER && q->nrr > 0 ? MATCH : NO_MATCH;
}

/* include (5.2): pass matches; none and permerror are permerrors. */
static enum outcome
match_include(struct frame *f, const struct spf_term *t)
{
	char name[SPF_EXPANDED_MAX];
	enum spf_result r;

	if (!count_lookup(f) || !target(f, t, name, sizeof(name)))
		return FAILED;
	f->e->includes++;
	r = check_host(f->e, name);
	f->e->includes--;
	switch (r) {
	case SPF_PASS:
		return MATCH;
	case SPF_FAIL:
	case SPF_SOFTFAIL:
	case SPF_NEUTRAL:
		return NO_MATCH;
	case SPF_NONE:
		return fail(f, SPF_PERMERROR, "include:%s has no SPF record",
			    name);
	default:
		f->e->result = r; /* why was said where it happened */
		return FAILED;
	}
}

static enum outcome
match(struct frame *f, const struct spf_term *t)
{
	switch (t->mech) {
	case SPF_ALL:
		return MATCH;
	case SPF_INCLUDE:
		return match_include(f, t);
	case SPF_A:
		return match_a(f, t);
	case SPF_MX:
		return match_mx(f, t);
	case SPF_PTR:
		return match_ptr(f, t);
	case SPF_IP4:
	case SPF_IP6:
		return spf_addr_in(&f->addr,
				   t->mech == SPF_IP4 ? AF_INET : AF_INET6,
				   t->net, prefix_of(f, t))
			   ? MATCH
			   : NO_MATCH;
	case SPF_EXISTS:
		return match_exists(f, t);
	case SPF_MODIFIER:
		break;
	}
	return NO_MATCH;
}

/* 4.3: a malformed domain, or one of a single label, has no policy. */
static bool
valid_domain(const char *d)
{
	size_t len = strlen(d), label = 0;
	bool dot = false;

	if (len > 0 && d[len - 1] == '.')
		len--;
	if (len == 0 || len > SPF_DOMAIN_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (d[i] != '.') {
			if (++label > 63)
				return false;
			continue;
		}
		if (label == 0)
			return false;
		label = 0;
		dot = true;
	}
	return label > 0 && dot;
}

/* 4.4, 4.5: the one v=spf1 record among the domain's TXT records. */
static const struct dns_txt *
select_record(struct spf_eval *e, const char *domain, enum spf_result *r)
{
	const struct dns_query *q = dns_memo_ask(e->memo, domain, DNS_T_TXT);
	const struct dns_txt *found = NULL;
	size_t n = 0;

	*r = SPF_NONE;
	if (q->status == DNS_NXDOMAIN || q->status == DNS_NODATA)
		return NULL;
	if (q->status != DNS_ANSWER) {
		*r = SPF_TEMPERROR;
		snprintf(e->why, sizeof(e->why), "TXT %s: %s", domain,
			 dns_status_name(q->status));
		return NULL;
	}
	for (size_t i = 0; i < q->ntxt; i++)
		if (spf_is_record(q->txt[i].text, q->txt[i].len) && n++ == 0)
			found = &q->txt[i];
	if (n > 1) {
		*r = SPF_PERMERROR;
		snprintf(e->why, sizeof(e->why), "%s has %zu SPF records",
			 domain, n);
		return NULL;
	}
	return found;
}

/* exp= (6.2), on a fail: the explanation, or "" when it cannot be had. */
static void
explain(struct frame *f)
{
	const struct spf_term *x = f->rec->exp;
	char name[SPF_EXPANDED_MAX], err[128];
	const struct dns_query *q;

	f->e->explanation[0] = '\0';
	if (x == NULL ||
	    spf_expand(&f->req, f->e->memo, x->spec, x->speclen, false, name,
		       sizeof(name), err, sizeof(err)) == -1)
		return;
	q = dns_memo_ask(f->e->memo, name, DNS_T_TXT);
	if (q->status != DNS_ANSWER || q->ntxt != 1)
		return;
	if (spf_expand(&f->req, f->e->memo, q->txt[0].text, q->txt[0].len, true,
		       f->e->explanation, sizeof(f->e->explanation), err,
		       sizeof(err)) == -1)
		f->e->explanation[0] = '\0';
}

/* No term matched: redirect= (6.1), unless there is an all, or neutral. */
static enum spf_result
redirect(struct frame *f)
{
	char name[SPF_EXPANDED_MAX];
	enum spf_result r;

	if (f->rec->redirect == NULL || f->rec->all != NULL) {
		snprintf(f->e->why, sizeof(f->e->why), "no term matched");
		return SPF_NEUTRAL;
	}
	if (!count_lookup(f) ||
	    !target(f, f->rec->redirect, name, sizeof(name)))
		return f->e->result;
	r = check_host(f->e, name);
	if (r == SPF_NONE) {
		snprintf(f->e->why, sizeof(f->e->why),
			 "redirect=%.200s has no SPF record", name);
		return SPF_PERMERROR;
	}
	return r;
}

/* The terms of one record, in order. */
static enum spf_result
evaluate(struct frame *f)
{
	const struct spf_record *rec = f->rec;

	for (size_t i = 0; i < rec->n; i++) {
		const struct spf_term *t = &rec->term[i];

		if (t->mech == SPF_MODIFIER)
			continue;
		switch (match(f, t)) {
		case FAILED:
			return f->e->result;
		case NO_MATCH:
			continue;
		case MATCH:
			break;
		}
		snprintf(f->e->why, sizeof(f->e->why), "%.100s: %.*s",
			 f->req.domain, (int)(t->len < 120 ? t->len : 120),
			 t->text);
		if (t->qualifier == SPF_FAIL && f->e->includes == 0)
			explain(f);
		return t->qualifier;
	}
	return redirect(f);
}

static bool
in_stack(const struct spf_eval *e, const char *domain)
{
	for (size_t i = 0; i < e->depth; i++)
		if (addr_same_name(e->stack[i], domain))
			return true;
	return false;
}

static void
note_record(struct spf_eval *e, const struct spf_record *rec,
	    const char *domain)
{
	e->ptr = e->ptr || rec->ptr;
	if (rec->all != NULL && rec->all->qualifier == SPF_PASS &&
	    e->plus_all[0] == '\0')
		snprintf(e->plus_all, sizeof(e->plus_all), "%s", domain);
}

static enum spf_result
check_host(struct spf_eval *e, const char *domain)
{
	struct spf_record rec;
	struct frame f = {.e = e, .rec = &rec};
	const struct dns_txt *txt;
	enum spf_result r;
	char err[160];

	if (!valid_domain(domain))
		return SPF_NONE;
	if (in_stack(e, domain) ||
	    e->depth == sizeof(e->stack) / sizeof(e->stack[0])) {
		snprintf(e->why, sizeof(e->why),
			 "loop: %.200s is evaluated again", domain);
		return SPF_PERMERROR;
	}
	if ((txt = select_record(e, domain, &r)) == NULL)
		return r;
	if (spf_record_parse(&rec, txt->text, txt->len, err, sizeof(err)) ==
	    -1) {
		snprintf(e->why, sizeof(e->why), "%.100s: %.150s", domain, err);
		return SPF_PERMERROR;
	}
	note_record(e, &rec, domain);
	f.req = (struct spf_request){e->addr, e->sender, e->helo, domain};
	spf_addr_parse(e->addr, &f.addr);
	e->stack[e->depth++] = domain;
	r = evaluate(&f);
	e->depth--;
	return r;
}

enum spf_result
spf_check_host(struct spf_eval *e, const char *domain)
{
	struct spf_addr a;

	e->lookups = e->voids = 0;
	e->depth = e->includes = 0;
	e->why[0] = e->explanation[0] = e->plus_all[0] = '\0';
	e->ptr = false;
	if (e->sender == NULL) {
		snprintf(e->sender_buf, sizeof(e->sender_buf), "postmaster@%s",
			 domain);
		e->sender = e->sender_buf;
	}
	if (e->helo == NULL)
		e->helo = domain;
	if (spf_addr_parse(e->addr, &a) == -1) {
		snprintf(e->why, sizeof(e->why), "'%.100s' is not an address",
			 e->addr);
		return e->result = SPF_PERMERROR;
	}
	return e->result = check_host(e, domain);
}
