/*
 * agent.h - imscheck-agent's model: its configuration (the profile's agent
 * section), the table of checks it publishes (its own schedule and the
 * spool), the runner of its schedule and the spool reader.  Everything
 * here is plain C over that model; mib.c alone speaks net-snmp, and the
 * unit tests use the rest without it.
 */
#ifndef IMSCHECK_AGENT_H
#define IMSCHECK_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/child.h"
#include "core/result.h"
#include "core/spool.h"

#define AGENT_NAME	 "imscheck-agent"
#define CHECK_OUTPUT_MAX 256 /* imsCheckOutput: 255 octets and a NUL */
#define PERF_TEXT_MAX	 64  /* imsPerfValue and the ranges: 63 octets */
#define CHECK_ARGS_MAX	 64  /* words of a scheduled command */

/* One check of the profile's agent.checks. */
struct sched_conf {
	char id[SPOOL_ID_MAX];
	int step;
	char *path;  /* the program: argv[0], found in plugindir if bare */
	char **argv; /* NULL-terminated */
	double interval;
	double timeout;
};

struct agent_conf {
	struct sched_conf *checks;
	size_t nchecks;
	char *spool;	     /* NULL: no spool is read */
	char *user;	     /* NULL: stay who we are */
	char *agentx_socket; /* NULL: net-snmp's default */
	int concurrency;
	int ping_interval; /* seconds between AgentX pings */
	double spool_scan; /* seconds between spool scans */
	double spread;	   /* first runs spread over this many seconds */
	char *plugindir;   /* where a command without a '/' is found */
};

/* Load the agent's part of the profile at path.  0, or -1 with err. */
int agent_conf_load(struct agent_conf *conf, const char *path, char *err,
		    size_t errlen);
void agent_conf_free(struct agent_conf *conf);

enum check_source { SOURCE_SCHEDULE, SOURCE_SPOOL };

/* One imsPerfTable row, as text ready to serve. */
struct check_perf {
	char label[PERF_LABEL_MAX];
	char value[PERF_TEXT_MAX];
	int32_t milli;
	char uom[16];
	char warn[PERF_TEXT_MAX];
	char crit[PERF_TEXT_MAX];
	char min[PERF_TEXT_MAX];
	char max[PERF_TEXT_MAX];
};

/* A version of a spool record: a file replaced or rewritten has another. */
struct record_version {
	ino_t ino;
	int64_t mtime_ns;
	off_t size;
};

/* One imsCheckTable row, with what the runner and the spool reader need. */
struct check {
	uint32_t index;
	char id[SPOOL_ID_MAX];
	int step;
	enum check_source source;
	bool has_result;
	enum state state;
	char output[CHECK_OUTPUT_MAX];
	uint32_t last_run;    /* Unix seconds */
	uint32_t last_change; /* Unix seconds */
	uint32_t duration_ms;
	uint32_t runs;
	uint32_t failures;
	struct check_perf *perf;
	size_t nperf;

	/* The schedule: its configuration and the run in progress. */
	const struct sched_conf *sched;
	bool configured; /* in the profile being synced */
	double due;	 /* monotonic seconds */
	bool running;
	struct child child;
	double started_mono;
	double started_wall;

	/* The spool: which version of the record this row shows. */
	struct record_version version;
	bool seen; /* in the latest scan */
};

/* An entry of a map by name (table.c): the first member of its entries. */
struct name_node {
	struct name_node *next;
	const char *name; /* in the entry */
};

struct namemap;
struct spool_walk;

/* A spool record that did not parse, remembered so it is logged once. */
struct bad_record {
	struct name_node node;
	struct record_version version;
	bool seen; /* in the latest scan */
	char name[SPOOL_ID_MAX];
};

/*
 * The rows, sorted by index, the index each id has ever had, the spool
 * records that did not parse (logged once each; a row, if they have one,
 * keeps its last good result), and the spool scan in progress.  Both maps
 * find a name in constant time: a scan looks up every record it sees.
 */
struct table {
	struct check **rows;
	size_t n;
	size_t cap;
	uint32_t next_index;
	struct namemap *ids;
	struct namemap *bad;
	struct spool_walk *walk; /* NULL between scans */
	bool spool_unreadable;	 /* said once, until it can be read again */
};

void table_init(struct table *t);
void table_free(struct table *t);

/*
 * The row of id, or NULL.  table_add() makes a new row for id (which has
 * none) with the index the id had before, if it ever had one, so that a
 * check keeps its index across reloads and spool rewrites.
 */
struct check *table_find(const struct table *t, const char *id);
struct check *table_add(struct table *t, const char *id,
			enum check_source source);
/* Remove and free the row at position i. */
void table_remove(struct table *t, size_t i);

/*
 * The refused spool records: the one of name (NULL if none), a new one
 * (NULL without memory), forgetting one, and forgetting those not seen
 * since the last prune (the others are then marked unseen).
 */
struct bad_record *table_bad_find(const struct table *t, const char *name);
struct bad_record *table_bad_add(struct table *t, const char *name);
void table_bad_forget(struct table *t, struct bad_record *b);
void table_bad_prune(struct table *t);
/* The position of the first row whose index is at least index. */
size_t table_lower_bound(const struct table *t, uint32_t index);

/*
 * Record a result in a row: its state, status line, perfdata, times and
 * counters.  Returns true when the state changed in a way that deserves a
 * notification: from one result's state to another, or a first result
 * that is not OK.
 */
bool check_record(struct check *c, const struct result *r,
		  const char *status_line, double start, double duration);

/* A hash of a check id (FNV-1a): the same for an id on every run. */
uint32_t hash_id(const char *id);

/* A value in thousandths, rounded and clamped to Integer32 (the MIB). */
int32_t perf_milli(double value);

/* What a check's new state should cause: a notification (mib.c). */
typedef void (*notify_fn)(const struct check *c);

/*
 * The runner of the schedule.  runner_sync() makes the table's scheduled
 * rows match conf (rows of removed checks go, running or not; new ones
 * are due within conf->spread seconds).
 */
struct runner {
	const struct agent_conf *conf;
	struct check **running; /* conf->concurrency slots */
	size_t nrunning;
	size_t slots;
	double next_due; /* monotonic; when to look for due checks again */
	notify_fn notify;
};

int runner_init(struct runner *run, notify_fn notify);
void runner_free(struct runner *run, struct table *t);
void runner_sync(struct runner *run, struct table *t,
		 const struct agent_conf *conf);
/* Add the running checks' fds to a pollfd array; returns how many. */
struct pollfd;
size_t runner_pollfds(const struct runner *run, struct pollfd *pfd, size_t max);
/* Read, kill, reap and start what is due at monotonic time now. */
void runner_service(struct runner *run, struct table *t, double now);
/* Monotonic time of the runner's next event (a kill or a due check). */
double runner_next_event(const struct runner *run);

/*
 * The spool: read the records that changed since the last scan into
 * spool rows, and remove the rows whose record went.  spool_scan_step()
 * does at most about budget seconds of a scan (beginning one when none
 * is under way) and returns true when the scan has ended, so that the
 * agent's loop serves SNMP between the steps of a large spool;
 * spool_scan() does a whole scan at once.  spool_scan_end() abandons a
 * scan under way.
 */
bool spool_scan_step(struct table *t, const char *dir, notify_fn notify,
		     double budget);
void spool_scan(struct table *t, const char *dir, notify_fn notify);
void spool_scan_end(struct table *t);

#endif
