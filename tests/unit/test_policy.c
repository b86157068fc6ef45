/*
 * test_policy.c - the parsers of the published policy: tag lists, DKIM
 * key records (OpenSSL reads the key), DMARC with its URIs, TLS-RPT,
 * MTA-STS records, policies and the mx pattern match of RFC 8461 4.1
 * (its own examples), finding a domain's MTA-STS policy up to its fetch
 * (steps/sts_check over answers put in a memo), and the DNSBL names and
 * answers of RFC 5782.
 */
#include <sys/socket.h>

#include "proto/dkim.h"
#include "proto/dmarc.h"
#include "proto/dnsbl.h"
#include "proto/mtasts.h"
#include "proto/taglist.h"
#include "proto/tlsrpt.h"

#include "steps/sts_check.h"

#include "unit.h"

static int
parse_tags(struct taglist *tl, const char *s)
{
	char err[128];

	return taglist_parse(tl, s, strlen(s), err, sizeof(err));
}

static void
test_taglist(void)
{
	struct taglist tl;

	CHECK(parse_tags(&tl, " v = DKIM1 ;k=rsa; p=AB CD\r\n EF ;") == 0);
	CHECK(tl.n == 3);
	CHECK(tag_is(taglist_get(&tl, "v"), "DKIM1", true));
	CHECK(tag_is(taglist_get(&tl, "p"), "AB CD\r\n EF", true));
	CHECK(taglist_get(&tl, "K") == NULL); /* names are case-sensitive */
	CHECK(parse_tags(&tl, "") == 0 && tl.n == 0);
	CHECK(parse_tags(&tl, "a=1; a=2") == -1);
	CHECK(parse_tags(&tl, "a=1; =2") == -1);
	CHECK(parse_tags(&tl, "a 1") == -1);
	CHECK(parse_tags(&tl, "a=\x01") == -1);
	CHECK(parse_tags(&tl, "1a=x") == -1);
	CHECK(taglist_has_version("v=DMARC1; p=none", 16, "DMARC1"));
	CHECK(taglist_has_version("v=DMARC1", 8, "DMARC1"));
	CHECK(!taglist_has_version("v=DMARC10; p=none", 17, "DMARC1"));
	CHECK(!taglist_has_version(" v=DMARC1", 9, "DMARC1"));
}

static int
dkim(struct dkim_key *k, const char *s)
{
	char err[128];

	return dkim_key_parse(k, s, strlen(s), err, sizeof(err));
}

/* A 1024-bit RSA key (RFC 6376's example size) and RFC 8463's Ed25519. */
#define RSA1024                                                                \
	"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/"        \
	"DkMoGeLnQg1"                                                          \
	"fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/"              \
	"RtdC2UzJ1lWT947qR"                                                    \
	"+Rcac2gbto/"                                                          \
	"NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB"

static void
test_dkim(void)
{
	struct dkim_key k;

	CHECK(dkim(&k, "v=DKIM1; k=rsa; p=" RSA1024) == 0);
	CHECK(k.type == DKIM_KEY_RSA && k.bits == 1024 && !k.revoked);
	CHECK(dkim(&k, "p=" RSA1024 "; h=sha1:sha256; t=y; s=email") == 0);
	CHECK(!k.sha1_only && k.testing && !k.not_email);
	CHECK(dkim(&k, "p=" RSA1024 "; h=sha1; s=other") == 0);
	CHECK(k.sha1_only && k.not_email);
	CHECK(dkim(&k, "v=DKIM1; k=ed25519; "
		       "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=") == 0);
	CHECK(k.type == DKIM_KEY_ED25519 && k.bits == 256);
	CHECK(dkim(&k, "v=DKIM1; p=") == 0 && k.revoked);
	CHECK(dkim(&k, "v=DKIM1; k=dsa; p=" RSA1024) == -1);
	CHECK(dkim(&k, "k=rsa; v=DKIM1; p=" RSA1024) == -1);
	CHECK(dkim(&k, "v=DKIM2; p=" RSA1024) == -1);
	CHECK(dkim(&k, "v=DKIM1; k=rsa") == -1);
	CHECK(dkim(&k, "v=DKIM1; p=bm90IGEga2V5") == -1);
	CHECK(dkim(&k, "v=DKIM1; p=!!!!") == -1);
}

static int
dmarc(struct dmarc_record *d, const char *s)
{
	char err[128];

	return dmarc_parse(d, s, strlen(s), err, sizeof(err));
}

static void
test_dmarc(void)
{
	struct dmarc_record d;

	CHECK(
	    dmarc(&d,
		  "v=DMARC1; p=reject; sp=none; pct=50; adkim=s; "
		  "rua=mailto:a@example.com!10m, mailto:b@Reports.Example.NET;"
		  " ruf=https://example.com/f") == 0);
	CHECK(d.p == DMARC_REJECT && d.sp == DMARC_NONE && d.sp_given);
	CHECK(d.pct == 50 && d.adkim == 's' && d.aspf == 'r');
	CHECK(d.nrua == 2 && d.rua[0].mailto);
	CHECK_STR(d.rua[0].domain, "example.com");
	CHECK_STR(d.rua[0].text, "mailto:a@example.com");
	CHECK_STR(d.rua[1].domain, "Reports.Example.NET");
	CHECK(d.nruf == 1 && !d.ruf[0].mailto);
	CHECK(dmarc(&d, "v=DMARC1; p=Quarantine") == 0);
	CHECK(d.p == DMARC_QUARANTINE && d.sp == d.p && d.pct == 100);
	CHECK(dmarc(&d, "v=DMARC1; p=none; foo=bar") == 0);
	CHECK(dmarc(&d, "p=none; v=DMARC1") == -1);
	CHECK(dmarc(&d, "v=DMARC1; rua=mailto:a@example.com") == -1);
	CHECK(dmarc(&d, "v=DMARC1; p=maybe") == -1);
	CHECK(dmarc(&d, "v=DMARC1; p=none; pct=101") == -1);
	CHECK(dmarc(&d, "v=DMARC1; p=none; adkim=x") == -1);
	CHECK(dmarc(&d, "v=DMARC1; p=none; rua=a@example.com") == -1);
	CHECK(dmarc(&d, "v=DMARC1; p=none; rua=mailto:@example.com") == -1);
	CHECK(dmarc_is_record("v=DMARC1;p=none", 15));
	CHECK(!dmarc_is_record("v=spf1 -all", 11));
}

static void
test_tlsrpt(void)
{
	struct tlsrpt_record r;
	char err[128];
	const char *good = "v=TLSRPTv1; rua=mailto:tls@example.com, "
			   "https://reports.example.com/v1";
	const char *ftp = "v=TLSRPTv1; rua=ftp://example.com/";

	CHECK(tlsrpt_parse(&r, good, strlen(good), err, sizeof(err)) == 0);
	CHECK(r.nrua == 2);
	CHECK_STR(r.rua[1], "https://reports.example.com/v1");
	CHECK(tlsrpt_parse(&r, ftp, strlen(ftp), err, sizeof(err)) == -1);
	CHECK(tlsrpt_parse(&r, "v=TLSRPTv1", 10, err, sizeof(err)) == -1);
	CHECK(tlsrpt_is_record("v=TLSRPTv1;rua=mailto:a@b", 25));
}

static int
policy(struct mtasts_policy *p, const char *s)
{
	char err[128];

	return mtasts_policy_parse(p, s, strlen(s), err, sizeof(err));
}

static void
test_mtasts_policy(void)
{
	struct mtasts_policy p;
	struct mtasts_txt t;
	char err[128];
	const char *txt = "v=STSv1; id=20160831085700Z;";

	/* RFC 8461 3.2's example */
	CHECK(policy(&p,
		     "version: STSv1\r\nmode: enforce\r\n"
		     "mx: mail.example.com\r\nmx: *.example.net\r\n"
		     "mx: backupmx.example.com\r\nmax_age: 604800\r\n") == 0);
	CHECK(p.mode == MTASTS_ENFORCE && p.max_age == 604800 && p.nmx == 3);
	CHECK(policy(&p, "version: STSv1\nmode: none\nmax_age: 0\n") == 0);
	CHECK(policy(&p, "version: STSv1\nmode: testing\nmax_age: 1\n") == -1);
	CHECK(policy(&p, "mode: enforce\nmx: a.example\nmax_age: 1\n") == -1);
	CHECK(policy(&p, "version: STSv1\nmode: strict\nmx: a.example\n"
			 "max_age: 1\n") == -1);
	CHECK(policy(&p, "version: STSv1\nmode: enforce\nmx: a.example\n"
			 "max_age: 31557601\n") == -1);
	CHECK(policy(&p, "version: STSv1\nmode: enforce\nmode: none\n"
			 "mx: a.example\nmax_age: 1\n") == -1);
	CHECK(policy(&p, "version: STSv1\nmode enforce\n") == -1);
	CHECK(policy(&p, "version: STSv1\nmode: enforce\nmx: a.example\n"
			 "max_age: 1\nfuture_field: yes\n") == 0);
	CHECK(mtasts_txt_parse(&t, txt, strlen(txt), err, sizeof(err)) == 0);
	CHECK_STR(t.id, "20160831085700Z");
	CHECK(mtasts_txt_parse(&t, "v=STSv1", 7, err, sizeof(err)) == -1);
	CHECK(mtasts_txt_parse(&t, "v=STSv1; id=a-b", 15, err, sizeof(err)) ==
	      -1);
}

/* RFC 8461 4.1: "*.example.com" is one label more, the leftmost. */
static void
test_mtasts_match(void)
{
	CHECK(mtasts_mx_match("mail.example.com", "MAIL.example.com."));
	CHECK(mtasts_mx_match("*.example.com", "mx1.example.com"));
	CHECK(!mtasts_mx_match("*.example.com", "example.com"));
	CHECK(!mtasts_mx_match("*.example.com", "a.mx1.example.com"));
	CHECK(!mtasts_mx_match("*.example.com", ".example.com"));
	CHECK(!mtasts_mx_match("mail.example.com", "mail.example.net"));
}

static void
test_dnsbl(void)
{
	char name[300];

	CHECK(dnsbl_name("192.0.2.25", "bl.example", name, sizeof(name)) == 0);
	CHECK_STR(name, "25.2.0.192.bl.example");
	/* RFC 5782 2.4's example */
	CHECK(dnsbl_name("2001:db8:1:2:3:4:567:89ab", "ugly.example.com", name,
			 sizeof(name)) == 0);
	CHECK_STR(name,
		  "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0."
		  "1.0.0.2.ugly.example.com");
	CHECK(dnsbl_name("not an address", "bl.example", name, sizeof(name)) ==
	      -1);
	CHECK(dnsbl_name("192.0.2.25", "bl.example", name, 10) == -1);
	CHECK(dnsbl_classify("127.0.0.2") == DNSBL_LISTED);
	CHECK(dnsbl_classify("127.0.1.4") == DNSBL_LISTED);
	CHECK(dnsbl_classify("127.255.255.251") == DNSBL_LISTED);
	CHECK(dnsbl_classify("127.255.255.252") == DNSBL_REFUSED);
	CHECK(dnsbl_classify("127.255.255.254") == DNSBL_REFUSED);
	CHECK(dnsbl_classify("127.255.255.255") == DNSBL_REFUSED);
	CHECK(dnsbl_classify("10.0.0.1") == DNSBL_FOREIGN);
	CHECK_STR(dnsbl_test_listed(false), "127.0.0.2");
	CHECK_STR(dnsbl_test_not_listed(true), "::ffff:7f00:1");
}

/* sts_check_find() over memo: what it found, the result's state and text. */
static enum sts_found
sts_find(struct dns_memo *memo, int family, struct sts_check *s,
	 struct result *r)
{
	struct run_ctx ctx = {.timeout_state = STATE_UNKNOWN, .family = family};

	deadline_start(&ctx.deadline, 10);
	result_init(r, "MX");
	*s = (struct sts_check){.domain = "example.com"};
	return sts_check_find(s, memo, &ctx, r);
}

/* The same, with only the TXT answer at _mta-sts.example.com put. */
static enum sts_found
sts_find_txt(enum dns_status status, const char *const *txt, size_t n,
	     struct sts_check *s, struct result *r)
{
	struct dns_memo *m = dns_memo_open(NULL, 0);
	enum sts_found found;

	dns_memo_put(m, "_mta-sts.example.com", DNS_T_TXT, status, txt, NULL,
		     n);
	found = sts_find(m, AF_UNSPEC, s, r);
	dns_memo_close(m);
	return found;
}

static const char *
first_problem(const struct result *r)
{
	for (size_t i = 0; i < r->nlines; i++)
		if (r->lines[i].problem)
			return r->lines[i].text;
	return "";
}

static void
test_sts_find(void)
{
	static const char *const one[] = {"v=STSv1; id=20261203"};
	static const char *const two[] = {"v=STSv1; id=1", "v=STSv1; id=2"};
	static const char *const bad[] = {"v=STSv1; id=a-b"};
	static const char *const other[] = {"v=spf1 -all"};
	const char *txt = "_mta-sts.example.com", *web = "mta-sts.example.com";
	struct dns_memo *m;
	struct sts_check s;
	struct result r;

	/* only a TXT record of another kind at _mta-sts: nothing said */
	CHECK(sts_find_txt(DNS_ANSWER, other, 1, &s, &r) == STS_UNPUBLISHED);
	CHECK(!s.published && r.nlines == 0 && r.state == STATE_OK);
	result_free(&r);
	CHECK(sts_find_txt(DNS_SERVFAIL, NULL, 0, &s, &r) == STS_FAILED);
	CHECK(!s.published && r.state == STATE_CRITICAL);
	CHECK_STR(first_problem(&r),
		  "MTA-STS: TXT _mta-sts.example.com: SERVFAIL");
	result_free(&r);
	CHECK(sts_find_txt(DNS_ANSWER, two, 2, &s, &r) == STS_FAILED);
	CHECK(s.published && r.state == STATE_CRITICAL);
	CHECK_STR(first_problem(&r), "2 MTA-STS records at "
				     "_mta-sts.example.com (RFC 8461 3.1: "
				     "none applies)");
	result_free(&r);
	CHECK(sts_find_txt(DNS_ANSWER, bad, 1, &s, &r) == STS_FAILED);
	CHECK(s.published && r.state == STATE_CRITICAL);
	CHECK(strncmp(first_problem(&r), "MTA-STS record at ", 18) == 0);
	result_free(&r);

	/* a record, and mta-sts.DOMAIN without an address, or unanswered */
	m = dns_memo_open(NULL, 0);
	dns_memo_put(m, txt, DNS_T_TXT, DNS_ANSWER, one, NULL, 1);
	CHECK(sts_find(m, AF_UNSPEC, &s, &r) == STS_FAILED);
	CHECK(s.published && r.state == STATE_CRITICAL);
	CHECK_STR(s.txt.id, "20261203");
	CHECK_STR(first_problem(&r),
		  "MTA-STS: mta-sts.example.com has no address");
	result_free(&r);
	dns_memo_put(m, web, DNS_T_AAAA, DNS_TIMEOUT, NULL, NULL, 0);
	CHECK(sts_find(m, AF_UNSPEC, &s, &r) == STS_FAILED);
	CHECK(r.state == STATE_UNKNOWN); /* a timeout: the -t state */
	CHECK_STR(first_problem(&r), "MTA-STS: no address for "
				     "mta-sts.example.com: AAAA timeout");
	result_free(&r);
	/* -4: the AAAA question is not asked, nor judged */
	CHECK(sts_find(m, AF_INET, &s, &r) == STS_FAILED);
	CHECK_STR(first_problem(&r),
		  "MTA-STS: mta-sts.example.com has no address");
	result_free(&r);
	dns_memo_close(m);
}

int
main(void)
{
	unit_suite = "unit/policy";
	RUN(test_taglist);
	RUN(test_dkim);
	RUN(test_dmarc);
	RUN(test_tlsrpt);
	RUN(test_mtasts_policy);
	RUN(test_mtasts_match);
	RUN(test_sts_find);
	RUN(test_dnsbl);
	return unit_failed ? 1 : 0;
}
