/*
 * test_dns_parse.c - what our code takes from DNS answers, on answers built
 * byte by byte: rcodes, the AA flag, MX order, CNAMEs, short input.
 */
#include <stdlib.h>

#include "proto/dns.h"

#include "unit.h"

struct pkt {
	unsigned char b[1024];
	size_t len;
};

static void
put16(struct pkt *p, unsigned v)
{
	p->b[p->len++] = (unsigned char)(v >> 8);
	p->b[p->len++] = (unsigned char)v;
}

static void
put_name(struct pkt *p, const char *name)
{
	while (*name != '\0') {
		const char *dot = strchr(name, '.');
		size_t n = dot ? (size_t)(dot - name) : strlen(name);

		p->b[p->len++] = (unsigned char)n;
		memcpy(p->b + p->len, name, n);
		p->len += n;
		name += n + (dot != NULL);
	}
	p->b[p->len++] = 0;
}

/* Header and question; flags has QR set by the caller's choice. */
static void
header(struct pkt *p, unsigned flags, unsigned ancount, const char *qname,
       unsigned qtype)
{
	p->len = 0;
	put16(p, 0x1234);
	put16(p, flags);
	put16(p, 1);
	put16(p, ancount);
	put16(p, 0);
	put16(p, 0);
	put_name(p, qname);
	put16(p, qtype);
	put16(p, 1);
}

static void
rr(struct pkt *p, const char *owner, unsigned type, const void *rdata,
   size_t rdlen)
{
	put_name(p, owner);
	put16(p, type);
	put16(p, 1);
	put16(p, 0);
	put16(p, 300);
	put16(p, (unsigned)rdlen);
	memcpy(p->b + p->len, rdata, rdlen);
	p->len += rdlen;
}

static void
rr_mx(struct pkt *p, const char *owner, unsigned pref, const char *host)
{
	struct pkt rd = {.len = 0};

	put16(&rd, pref);
	put_name(&rd, host);
	rr(p, owner, DNS_T_MX, rd.b, rd.len);
}

static void
rr_name(struct pkt *p, const char *owner, unsigned type, const char *target)
{
	struct pkt rd = {.len = 0};

	put_name(&rd, target);
	rr(p, owner, type, rd.b, rd.len);
}

static struct dns_query
parse(const struct pkt *p, const char *name, enum dns_type type)
{
	struct dns_query q;

	dns_query_init(&q, name, type);
	dns_parse_answer(&q, p->b, p->len);
	return q;
}

static void
mx_sorted_by_preference(void)
{
	struct pkt p;
	struct dns_query q;

	header(&p, 0x8400, 3, "example.com", DNS_T_MX);
	rr_mx(&p, "example.com", 20, "b.example.com");
	rr_mx(&p, "example.com", 10, "z.example.com");
	rr_mx(&p, "example.com", 10, "a.example.com");
	q = parse(&p, "example.com", DNS_T_MX);
	CHECK(q.status == DNS_ANSWER && q.aa && q.rcode == 0);
	CHECK(q.nrr == 3);
	CHECK(q.nrr == 3 && q.rr[0].pref == 10 && q.rr[2].pref == 20);
	CHECK_STR(q.rr[0].text, "a.example.com");
	CHECK_STR(q.rr[1].text, "z.example.com");
	dns_query_free(&q);
}

static void
rcodes(void)
{
	static const struct {
		unsigned flags;
		enum dns_status status;
	} cases[] = {
	    {0x8403, DNS_NXDOMAIN}, {0x8002, DNS_SERVFAIL},
	    {0x8005, DNS_REFUSED},  {0x8001, DNS_BADREPLY},
	    {0x8004, DNS_BADREPLY}, {0x8400, DNS_NODATA},
	};
	struct pkt p;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dns_query q;

		header(&p, cases[i].flags, 0, "example.com", DNS_T_MX);
		q = parse(&p, "example.com", DNS_T_MX);
		CHECK(q.status == cases[i].status);
		CHECK(q.aa == ((cases[i].flags & 0x0400) != 0));
		dns_query_free(&q);
	}
}

static void
a_through_cname(void)
{
	const unsigned char addr[4] = {192, 0, 2, 31};
	struct pkt p;
	struct dns_query q;

	header(&p, 0x8400, 2, "mx.example.com", DNS_T_A);
	rr_name(&p, "mx.example.com", 5, "mail.example.com");
	rr(&p, "mail.example.com", DNS_T_A, addr, 4);
	q = parse(&p, "mx.example.com", DNS_T_A);
	CHECK(q.status == DNS_ANSWER && q.nrr == 1);
	CHECK_STR(q.cname, "mail.example.com");
	CHECK(q.nrr == 1 && strcmp(q.rr[0].text, "192.0.2.31") == 0);
	dns_query_free(&q);
}

static void
cname_only_is_nodata(void)
{
	struct pkt p;
	struct dns_query q;

	header(&p, 0x8400, 1, "mx.example.com", DNS_T_A);
	rr_name(&p, "mx.example.com", 5, "mail.example.com");
	q = parse(&p, "mx.example.com", DNS_T_A);
	CHECK(q.status == DNS_NODATA && q.nrr == 0);
	CHECK_STR(q.cname, "mail.example.com");
	dns_query_free(&q);
}

static void
aaaa_sorted(void)
{
	unsigned char a1[16] = {0x20, 0x01, 0x0d, 0xb8},
		      a2[16] = {0x20, 0x01, 0x0d, 0xb8};
	struct pkt p;
	struct dns_query q;

	a1[15] = 0x40;
	a2[15] = 0x25;
	header(&p, 0x8400, 2, "mail.example.com", DNS_T_AAAA);
	rr(&p, "mail.example.com", DNS_T_AAAA, a1, 16);
	rr(&p, "mail.example.com", DNS_T_AAAA, a2, 16);
	q = parse(&p, "mail.example.com", DNS_T_AAAA);
	CHECK(q.status == DNS_ANSWER && q.nrr == 2 && q.cname[0] == '\0');
	CHECK(q.nrr == 2 && strcmp(q.rr[0].text, "2001:db8::25") == 0);
	dns_query_free(&q);
}

static void
ptr_names(void)
{
	struct pkt p;
	struct dns_query q;

	header(&p, 0x8400, 1, "25.2.0.192.in-addr.arpa", DNS_T_PTR);
	rr_name(&p, "25.2.0.192.in-addr.arpa", DNS_T_PTR, "mail.example.com");
	q = parse(&p, "192.0.2.25", DNS_T_PTR);
	CHECK(q.status == DNS_ANSWER && q.nrr == 1);
	CHECK(q.nrr == 1 && strcmp(q.rr[0].text, "mail.example.com") == 0);
	dns_query_free(&q);
}

static void
short_and_garbage(void)
{
	struct pkt p;
	struct dns_query q;

	header(&p, 0x8400, 1, "example.com", DNS_T_MX);
	for (size_t cut = 0; cut < 12; cut++) {
		dns_query_init(&q, "example.com", DNS_T_MX);
		CHECK(dns_parse_answer(&q, p.b, cut) == -1);
		CHECK(q.status == DNS_BADREPLY);
	}
	/* ancount says 1, but the record is missing */
	q = parse(&p, "example.com", DNS_T_MX);
	CHECK(q.status == DNS_BADREPLY && q.nrr == 0);
	/* a record cut in the middle */
	rr_mx(&p, "example.com", 10, "mail.example.com");
	p.len -= 5;
	q = parse(&p, "example.com", DNS_T_MX);
	CHECK(q.status == DNS_BADREPLY);
	dns_query_free(&q);
}

/* An answer longer than a struct pkt, built from one piece at a time. */
struct long_answer {
	unsigned char b[16384];
	size_t len;
};

static void
append(struct long_answer *a, struct pkt *p)
{
	memcpy(a->b + a->len, p->b, p->len);
	a->len += p->len;
	p->len = 0;
}

static void
too_many_records_are_counted(void)
{
	const unsigned char addr[4] = {192, 0, 2, 1};
	struct long_answer a = {.len = 0}; /* ~3 KB */
	size_t n = DNS_RR_MAX + 5;
	struct dns_query q;
	struct pkt p;

	header(&p, 0x8400, (unsigned)n, "a.example.com", DNS_T_A);
	append(&a, &p);
	for (size_t i = 0; i < n; i++) {
		rr(&p, "a.example.com", DNS_T_A, addr, 4);
		append(&a, &p);
	}
	dns_query_init(&q, "a.example.com", DNS_T_A);
	dns_parse_answer(&q, a.b, a.len);
	CHECK(q.status == DNS_ANSWER);
	CHECK(q.nrr == DNS_RR_MAX && q.dropped == 5);
	dns_query_free(&q);
}

/* 150 MX, the most preferred last: the 100 kept are the best 100. */
static void
many_mx_keep_the_preferred(void)
{
	struct long_answer a = {.len = 0};
	size_t n = 150;
	struct dns_query q;
	struct pkt p;

	header(&p, 0x8400, (unsigned)n, "example.com", DNS_T_MX);
	append(&a, &p);
	for (size_t i = 0; i < n; i++) {
		rr_mx(&p, "example.com", (unsigned)(n - i), "mx.example.com");
		append(&a, &p);
	}
	dns_query_init(&q, "example.com", DNS_T_MX);
	dns_parse_answer(&q, a.b, a.len);
	CHECK(q.status == DNS_ANSWER);
	CHECK(q.nrr == DNS_RR_MAX && q.dropped == 50);
	CHECK(q.nrr == DNS_RR_MAX && q.rr[0].pref == 1 &&
	      q.rr[DNS_RR_MAX - 1].pref == 100);
	for (size_t i = 1; i < q.nrr; i++)
		CHECK(q.rr[i - 1].pref < q.rr[i].pref);
	dns_query_free(&q);
}

int
main(void)
{
	unit_suite = "unit/dns_parse";
	RUN(mx_sorted_by_preference);
	RUN(rcodes);
	RUN(a_through_cname);
	RUN(cname_only_is_nodata);
	RUN(aaaa_sorted);
	RUN(ptr_names);
	RUN(short_and_garbage);
	RUN(too_many_records_are_counted);
	RUN(many_mx_keep_the_preferred);
	return unit_failed != 0;
}
