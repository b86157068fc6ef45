/*
 * table.c - the rows imscheck-agent publishes, kept sorted by index so that
 * a GETNEXT finds its row by binary search, with every id's index
 * remembered for the agent's life and the spool records that were refused,
 * each in a map by name (a chained hash).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

struct id_entry {
	struct name_node node;
	uint32_t index;
	char id[];
};

/* Entries are malloc'd blocks that begin with their name_node. */
struct namemap {
	struct name_node **bucket;
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

static struct name_node **
namemap_slot(const struct namemap *m, const char *name)
{
	return &m->bucket[hash_id(name) & (m->nbuckets - 1)];
}

static struct name_node *
namemap_find(const struct namemap *m, const char *name)
{
	if (m == NULL || m->nbuckets == 0)
		return NULL;
	for (struct name_node *e = *namemap_slot(m, name); e; e = e->next)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

static int
namemap_grow(struct namemap *m)
{
	struct namemap bigger = {NULL, m->nbuckets ? m->nbuckets * 2 : 64, 0};

	if ((bigger.bucket = calloc(bigger.nbuckets, sizeof(*bigger.bucket))) ==
	    NULL)
		return -1;
	for (size_t i = 0; i < m->nbuckets; i++)
		for (struct name_node *e = m->bucket[i], *next; e; e = next) {
			struct name_node **slot =
			    namemap_slot(&bigger, e->name);

			next = e->next;
			e->next = *slot;
			*slot = e;
		}
	free(m->bucket);
	m->bucket = bigger.bucket;
	m->nbuckets = bigger.nbuckets;
	return 0;
}

/* Add an entry whose name is not in the map yet: 0, or -1 (ENOMEM). */
static int
namemap_add(struct namemap *m, struct name_node *e)
{
	struct name_node **slot;

	if (m->n >= m->nbuckets && namemap_grow(m) == -1)
		return -1;
	slot = namemap_slot(m, e->name);
	e->next = *slot;
	*slot = e;
	m->n++;
	return 0;
}

/* Unlink the entry *p points to, and free it. */
static void
namemap_unlink(struct namemap *m, struct name_node **p)
{
	struct name_node *e = *p;

	*p = e->next;
	free(e);
	m->n--;
}

/* Unlink and free the entries for which drop says so. */
static void
namemap_drop(struct namemap *m, bool (*drop)(struct name_node *))
{
	for (size_t i = 0; m != NULL && i < m->nbuckets; i++)
		for (struct name_node **p = &m->bucket[i]; *p != NULL;) {
			if (drop(*p))
				namemap_unlink(m, p);
			else
				p = &(*p)->next;
		}
}

static bool
always(struct name_node *e)
{
	(void)e;
	return true;
}

static void
namemap_free(struct namemap *m)
{
	if (m == NULL)
		return;
	namemap_drop(m, always);
	free(m->bucket);
	free(m);
}

static struct id_entry *
id_find(const struct table *t, const char *id)
{
	return (struct id_entry *)namemap_find(t->ids, id);
}

static struct id_entry *
id_add(struct table *t, const char *id, uint32_t index)
{
	size_t len = strlen(id);
	struct id_entry *e = malloc(sizeof(*e) + len + 1);

	if (e == NULL)
		return NULL;
	memcpy(e->id, id, len + 1);
	e->node.name = e->id;
	e->index = index;
	if (namemap_add(t->ids, &e->node) == -1) {
		free(e);
		return NULL;
	}
	return e;
}

struct bad_record *
table_bad_find(const struct table *t, const char *name)
{
	return (struct bad_record *)namemap_find(t->bad, name);
}

struct bad_record *
table_bad_add(struct table *t, const char *name)
{
	struct bad_record *b;

	if (t->bad == NULL || (b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	snprintf(b->name, sizeof(b->name), "%s", name);
	b->node.name = b->name;
	if (namemap_add(t->bad, &b->node) == -1) {
		free(b);
		return NULL;
	}
	return b;
}

void
table_bad_forget(struct table *t, struct bad_record *b)
{
	struct name_node **p = namemap_slot(t->bad, b->name);

	for (; *p != NULL && *p != &b->node; p = &(*p)->next)
		;
	if (*p != NULL)
		namemap_unlink(t->bad, p);
}

static bool
unseen(struct name_node *e)
{
	struct bad_record *b = (struct bad_record *)e;
	bool drop = !b->seen;

	b->seen = false;
	return drop;
}

void
table_bad_prune(struct table *t)
{
	namemap_drop(t->bad, unseen);
}

void
table_init(struct table *t)
{
	memset(t, 0, sizeof(*t));
	t->next_index = 1;
	t->ids = calloc(1, sizeof(*t->ids));
	t->bad = calloc(1, sizeof(*t->bad));
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
	spool_scan_end(t);
	for (size_t i = 0; i < t->n; i++)
		check_free(t->rows[i]);
	free(t->rows);
	namemap_free(t->bad);
	namemap_free(t->ids);
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
	struct id_entry *e = id_find(t, id);
	size_t i;

	if (e == NULL)
		return NULL;
	i = table_lower_bound(t, e->index);
	return i < t->n && t->rows[i]->index == e->index ? t->rows[i] : NULL;
}

struct check *
table_add(struct table *t, const char *id, enum check_source source)
{
	struct id_entry *e = id_find(t, id);
	struct check *c;
	size_t at;

	if (t->ids == NULL || !spool_valid_id(id))
		return NULL;
	if (e == NULL) {
		if (t->next_index == UINT32_MAX ||
		    (e = id_add(t, id, t->next_index)) == NULL)
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
