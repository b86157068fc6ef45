/*
 * dns_memo.c - answers by name and type, each asked once: the resolver of
 * evaluators that walk a chain of lookups (SPF) for several addresses.
 *
 * Every entry is a struct dns_query of its own, so a pointer handed out
 * stays valid until the memo is closed.  A question that is asked while
 * others are in flight waits for all of them: dns_wait() is the only
 * loop, and it holds the deadline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/dns.h"

/* Questions one memo keeps: far above what the SPF limits allow. */
#define MEMO_MAX 1024

struct dns_memo {
	struct dns *dns; /* NULL: answers only what was put */
	size_t channel;
	struct dns_query *q[MEMO_MAX];
	size_t n;
	size_t sent;
	struct dns_query overflow; /* the answer when the memo is full */
};

struct dns_memo *
dns_memo_open(struct dns *dns, size_t channel)
{
	struct dns_memo *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->dns = dns;
	m->channel = channel;
	m->overflow.status = DNS_FAILED;
	snprintf(m->overflow.error, sizeof(m->overflow.error),
		 "more than %d questions", MEMO_MAX);
	return m;
}

void
dns_memo_close(struct dns_memo *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++) {
		dns_query_free(m->q[i]);
		free(m->q[i]);
	}
	free(m);
}

static bool
same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	la -= la > 0 && a[la - 1] == '.';
	lb -= lb > 0 && b[lb - 1] == '.';
	return la == lb && strncasecmp(a, b, la) == 0;
}

static struct dns_query *
memo_find(struct dns_memo *m, const char *name, enum dns_type type)
{
	for (size_t i = 0; i < m->n; i++) {
		struct dns_query *q = m->q[i];
		const char *key = type == DNS_T_PTR ? q->addr : q->name;

		if (q->type == type && same_name(key, name))
			return q;
	}
	return NULL;
}

/* A new entry for NAME TYPE, not asked yet; NULL when full or invalid. */
static struct dns_query *
memo_add(struct dns_memo *m, const char *name, enum dns_type type)
{
	struct dns_query *q;

	if (m->n == MEMO_MAX || (q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	if (dns_query_init(q, name, type) == -1) {
		free(q);
		return NULL;
	}
	m->q[m->n++] = q;
	return q;
}

/* The entry, asked if it is new; NULL when it cannot be kept. */
static struct dns_query *
memo_entry(struct dns_memo *m, const char *name, enum dns_type type)
{
	struct dns_query *q = memo_find(m, name, type);

	if (q != NULL)
		return q;
	if ((q = memo_add(m, name, type)) == NULL)
		return NULL;
	if (m->dns == NULL) {
		q->status = DNS_NXDOMAIN;
		return q;
	}
	dns_submit(m->dns, m->channel, q);
	m->sent++;
	return q;
}

void
dns_memo_prefetch(struct dns_memo *m, const char *name, enum dns_type type)
{
	memo_entry(m, name, type);
}

const struct dns_query *
dns_memo_ask(struct dns_memo *m, const char *name, enum dns_type type)
{
	struct dns_query *q = memo_entry(m, name, type);

	if (q == NULL)
		return &m->overflow;
	if (q->status == DNS_PENDING)
		dns_wait(m->dns);
	return q;
}

/* One record of a put answer into q. */
static int
put_record(struct dns_query *q, const char *text, size_t len)
{
	unsigned pref = 0;
	int used = 0;

	if (q->type == DNS_T_TXT) {
		struct dns_txt *t = &q->txt[q->ntxt];

		if ((t->text = malloc(len + 1)) == NULL)
			return -1;
		memcpy(t->text, text, len);
		t->text[len] = '\0';
		t->len = len;
		q->ntxt++;
		return 0;
	}
	if (q->type == DNS_T_MX && sscanf(text, "%u %n", &pref, &used) == 1)
		text += used;
	q->rr[q->nrr].pref = pref;
	snprintf(q->rr[q->nrr].text, sizeof(q->rr[q->nrr].text), "%s", text);
	q->nrr++;
	return 0;
}

int
dns_memo_put(struct dns_memo *m, const char *name, enum dns_type type,
	     enum dns_status status, const char *const *rr, const size_t *len,
	     size_t n)
{
	struct dns_query *q = memo_find(m, name, type);

	if (q == NULL && (q = memo_add(m, name, type)) == NULL)
		return -1;
	dns_query_free(q);
	q->status = status;
	if (n > DNS_RR_MAX)
		n = DNS_RR_MAX;
	if (n > 0 && type == DNS_T_TXT &&
	    (q->txt = calloc(n, sizeof(*q->txt))) == NULL)
		return -1;
	if (n > 0 && type != DNS_T_TXT &&
	    (q->rr = calloc(n, sizeof(*q->rr))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (put_record(q, rr[i], len ? len[i] : strlen(rr[i])) == -1)
			return -1;
	return 0;
}

size_t
dns_memo_sent(const struct dns_memo *m)
{
	return m->sent;
}
