/*
 * test_spf.c - SPF (RFC 7208) against the RFC's own examples: the macro
 * expansions of 7.4 and the zone of Appendix A with the records of A.1
 * and A.2; the parser's syntax errors; the limits.  With --suite FILE it
 * runs the openspf RFC 7208 test suite as tests/unit/spf/suite.py writes
 * it (tests/run, part unit_tests), one PASS or FAIL line per test.
 */
#include <stdlib.h>

#include "proto/dns.h"
#include "proto/spf.h"

#include "unit.h"

/* RFC 7208 7.4: sender strong-bad@email.example.com, 192.0.2.3. */
static const struct spf_request example_req = {
    "192.0.2.3", "strong-bad@email.example.com", "mx.example.org",
    "email.example.com"};

static const char *
expand(const struct spf_request *req, const char *spec)
{
	static char out[SPF_EXPANDED_MAX];
	char err[128];

	if (spf_expand(req, NULL, spec, strlen(spec), false, out, sizeof(out),
		       err, sizeof(err)) == -1)
		snprintf(out, sizeof(out), "ERROR: %s", err);
	return out;
}

static void
test_macro_examples(void)
{
	static const struct {
		const char *spec, *want;
	} ex[] = {
	    {"%{s}", "strong-bad@email.example.com"},
	    {"%{o}", "email.example.com"},
	    {"%{d}", "email.example.com"},
	    {"%{d4}", "email.example.com"},
	    {"%{d3}", "email.example.com"},
	    {"%{d2}", "example.com"},
	    {"%{d1}", "com"},
	    {"%{dr}", "com.example.email"},
	    {"%{d2r}", "example.email"},
	    {"%{l}", "strong-bad"},
	    {"%{l-}", "strong.bad"},
	    {"%{lr}", "strong-bad"},
	    {"%{lr-}", "bad.strong"},
	    {"%{l1r-}", "strong"},
	    {"%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"},
	    {"%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"},
	    {"%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
	     "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
	    {"%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
	     "3.2.0.192.in-addr.strong.lp._spf.example.com"},
	    {"%{d2}.trusted-domains.example.net",
	     "example.com.trusted-domains.example.net"},
	};

	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++)
		CHECK_STR(expand(&example_req, ex[i].spec), ex[i].want);
}

/* 7.4's IPv6 example, and the escapes of 7.1. */
static void
test_macro_ipv6_and_escapes(void)
{
	struct spf_request req = example_req;

	req.addr = "2001:db8::cb01";
	CHECK_STR(expand(&req, "%{ir}.%{v}._spf.%{d2}"),
		  "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0."
		  "0.2.ip6._spf.example.com");
	CHECK_STR(expand(&req, "a%%b%_c%-d"), "a%b c%20d");
	CHECK_STR(expand(&req, "%{L}"), "strong-bad");
	req.sender = "a b@email.example.com";
	CHECK_STR(expand(&req, "%{L}.x"), "a%20b.x");
	CHECK_STR(expand(&req, "%{x}"), "ERROR: bad macro in '%{x}'");
	CHECK_STR(expand(&req, "%{d0}"), "ERROR: bad macro in '%{d0}'");
	CHECK_STR(expand(&req, "50%"), "ERROR: bad macro in '50%'");
}

static enum spf_result
parse_rc(const char *text)
{
	struct spf_record rec;
	char err[128];

	return spf_record_parse(&rec, text, strlen(text), err, sizeof(err)) == 0
		   ? SPF_PASS
		   : SPF_PERMERROR;
}

static void
test_parse(void)
{
	struct spf_record rec;
	char err[128];
	const char *r = "v=spf1 a/24//64 mx:%{d}/27 ip4:192.0.2.0/24 "
			"ip6:2001:db8::/32 ~all exp=explain.%{d} x-y=%{l}";

	CHECK(spf_record_parse(&rec, r, strlen(r), err, sizeof(err)) == 0);
	CHECK(rec.n == 7);
	CHECK(rec.term[0].mech == SPF_A && rec.term[0].cidr4 == 24 &&
	      rec.term[0].cidr6 == 64 && rec.term[0].speclen == 0);
	CHECK(rec.term[1].mech == SPF_MX && rec.term[1].cidr4 == 27 &&
	      rec.term[1].cidr6 == -1 && rec.term[1].speclen == 4);
	CHECK(rec.term[2].mech == SPF_IP4 && rec.term[2].cidr4 == 24 &&
	      rec.term[2].net[0] == 192);
	CHECK(rec.term[3].mech == SPF_IP6 && rec.term[3].cidr6 == 32);
	CHECK(rec.all == &rec.term[4] && rec.all->qualifier == SPF_SOFTFAIL);
	CHECK(rec.exp == &rec.term[5] && rec.redirect == NULL);
	CHECK(spf_is_record("v=spf1", 6) && spf_is_record("V=SPF1 -all", 11));
	CHECK(!spf_is_record("v=spf10", 7) && !spf_is_record("v=spf", 5));
	CHECK(parse_rc("v=spf1") == SPF_PASS);
	CHECK(parse_rc("v=spf1  -all  ") == SPF_PASS);
	CHECK(parse_rc("v=spf1 moo") == SPF_PERMERROR);
	CHECK(parse_rc("v=spf1 -all:3030") == SPF_PERMERROR);
	CHECK(parse_rc("v=spf1 ip4:1.2.3.4/33") == SPF_PERMERROR);
	CHECK(parse_rc("v=spf1 ip4:1.2.03.4") == SPF_PERMERROR);
	CHECK(parse_rc("v=spf1 ip4:1.2.3.4//32") == SPF_PERMERROR);
	CHECK(parse_rc("v=spf1 ip6:2001:db8:ZZZZ::") == SPF_PERMERROR);
	CHECK(parse_rc("v=spf1 a:example.com:8080") == SPF_PERMERROR);
	CHECK(parse_rc("v=spf1 a:") == SPF_PERMERROR);
	CHECK(parse_rc("v=spf1 include") == SPF_PERMERROR);
	CHECK(parse_rc("v=spf1 =a") == SPF_PERMERROR);
	CHECK(parse_rc("v=spf1 redirect=a.example redirect=b.example") ==
	      SPF_PERMERROR);
	CHECK(parse_rc("v=spf1 exp=") == SPF_PERMERROR);
	CHECK(parse_rc("v=spf1 a:foo.bar.123") == SPF_PERMERROR);
	CHECK(parse_rc("v=spf1 a:foo.bar.1-2") == SPF_PASS);
	CHECK(parse_rc("v=spf1 -mx:%%%_/.Clara.de/27") == SPF_PASS);
	CHECK(parse_rc("v=spf1 exists:%{i}.%{s1}.100/86400.rate.%{d}") ==
	      SPF_PASS);
	CHECK(parse_rc("v=spf1 a:%{c}.example.com") == SPF_PERMERROR);
	CHECK(parse_rc("v=spf1 unknown=%{z}") == SPF_PERMERROR);
	CHECK(parse_rc("v=spf1 a\tmx") == SPF_PERMERROR);
}

/* RFC 7208 Appendix A: the example zone. */
static struct dns_memo *
appendix_a(void)
{
	struct dns_memo *m = dns_memo_open(NULL, 0);
	static const char *const a_example[] = {"192.0.2.10", "192.0.2.11"};
	static const char *const mx_example[] = {"10 mail-a.example.com",
						 "20 mail-b.example.com",
						 "30 mail-c.example.org"};
	static const struct {
		const char *name, *addr;
	} hosts[] = {
	    {"amy.example.com", "192.0.2.65"},
	    {"bob.example.com", "192.0.2.66"},
	    {"mail-a.example.com", "192.0.2.129"},
	    {"mail-b.example.com", "192.0.2.130"},
	    {"www.example.com", "192.0.2.10"}, /* a CNAME for example.com */
	    {"mail-c.example.org", "192.0.2.140"},
	};
	static const struct {
		const char *addr, *name;
	} ptrs[] = {
	    {"192.0.2.10", "example.com"},
	    {"192.0.2.11", "example.com"},
	    {"192.0.2.65", "amy.example.com"},
	    {"192.0.2.66", "bob.example.com"},
	    {"192.0.2.129", "mail-a.example.com"},
	    {"192.0.2.130", "mail-b.example.com"},
	    {"192.0.2.140", "mail-c.example.org"},
	    {"10.0.0.4", "bob.example.com"},
	};

	dns_memo_put(m, "example.com", DNS_T_A, DNS_ANSWER, a_example, NULL, 2);
	dns_memo_put(m, "example.com", DNS_T_MX, DNS_ANSWER, mx_example, NULL,
		     3);
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		dns_memo_put(m, hosts[i].name, DNS_T_A, DNS_ANSWER,
			     &hosts[i].addr, NULL, 1);
	for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++)
		dns_memo_put(m, ptrs[i].addr, DNS_T_PTR, DNS_ANSWER,
			     &ptrs[i].name, NULL, 1);
	return m;
}

static enum spf_result
check(struct dns_memo *m, const char *domain, const char *record,
      const char *addr)
{
	struct spf_eval e = {
	    .memo = m, .addr = addr, .sender = "sender@example.com"};

	if (record != NULL)
		dns_memo_put(m, domain, DNS_T_TXT, DNS_ANSWER, &record, NULL,
			     1);
	return addr != NULL ? spf_check_host(&e, domain) : SPF_NONE;
}

/* Appendix A.1: which hosts each record authorises. */
static void
test_appendix_a1(void)
{
	static const struct {
		const char *record;
		const char *pass[8];
	} ex[] = {
	    {"v=spf1 +all", {"*"}},
	    {"v=spf1 a -all", {"192.0.2.10", "192.0.2.11"}},
	    {"v=spf1 a:example.org -all", {NULL}},
	    {"v=spf1 mx -all", {"192.0.2.129", "192.0.2.130", "192.0.2.140"}},
	    {"v=spf1 mx:example.org -all", {NULL}},
	    {"v=spf1 mx mx:example.org -all",
	     {"192.0.2.129", "192.0.2.130", "192.0.2.140"}},
	    {"v=spf1 mx/30 mx:example.org/30 -all",
	     {"192.0.2.128", "192.0.2.129", "192.0.2.130", "192.0.2.131",
	      "192.0.2.140", "192.0.2.143"}},
	    {"v=spf1 ptr -all",
	     {"192.0.2.10", "192.0.2.11", "192.0.2.65", "192.0.2.66",
	      "192.0.2.129", "192.0.2.130"}},
	    {"v=spf1 ip4:192.0.2.128/28 -all",
	     {"192.0.2.128", "192.0.2.129", "192.0.2.130", "192.0.2.131",
	      "192.0.2.140", "192.0.2.143"}},
	};
	static const char *const all[] = {
	    "192.0.2.10",  "192.0.2.11",  "192.0.2.65",	 "192.0.2.66",
	    "192.0.2.128", "192.0.2.129", "192.0.2.130", "192.0.2.131",
	    "192.0.2.140", "192.0.2.143", "192.0.2.144", "192.0.2.200",
	    "10.0.0.4"};
	struct dns_memo *m = appendix_a();

	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++) {
			bool want = false;

			for (size_t p = 0; p < 8 && ex[i].pass[p]; p++)
				want = want ||
				       strcmp(ex[i].pass[p], all[k]) == 0 ||
				       strcmp(ex[i].pass[p], "*") == 0;
			if (check(m, "example.com", ex[i].record, all[k]) !=
			    (want ? SPF_PASS : SPF_FAIL)) {
				CHECK(!"A.1 result");
				printf("    %s for %s: want %s\n", ex[i].record,
				       all[k], want ? "pass" : "fail");
			}
		}
	}
	dns_memo_close(m);
}

/* include and redirect across domains, in the shape of Appendix A.2. */
static void
test_appendix_a2(void)
{
	struct dns_memo *m = appendix_a();
	static const char *const org_mx[] = {"10 mail-c.example.org"};

	dns_memo_put(m, "example.org", DNS_T_MX, DNS_ANSWER, org_mx, NULL, 1);
	check(m, "example.com", "v=spf1 mx -all", NULL);
	check(m, "example.net", "v=spf1 a:lists.example.com -all", NULL);
	CHECK(check(m, "la.example.org", "v=spf1 redirect=example.org",
		    "192.0.2.140") == SPF_PERMERROR); /* example.org: none */
	check(m, "example.org",
	      "v=spf1 include:example.com include:example.net -all", NULL);
	CHECK(check(m, "la.example.org", NULL, "192.0.2.129") == SPF_PASS);
	CHECK(check(m, "la.example.org", NULL, "192.0.2.140") == SPF_PASS);
	CHECK(check(m, "la.example.org", NULL, "192.0.2.200") == SPF_FAIL);
	CHECK(check(m, "example.org", NULL, "192.0.2.130") == SPF_PASS);
	dns_memo_close(m);
}

/* 4.6.4: ten DNS-querying terms, two void lookups; loops. */
static void
test_limits(void)
{
	struct dns_memo *m = dns_memo_open(NULL, 0);
	struct spf_eval e = {.memo = m, .addr = "192.0.2.1"};
	static const char *const addr[] = {"192.0.2.99"};

	dns_memo_put(m, "ten.example", DNS_T_A, DNS_ANSWER, addr, NULL, 1);
	dns_memo_put(m, "eleven.example", DNS_T_A, DNS_ANSWER, addr, NULL, 1);
	check(m, "ten.example", "v=spf1 a a a a a a a a a a ip4:192.0.2.1 -all",
	      NULL);
	CHECK(spf_check_host(&e, "ten.example") == SPF_PASS);
	CHECK(e.lookups == 10 && e.voids == 0);
	check(m, "eleven.example",
	      "v=spf1 a a a a a a a a a a a ip4:192.0.2.1 -all", NULL);
	CHECK(spf_check_host(&e, "eleven.example") == SPF_PERMERROR);
	check(m, "void.example",
	      "v=spf1 a:n1.example a:n2.example a:n3.example ip4:192.0.2.1",
	      NULL);
	CHECK(spf_check_host(&e, "void.example") == SPF_PERMERROR);
	CHECK(e.voids == 3);
	check(m, "loop1.example", "v=spf1 include:loop2.example -all", NULL);
	check(m, "loop2.example", "v=spf1 include:loop1.example -all", NULL);
	CHECK(spf_check_host(&e, "loop1.example") == SPF_PERMERROR);
	CHECK(strstr(e.why, "loop") != NULL);
	check(m, "redir1.example", "v=spf1 redirect=redir2.example", NULL);
	check(m, "redir2.example", "v=spf1 redirect=redir1.example", NULL);
	CHECK(spf_check_host(&e, "redir1.example") == SPF_PERMERROR);
	dns_memo_close(m);
}

static void
test_selection(void)
{
	struct dns_memo *m = dns_memo_open(NULL, 0);
	static const char *const two[] = {"v=spf1 -all", "v=spf1 +all"};
	static const char *const other[] = {"google-site-verification=x",
					    "v=spf10 +all"};
	struct spf_eval e = {.memo = m, .addr = "192.0.2.1"};

	dns_memo_put(m, "two.example", DNS_T_TXT, DNS_ANSWER, two, NULL, 2);
	dns_memo_put(m, "other.example", DNS_T_TXT, DNS_ANSWER, other, NULL, 2);
	dns_memo_put(m, "down.example", DNS_T_TXT, DNS_SERVFAIL, NULL, 0, 0);
	CHECK(spf_check_host(&e, "two.example") == SPF_PERMERROR);
	CHECK(spf_check_host(&e, "other.example") == SPF_NONE);
	CHECK(spf_check_host(&e, "nosuch.example") == SPF_NONE);
	CHECK(spf_check_host(&e, "down.example") == SPF_TEMPERROR);
	CHECK(spf_check_host(&e, "single-label") == SPF_NONE);
	check(m, "plus.example", "v=spf1 +all", NULL);
	CHECK(spf_check_host(&e, "plus.example") == SPF_PASS);
	CHECK_STR(e.plus_all, "plus.example");
	dns_memo_close(m);
}

/* The suite: see tests/unit/spf/suite.py for the format. */

static size_t
unescape(char *s)
{
	size_t n = 0;

	for (size_t i = 0; s[i] != '\0'; i++) {
		unsigned v;

		if (s[i] == '\\' && sscanf(s + i, "\\x%2x", &v) == 1) {
			s[n++] = (char)v;
			i += 3;
		} else {
			s[n++] = s[i];
		}
	}
	s[n] = '\0';
	return n;
}

static size_t
split(char *line, char **field, size_t *len, size_t max)
{
	size_t n = 0;

	line[strcspn(line, "\n")] = '\0';
	while (n < max) {
		field[n++] = line;
		if ((line = strchr(line, '\t')) == NULL)
			break;
		*line++ = '\0';
	}
	for (size_t i = 0; i < n; i++)
		len[i] = unescape(field[i]);
	return n;
}

static enum dns_type
type_of(const char *t)
{
	static const struct {
		const char *name;
		enum dns_type type;
	} types[] = {{"A", DNS_T_A},
		     {"AAAA", DNS_T_AAAA},
		     {"MX", DNS_T_MX},
		     {"PTR", DNS_T_PTR},
		     {"TXT", DNS_T_TXT}};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i].name, t) == 0)
			return types[i].type;
	return DNS_T_A;
}

/* Records of one name and type, gathered before they are put. */
struct pending {
	char name[DNS_NAME_MAX + 1];
	char type[8];
	char *rr[DNS_RR_MAX];
	size_t len[DNS_RR_MAX];
	size_t n;
};

static void
flush(struct dns_memo *m, struct pending *p)
{
	if (p->n > 0)
		dns_memo_put(m, p->name, type_of(p->type), DNS_ANSWER,
			     (const char *const *)p->rr, p->len, p->n);
	for (size_t i = 0; i < p->n; i++)
		free(p->rr[i]);
	p->n = 0;
}

static bool
accepted(const char *results, enum spf_result r)
{
	char list[128], *tok, *save = NULL;

	snprintf(list, sizeof(list), "%s", results);
	for (tok = strtok_r(list, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save))
		if (strcmp(tok, spf_result_name(r)) == 0)
			return true;
	return false;
}

static void
suite_test(struct dns_memo *m, char **f)
{
	char sender[512], domain[512];
	const char *mailfrom = f[3], *helo = f[4], *at;
	struct spf_eval e = {.memo = m, .addr = f[2]};

	if (mailfrom[0] == '\0') { /* the HELO identity (2.3) */
		snprintf(sender, sizeof(sender), "postmaster@%s", helo);
		snprintf(domain, sizeof(domain), "%s", helo);
	} else {
		at = strrchr(mailfrom, '@');
		snprintf(sender, sizeof(sender), "%s%s",
			 at == mailfrom ? "postmaster" : "", mailfrom);
		snprintf(domain, sizeof(domain), "%s", at ? at + 1 : mailfrom);
	}
	e.sender = sender;
	e.helo = helo;
	spf_check_host(&e, domain);
	if (!accepted(f[5], e.result))
		printf("FAIL unit/spf/suite/%s: %s, want %s (%s)\n", f[1],
		       spf_result_name(e.result), f[5], e.why);
	else if (strcmp(f[6], "-") != 0 && e.result == SPF_FAIL &&
		 strcasecmp(strcmp(f[6], "DEFAULT") ? f[6] : "", e.explanation))
		printf("FAIL unit/spf/suite/%s: explanation \"%s\", want "
		       "\"%s\"\n",
		       f[1], e.explanation, f[6]);
	else {
		printf("PASS unit/spf/suite/%s\n", f[1]);
		return;
	}
	unit_failed++;
}

static int
run_suite(const char *path)
{
	FILE *fp = fopen(path, "r");
	struct dns_memo *m = NULL;
	struct pending p = {0};
	char line[4096], *f[8];
	size_t tests = 0, len[8];

	if (fp == NULL) {
		printf("FAIL unit/spf/suite: cannot read %s\n", path);
		return 1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t n = split(line, f, len, 8);

		if (strcmp(f[0], "scenario") == 0) {
			flush(m, &p);
			dns_memo_close(m);
			m = dns_memo_open(NULL, 0);
		} else if (strcmp(f[0], "rr") == 0 && n == 4) {
			if (strcmp(p.name, f[1]) || strcmp(p.type, f[2]))
				flush(m, &p);
			snprintf(p.name, sizeof(p.name), "%s", f[1]);
			snprintf(p.type, sizeof(p.type), "%s", f[2]);
			if (p.n < DNS_RR_MAX &&
			    (p.rr[p.n] = malloc(len[3] + 1))) {
				memcpy(p.rr[p.n], f[3], len[3] + 1);
				p.len[p.n++] = len[3];
			}
		} else if (strcmp(f[0], "status") == 0 && n == 4) {
			flush(m, &p);
			dns_memo_put(m, f[1], type_of(f[2]),
				     strcmp(f[3], "TIMEOUT") == 0 ? DNS_TIMEOUT
								  : DNS_NODATA,
				     NULL, NULL, 0);
		} else if (strcmp(f[0], "test") == 0 && n == 7) {
			flush(m, &p);
			suite_test(m, f);
			tests++;
		}
	}
	flush(m, &p);
	dns_memo_close(m);
	fclose(fp);
	if (tests == 0) {
		printf("FAIL unit/spf/suite: no test in %s\n", path);
		return 1;
	}
	return unit_failed ? 1 : 0;
}

int
main(int argc, char **argv)
{
	unit_suite = "unit/spf";
	if (argc == 3 && strcmp(argv[1], "--suite") == 0)
		return run_suite(argv[2]);
	RUN(test_macro_examples);
	RUN(test_macro_ipv6_and_escapes);
	RUN(test_parse);
	RUN(test_appendix_a1);
	RUN(test_appendix_a2);
	RUN(test_limits);
	RUN(test_selection);
	return unit_failed ? 1 : 0;
}
