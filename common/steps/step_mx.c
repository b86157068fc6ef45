/*
 * step_mx.c - step 7: the domain's inbound side, as its senders see it.
 *
 * Three rounds of DNS on one channel, every question of a round in
 * parallel: the MX RRset (with DO, and the lab root's ". DNSKEY" to learn
 * whether the resolver validates at all); each MX host's A, AAAA and TLSA
 * at _PORT._tcp.HOST; each address's PTR.  Then one SMTP session to every
 * address, each on a thread of its own, all under the check's deadline:
 * greeting, EHLO, STARTTLS (required with -S or secure TLSA records,
 * otherwise taken when offered, as senders do), the certificate, MAIL
 * FROM:<>, RCPT TO the recipient (and a random one with
 * --catch-all-test), RSET, QUIT.  Never DATA.
 *
 * DANE follows RFC 7672: TLSA records count only when the MX answer, the
 * host's addresses and the TLSA answer all came back with AD (2.2); usages
 * 2 and 3 are handed to OpenSSL's own DANE verifier (tls.c), and a DANE-EE
 * match stands for the certificate whatever its names and dates (3.1.1).
 * Without DANE, a certificate that does not verify is a WARNING: senders
 * without DANE or MTA-STS fall back to unauthenticated TLS.
 *
 * --mta-sts asks the _mta-sts record and mta-sts.DOMAIN's addresses in
 * round 1 (through a memo on the same channel: steps/sts_check), fetches
 * the policy on this thread while the sessions run, and judges each MX
 * host and session against it once they are done (RFC 8461 4.1, 4.2):
 * in mode enforce a sender that applies it delivers only to an MX the
 * policy names, over STARTTLS, with a certificate that verifies by PKIX
 * for the MX name, whatever DANE says (RFC 8461 2: a sender without
 * DANE applies the policy alone).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "steps/step_mx.h"

#include "core/addr.h"
#include "core/diag.h"

#include "proto/dns.h"
#include "proto/mtasts.h"

#include "steps/sts_check.h"

#define SMTP_PORT	25
#define MX_HOSTS_MAX	10
#define MX_SESSIONS_MAX 16 /* 3 perfdata items each, within RESULT_PERF_MAX */
#define PROBE_LOCAL_MAX 64

struct mx_host {
	char name[DNS_NAME_MAX + 1];
	unsigned pref;
	struct dns_query a, aaaa, tlsa;
	bool secure; /* the MX answer and this host's addresses had AD */
	bool dane;   /* secure, with TLSA records from a secure answer */
	size_t naddr;
	bool has_cert;
	double cert_days; /* the fewest of its addresses' certificates */
	/* of the one with the fewest days that --certificate-days judges */
	bool dated;
	struct tls_info soonest;
};

struct mx_session {
	struct mx_host *host;
	const struct step_mx_conf *conf;
	const struct run_ctx *ctx;
	const char *catch_all; /* the random recipient, or NULL */
	char addr[ADDR_TEXT_MAX];
	int family;
	struct dns_query ptr;
	struct smtp_session ss;
	struct result r; /* its own problems, merged into the check's */
	bool reached;	 /* connected (smtp_close() forgets it) */
	bool greeted;	 /* 220, and EHLO (or HELO) accepted */
	bool took;	 /* RCPT was accepted */
	bool dated;	 /* its certificate's days count (not DANE-EE) */
	bool unverified; /* not verified, no DANE match: judge_transport() */
	bool expired;	 /* the certificate's expiry was said (CRITICAL) */
	double seconds;
	pthread_t thread;
	bool threaded;
};

struct run {
	const struct step_mx_conf *conf;
	const struct run_ctx *ctx;
	struct result *r;
	struct dns *dns;
	struct dns_query mx;
	struct dns_query probe; /* ". DNSKEY": does the resolver validate? */
	bool validating;
	bool implicit; /* no MX: the domain itself (RFC 5321 5.1) */
	struct mx_host host[MX_HOSTS_MAX];
	size_t nhost, hosts_dropped;
	struct mx_session *sess;
	size_t nsess, sess_dropped;
	char catch_all[PROBE_LOCAL_MAX + DNS_NAME_MAX + 2];
	struct dns_memo *memo; /* --mta-sts: its lookups */
	struct sts_check sts;
	enum sts_found sts_found;
	double started;
};

static const char *
server(const struct run *run)
{
	return dns_channel_name(run->dns, 0);
}

static const char *
peer(const struct mx_session *m)
{
	return m->ss.smtp.conn.peer[0] ? m->ss.smtp.conn.peer : m->addr;
}

/* Why a query did not answer, as a phrase: "SERVFAIL", "bad reply: ..". */
static void
dns_why(const struct dns_query *q, char *out, size_t size)
{
	if (q->error[0] != '\0')
		snprintf(out, size, "%s: %s", dns_status_name(q->status),
			 q->error);
	else
		snprintf(out, size, "%s", dns_status_name(q->status));
}

/*
 * Round 1: the MX RRset, and whether the resolver validates (the root's
 * DNSKEY comes back with AD from any validating resolver).
 */
static int
ask_mx(struct run *run)
{
	if (dns_query_init(&run->mx, run->conf->domain, DNS_T_MX) == -1) {
		result_fail(run->r, STATE_UNKNOWN, "%s: not a name to ask",
			    run->conf->domain);
		return -1;
	}
	run->mx.dnssec = true;
	dns_submit(run->dns, 0, &run->mx);
	if (dns_query_init(&run->probe, ".", DNS_T_DNSKEY) == 0) {
		run->probe.dnssec = true;
		dns_submit(run->dns, 0, &run->probe);
	}
	if (run->conf->mta_sts) {
		if ((run->memo = dns_memo_open(run->dns, 0)) == NULL) {
			result_fail(run->r, STATE_UNKNOWN, "out of memory");
			return -1;
		}
		sts_check_prefetch(&run->sts, run->memo, run->ctx->family);
	}
	dns_wait(run->dns);
	run->validating = run->mx.ad || run->probe.ad;
	return 0;
}

/* The hosts to try, in preference order; -1 after failing the result. */
static int
hosts_from_mx(struct run *run)
{
	const struct dns_query *q = &run->mx;
	const char *domain = run->conf->domain;
	char why[160];
	size_t nnull = 0;

	switch (q->status) {
	case DNS_ANSWER:
		break;
	case DNS_NODATA:
		run->implicit = true;
		snprintf(run->host[0].name, sizeof(run->host[0].name), "%s",
			 domain);
		run->nhost = 1;
		result_problem(run->r, STATE_WARNING,
			       "no MX record: senders fall back to the "
			       "domain's own address (RFC 5321 5.1)");
		return 0;
	case DNS_NXDOMAIN:
		result_fail(run->r, STATE_CRITICAL,
			    "%s answered NXDOMAIN to MX %s: the domain does "
			    "not exist",
			    server(run), domain);
		return -1;
	case DNS_BOGUS:
		result_fail(run->r, STATE_CRITICAL,
			    "%s answered bogus to MX %s: DNSSEC validation "
			    "failed, senders that validate cannot find the "
			    "MX hosts",
			    server(run), domain);
		return -1;
	default:
		dns_why(q, why, sizeof(why));
		result_fail(
		    run->r,
		    run_failure_state(run->ctx, q->status == DNS_TIMEOUT),
		    "no MX answer from %s: %s", server(run), why);
		return -1;
	}
	for (size_t i = 0; i < q->nrr; i++)
		nnull += dns_rr_is_null_mx(&q->rr[i]);
	if (nnull == q->nrr && q->dropped == 0) {
		result_fail(run->r, STATE_CRITICAL,
			    "%s publishes a null MX (RFC 7505): it takes no "
			    "mail",
			    domain);
		return -1;
	}
	run->hosts_dropped = q->dropped;
	for (size_t i = 0; i < q->nrr; i++) {
		struct mx_host *h = &run->host[run->nhost];

		if (dns_rr_is_null_mx(&q->rr[i]))
			continue;
		if (run->nhost == MX_HOSTS_MAX) {
			run->hosts_dropped++;
			continue;
		}
		h->pref = q->rr[i].pref;
		snprintf(h->name, sizeof(h->name), "%s", q->rr[i].text);
		run->nhost++;
	}
	if (nnull > 0) /* as step 1 judges it */
		result_problem(run->r, STATE_CRITICAL,
			       "a null MX beside other MX records: RFC 7505 "
			       "wants it alone, senders may take it for "
			       "\"no mail\"");
	return 0;
}

/*
 * The TLS context, made while the answers travel: every session's
 * handshake needs it, and the first would make the others wait for it;
 * and libcurl, opened then for --mta-sts.
 */
static void
prepare_tls(const struct run *run)
{
	struct tls_opts o = tls_check_tls_opts(&run->conf->target.cert);
	char err[256];

	(void)tls_prepare(&o, err, sizeof(err)); /* else each session says */
	if (run->conf->mta_sts)
		(void)mtasts_prepare(err,
				     sizeof(err)); /* else the fetch says */
}

/* Round 2: each host's addresses, of the families asked, and its TLSA. */
static void
ask_hosts(struct run *run)
{
	int family = run->ctx->family;
	char name[DNS_NAME_MAX + 1];

	for (size_t i = 0; i < run->nhost; i++) {
		struct mx_host *h = &run->host[i];

		if (family != AF_INET6 &&
		    dns_query_init(&h->a, h->name, DNS_T_A) == 0) {
			h->a.dnssec = true;
			dns_submit(run->dns, 0, &h->a);
		}
		if (family != AF_INET &&
		    dns_query_init(&h->aaaa, h->name, DNS_T_AAAA) == 0) {
			h->aaaa.dnssec = true;
			dns_submit(run->dns, 0, &h->aaaa);
		}
		snprintf(name, sizeof(name), "_%u._tcp.%s",
			 run->conf->target.port, h->name);
		if (dns_query_init(&h->tlsa, name, DNS_T_TLSA) == 0) {
			h->tlsa.dnssec = true;
			dns_submit(run->dns, 0, &h->tlsa);
		}
	}
	prepare_tls(run);
	dns_wait(run->dns);
}

/* An address answer counts as secure when it came with AD, or unasked. */
static bool
addr_secure(const struct dns_query *q)
{
	return q->status == DNS_UNASKED ||
	       ((q->status == DNS_ANSWER || q->status == DNS_NODATA) && q->ad);
}

/*
 * What the host's TLSA answer means to a sender that does DANE (RFC 7672
 * 2.2): records used only from a secure MX, secure addresses and a secure
 * answer; a bogus or failed TLSA lookup for a secure host defers mail.
 */
static void
judge_tlsa(struct run *run, struct mx_host *h)
{
	const struct dns_query *q = &h->tlsa;
	char why[160];

	h->secure = run->mx.ad && addr_secure(&h->a) && addr_secure(&h->aaaa);
	if (q->status == DNS_BOGUS) {
		result_problem(run->r, STATE_CRITICAL,
			       "%s answered bogus to TLSA %s: DNSSEC "
			       "validation failed, DANE senders defer mail "
			       "to %s",
			       server(run), q->name, h->name);
		return;
	}
	if (q->status == DNS_ANSWER && q->ntlsa > 0) {
		if (h->secure && q->ad) {
			h->dane = true;
		} else if (!run->validating) {
			result_problem(run->r, STATE_WARNING,
				       "TLSA %s not judged: %s sets no AD "
				       "(not for the root's DNSKEY either), "
				       "it does not validate",
				       q->name, server(run));
		} else if (!q->ad) {
			result_problem(run->r, STATE_WARNING,
				       "TLSA %s is in an unsigned zone: "
				       "senders ignore it",
				       q->name);
		} else {
			result_problem(run->r, STATE_WARNING,
				       "TLSA %s is ignored by senders: %s's "
				       "%s answer came without AD (RFC 7672 "
				       "2.2)",
				       q->name, h->name,
				       run->mx.ad ? "address" : "MX");
		}
		return;
	}
	if (q->status == DNS_ANSWER || q->status == DNS_NODATA ||
	    q->status == DNS_NXDOMAIN || q->status == DNS_UNASKED)
		return;
	dns_why(q, why, sizeof(why));
	if (h->secure && run->validating)
		result_problem(run->r, STATE_CRITICAL,
			       "no TLSA answer for %s from %s (%s): DANE "
			       "senders defer mail to a secure MX host "
			       "whose TLSA lookup fails",
			       q->name, server(run), why);
	else
		result_line(run->r, STATE_OK, "no TLSA answer for %s (%s)",
			    q->name, why);
}

/* --dane: every host must have secure TLSA records. */
static void
judge_dane_required(struct run *run)
{
	if (!run->conf->dane)
		return;
	if (!run->validating) {
		result_problem(run->r, STATE_UNKNOWN,
			       "--dane needs a validating resolver: %s sets "
			       "no AD",
			       server(run));
		return;
	}
	for (size_t i = 0; i < run->nhost; i++) {
		const struct mx_host *h = &run->host[i];

		if (!h->dane && h->tlsa.status != DNS_BOGUS)
			result_problem(run->r, STATE_CRITICAL,
				       "%s has no secure TLSA record at "
				       "%s (--dane)",
				       h->name, h->tlsa.name);
	}
}

/* A session for each address, in MX order; its PTR question asked. */
static int
plan_sessions(struct run *run)
{
	run->sess = calloc(MX_SESSIONS_MAX, sizeof(*run->sess));
	if (run->sess == NULL) {
		result_fail(run->r, STATE_UNKNOWN, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < run->nhost; i++) {
		struct mx_host *h = &run->host[i];
		const struct dns_query *qs[] = {&h->a, &h->aaaa};
		char why[160];

		judge_tlsa(run, h);
		for (size_t k = 0; k < 2; k++) {
			const struct dns_query *q = qs[k];

			if (q->status == DNS_BOGUS)
				result_problem(run->r, STATE_CRITICAL,
					       "%s answered bogus to %s %s: "
					       "DNSSEC validation failed",
					       server(run),
					       dns_type_name(q->type), h->name);
			else if (q->status != DNS_ANSWER &&
				 q->status != DNS_NODATA &&
				 q->status != DNS_NXDOMAIN &&
				 q->status != DNS_UNASKED) {
				dns_why(q, why, sizeof(why));
				result_problem(run->r, STATE_WARNING,
					       "no %s answer for %s from %s: "
					       "%s",
					       dns_type_name(q->type), h->name,
					       server(run), why);
			}
			for (size_t j = 0;
			     q->status == DNS_ANSWER && j < q->nrr; j++) {
				struct mx_session *m = &run->sess[run->nsess];

				if (run->nsess == MX_SESSIONS_MAX) {
					run->sess_dropped++;
					continue;
				}
				m->host = h;
				m->conf = run->conf;
				m->ctx = run->ctx;
				m->catch_all = run->conf->catch_all_test
						   ? run->catch_all
						   : NULL;
				m->family =
				    q->type == DNS_T_A ? AF_INET : AF_INET6;
				/* an address: shorter than ADDR_TEXT_MAX */
				snprintf(m->addr, sizeof(m->addr), "%.*s",
					 (int)sizeof(m->addr) - 1,
					 q->rr[j].text);
				result_init(&m->r, "MX");
				h->naddr++;
				if (dns_query_init(&m->ptr, m->addr,
						   DNS_T_PTR) == 0)
					dns_submit(run->dns, 0, &m->ptr);
				run->nsess++;
			}
		}
		if (h->naddr == 0 && h->a.status != DNS_BOGUS &&
		    h->aaaa.status != DNS_BOGUS)
			result_problem(run->r, STATE_WARNING,
				       "MX %s has no address%s", h->name,
				       run->ctx->family == AF_INET ? " (IPv4)"
				       : run->ctx->family == AF_INET6
					   ? " (IPv6)"
					   : "");
	}
	return 0; /* the PTR answers are awaited while the sessions run */
}

/* The session's certificate, as a sender judges it. */
static void
judge_cert(struct mx_session *m)
{
	const struct tls_info *ti = &m->ss.tls_info;
	const struct tls_check *tc = &m->conf->target.cert;
	struct result *r = &m->r;

	if (!m->ss.tls)
		return;
	if (!ti->has_cert) {
		result_problem(r, STATE_CRITICAL, "%s sent no certificate",
			       peer(m));
		return;
	}
	if (ti->dane_usable > 0 && !ti->dane_matched) {
		result_problem(r, STATE_CRITICAL,
			       "%s: no TLSA record matches its certificate "
			       "for %s (%s): DANE senders defer its mail",
			       peer(m), ti->subject, ti->verify_error);
		return;
	}
	if (ti->dane_matched && ti->dane_usage == DNS_TLSA_DANE_EE)
		return; /* RFC 7672 3.1.1: no names, no dates */
	if (ti->dane_matched && !ti->verified) {
		result_problem(r, STATE_CRITICAL,
			       "%s: its chain matched a DANE-TA record but "
			       "does not verify: %s",
			       peer(m), ti->verify_error);
		return;
	}
	if (m->host->dane && ti->dane_usable == 0)
		result_problem(r, STATE_WARNING,
			       "%s: none of %s's TLSA records is usable "
			       "(usages 2 and 3 only, RFC 7672 3.1.3): DANE "
			       "senders encrypt but authenticate nothing",
			       peer(m), m->host->name);
	if (ti->expired || ti->days_left < 0) {
		m->expired = true;
		result_problem(r, STATE_CRITICAL,
			       "%s: certificate for %s expired %.0f days ago",
			       peer(m), ti->subject, -ti->days_left);
		return;
	}
	m->unverified = !ti->verified && !tc->no_verify && !ti->dane_matched;
	m->dated = true; /* judged once per host: judge_days() */
}

static void
judge_tls_version(struct mx_session *m)
{
	const char *v = m->ss.tls_info.version;

	if (m->ss.tls && strcmp(v, "TLSv1.2") != 0 && strcmp(v, "TLSv1.3") != 0)
		result_problem(&m->r, STATE_WARNING,
			       "%s negotiated %s: below TLS 1.2 (RFC 8996)",
			       peer(m), v);
}

/* With --catch-all-test: a local part nobody has must be refused. */
static void
catch_all_test(struct mx_session *m)
{
	struct smtp *s = &m->ss.smtp;
	char reply[256];

	if (smtp_command(s, "RCPT TO:<%s>", m->catch_all) == -1)
		return;
	smtp_reply_line(&s->reply, reply, sizeof(reply));
	if (smtp_class(s) == 2)
		result_problem(&m->r, STATE_WARNING,
			       "%s accepts any recipient (RCPT TO:<%s>: %s): "
			       "a catch-all takes spam and never bounces a "
			       "mistyped address",
			       peer(m), m->catch_all, reply);
	else
		result_line(&m->r, STATE_OK, "%s refused RCPT TO:<%s>: %s",
			    peer(m), m->catch_all, reply);
}

static void *
session_run(void *arg)
{
	struct mx_session *m = arg;
	struct smtp_target t = m->conf->target;
	struct smtp_session *ss = &m->ss;

	t.host = m->addr;
	t.domain = m->conf->domain;
	t.tls_name = m->host->name;
	t.opportunistic = true;
	/* A secure TLSA record obliges its senders to TLS (RFC 7672 2.2). */
	t.starttls = m->conf->target.starttls || m->host->dane;
	if (m->host->dane) {
		t.tlsa = m->host->tlsa.tlsa;
		t.ntlsa = m->host->tlsa.ntlsa;
	}
	if (smtp_check_open(ss, &t, m->ctx, &m->r) == 0) {
		m->greeted = true;
		judge_cert(m);
		judge_tls_version(m);
		if (smtp_check_envelope(ss, m->ctx, &m->r, "", m->conf->rcpt) ==
		    0) {
			m->took = true;
			if (m->catch_all != NULL)
				catch_all_test(m);
		}
		if (ss->smtp.net == NET_OK && ss->smtp.connected)
			smtp_command(&ss->smtp, "RSET");
	}
	m->seconds = mono_now() - ss->started;
	m->reached = ss->smtp.connected;
	smtp_check_close(ss, m->ctx, &m->r);
	return NULL;
}

/*
 * Every session at once, a thread each (in this one when a thread cannot
 * start), while this one reads the PTR answers and fetches the MTA-STS
 * policy: c-ares and libcurl stay with it.
 */
static void
run_sessions(struct run *run)
{
	for (size_t i = 0; i < run->nsess; i++) {
		struct mx_session *m = &run->sess[i];

		m->threaded =
		    pthread_create(&m->thread, NULL, session_run, m) == 0;
		if (!m->threaded)
			session_run(m);
	}
	dns_wait(run->dns); /* the PTR questions plan_sessions() asked */
	if (run->conf->mta_sts)
		run->sts_found =
		    sts_check_find(&run->sts, run->memo, run->ctx, run->r);
	for (size_t i = 0; i < run->nsess; i++)
		if (run->sess[i].threaded)
			pthread_join(run->sess[i].thread, NULL);
}

/* Whether name is one of the PTR names of the session's address. */
static bool
ptr_names(const struct mx_session *m, const char *name)
{
	for (size_t i = 0; i < m->ptr.nrr; i++)
		if (addr_same_name(m->ptr.rr[i].text, name))
			return true;
	return false;
}

/* The greeting's and the EHLO reply's names against the address's PTR. */
static void
judge_ptr(struct run *run, struct mx_session *m)
{
	const struct smtp *s = &m->ss.smtp;
	const char *wrong = NULL;

	if (!m->greeted || s->greeting_name[0] == '\0')
		return;
	if (m->ptr.status != DNS_ANSWER) {
		result_problem(run->r, STATE_WARNING,
			       "%s: %s has no PTR record (%s); it greets as "
			       "%s",
			       m->host->name, m->addr,
			       dns_status_name(m->ptr.status),
			       s->greeting_name);
		return;
	}
	if (!ptr_names(m, s->greeting_name))
		wrong = s->greeting_name;
	else if (s->ehlo_name[0] != '\0' && !ptr_names(m, s->ehlo_name))
		wrong = s->ehlo_name;
	if (wrong != NULL)
		result_problem(run->r, STATE_WARNING,
			       "%s: %s %s as %s, but its PTR record names "
			       "%s",
			       m->host->name, m->addr,
			       wrong == s->greeting_name ? "greets"
							 : "answers "
							   "EHLO",
			       wrong, m->ptr.rr[0].text);
}

static const char *
tls_text(const struct mx_session *m, char *out, size_t size)
{
	const struct tls_info *ti = &m->ss.tls_info;

	if (!m->ss.tls)
		snprintf(out, size, "without TLS");
	else if (ti->dane_matched)
		snprintf(out, size, "over %s, DANE-%s %u %u %u matched",
			 ti->version,
			 ti->dane_usage == DNS_TLSA_DANE_EE ? "EE" : "TA",
			 ti->dane_usage, ti->dane_selector, ti->dane_mtype);
	else
		snprintf(out, size, "over %s, certificate for %s %s",
			 ti->version, ti->subject,
			 ti->verified ? "verified" : "not verified");
	return out;
}

/*
 * Each session's problems into the check's result, under its host's
 * name.  An address that could not be reached is a CRITICAL only when no
 * address took mail: senders try the next one.
 */
static void
merge_session(struct run *run, struct mx_session *m, size_t ntook)
{
	bool unreachable = !m->reached;
	char tls[256];

	for (size_t i = 0; i < m->r.nlines; i++) {
		const struct result_line *l = &m->r.lines[i];
		enum state st = l->state;

		if (unreachable && ntook > 0 && st == STATE_CRITICAL)
			st = STATE_WARNING;
		if (l->problem)
			result_problem(run->r, st, "%s: %s", m->host->name,
				       l->text);
		else
			result_line(run->r, st, "%s: %s", m->host->name,
				    l->text);
	}
	if (m->took)
		result_line(run->r, STATE_OK,
			    "%s (%u) %s took RCPT TO:<%s> %s in %.3f s",
			    m->host->name, m->host->pref, peer(m),
			    m->conf->rcpt, tls_text(m, tls, sizeof(tls)),
			    m->seconds);
	if (m->ss.tls && m->ss.tls_info.has_cert &&
	    (!m->host->has_cert ||
	     m->ss.tls_info.days_left < m->host->cert_days)) {
		m->host->has_cert = true;
		m->host->cert_days = m->ss.tls_info.days_left;
	}
	if (m->dated && (!m->host->dated || m->ss.tls_info.days_left <
						m->host->soonest.days_left)) {
		m->host->dated = true;
		m->host->soonest = m->ss.tls_info;
	}
}

/*
 * --certificate-days, once per MX host: the certificate of its addresses
 * that expires first (a DANE-EE match has no dates to judge).
 */
static void
judge_days(struct run *run)
{
	for (size_t i = 0; i < run->nhost; i++) {
		const struct mx_host *h = &run->host[i];
		struct result days;

		if (!h->dated)
			continue;
		result_init(&days, "MX");
		if (tls_check_days(&run->conf->target.cert, &h->soonest, &days))
			result_problem(run->r, days.state, "%s: %s", h->name,
				       days.nlines > 0 ? days.lines[0].text
						       : "certificate");
		result_free(&days);
	}
}

static void
perfdata(struct run *run)
{
	char label[PERF_LABEL_MAX];

	for (size_t i = 0; i < run->nsess; i++) {
		const struct mx_session *m = &run->sess[i];

		if (!m->reached) { /* nothing to time but the attempt */
			snprintf(label, sizeof(label), "time_%s", m->addr);
			result_perf(run->r, label, m->seconds, "s", NULL, NULL,
				    0, NAN);
			continue;
		}
		snprintf(label, sizeof(label), "connect_%s", m->addr);
		result_perf(run->r, label, m->ss.smtp.conn.connect_seconds, "s",
			    NULL, NULL, 0, NAN);
		snprintf(label, sizeof(label), "greeting_%s", m->addr);
		result_perf(run->r, label, m->ss.smtp.greeting_seconds, "s",
			    NULL, NULL, 0, NAN);
		snprintf(label, sizeof(label), "time_%s", m->addr);
		result_perf(run->r, label, m->seconds, "s", NULL, NULL, 0, NAN);
	}
	for (size_t i = 0; i < run->nhost; i++) {
		const struct mx_host *h = &run->host[i];

		snprintf(label, sizeof(label), "cert_days_%s", h->name);
		if (h->has_cert)
			result_perf(run->r, label,
				    round(h->cert_days * 100) / 100, "", NULL,
				    NULL, NAN, NAN);
	}
	run_judge_time(run->ctx, run->r, "time", "", mono_now() - run->started);
}

/*
 * The state of a fault under the policy: CRITICAL in mode enforce
 * (senders that apply it defer the mail), WARNING in mode testing (they
 * deliver, and report it: RFC 8460); OK when no policy applies.
 */
static enum state
sts_state(const struct run *run)
{
	if (run->sts_found != STS_POLICY || run->sts.policy.mode == MTASTS_NONE)
		return STATE_OK;
	return run->sts.policy.mode == MTASTS_ENFORCE ? STATE_CRITICAL
						      : STATE_WARNING;
}

/* What senders that apply the policy do with an MX that fails it. */
static const char *
sts_consequence(const struct run *run)
{
	return sts_state(run) == STATE_CRITICAL
		   ? "do not deliver to it"
		   : "report it and deliver anyway";
}

/*
 * --mta-sts, once the policy is fetched: its mode, and each MX host
 * against its mx patterns (RFC 8461 4.1), a fault in sts_state(); the
 * sessions are judged against it in judge_transport().
 */
static void
judge_sts(struct run *run)
{
	const struct mtasts_policy *p = &run->sts.policy;
	const char *mode = mtasts_mode_name(p->mode);

	if (!run->conf->mta_sts || run->sts_found == STS_FAILED)
		return; /* not asked, or sts_check_find() said why */
	if (run->sts_found == STS_UNPUBLISHED) {
		result_problem(run->r, STATE_CRITICAL,
			       "no MTA-STS record at _mta-sts.%s: senders "
			       "apply no policy (--mta-sts)",
			       run->conf->domain);
		return;
	}
	if (p->mode == MTASTS_NONE) {
		result_problem(run->r, STATE_WARNING,
			       "MTA-STS mode none: the domain withdrew its "
			       "policy, senders apply none");
		return;
	}
	for (size_t i = 0; i < run->nhost; i++) {
		const char *pat = mtasts_policy_match(p, run->host[i].name);

		if (pat != NULL)
			result_line(run->r, STATE_OK,
				    "%s matches the MTA-STS policy's mx %s",
				    run->host[i].name, pat);
		else
			result_problem(run->r, sts_state(run),
				       "%s matches no mx of the MTA-STS "
				       "policy (mode %s): senders that apply "
				       "it %s",
				       run->host[i].name, mode,
				       sts_consequence(run));
	}
}

/*
 * A session without STARTTLS, or whose certificate did not verify: a
 * WARNING, as senders fall back to cleartext or unauthenticated TLS;
 * unless the policy names its host, whose senders want STARTTLS and a
 * certificate PKIX verifies for the MX name, whatever DANE says (RFC
 * 8461 4.2; 2: a sender without DANE applies the policy alone).
 */
static void
judge_transport(struct run *run, const struct mx_session *m)
{
	const struct tls_info *ti = &m->ss.tls_info;
	const char *name = m->host->name, *consequence;
	char mode[32];

	if (!m->greeted)
		return; /* its own problem says why */
	if (sts_state(run) == STATE_OK ||
	    mtasts_policy_match(&run->sts.policy, name) == NULL) {
		if (!m->ss.tls)
			result_problem(run->r, STATE_WARNING,
				       "%s: %s does not offer STARTTLS: mail "
				       "to it travels in cleartext",
				       name, peer(m));
		else if (m->unverified)
			result_problem(run->r, STATE_WARNING,
				       "%s: %s: certificate for %s not "
				       "verified for %s (%s): senders that "
				       "authenticate (DANE, MTA-STS enforce) "
				       "refuse it, the others fall back to "
				       "unauthenticated TLS",
				       name, peer(m), ti->subject, name,
				       ti->verify_error);
		return;
	}
	snprintf(mode, sizeof(mode), "mode %s",
		 mtasts_mode_name(run->sts.policy.mode));
	consequence = sts_consequence(run);
	if (!m->ss.tls)
		result_problem(run->r, sts_state(run),
			       "%s: %s does not offer STARTTLS: senders that "
			       "apply the MTA-STS policy (%s) %s",
			       name, peer(m), mode, consequence);
	else if (ti->has_cert && !ti->pkix_verified && !m->expired)
		result_problem(run->r, sts_state(run),
			       "%s: %s: certificate for %s does not verify "
			       "for %s (%s): senders that apply the MTA-STS "
			       "policy (%s)%s %s",
			       name, peer(m), ti->subject, name, ti->pkix_error,
			       mode, ti->dane_matched ? " without DANE" : "",
			       consequence);
}

static void
judge_sessions(struct run *run)
{
	size_t ntook = 0, ntls = 0, ndane = 0;

	for (size_t i = 0; i < run->nsess; i++) {
		ntook += run->sess[i].took;
		ntls += run->sess[i].took && run->sess[i].ss.tls;
		ndane +=
		    run->sess[i].took && run->sess[i].ss.tls_info.dane_matched;
	}
	for (size_t i = 0; i < run->nsess; i++) {
		merge_session(run, &run->sess[i], ntook);
		judge_transport(run, &run->sess[i]);
		judge_ptr(run, &run->sess[i]);
	}
	judge_days(run);
	if (run->hosts_dropped > 0 || run->sess_dropped > 0)
		result_line(run->r, STATE_OK,
			    "not tried: %zu more MX hosts, %zu more addresses",
			    run->hosts_dropped, run->sess_dropped);
	if (ntook == 0) {
		result_problem(run->r, STATE_CRITICAL,
			       "no MX address takes mail for <%s>",
			       run->conf->rcpt);
		return;
	}
	result_summary(run->r,
		       "%zu of %zu addresses of %zu MX took mail for <%s>, %zu "
		       "over TLS (%zu with DANE)",
		       ntook, run->nsess, run->nhost, run->conf->rcpt, ntls,
		       ndane);
	if (run->sts_found == STS_POLICY)
		result_summary(run->r, ", MTA-STS %s",
			       mtasts_mode_name(run->sts.policy.mode));
}

/* A local part nobody has: imscheck-catch-all-test- and 12 random hex. */
static void
make_catch_all(struct run *run)
{
	unsigned char rnd[6] = {0};
	char hex[sizeof(rnd) * 2 + 1];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		unsigned long t = (unsigned long)(mono_now() * 1e6);

		for (size_t i = 0; i < sizeof(rnd); i++, t >>= 8)
			rnd[i] = (unsigned char)t;
	}
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	snprintf(run->catch_all, sizeof(run->catch_all),
		 "imscheck-catch-all-test-%s@%s", hex, run->conf->domain);
}

static void
run_free(struct run *run)
{
	for (size_t i = 0; i < run->nsess; i++) {
		dns_query_free(&run->sess[i].ptr);
		result_free(&run->sess[i].r);
	}
	free(run->sess);
	for (size_t i = 0; i < run->nhost; i++) {
		dns_query_free(&run->host[i].a);
		dns_query_free(&run->host[i].aaaa);
		dns_query_free(&run->host[i].tlsa);
	}
	dns_query_free(&run->mx);
	dns_query_free(&run->probe);
	dns_memo_close(run->memo);
	dns_close(run->dns);
}

void
step_mx_run(const struct step_mx_conf *conf, const struct run_ctx *ctx,
	    struct result *r)
{
	struct run run = {.conf = conf,
			  .ctx = ctx,
			  .r = r,
			  .sts = {.domain = conf->domain,
				  .ca_file = conf->target.cert.ca_file},
			  .started = mono_now()};
	const char *servers[1] = {conf->server};
	char err[256];

	result_subject(r, "%s", conf->domain);
	run.dns = dns_open(servers, conf->server ? 1 : 0, &ctx->deadline, err,
			   sizeof(err));
	if (run.dns == NULL) {
		result_fail(r, STATE_UNKNOWN, "%s", err);
		return;
	}
	make_catch_all(&run);
	if (ask_mx(&run) == 0 && hosts_from_mx(&run) == 0) {
		ask_hosts(&run);
		if (plan_sessions(&run) == 0) {
			judge_dane_required(&run);
			run_sessions(&run);
			judge_sts(&run);
			judge_sessions(&run);
			perfdata(&run);
		}
	}
	run_free(&run);
}

int
step_mx_validate(struct step_mx_conf *conf, char *err, size_t errlen)
{
	if (conf->mta_sts && conf->target.cert.no_verify)
		return errorf(err, errlen,
			      "--mta-sts judges certificates as MTA-STS "
			      "senders verify them: not with --no-verify");
	if (conf->target.port == 0)
		conf->target.port = SMTP_PORT;
	if (conf->rcpt == NULL) {
		if (snprintf(conf->default_rcpt, sizeof(conf->default_rcpt),
			     "postmaster@%s",
			     conf->domain) >= (int)sizeof(conf->default_rcpt))
			return errorf(err, errlen, "-D: too long");
		conf->rcpt = conf->default_rcpt;
	}
	return 0;
}
