/*
 * dns_parse.c - what our code takes from a DNS answer.
 *
 * The header (rcode, AA) is read with a cursor; the records with c-ares
 * 1.18's ares_parse_* functions.  They are deprecated in later c-ares, so
 * every call to them lives in this one file, ready for ares_dns_parse().
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/select.h>
#include <ares.h>
#include <netdb.h>

#include "core/buf.h"

#include "proto/dns.h"

#define DNS_FLAG_AA	   0x0400
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
	switch (q->type) {
	case DNS_T_MX:
		return parse_mx(q, abuf, (int)alen);
	case DNS_T_A:
	case DNS_T_AAAA:
		return parse_addr(q, abuf, (int)alen);
	case DNS_T_PTR:
		return parse_ptr(q, abuf, (int)alen);
	}
	return bad_reply(q, "unexpected query type");
}
