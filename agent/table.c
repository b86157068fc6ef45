/*
 * table.c - the rows imscheck-agent publishes, kept sorted by index so that
 * a GETNEXT finds its row by binary search, with every id's index
 * remembered for the agent's life (a hash from id to index).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

struct id_entry {
	struct id_entry *next;
	uint32_t index;
	char id[];
};

struct idmap {
	struct id_entry **bucket;
	size_t nbuckets; /* a power of two */
	size_t n;
};

uint32_t
hash_id(const char *id)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *id != '\0'; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h;
}

static struct id_entry *
idmap_find(const struct idmap *m, const char *id)
{
	struct id_entry *e;

	if (m == NULL || m->nbuckets == 0)
		return NULL;
	for (e = m->bucket[hash_id(id) & (m->nbuckets - 1)]; e; e = e->next)
		if (strcmp(e->id, id) == 0)
			return e;
	return NULL;
}

static int
idmap_grow(struct idmap *m)
{
	size_t n = m->nbuckets ? m->nbuckets * 2 : 64;
	struct id_entry **b = calloc(n, sizeof(*b));

	if (b == NULL)
		return -1;
	for (size_t i = 0; i < m->nbuckets; i++)
		for (struct id_entry *e = m->bucket[i], *next; e; e = next) {
			next = e->next;
			e->next = b[hash_id(e->id) & (n - 1)];
			b[hash_id(e->id) & (n - 1)] = e;
		}
	free(m->bucket);
	m->bucket = b;
	m->nbuckets = n;
	return 0;
}

static struct id_entry *
idmap_add(struct idmap *m, const char *id, uint32_t index)
{
	size_t len = strlen(id);
	struct id_entry *e;
	uint32_t h;

	if (m->n >= m->nbuckets && idmap_grow(m) == -1)
		return NULL;
	if ((e = malloc(sizeof(*e) + len + 1)) == NULL)
		return NULL;
	memcpy(e->id, id, len + 1);
	e->index = index;
	h = hash_id(id) & (m->nbuckets - 1);
	e->next = m->bucket[h];
	m->bucket[h] = e;
	m->n++;
	return e;
}

void
table_init(struct table *t)
{
	memset(t, 0, sizeof(*t));
	t->next_index = 1;
	t->ids = calloc(1, sizeof(*t->ids));
}

static void
check_free(struct check *c)
{
	child_free(&c->child);
	free(c->perf);
	free(c);
}

void
table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++)
		check_free(t->rows[i]);
	free(t->rows);
	for (struct bad_record *b = t->bad, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	if (t->ids != NULL) {
		for (size_t i = 0; i < t->ids->nbuckets; i++)
			for (struct id_entry *e = t->ids->bucket[i], *next; e;
			     e = next) {
				next = e->next;
				free(e);
			}
		free(t->ids->bucket);
		free(t->ids);
	}
	memset(t, 0, sizeof(*t));
}

size_t
table_lower_bound(const struct table *t, uint32_t index)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->rows[mid]->index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct check *
table_find(const struct table *t, const char *id)
{
	struct id_entry *e = idmap_find(t->ids, id);
	size_t i;

	if (e == NULL)
		return NULL;
	i = table_lower_bound(t, e->index);
	return i < t->n && t->rows[i]->index == e->index ? t->rows[i] : NULL;
}

struct check *
table_add(struct table *t, const char *id, enum check_source source)
{
	struct id_entry *e = idmap_find(t->ids, id);
	struct check *c;
	size_t at;

	if (t->ids == NULL || !spool_valid_id(id))
		return NULL;
	if (e == NULL) {
		if (t->next_index == UINT32_MAX ||
		    (e = idmap_add(t->ids, id, t->next_index)) == NULL)
			return NULL;
		t->next_index++;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct check **rows = realloc(t->rows, cap * sizeof(*rows));

		if (rows == NULL)
			return NULL;
		t->rows = rows;
		t->cap = cap;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->index = e->index;
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->source = source;
	c->state = STATE_UNKNOWN;
	c->child.fd = -1;
	snprintf(c->output, sizeof(c->output), "UNKNOWN - no result yet");
	/* New ids come last; an id seen before goes back to its place. */
	at = table_lower_bound(t, c->index);
	memmove(t->rows + at + 1, t->rows + at, (t->n - at) * sizeof(*t->rows));
	t->rows[at] = c;
	t->n++;
	return c;
}

void
table_remove(struct table *t, size_t i)
{
	check_free(t->rows[i]);
	memmove(t->rows + i, t->rows + i + 1,
		(t->n - i - 1) * sizeof(*t->rows));
	t->n--;
}

int32_t
perf_milli(double value)
{
	double m;

	if (!isfinite(value))
		return 0;
	m = round(value * 1000.0);
	if (m >= (double)INT32_MAX)
		return INT32_MAX;
	if (m <= (double)INT32_MIN)
		return INT32_MIN;
	return (int32_t)m;
}

static void
perf_row(struct check_perf *row, const struct perf *p)
{
	memset(row, 0, sizeof(*row));
	snprintf(row->label, sizeof(row->label), "%s", p->label);
	format_number(row->value, sizeof(row->value), p->value);
	row->milli = perf_milli(p->value);
	snprintf(row->uom, sizeof(row->uom), "%s", p->uom);
	snprintf(row->warn, sizeof(row->warn), "%s", p->warn);
	snprintf(row->crit, sizeof(row->crit), "%s", p->crit);
	if (!isnan(p->min))
		format_number(row->min, sizeof(row->min), p->min);
	if (!isnan(p->max))
		format_number(row->max, sizeof(row->max), p->max);
}

bool
check_record(struct check *c, const struct result *r, const char *status_line,
	     double start, double duration)
{
	bool changed =
	    c->has_result ? r->state != c->state : r->state != STATE_OK;
	struct check_perf *perf = NULL;
	double ms = duration * 1000.0;

	if (r->nperf > 0 && (perf = calloc(r->nperf, sizeof(*perf))) != NULL)
		for (size_t i = 0; i < r->nperf; i++)
			perf_row(&perf[i], &r->perf[i]);
	free(c->perf);
	c->perf = perf;
	c->nperf = perf != NULL ? r->nperf : 0;
	if (!c->has_result || r->state != c->state)
		c->last_change = start > 0 ? (uint32_t)start : 0;
	c->has_result = true;
	c->state = r->state;
	sanitize(c->output, sizeof(c->output), status_line,
		 strlen(status_line));
	c->last_run = start > 0 && start < 4294967296.0 ? (uint32_t)start : 0;
	c->duration_ms = ms > 0 && ms < 4294967295.0 ? (uint32_t)(ms + 0.5) : 0;
	c->runs++;
	if (r->state != STATE_OK)
		c->failures++;
	return changed;
}
