/*
 * dns_parse.c - what our code takes from a DNS answer.
 *
 * The header (rcode, AA, AD) is read with a cursor; MX, A, AAAA, PTR and
 * TXT records with c-ares 1.18's ares_parse_* functions.  They are
 * deprecated in later c-ares, so every call to them lives in this one
 * file, ready for ares_dns_parse().  c-ares 1.18 parses neither RRSIG nor
 * TLSA: the answer section is walked by cursor for those, and the query
 * with the DO bit is built here too.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/select.h>
#include <ares.h>
#include <netdb.h>

#include "core/buf.h"

#include "proto/dns.h"

#define DNS_FLAG_AA	   0x0400
#define DNS_FLAG_RD	   0x0100
#define DNS_FLAG_AD	   0x0020
#define DNS_FLAG_CD	   0x0010
#define DNS_EDNS_PAYLOAD   1232 /* DNS flag day 2020 */
#define DNS_EDNS_DO	   0x8000
#define DNS_T_OPT	   41
#define DNS_RRSIG_FIXED	   18 /* RDATA before the signer's name */
#define DNS_TLSA_FIXED	   3
#define DNS_RCODE_MASK	   0x000f
#define DNS_RCODE_FORMERR  1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_REFUSED  5

static int
bad_reply(struct dns_query *q, const char *why)
{
	q->status = DNS_BADREPLY;
	snprintf(q->error, sizeof(q->error), "%s", why);
	return -1;
}

/* Room for n records, of which at most DNS_RR_MAX are kept. */
static int
rr_alloc(struct dns_query *q, size_t n)
{
	size_t keep = n < DNS_RR_MAX ? n : DNS_RR_MAX;

	free(q->rr);
	q->rr = NULL;
	q->nrr = 0;
	q->dropped = n - keep;
	if (keep == 0)
		return 0;
	if ((q->rr = calloc(keep, sizeof(*q->rr))) == NULL) {
		q->status = DNS_FAILED;
		snprintf(q->error, sizeof(q->error), "out of memory");
		return -1;
	}
	return 0;
}

static void
rr_add(struct dns_query *q, unsigned pref, const char *text)
{
	if (q->rr == NULL)
		return;
	snprintf(q->rr[q->nrr].text, sizeof(q->rr[q->nrr].text), "%s", text);
	q->rr[q->nrr].pref = pref;
	q->nrr++;
}

static int
cmp_mx(const void *a, const void *b)
{
	const struct dns_rr *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcasecmp(x->text, y->text);
}

/* Addresses in numeric order: IPv4 before IPv6, then by their bytes. */
static int
cmp_addr(const void *a, const void *b)
{
	const struct dns_rr *x = a, *y = b;
	unsigned char bx[17] = {0}, by[17] = {0};

	bx[0] = inet_pton(AF_INET, x->text, bx + 1) == 1 ? 4 : 6;
	if (bx[0] == 6)
		inet_pton(AF_INET6, x->text, bx + 1);
	by[0] = inet_pton(AF_INET, y->text, by + 1) == 1 ? 4 : 6;
	if (by[0] == 6)
		inet_pton(AF_INET6, y->text, by + 1);
	return memcmp(bx, by, sizeof(bx));
}

static int
cmp_name(const void *a, const void *b)
{
	const struct dns_rr *x = a, *y = b;

	return strcasecmp(x->text, y->text);
}

/* Set status from an ares_parse_* result other than success. */
static int
parse_failed(struct dns_query *q, int rc)
{
	if (rc == ARES_ENODATA) {
		q->status = DNS_NODATA;
		return 0;
	}
	return bad_reply(q, ares_strerror(rc));
}

/*
 * Keep the DNS_RR_MAX most preferred MX records, sorted: an answer with
 * more must not lose its best hosts to the order it came in.
 */
static void
mx_keep(struct dns_query *q, unsigned pref, const char *host)
{
	struct dns_rr rr = {.pref = pref};
	size_t i;

	if (q->rr == NULL)
		return;
	snprintf(rr.text, sizeof(rr.text), "%s", host);
	if (q->nrr == DNS_RR_MAX) {
		if (cmp_mx(&rr, &q->rr[q->nrr - 1]) >= 0)
			return;
		q->nrr--; /* the least preferred makes room */
	}
	for (i = q->nrr; i > 0 && cmp_mx(&rr, &q->rr[i - 1]) < 0; i--)
		q->rr[i] = q->rr[i - 1];
	q->rr[i] = rr;
	q->nrr++;
}

static int
parse_mx(struct dns_query *q, const unsigned char *abuf, int alen)
{
	struct ares_mx_reply *mx = NULL, *m;
	size_t n = 0;
	int rc;

	if ((rc = ares_parse_mx_reply(abuf, alen, &mx)) != ARES_SUCCESS)
		return parse_failed(q, rc);
	for (m = mx; m != NULL; m = m->next)
		n++;
	if (rr_alloc(q, n) == -1) {
		ares_free_data(mx);
		return -1;
	}
	/* c-ares keeps the answer's order; preference decides. */
	for (m = mx; m != NULL; m = m->next)
		mx_keep(q, m->priority, m->host);
	ares_free_data(mx);
	q->status = n > 0 ? DNS_ANSWER : DNS_NODATA;
	return 0;
}

/* Copy the hostent's name (after CNAMEs) when it is not the name asked. */
static void
note_cname(struct dns_query *q, const struct hostent *h)
{
	size_t len = strlen(q->name);
	const char *asked = q->name;

	if (len > 0 && asked[len - 1] == '.')
		len--;
	if (h->h_name != NULL &&
	    (strncasecmp(h->h_name, asked, len) != 0 ||
	     (h->h_name[len] != '\0' && strcmp(h->h_name + len, ".") != 0)))
		snprintf(q->cname, sizeof(q->cname), "%s", h->h_name);
}

static int
parse_addr(struct dns_query *q, const unsigned char *abuf, int alen)
{
	int family = q->type == DNS_T_A ? AF_INET : AF_INET6;
	struct hostent *h = NULL;
	char text[ADDR_TEXT_MAX];
	size_t n = 0;
	int rc;

	rc = family == AF_INET
		 ? ares_parse_a_reply(abuf, alen, &h, NULL, NULL)
		 : ares_parse_aaaa_reply(abuf, alen, &h, NULL, NULL);
	if (rc != ARES_SUCCESS)
		return parse_failed(q, rc);
	note_cname(q, h);
	while (h->h_addr_list[n] != NULL)
		n++;
	if (rr_alloc(q, n) == -1) {
		ares_free_hostent(h);
		return -1;
	}
	for (size_t i = 0; i < n && q->nrr < DNS_RR_MAX; i++)
		if (inet_ntop(family, h->h_addr_list[i], text, sizeof(text)))
			rr_add(q, 0, text);
	ares_free_hostent(h);
	if (q->nrr > 1)
		qsort(q->rr, q->nrr, sizeof(*q->rr), cmp_addr);
	/* An answer holding only a CNAME parses as success with nothing. */
	q->status = q->nrr > 0 ? DNS_ANSWER : DNS_NODATA;
	return 0;
}

static int
parse_ptr(struct dns_query *q, const unsigned char *abuf, int alen)
{
	unsigned char bin[16];
	int family = strchr(q->addr, ':') ? AF_INET6 : AF_INET;
	struct hostent *h = NULL;
	size_t n = 0;
	int rc;

	if (inet_pton(family, q->addr, bin) != 1)
		return bad_reply(q, "not an address");
	rc = ares_parse_ptr_reply(abuf, alen, bin, family == AF_INET ? 4 : 16,
				  family, &h);
	if (rc != ARES_SUCCESS)
		return parse_failed(q, rc);
	/* h_name is the first PTR, the aliases hold all of them. */
	while (h->h_aliases != NULL && h->h_aliases[n] != NULL)
		n++;
	if (rr_alloc(q, n > 0 ? n : 1) == -1) {
		ares_free_hostent(h);
		return -1;
	}
	if (n == 0)
		rr_add(q, 0, h->h_name);
	for (size_t i = 0; i < n && q->nrr < DNS_RR_MAX; i++)
		rr_add(q, 0, h->h_aliases[i]);
	ares_free_hostent(h);
	if (q->nrr > 1)
		qsort(q->rr, q->nrr, sizeof(*q->rr), cmp_name);
	q->status = q->nrr > 0 ? DNS_ANSWER : DNS_NODATA;
	return 0;
}

void
dns_txt_free(struct dns_query *q)
{
	for (size_t i = 0; i < q->ntxt; i++)
		free(q->txt[i].text);
	free(q->txt);
	q->txt = NULL;
	q->ntxt = 0;
}

/* Append one character-string to the last record, or start a record. */
static int
txt_chunk(struct dns_query *q, const struct ares_txt_ext *t)
{
	struct dns_txt *rec;
	char *text;

	if (t->record_start || q->ntxt == 0) {
		if (q->ntxt == DNS_RR_MAX) {
			q->dropped++;
			return 1; /* this record's further chunks go too */
		}
		q->txt[q->ntxt++] = (struct dns_txt){NULL, 0};
	}
	rec = &q->txt[q->ntxt - 1];
	if ((text = realloc(rec->text, rec->len + t->length + 1)) == NULL)
		return -1;
	memcpy(text + rec->len, t->txt, t->length);
	rec->len += t->length;
	text[rec->len] = '\0';
	rec->text = text;
	return 0;
}

static int
parse_txt(struct dns_query *q, const unsigned char *abuf, int alen)
{
	struct ares_txt_ext *txt = NULL, *t;
	int rc, skip = 0;

	if ((rc = ares_parse_txt_reply_ext(abuf, alen, &txt)) != ARES_SUCCESS)
		return parse_failed(q, rc);
	dns_txt_free(q);
	if ((q->txt = calloc(DNS_RR_MAX, sizeof(*q->txt))) == NULL)
		goto nomem;
	for (t = txt; t != NULL; t = t->next) {
		if (t->record_start)
			skip = 0;
		if (skip)
			continue;
		if ((rc = txt_chunk(q, t)) == -1)
			goto nomem;
		skip = rc;
	}
	ares_free_data(txt);
	q->status = q->ntxt > 0 ? DNS_ANSWER : DNS_NODATA;
	return 0;
nomem:
	ares_free_data(txt);
	dns_txt_free(q);
	q->status = DNS_FAILED;
	snprintf(q->error, sizeof(q->error), "out of memory");
	return -1;
}

/* Past a name in wire form: labels up to the root, or a pointer. */
static int
skip_name(struct cursor *c)
{
	uint8_t len;

	for (;;) {
		if (cursor_u8(c, &len) == -1)
			return -1;
		if (len == 0)
			return 0;
		if ((len & 0xc0) == 0xc0)
			return cursor_skip(c, 1);
		if ((len & 0xc0) != 0 || cursor_skip(c, len) == -1)
			return -1;
	}
}

void
dns_sec_free(struct dns_query *q)
{
	for (size_t i = 0; i < q->ntlsa; i++)
		free(q->tlsa[i].data);
	free(q->tlsa);
	q->tlsa = NULL;
	q->ntlsa = 0;
	free(q->rrsig);
	q->rrsig = NULL;
	q->nrrsig = 0;
}

static int
cursor_u32(struct cursor *c, unsigned long *v)
{
	uint16_t hi, lo;

	if (cursor_u16(c, &hi) == -1 || cursor_u16(c, &lo) == -1)
		return -1;
	*v = (unsigned long)hi << 16 | lo;
	return 0;
}

/*
 * An uncompressed name (RFC 4034 3.1.7: the signer) in text form, without
 * the final dot ("" for the root); dots and backslashes inside a label,
 * and bytes that are not printable, as \DDD (RFC 4343 2.1).
 */
static int
read_name(struct cursor *c, char *text, size_t size)
{
	size_t n = 0, wire = 0;
	uint8_t len, ch;

	text[0] = '\0';
	for (;;) {
		if (cursor_u8(c, &len) == -1 || (len & 0xc0) != 0)
			return -1;
		if (len == 0)
			return 0;
		if ((wire += len + 1) > 254)
			return -1;
		if (n > 0 && n + 1 < size)
			text[n++] = '.';
		for (uint8_t i = 0; i < len; i++) {
			if (cursor_u8(c, &ch) == -1)
				return -1;
			if (n + 5 > size)
				return -1;
			if (ch == '.' || ch == '\\' || ch <= ' ' || ch > '~')
				n += (size_t)snprintf(text + n, size - n,
						      "\\%03u", ch);
			else
				text[n++] = (char)ch;
		}
		text[n] = '\0';
	}
}

/*
 * RFC 4034 3.1.5: 32-bit times compare in serial number arithmetic; the
 * one within 68 years of now is meant.
 */
static long long
serial_time(unsigned long v)
{
	long long now = (long long)time(NULL);
	uint32_t d = (uint32_t)v - (uint32_t)now;

	return now + (int32_t)d;
}

static int
parse_rrsig(struct dns_query *q, const unsigned char *rd, uint16_t rdlen)
{
	struct dns_rrsig *s;
	struct cursor c;
	uint16_t covered = 0, tag = 0;
	uint8_t alg = 0, labels = 0;
	unsigned long ttl = 0, exp = 0, inc = 0;

	if (q->nrrsig == DNS_RR_MAX) {
		q->dropped++;
		return 0;
	}
	cursor_init(&c, rd, rdlen);
	if (rdlen < DNS_RRSIG_FIXED)
		return bad_reply(q, "RRSIG record too short");
	s = &q->rrsig[q->nrrsig];
	cursor_u16(&c, &covered);
	cursor_u8(&c, &alg);
	cursor_u8(&c, &labels);
	cursor_u32(&c, &ttl);
	cursor_u32(&c, &exp);
	cursor_u32(&c, &inc);
	cursor_u16(&c, &tag);
	if (read_name(&c, s->signer, sizeof(s->signer)) == -1)
		return bad_reply(q, "RRSIG signer name malformed");
	if (c.left == 0)
		return bad_reply(q, "RRSIG without a signature");
	s->covered = (enum dns_type)covered;
	s->algorithm = alg;
	s->labels = labels;
	s->original_ttl = ttl;
	s->expiration = serial_time(exp);
	s->inception = serial_time(inc);
	s->key_tag = tag;
	q->nrrsig++;
	return 0;
}

static int
parse_tlsa(struct dns_query *q, const unsigned char *rd, uint16_t rdlen)
{
	struct dns_tlsa *t;

	if (q->ntlsa == DNS_RR_MAX) {
		q->dropped++;
		return 0;
	}
	if (rdlen <= DNS_TLSA_FIXED)
		return bad_reply(q, "TLSA record too short");
	t = &q->tlsa[q->ntlsa];
	t->usage = rd[0];
	t->selector = rd[1];
	t->mtype = rd[2];
	t->len = rdlen - DNS_TLSA_FIXED;
	if ((t->data = malloc(t->len)) == NULL) {
		q->status = DNS_FAILED;
		snprintf(q->error, sizeof(q->error), "out of memory");
		return -1;
	}
	memcpy(t->data, rd + DNS_TLSA_FIXED, t->len);
	q->ntlsa++;
	return 0;
}

/*
 * The records c-ares 1.18 cannot parse (RRSIG, and TLSA when asked), read
 * from the answer section by cursor after the question.
 */
static int
walk_sec(struct dns_query *q, struct cursor *c, uint16_t qdcount,
	 uint16_t ancount)
{
	/* room for every record of the answer, made when one is there */
	size_t cap = ancount < DNS_RR_MAX ? ancount : DNS_RR_MAX;

	dns_sec_free(q);
	for (uint16_t i = 0; i < qdcount; i++)
		if (skip_name(c) == -1 || cursor_skip(c, 4) == -1)
			return bad_reply(q, "question cut short");
	for (uint16_t i = 0; i < ancount; i++) {
		uint16_t type, rdlen;
		const unsigned char *rd;
		int rc = 0;

		if (skip_name(c) == -1 || cursor_u16(c, &type) == -1 ||
		    cursor_skip(c, 6) == -1 || cursor_u16(c, &rdlen) == -1)
			return bad_reply(q, "answer record cut short");
		rd = c->p;
		if (cursor_skip(c, rdlen) == -1)
			return bad_reply(q, "answer record cut short");
		if (type == DNS_T_RRSIG) {
			if (q->rrsig == NULL &&
			    (q->rrsig = calloc(cap, sizeof(*q->rrsig))) == NULL)
				goto nomem;
			rc = parse_rrsig(q, rd, rdlen);
		} else if (type == DNS_T_TLSA && q->type == DNS_T_TLSA) {
			if (q->tlsa == NULL &&
			    (q->tlsa = calloc(cap, sizeof(*q->tlsa))) == NULL)
				goto nomem;
			rc = parse_tlsa(q, rd, rdlen);
		}
		if (rc == -1)
			return -1;
	}
	return 0;
nomem:
	q->status = DNS_FAILED;
	snprintf(q->error, sizeof(q->error), "out of memory");
	return -1;
}

/* The same, holding no records when the answer fails to parse. */
static int
parse_sec(struct dns_query *q, struct cursor *c, uint16_t qdcount,
	  uint16_t ancount)
{
	if (walk_sec(q, c, qdcount, ancount) == 0)
		return 0;
	dns_sec_free(q);
	return -1;
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

int
dns_build_query(const struct dns_query *q, unsigned char *buf, size_t len)
{
	const char *name = q->name;
	size_t n = 12;

	if (len < 12 + 1 + 4 + (q->dnssec ? 11 : 0))
		return -1;
	memset(buf, 0, 12);
	put16(buf + 2, DNS_FLAG_RD | (q->cd ? DNS_FLAG_CD : 0));
	put16(buf + 4, 1);
	put16(buf + 10, q->dnssec ? 1 : 0);
	while (*name != '\0' && strcmp(name, ".") != 0) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		if (l == 0 || l > 63 || n + 1 + l + 1 + 4 + 11 > len ||
		    n + 1 + l > 12 + 254)
			return -1;
		buf[n++] = (unsigned char)l;
		memcpy(buf + n, name, l);
		n += l;
		name += l + (dot != NULL);
	}
	buf[n++] = 0;
	put16(buf + n, (unsigned)q->type);
	put16(buf + n + 2, 1 /* IN */);
	n += 4;
	if (q->dnssec) { /* RFC 6891 6.1.2: root owner, OPT, payload... */
		buf[n] = 0;
		put16(buf + n + 1, DNS_T_OPT);
		put16(buf + n + 3, DNS_EDNS_PAYLOAD);
		put16(buf + n + 5, 0); /* extended rcode, version 0 */
		put16(buf + n + 7, DNS_EDNS_DO);
		put16(buf + n + 9, 0); /* no options */
		n += 11;
	}
	return (int)n;
}

int
dns_parse_answer(struct dns_query *q, const unsigned char *abuf, size_t alen)
{
	struct cursor c;
	uint16_t id, flags, qdcount, ancount;

	cursor_init(&c, abuf, alen);
	if (cursor_u16(&c, &id) == -1 || cursor_u16(&c, &flags) == -1 ||
	    cursor_u16(&c, &qdcount) == -1 || cursor_u16(&c, &ancount) == -1 ||
	    cursor_skip(&c, 4) == -1)
		return bad_reply(q, "answer shorter than a DNS header");
	if (alen > (size_t)INT32_MAX)
		return bad_reply(q, "answer too long");
	q->aa = (flags & DNS_FLAG_AA) != 0;
	q->ad = (flags & DNS_FLAG_AD) != 0;
	q->rcode = flags & DNS_RCODE_MASK;
	switch (q->rcode) {
	case 0:
		break;
	case DNS_RCODE_NXDOMAIN:
		q->status = DNS_NXDOMAIN;
		return 0;
	case DNS_RCODE_SERVFAIL:
		q->status = DNS_SERVFAIL;
		return 0;
	case DNS_RCODE_REFUSED:
		q->status = DNS_REFUSED;
		return 0;
	case DNS_RCODE_FORMERR:
		return bad_reply(q, "FORMERR");
	default:
		snprintf(q->error, sizeof(q->error), "rcode %d", q->rcode);
		q->status = DNS_BADREPLY;
		return -1;
	}
	if (ancount == 0) {
		q->status = DNS_NODATA;
		return 0;
	}
	if (parse_sec(q, &c, qdcount, ancount) == -1)
		return -1;
	switch (q->type) {
	case DNS_T_MX:
		return parse_mx(q, abuf, (int)alen);
	case DNS_T_A:
	case DNS_T_AAAA:
		return parse_addr(q, abuf, (int)alen);
	case DNS_T_PTR:
		return parse_ptr(q, abuf, (int)alen);
	case DNS_T_TXT:
		return parse_txt(q, abuf, (int)alen);
	case DNS_T_TLSA:
		q->status = q->ntlsa > 0 ? DNS_ANSWER : DNS_NODATA;
		return 0;
	case DNS_T_RRSIG:
		q->status = q->nrrsig > 0 ? DNS_ANSWER : DNS_NODATA;
		return 0;
	case DNS_T_DNSKEY:
		q->status = DNS_ANSWER;
		return 0;
	}
	return bad_reply(q, "unexpected query type");
}
