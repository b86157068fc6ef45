/*
 * mib.c - IMSCHECK-MIB served from the agent's table: the imsAgent
 * scalars, imsCheckTable and imsPerfTable, and the imsCheckStateChange
 * notification.  The tables are answered straight from the rows (sorted by
 * index, found by binary search), so a GETNEXT costs O(log n) and nothing
 * is copied into net-snmp's own containers.  The only file that speaks
 * net-snmp's agent API; all of it runs on the main thread.
 */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <string.h>

#include "mib.h"

#include "core/deadline.h"

#include "agent.h"

/* imscheckMIB: netSnmpPlaypen.1 (IMSCHECK-MIB.txt says how to move it) */
#define IMS_ROOT 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 1
static const oid agent_oid[] = {IMS_ROOT, 1, 1};    /* imsAgent */
static const oid check_oid[] = {IMS_ROOT, 1, 2, 1}; /* imsCheckEntry */
static const oid perf_oid[] = {IMS_ROOT, 1, 3, 1};  /* imsPerfEntry */
static const oid notify_oid[] = {IMS_ROOT, 0, 1};   /* imsCheckStateChange */
static const oid trap_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
#define LEN(a) (sizeof(a) / sizeof(*(a)))

enum { AGENT_VERSION = 1, AGENT_UPTIME, AGENT_CHECKS, AGENT_LAST_RELOAD };
enum {
	CHECK_ID = 2,
	CHECK_STEP,
	CHECK_STATE,
	CHECK_OUTPUT,
	CHECK_LAST_RUN,
	CHECK_LAST_CHANGE,
	CHECK_DURATION,
	CHECK_RUNS,
	CHECK_FAILURES,
};
enum {
	PERF_LABEL = 2,
	PERF_VALUE,
	PERF_MILLI,
	PERF_UOM,
	PERF_WARN,
	PERF_CRIT,
	PERF_MIN,
	PERF_MAX,
};

static const struct table *table;
static double started;	  /* monotonic */
static uint32_t reloaded; /* imsAgentLastReload */

static uint32_t
ticks_since(double mono)
{
	return (uint32_t)((uint64_t)((mono_now() - mono) * 100.0) &
			  0xffffffffu);
}

static void
set_string(netsnmp_variable_list *vb, const char *s)
{
	snmp_set_var_typed_value(vb, ASN_OCTET_STR, s, strlen(s));
}

static void
set_number(netsnmp_variable_list *vb, u_char type, long v)
{
	snmp_set_var_typed_integer(vb, type, v);
}

/*
 * Where a request OID falls in a subtree root.col.i1[.i2]: -1 before it,
 * 1 after it, 0 inside with the column and the indexes that are present
 * (sub-identifiers past the last index count as "more" and make GETNEXT
 * skip the index itself).
 */
struct where {
	oid col;
	uint64_t idx[2];
	int nidx; /* how many of idx the request gave */
	bool more;
};

static int
locate(const oid *name, size_t len, const oid *root, size_t rlen, int nidx,
       struct where *w)
{
	int cmp = snmp_oid_compare(name, len < rlen ? len : rlen, root, rlen);

	memset(w, 0, sizeof(*w));
	if (cmp != 0 || len < rlen)
		return cmp < 0 || len < rlen ? -1 : 1;
	if (len > rlen)
		w->col = name[rlen];
	for (int i = 0; i < nidx && rlen + 1 + (size_t)i < len; i++) {
		w->idx[i] = name[rlen + 1 + (size_t)i];
		w->nidx++;
	}
	w->more = len > rlen + 1 + (size_t)nidx;
	return 0;
}

static void
answer_oid(netsnmp_variable_list *vb, const oid *root, size_t rlen, oid col,
	   const uint32_t *idx, int nidx)
{
	oid name[MAX_OID_LEN];

	memcpy(name, root, rlen * sizeof(oid));
	name[rlen] = col;
	for (int i = 0; i < nidx; i++)
		name[rlen + 1 + (size_t)i] = idx[i];
	snmp_set_var_objid(vb, name, rlen + 1 + (size_t)nidx);
}

/* imsAgent: four scalars, each instance .0. */
static void
agent_value(netsnmp_variable_list *vb, oid col)
{
	char version[64];

	switch (col) {
	case AGENT_VERSION:
		snprintf(version, sizeof(version), "%s %s", AGENT_NAME,
			 IMSCHECK_VERSION);
		set_string(vb, version);
		break;
	case AGENT_UPTIME:
		set_number(vb, ASN_TIMETICKS, (long)ticks_since(started));
		break;
	case AGENT_CHECKS:
		set_number(vb, ASN_GAUGE, (long)table->n);
		break;
	default:
		set_number(vb, ASN_TIMETICKS, (long)reloaded);
	}
}

static void
agent_request(int mode, netsnmp_request_info *req)
{
	netsnmp_variable_list *vb = req->requestvb;
	struct where w;
	int at =
	    locate(vb->name, vb->name_length, agent_oid, LEN(agent_oid), 1, &w);
	uint32_t zero = 0;
	oid col;

	if (mode == MODE_GET) {
		if (at != 0 || w.col < AGENT_VERSION ||
		    w.col > AGENT_LAST_RELOAD)
			netsnmp_set_request_error(NULL, req, SNMP_NOSUCHOBJECT);
		else if (w.nidx != 1 || w.idx[0] != 0 || w.more)
			netsnmp_set_request_error(NULL, req,
						  SNMP_NOSUCHINSTANCE);
		else
			agent_value(vb, w.col);
		return;
	}
	if (at > 0)
		return;
	col = at < 0 || w.col < AGENT_VERSION ? AGENT_VERSION
	      : w.nidx > 0		      ? w.col + 1
					      : w.col;
	if (col <= AGENT_LAST_RELOAD) {
		answer_oid(vb, agent_oid, LEN(agent_oid), col, &zero, 1);
		agent_value(vb, col);
	}
}

static void
check_value(netsnmp_variable_list *vb, oid col, const struct check *c)
{
	switch (col) {
	case CHECK_ID:
		set_string(vb, c->id);
		break;
	case CHECK_STEP:
		set_number(vb, ASN_INTEGER, c->step);
		break;
	case CHECK_STATE:
		set_number(vb, ASN_INTEGER, c->state);
		break;
	case CHECK_OUTPUT:
		set_string(vb, c->output);
		break;
	case CHECK_LAST_RUN:
		set_number(vb, ASN_UNSIGNED, (long)c->last_run);
		break;
	case CHECK_LAST_CHANGE:
		set_number(vb, ASN_UNSIGNED, (long)c->last_change);
		break;
	case CHECK_DURATION:
		set_number(vb, ASN_UNSIGNED, (long)c->duration_ms);
		break;
	case CHECK_RUNS:
		set_number(vb, ASN_COUNTER, (long)c->runs);
		break;
	default:
		set_number(vb, ASN_COUNTER, (long)c->failures);
	}
}

/* The row at position i of the table, or NULL past the end. */
static const struct check *
row(size_t i)
{
	return i < table->n ? table->rows[i] : NULL;
}

/* The position of the first row whose index is above index. */
static size_t
first_after(uint64_t index)
{
	return index >= UINT32_MAX
		   ? table->n
		   : table_lower_bound(table, (uint32_t)index + 1);
}

static void
check_request(int mode, netsnmp_request_info *req)
{
	netsnmp_variable_list *vb = req->requestvb;
	struct where w;
	int at =
	    locate(vb->name, vb->name_length, check_oid, LEN(check_oid), 1, &w);
	const struct check *c = NULL;
	size_t i;
	oid col;

	if (mode == MODE_GET) {
		if (at == 0 && w.col >= CHECK_ID && w.col <= CHECK_FAILURES &&
		    w.nidx == 1 && !w.more && w.idx[0] <= UINT32_MAX) {
			i = table_lower_bound(table, (uint32_t)w.idx[0]);
			if ((c = row(i)) != NULL && c->index != w.idx[0])
				c = NULL;
		}
		if (c == NULL)
			netsnmp_set_request_error(NULL, req,
						  SNMP_NOSUCHINSTANCE);
		else
			check_value(vb, w.col, c);
		return;
	}
	if (at > 0)
		return;
	col = at < 0 || w.col < CHECK_ID ? CHECK_ID : w.col;
	/* In the request's column, the first row after its index. */
	i = col == w.col && w.nidx == 1 ? first_after(w.idx[0]) : 0;
	if (i >= table->n) { /* the column is done: the next one */
		col++;
		i = 0;
	}
	if (col > CHECK_FAILURES || (c = row(i)) == NULL)
		return;
	answer_oid(vb, check_oid, LEN(check_oid), col, &c->index, 1);
	check_value(vb, col, c);
}

static void
perf_value(netsnmp_variable_list *vb, oid col, const struct check_perf *p)
{
	switch (col) {
	case PERF_LABEL:
		set_string(vb, p->label);
		break;
	case PERF_VALUE:
		set_string(vb, p->value);
		break;
	case PERF_MILLI:
		set_number(vb, ASN_INTEGER, p->milli);
		break;
	case PERF_UOM:
		set_string(vb, p->uom);
		break;
	case PERF_WARN:
		set_string(vb, p->warn);
		break;
	case PERF_CRIT:
		set_string(vb, p->crit);
		break;
	case PERF_MIN:
		set_string(vb, p->min);
		break;
	default:
		set_string(vb, p->max);
	}
}

/*
 * The first perfdata item at or after (check index, item k from 0), as a
 * row position and an item; false past the end of the table.
 */
static bool
perf_seek(uint64_t index, uint64_t k, size_t *i, size_t *item)
{
	if (index > UINT32_MAX)
		return false;
	*i = table_lower_bound(table, (uint32_t)index);
	if (row(*i) == NULL || row(*i)->index != index)
		k = 0;
	while (row(*i) != NULL && k >= row(*i)->nperf) {
		(*i)++;
		k = 0;
	}
	*item = (size_t)k;
	return row(*i) != NULL;
}

static void
perf_request(int mode, netsnmp_request_info *req)
{
	netsnmp_variable_list *vb = req->requestvb;
	struct where w;
	int at =
	    locate(vb->name, vb->name_length, perf_oid, LEN(perf_oid), 2, &w);
	size_t i, k;
	uint32_t idx[2];
	bool found;
	oid col;

	if (mode == MODE_GET) {
		if (at == 0 && w.col >= PERF_LABEL && w.col <= PERF_MAX &&
		    w.nidx == 2 && !w.more && w.idx[1] >= 1 &&
		    perf_seek(w.idx[0], w.idx[1] - 1, &i, &k) &&
		    row(i)->index == w.idx[0] && k == w.idx[1] - 1)
			perf_value(vb, w.col, &row(i)->perf[k]);
		else
			netsnmp_set_request_error(NULL, req,
						  SNMP_NOSUCHINSTANCE);
		return;
	}
	if (at > 0)
		return;
	col = at < 0 || w.col < PERF_LABEL ? PERF_LABEL : w.col;
	/* (index) alone comes before (index, 1); (index, n) before n+1. */
	if (col != w.col || w.nidx == 0)
		found = perf_seek(0, 0, &i, &k);
	else
		found = perf_seek(w.idx[0], w.nidx == 2 ? w.idx[1] : 0, &i, &k);
	if (!found) { /* the column is done: the next one */
		col++;
		found = perf_seek(0, 0, &i, &k);
	}
	if (!found || col > PERF_MAX)
		return;
	idx[0] = row(i)->index;
	idx[1] = (uint32_t)k + 1;
	answer_oid(vb, perf_oid, LEN(perf_oid), col, idx, 2);
	perf_value(vb, col, &row(i)->perf[k]);
}

static int
handle(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
       netsnmp_agent_request_info *info, netsnmp_request_info *requests)
{
	void (*serve)(int, netsnmp_request_info *) = handler->myvoid;

	(void)reg;
	if (info->mode != MODE_GET && info->mode != MODE_GETNEXT)
		return SNMP_ERR_NOERROR; /* read-only: the helper refuses */
	for (netsnmp_request_info *req = requests; req; req = req->next)
		if (!req->processed)
			serve(info->mode, req);
	return SNMP_ERR_NOERROR;
}

static int
register_subtree(const char *name, const oid *root, size_t len,
		 void (*serve)(int, netsnmp_request_info *))
{
	netsnmp_handler_registration *reg = netsnmp_create_handler_registration(
	    name, handle, root, len, HANDLER_CAN_RONLY);

	if (reg == NULL)
		return -1;
	reg->handler->myvoid = (void *)serve;
	return netsnmp_register_handler(reg) == MIB_REGISTERED_OK ? 0 : -1;
}

int
mib_register(const struct table *t)
{
	table = t;
	started = mono_now();
	return register_subtree("imsAgent", agent_oid, LEN(agent_oid),
				agent_request) == 0 &&
		       register_subtree("imsCheckTable", check_oid,
					LEN(check_oid), check_request) == 0 &&
		       register_subtree("imsPerfTable", perf_oid, LEN(perf_oid),
					perf_request) == 0
		   ? 0
		   : -1;
}

void
mib_reloaded(void)
{
	reloaded = ticks_since(started);
	if (reloaded == 0)
		reloaded = 1; /* 0 means "never reloaded" */
}

void
mib_notify(const struct check *c)
{
	netsnmp_variable_list *vars = NULL;
	oid name[LEN(check_oid) + 2];
	long step = c->step, state = c->state;

	memcpy(name, check_oid, sizeof(check_oid));
	name[LEN(check_oid) + 1] = c->index;
	snmp_varlist_add_variable(&vars, trap_oid, LEN(trap_oid), ASN_OBJECT_ID,
				  (const u_char *)notify_oid,
				  sizeof(notify_oid));
	name[LEN(check_oid)] = CHECK_ID;
	snmp_varlist_add_variable(&vars, name, LEN(name), ASN_OCTET_STR, c->id,
				  strlen(c->id));
	name[LEN(check_oid)] = CHECK_STEP;
	snmp_varlist_add_variable(&vars, name, LEN(name), ASN_INTEGER,
				  (const u_char *)&step, sizeof(step));
	name[LEN(check_oid)] = CHECK_STATE;
	snmp_varlist_add_variable(&vars, name, LEN(name), ASN_INTEGER,
				  (const u_char *)&state, sizeof(state));
	name[LEN(check_oid)] = CHECK_OUTPUT;
	snmp_varlist_add_variable(&vars, name, LEN(name), ASN_OCTET_STR,
				  c->output, strlen(c->output));
	send_v2trap(vars);
	snmp_free_varbind(vars);
}
