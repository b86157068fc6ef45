/*
 * step_policy.c - step 9: what the domain publishes about its mail.
 *
 * Every record is asked at once (one round of the memo's questions), then
 * each part is judged in turn: SPF evaluated for every site address with
 * postmaster@DOMAIN as the sender, the DKIM keys, DMARC and its report
 * destinations, MTA-STS (its policy fetched with libcurl from the
 * addresses our DNS server gave) and TLS-RPT.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steps/step_policy.h"

#include "core/addr.h"
#include "core/diag.h"

#include "proto/dkim.h"
#include "proto/dmarc.h"
#include "proto/dns.h"
#include "proto/mtasts.h"
#include "proto/spf.h"
#include "proto/tlsrpt.h"

#include "steps/site_addrs.h"
#include "steps/sts_check.h"

#define SPF_WARN_LOOKUPS 8 /* DESIGN: 8 or more lookups warn */
#define DAY		 86400
#define NAME_MAX_LEN	 (DNS_NAME_MAX + 1)

struct run {
	const struct step_policy_conf *conf;
	const struct run_ctx *ctx;
	struct result *r;
	struct dns *dns;
	struct dns_memo *memo;
	struct site_addrs addrs;
	bool mta_sts; /* a policy is published: TLS-RPT is expected */
	double started;
	/* for the summary */
	char spf[64], dmarc[64], sts[64], tlsrpt[32], dkim[48];
};

static void
name_of(char *out, const char *prefix, const char *domain)
{
	snprintf(out, NAME_MAX_LEN, "%s%s", prefix, domain);
}

/*
 * The records is() takes among the TXT records at name: how many (*txt
 * the first), or -1 when the lookup failed (the problem is said).
 */
static long
find_records(struct run *run, const char *name,
	     bool (*is)(const char *, size_t), const char *what,
	     const struct dns_txt **txt)
{
	return site_txt_records(run->memo, name, is, what, run->ctx, run->r,
				txt);
}

/* Round one: every record the parts read, asked together. */
static void
ask_all(struct run *run)
{
	const struct step_policy_conf *c = run->conf;
	char name[NAME_MAX_LEN], err[256];

	if (!c->no_spf)
		dns_memo_prefetch(run->memo, c->domain, DNS_T_TXT);
	if (!c->no_dmarc) {
		name_of(name, "_dmarc.", c->domain);
		dns_memo_prefetch(run->memo, name, DNS_T_TXT);
	}
	if (!c->no_mta_sts) {
		dns_memo_prefetch(run->memo, c->domain, DNS_T_MX);
		name_of(name, "_mta-sts.", c->domain);
		dns_memo_prefetch(run->memo, name, DNS_T_TXT);
	}
	if (!c->no_tlsrpt) {
		name_of(name, "_smtp._tls.", c->domain);
		dns_memo_prefetch(run->memo, name, DNS_T_TXT);
	}
	for (size_t i = 0; i < c->nselector; i++) {
		snprintf(name, sizeof(name), "%s._domainkey.%s", c->selector[i],
			 c->domain);
		dns_memo_prefetch(run->memo, name, DNS_T_TXT);
	}
	if (!c->no_mta_sts) /* libcurl, opened while the answers travel */
		(void)mtasts_prepare(err,
				     sizeof(err)); /* else the fetch says */
}

/* SPF. */

/*
 * The domain's own record: there is one, it parses, and its all says what
 * senders not listed meet.  false when there is nothing to evaluate.
 */
static bool
spf_record(struct run *run)
{
	const struct dns_txt *txt;
	struct spf_record rec;
	long n;
	char err[160];

	if ((n = find_records(run, run->conf->domain, spf_is_record, "SPF",
			      &txt)) < 0)
		return false;
	if (n == 0) {
		result_problem(run->r, STATE_CRITICAL, "no SPF record");
		return false;
	}
	if (n > 1) {
		result_problem(run->r, STATE_CRITICAL,
			       "%ld SPF records (RFC 7208 4.5: permerror)", n);
		return false;
	}
	result_line(run->r, STATE_OK, "SPF record: %.*s",
		    (int)(txt->len < 400 ? txt->len : 400), txt->text);
	if (spf_record_parse(&rec, txt->text, txt->len, err, sizeof(err)) ==
	    -1) {
		result_problem(run->r, STATE_CRITICAL, "SPF syntax error: %s",
			       err);
		return false;
	}
	if (rec.all != NULL && rec.all->qualifier == SPF_NEUTRAL)
		result_problem(run->r, STATE_WARNING,
			       "SPF ends ?all: any other sender is neutral");
	else if (rec.all == NULL && rec.redirect == NULL)
		result_problem(run->r, STATE_WARNING,
			       "SPF has no all: any other sender is neutral");
	return true;
}

/*
 * One address: it must pass.  Every address gets the line "SPF RESULT
 * for ADDR (ROLE): WHY", a problem unless it passed.
 */
static void
spf_judge(struct run *run, const struct site_addr *a, const struct spf_eval *e)
{
	const char *res = spf_result_name(e->result);
	const char *why = e->why[0] ? e->why : "no term matched";

	if (e->result == SPF_PASS) {
		result_line(run->r, STATE_OK, "SPF pass for %s (%s): %s",
			    a->addr, a->role, why);
		return;
	}
	result_problem(run->r,
		       e->result == SPF_TEMPERROR
			   ? run_failure_state(run->ctx, false)
			   : STATE_CRITICAL,
		       "SPF %s for %s (%s): %s", res, a->addr, a->role, why);
	if (e->explanation[0] != '\0')
		result_line(run->r, STATE_OK, "SPF explanation: %s",
			    e->explanation);
}

static void
spf_flags(struct run *run, const struct spf_eval *e)
{
	if (e->plus_all[0] != '\0')
		result_problem(run->r, STATE_CRITICAL,
			       "SPF +all in %s: every address passes",
			       e->plus_all);
	if (e->ptr)
		result_problem(run->r, STATE_WARNING,
			       "SPF uses ptr (RFC 7208 5.5: do not use)");
	if (e->lookups >= SPF_WARN_LOOKUPS && e->result != SPF_PERMERROR)
		result_problem(run->r, STATE_WARNING,
			       "SPF takes %u of at most 10 DNS lookups",
			       e->lookups);
}

/* What the evaluations of all addresses add up to. */
struct spf_totals {
	unsigned lookups; /* the most one address took */
	unsigned voids;
	size_t pass;
	bool flagged; /* the records' flags are said once */
};

/* check_host() for addr, postmaster@DOMAIN the sender (RFC 7208 2.4). */
static void
spf_once(struct run *run, const char *addr, struct spf_eval *e,
	 struct spf_totals *t)
{
	char sender[NAME_MAX_LEN + 16];

	snprintf(sender, sizeof(sender), "postmaster@%s", run->conf->domain);
	e->addr = addr;
	e->sender = sender;
	e->helo = NULL;
	spf_check_host(e, run->conf->domain);
	e->sender = NULL;
	t->pass += e->result == SPF_PASS;
	t->lookups = e->lookups > t->lookups ? e->lookups : t->lookups;
	t->voids = e->voids > t->voids ? e->voids : t->voids;
	if (!t->flagged &&
	    (e->plus_all[0] || e->ptr || e->lookups >= SPF_WARN_LOOKUPS)) {
		spf_flags(run, e);
		t->flagged = true;
	}
}

static void
spf_check(struct run *run)
{
	struct spf_eval e = {.memo = run->memo};
	struct spf_totals t = {0};

	if (!spf_record(run)) {
		snprintf(run->spf, sizeof(run->spf), "SPF unusable");
		return;
	}
	for (size_t i = 0; i < run->addrs.n; i++) {
		spf_once(run, run->addrs.a[i].addr, &e, &t);
		spf_judge(run, &run->addrs.a[i], &e);
	}
	if (run->addrs.n == 0) {
		/* No address given: one evaluation finds the limits. */
		spf_once(run, "0.0.0.0", &e, &t);
		if (e.result == SPF_PERMERROR || e.result == SPF_TEMPERROR)
			result_problem(run->r, STATE_CRITICAL, "SPF %s: %s",
				       spf_result_name(e.result), e.why);
	}
	result_perf(run->r, "spf_lookups", t.lookups, "", NULL, NULL, 0, 10);
	result_perf(run->r, "spf_void", t.voids, "", NULL, NULL, 0, NAN);
	if (run->addrs.n > 0)
		snprintf(run->spf, sizeof(run->spf), "SPF pass %zu/%zu", t.pass,
			 run->addrs.n);
	else
		snprintf(run->spf, sizeof(run->spf),
			 "SPF not evaluated (no -a)");
}

/* DKIM. */

static void
dkim_judge(struct run *run, const char *sel, const struct dkim_key *k)
{
	struct result *r = run->r;

	if (k->revoked) {
		result_problem(r, STATE_CRITICAL,
			       "DKIM %s: key revoked (empty p=)", sel);
		return;
	}
	result_line(r, STATE_OK, "DKIM %s: %s, %d bits", sel, k->type_name,
		    k->bits);
	if (k->type == DKIM_KEY_RSA && k->bits < 1024)
		result_problem(
		    r, STATE_CRITICAL,
		    "DKIM %s: RSA key of %d bits (RFC 8301: at least "
		    "1024)",
		    sel, k->bits);
	else if (k->type == DKIM_KEY_RSA && k->bits < 2048)
		result_problem(r, STATE_WARNING,
			       "DKIM %s: RSA key of %d bits (use 2048)", sel,
			       k->bits);
	if (k->not_email)
		result_problem(r, STATE_CRITICAL,
			       "DKIM %s: s= does not allow email", sel);
	if (k->sha1_only)
		result_problem(r, STATE_WARNING,
			       "DKIM %s: h= allows sha1 only (RFC 8301)", sel);
	if (k->testing)
		result_problem(r, STATE_WARNING, "DKIM %s: testing mode (t=y)",
			       sel);
}

static bool
is_dkim(const char *text, size_t len)
{
	(void)text;
	return len > 0; /* any TXT at the selector is meant as its key */
}

static void
dkim_check(struct run *run)
{
	size_t ok = 0;

	for (size_t i = 0; i < run->conf->nselector; i++) {
		const char *sel = run->conf->selector[i];
		char name[NAME_MAX_LEN], err[160];
		const struct dns_txt *txt;
		struct dkim_key k;
		long n;

		snprintf(name, sizeof(name), "%s._domainkey.%s", sel,
			 run->conf->domain);
		if ((n = find_records(run, name, is_dkim, "DKIM", &txt)) < 0)
			continue;
		if (n == 0) {
			result_problem(run->r, STATE_CRITICAL,
				       "DKIM %s: no key record at %s", sel,
				       name);
			continue;
		}
		if (n > 1)
			result_problem(run->r, STATE_WARNING,
				       "DKIM %s: %ld records, verifiers may "
				       "take any",
				       sel, n);
		if (dkim_key_parse(&k, txt->text, txt->len, err, sizeof(err)) ==
		    -1) {
			result_problem(run->r, STATE_CRITICAL, "DKIM %s: %s",
				       sel, err);
			continue;
		}
		dkim_judge(run, sel, &k);
		ok += !k.revoked;
	}
	if (run->conf->nselector > 0)
		snprintf(run->dkim, sizeof(run->dkim), "DKIM %zu/%zu keys", ok,
			 run->conf->nselector);
}

/* DMARC. */

/* 7.1: the destination's domain and ours are one when nested. */
static bool
same_org(const char *a, const char *b)
{
	return spf_name_within(a, b) || spf_name_within(b, a);
}

/* Ask every external destination's authorisation record at once. */
static void
dmarc_ask_external(struct run *run, const struct dmarc_uri *u, size_t n)
{
	char name[NAME_MAX_LEN];

	for (size_t i = 0; i < n; i++) {
		if (!u[i].mailto || same_org(u[i].domain, run->conf->domain))
			continue;
		snprintf(name, sizeof(name), "%s._report._dmarc.%s",
			 run->conf->domain, u[i].domain);
		dns_memo_prefetch(run->memo, name, DNS_T_TXT);
	}
}

static void
dmarc_external(struct run *run, const char *tag, const struct dmarc_uri *u,
	       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char name[NAME_MAX_LEN];
		const struct dns_txt *txt;

		if (!u[i].mailto) {
			result_problem(run->r, STATE_WARNING,
				       "DMARC %s %s: not a mailto: URI", tag,
				       u[i].text);
			continue;
		}
		if (same_org(u[i].domain, run->conf->domain))
			continue;
		snprintf(name, sizeof(name), "%s._report._dmarc.%s",
			 run->conf->domain, u[i].domain);
		if (find_records(run, name, dmarc_is_record,
				 "DMARC report authorisation", &txt) == 0)
			result_problem(run->r, STATE_WARNING,
				       "DMARC %s %s: %s does not authorise "
				       "reports for %s (no v=DMARC1 at %s)",
				       tag, u[i].text, u[i].domain,
				       run->conf->domain, name);
	}
}

static void
dmarc_judge(struct run *run, const struct dmarc_record *d)
{
	struct result *r = run->r;

	if (d->p == DMARC_NONE)
		result_problem(r, STATE_WARNING,
			       "DMARC p=none: spoofed mail is delivered");
	if (d->sp < d->p)
		result_problem(
		    r, STATE_WARNING, "DMARC sp=%s is weaker than p=%s",
		    dmarc_policy_name(d->sp), dmarc_policy_name(d->p));
	if (d->pct < 100)
		result_problem(r, STATE_WARNING,
			       "DMARC pct=%d: the policy applies to part of "
			       "the mail",
			       d->pct);
	if (d->nrua == 0)
		result_problem(r, STATE_WARNING,
			       "DMARC has no rua=: no aggregate reports");
	dmarc_ask_external(run, d->rua, d->nrua);
	dmarc_ask_external(run, d->ruf, d->nruf);
	dmarc_external(run, "rua", d->rua, d->nrua);
	dmarc_external(run, "ruf", d->ruf, d->nruf);
	snprintf(run->dmarc, sizeof(run->dmarc), "DMARC p=%s",
		 dmarc_policy_name(d->p));
}

static void
dmarc_check(struct run *run)
{
	char name[NAME_MAX_LEN], err[160];
	const struct dns_txt *txt;
	struct dmarc_record d;
	long n;

	name_of(name, "_dmarc.", run->conf->domain);
	if ((n = find_records(run, name, dmarc_is_record, "DMARC", &txt)) < 0)
		return;
	if (n == 0) {
		result_problem(run->r, STATE_CRITICAL, "no DMARC record at %s",
			       name);
		return;
	}
	if (n > 1) {
		result_problem(run->r, STATE_CRITICAL,
			       "%ld DMARC records at %s (RFC 7489 6.6.3: none "
			       "applies)",
			       n, name);
		return;
	}
	result_line(run->r, STATE_OK, "DMARC record: %.*s",
		    (int)(txt->len < 400 ? txt->len : 400), txt->text);
	if (dmarc_parse(&d, txt->text, txt->len, err, sizeof(err)) == -1) {
		result_problem(run->r, STATE_CRITICAL, "DMARC syntax error: %s",
			       err);
		return;
	}
	dmarc_judge(run, &d);
}

/* The MX hosts (the domain itself without MX) into hosts; how many. */
static size_t
mx_hosts(struct run *run, const char **hosts, size_t max)
{
	const struct dns_query *mx =
	    dns_memo_ask(run->memo, run->conf->domain, DNS_T_MX);
	size_t n = 0;

	if (mx->status == DNS_NODATA || mx->status == DNS_NXDOMAIN)
		hosts[n++] = run->conf->domain;
	for (size_t i = 0; mx->status == DNS_ANSWER && i < mx->nrr && n < max;
	     i++)
		if (mx->rr[i].text[0] != '\0' && strcmp(mx->rr[i].text, "."))
			hosts[n++] = mx->rr[i].text;
	return n;
}

/* MTA-STS. */

/* The MX hosts against the policy's patterns (RFC 8461 4.1). */
static void
sts_match_mx(struct run *run, const struct mtasts_policy *p)
{
	const struct dns_query *mx =
	    dns_memo_ask(run->memo, run->conf->domain, DNS_T_MX);
	const char *hosts[DNS_RR_MAX];
	size_t n, matched = 0;

	if (mx->status != DNS_ANSWER && mx->status != DNS_NODATA &&
	    mx->status != DNS_NXDOMAIN) {
		result_problem(run->r, STATE_WARNING,
			       "MTA-STS: the MX hosts are unknown (MX %s)",
			       dns_status_name(mx->status));
		return;
	}
	n = mx_hosts(run, hosts, DNS_RR_MAX);
	for (size_t i = 0; i < n; i++)
		matched += mtasts_policy_match(p, hosts[i]) != NULL;
	for (size_t i = 0; i < n; i++) {
		const char *pat = mtasts_policy_match(p, hosts[i]);

		if (pat != NULL)
			result_line(run->r, STATE_OK,
				    "MTA-STS: MX %s matches %s", hosts[i], pat);
		else if (p->mode != MTASTS_NONE && matched > 0)
			result_problem(run->r, STATE_WARNING,
				       "MTA-STS: MX %s matches no mx of the "
				       "policy",
				       hosts[i]);
		else
			result_line(run->r, STATE_OK,
				    "MTA-STS: MX %s matches no mx", hosts[i]);
	}
	if (matched == 0 && p->mode != MTASTS_NONE)
		result_problem(run->r, STATE_CRITICAL,
			       "MTA-STS policy matches none of the %zu MX "
			       "hosts: senders that enforce it cannot deliver",
			       n);
}

static void
sts_policy(struct run *run, const struct mtasts_policy *p)
{
	if (p->mode != MTASTS_ENFORCE)
		result_problem(run->r, STATE_WARNING,
			       "MTA-STS mode %s: not enforced",
			       mtasts_mode_name(p->mode));
	if (p->max_age < DAY)
		result_problem(run->r, STATE_WARNING,
			       "MTA-STS max_age %ld is under a day",
			       p->max_age);
	sts_match_mx(run, p);
	snprintf(run->sts, sizeof(run->sts), "MTA-STS %s",
		 mtasts_mode_name(p->mode));
}

static void
sts_check(struct run *run)
{
	struct sts_check s = {.domain = run->conf->domain,
			      .ca_file = run->conf->ca_file};

	switch (sts_check_find(&s, run->memo, run->ctx, run->r)) {
	case STS_UNPUBLISHED:
		result_line(run->r, STATE_OK, "MTA-STS: not published");
		snprintf(run->sts, sizeof(run->sts), "no MTA-STS");
		break;
	case STS_POLICY:
		sts_policy(run, &s.policy);
		break;
	case STS_FAILED:
		break;
	}
	run->mta_sts = s.published;
}

/* TLS-RPT. */

/* DANE for SMTP (RFC 7672): an MX host with TLSA at _25._tcp.HOST. */
static const char *
dane_host(struct run *run)
{
	const char *hosts[DNS_RR_MAX];
	size_t n = mx_hosts(run, hosts, DNS_RR_MAX);
	char name[NAME_MAX_LEN];

	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "_25._tcp.%s", hosts[i]);
		dns_memo_prefetch(run->memo, name, DNS_T_TLSA);
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "_25._tcp.%s", hosts[i]);
		if (dns_memo_ask(run->memo, name, DNS_T_TLSA)->status ==
		    DNS_ANSWER)
			return hosts[i];
	}
	return NULL;
}

static void
tlsrpt_check(struct run *run)
{
	char name[NAME_MAX_LEN], err[160];
	const struct dns_txt *txt;
	struct tlsrpt_record t;
	long n;

	name_of(name, "_smtp._tls.", run->conf->domain);
	if ((n = find_records(run, name, tlsrpt_is_record, "TLS-RPT", &txt)) <
	    0)
		return;
	if (n == 0) {
		const char *dane = run->mta_sts ? NULL : dane_host(run);

		if (run->mta_sts || dane != NULL)
			result_problem(run->r, STATE_WARNING,
				       "no TLS-RPT record at %s while %s%s is "
				       "published",
				       name,
				       dane ? "DANE TLSA for " : "MTA-STS",
				       dane ? dane : "");
		else
			result_line(run->r, STATE_OK, "TLS-RPT: not published");
		snprintf(run->tlsrpt, sizeof(run->tlsrpt), "no TLS-RPT");
		return;
	}
	if (n > 1) {
		result_problem(run->r, STATE_WARNING,
			       "%ld TLS-RPT records at %s (RFC 8460 3: none "
			       "applies)",
			       n, name);
		return;
	}
	if (tlsrpt_parse(&t, txt->text, txt->len, err, sizeof(err)) == -1) {
		result_problem(run->r, STATE_WARNING, "TLS-RPT record: %s",
			       err);
		return;
	}
	result_line(run->r, STATE_OK, "TLS-RPT: reports to %s%s", t.rua[0],
		    t.nrua > 1 ? " and more" : "");
	snprintf(run->tlsrpt, sizeof(run->tlsrpt), "TLS-RPT ok");
}

/* The summary: what each part found, in order. */
static void
summarise(struct run *run)
{
	const char *parts[] = {run->spf, run->dkim, run->dmarc, run->sts,
			       run->tlsrpt};
	bool first = true;

	result_subject(run->r, "%s", run->conf->domain);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (parts[i][0] == '\0')
			continue;
		result_summary(run->r, "%s%s", first ? "" : ", ", parts[i]);
		first = false;
	}
}

int
step_policy_validate(const struct step_policy_conf *conf, char *err,
		     size_t errlen)
{
	if (conf->no_spf && conf->no_dmarc && conf->no_mta_sts &&
	    conf->no_tlsrpt && conf->nselector == 0)
		return errorf(err, errlen,
			      "nothing to check: every part is switched off");
	return 0;
}

void
step_policy_run(const struct step_policy_conf *conf, const struct run_ctx *ctx,
		struct result *r)
{
	struct run run = {
	    .conf = conf, .ctx = ctx, .r = r, .started = mono_now()};

	if ((run.memo = site_memo_open(conf->server, ctx, r, &run.dns)) == NULL)
		return;
	ask_all(&run);
	site_addrs_collect(&run.addrs, conf->address, conf->naddress,
			   conf->smarthost, conf->nsmarthost, run.memo, ctx, r);
	if (!conf->no_spf)
		spf_check(&run);
	dkim_check(&run);
	if (!conf->no_dmarc)
		dmarc_check(&run);
	if (!conf->no_mta_sts)
		sts_check(&run);
	if (!conf->no_tlsrpt)
		tlsrpt_check(&run);
	run_judge_time(ctx, r, "time", "checks", mono_now() - run.started);
	result_perf(r, "dns_queries", (double)dns_memo_sent(run.memo), "", NULL,
		    NULL, 0, NAN);
	summarise(&run);
	site_memo_close(run.memo, run.dns);
}
