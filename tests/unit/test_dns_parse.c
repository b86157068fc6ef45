/*
 * test_dns_parse.c - what our code takes from DNS answers, on answers built
 * byte by byte: rcodes, the AA flag, MX order, CNAMEs, short input; the
 * DNSSEC parts: AD, RRSIG and TLSA records, and the query with DO and CD.
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

static void
put32(struct pkt *p, unsigned long v)
{
	put16(p, (unsigned)(v >> 16));
	put16(p, (unsigned)(v & 0xffff));
}

/* An RRSIG's RDATA: type covered, times, signer, and a 4-byte signature. */
static void
rr_rrsig(struct pkt *p, const char *owner, unsigned covered,
	 unsigned long expiration, const char *signer)
{
	struct pkt rd = {.len = 0};

	put16(&rd, covered);
	rd.b[rd.len++] = 13; /* ECDSAP256SHA256 */
	rd.b[rd.len++] = 2;
	put32(&rd, 3600);
	put32(&rd, expiration);
	put32(&rd, 1764633600UL); /* 2025-12-02 */
	put16(&rd, 4242);
	put_name(&rd, signer);
	memcpy(rd.b + rd.len, "\x01\x02\x03\x04", 4);
	rd.len += 4;
	rr(p, owner, DNS_T_RRSIG, rd.b, rd.len);
}

static void
rrsig_and_ad(void)
{
	struct pkt p;
	struct dns_query q;

	/* QR RD RA AD */
	header(&p, 0x81a0, 2, "example.com", DNS_T_MX);
	rr_mx(&p, "example.com", 10, "mx.example.com");
	rr_rrsig(&p, "example.com", DNS_T_MX, 1893456000UL, "example.com");
	q = parse(&p, "example.com", DNS_T_MX);
	CHECK(q.status == DNS_ANSWER && q.ad && !q.aa && q.nrr == 1);
	CHECK(q.nrrsig == 1);
	if (q.nrrsig == 1) {
		CHECK(q.rrsig[0].covered == DNS_T_MX);
		CHECK(q.rrsig[0].algorithm == 13 && q.rrsig[0].labels == 2);
		CHECK(q.rrsig[0].original_ttl == 3600);
		CHECK(q.rrsig[0].expiration == 1893456000LL); /* 2030 */
		CHECK(q.rrsig[0].inception == 1764633600LL);
		CHECK(q.rrsig[0].key_tag == 4242);
		CHECK_STR(q.rrsig[0].signer, "example.com");
	}
	dns_query_free(&q);
	CHECK(q.rrsig == NULL && q.nrrsig == 0);

	/* without AD, and a root signer */
	header(&p, 0x8180, 2, "example.com", DNS_T_A);
	rr(&p, "example.com", DNS_T_A, "\xc0\x00\x02\x01", 4);
	rr_rrsig(&p, "example.com", DNS_T_A, 1893456000UL, "");
	q = parse(&p, "example.com", DNS_T_A);
	CHECK(q.status == DNS_ANSWER && !q.ad && q.nrrsig == 1);
	CHECK(q.nrrsig == 1 && q.rrsig[0].signer[0] == '\0');
	dns_query_free(&q);
}

/* A signer label holding a dot and a space is escaped (RFC 4343). */
static void
rrsig_signer_escaped(void)
{
	struct pkt p;
	struct dns_query q;

	header(&p, 0x81a0, 1, "example.com", DNS_T_MX);
	rr_rrsig(&p, "example.com", DNS_T_MX, 1893456000UL, "a b.example");
	q = parse(&p, "example.com", DNS_T_MX);
	CHECK(q.nrrsig == 1);
	CHECK(q.nrrsig == 1 &&
	      strcmp(q.rrsig[0].signer, "a\\032b.example") == 0);
	dns_query_free(&q);
}

static void
tlsa_records(void)
{
	struct pkt p;
	struct dns_query q;
	unsigned char rd[3 + 32];

	rd[0] = 3, rd[1] = 1, rd[2] = 1;
	for (size_t i = 0; i < 32; i++)
		rd[3 + i] = (unsigned char)i;
	header(&p, 0x81a0, 3, "_25._tcp.mx.example.com", DNS_T_TLSA);
	rr(&p, "_25._tcp.mx.example.com", DNS_T_TLSA, rd, sizeof(rd));
	rd[0] = 2, rd[1] = 0, rd[2] = 2;
	rr(&p, "_25._tcp.mx.example.com", DNS_T_TLSA, rd, 3 + 4);
	rr_rrsig(&p, "_25._tcp.mx.example.com", DNS_T_TLSA, 1893456000UL,
		 "example.com");
	q = parse(&p, "_25._tcp.mx.example.com", DNS_T_TLSA);
	CHECK(q.status == DNS_ANSWER && q.ad && q.ntlsa == 2 && q.nrrsig == 1);
	if (q.ntlsa == 2) {
		CHECK(q.tlsa[0].usage == 3 && q.tlsa[0].selector == 1 &&
		      q.tlsa[0].mtype == 1 && q.tlsa[0].len == 32);
		CHECK(q.tlsa[0].data[31] == 31);
		CHECK(q.tlsa[1].usage == 2 && q.tlsa[1].selector == 0 &&
		      q.tlsa[1].mtype == 2 && q.tlsa[1].len == 4);
	}
	dns_query_free(&q);

	/* a CNAME only: no TLSA */
	header(&p, 0x8180, 1, "_25._tcp.mx.example.com", DNS_T_TLSA);
	rr_name(&p, "_25._tcp.mx.example.com", 5, "tlsa.example.com");
	q = parse(&p, "_25._tcp.mx.example.com", DNS_T_TLSA);
	CHECK(q.status == DNS_NODATA && q.ntlsa == 0);
	dns_query_free(&q);
}

/* Malformed DNSSEC records: a bad reply with a reason, nothing kept. */
static void
bad_dnssec_records(void)
{
	static const struct {
		unsigned type;
		const char *rdata;
		size_t len;
		const char *why;
	} cases[] = {
	    {DNS_T_RRSIG, "\x00\x0f\x0d\x02\x00\x00", 6,
	     "RRSIG record too short"},
	    /* the signer's label runs past the RDATA */
	    {DNS_T_RRSIG,
	     "\x00\x0f\x0d\x02\x00\x00\x0e\x10\x70\xdb\xd8\x80\x69\x2e\x2e"
	     "\x00\x10\x92\x09"
	     "exa",
	     22, "RRSIG signer name malformed"},
	    /* a compressed signer (RFC 4034 3.1.7 forbids it) */
	    {DNS_T_RRSIG,
	     "\x00\x0f\x0d\x02\x00\x00\x0e\x10\x70\xdb\xd8\x80\x69\x2e\x2e"
	     "\x00\x10\x92\xc0\x0c\x01\x02",
	     22, "RRSIG signer name malformed"},
	    /* no signature after the signer */
	    {DNS_T_RRSIG,
	     "\x00\x0f\x0d\x02\x00\x00\x0e\x10\x70\xdb\xd8\x80\x69\x2e\x2e"
	     "\x00\x10\x92\x00",
	     19, "RRSIG without a signature"},
	    {DNS_T_TLSA, "\x03\x01\x01", 3, "TLSA record too short"},
	    {DNS_T_TLSA, "", 0, "TLSA record too short"},
	};
	struct pkt p;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum dns_type qt =
		    cases[i].type == DNS_T_TLSA ? DNS_T_TLSA : DNS_T_MX;
		struct dns_query q;

		header(&p, 0x81a0, 1, "example.com", qt);
		rr(&p, "example.com", cases[i].type, cases[i].rdata,
		   cases[i].len);
		q = parse(&p, "example.com", qt);
		CHECK(q.status == DNS_BADREPLY);
		CHECK_STR(q.error, cases[i].why);
		dns_query_free(&q);
	}
	/* a record whose RDLENGTH runs past the answer */
	header(&p, 0x81a0, 1, "example.com", DNS_T_TLSA);
	rr(&p, "example.com", DNS_T_TLSA, "\x03\x01\x01\xff", 4);
	p.len -= 2;
	{
		struct dns_query q = parse(&p, "example.com", DNS_T_TLSA);

		CHECK(q.status == DNS_BADREPLY && q.ntlsa == 0);
		dns_query_free(&q);
	}
}

static void
query_with_do_and_cd(void)
{
	unsigned char b[512];
	struct dns_query q;
	int n;

	dns_query_init(&q, "mx.example.com.", DNS_T_MX);
	n = dns_build_query(&q, b, sizeof(b));
	/* header, 2+2+3+1+3+1 name bytes, type, class; no OPT */
	CHECK(n == 12 + 16 + 4);
	CHECK(n > 0 && b[2] == 0x01 && b[3] == 0x00 && b[11] == 0);
	CHECK(n > 0 && b[12] == 2 && memcmp(b + 13, "mx", 2) == 0);
	CHECK(n > 0 && b[n - 3] == DNS_T_MX && b[n - 1] == 1);

	q.dnssec = true;
	q.cd = true;
	n = dns_build_query(&q, b, sizeof(b));
	CHECK(n == 12 + 16 + 4 + 11);
	CHECK(n > 0 && b[3] == 0x10 && b[11] == 1); /* CD, ARCOUNT 1 */
	/* OPT: root, type 41, payload 1232, DO */
	CHECK(n > 0 &&
	      memcmp(b + n - 11, "\x00\x00\x29\x04\xd0\x00\x00\x80\x00\x00\x00",
		     11) == 0);

	/* empty and long labels, and a name that does not fit */
	dns_query_init(&q, "a..example.com", DNS_T_A);
	CHECK(dns_build_query(&q, b, sizeof(b)) == -1);
	dns_query_init(&q,
		       "a123456789012345678901234567890123456789012345678901"
		       "234567890123.example",
		       DNS_T_A);
	CHECK(dns_build_query(&q, b, sizeof(b)) == -1);
	dns_query_init(&q, "mx.example.com", DNS_T_MX);
	CHECK(dns_build_query(&q, b, 20) == -1);
	dns_query_init(&q, ".", DNS_T_MX);
	CHECK(dns_build_query(&q, b, sizeof(b)) == 12 + 1 + 4);
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
	RUN(rrsig_and_ad);
	RUN(rrsig_signer_escaped);
	RUN(tlsa_records);
	RUN(bad_dnssec_records);
	RUN(query_with_do_and_cd);
	return unit_failed != 0;
}
