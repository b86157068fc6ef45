/*
 * test_agent.c - the agent's model without net-snmp: indexes that stay with
 * their id, the Integer32 clamp of imsPerfValueMilli, when a notification
 * is due, the profile's agent section, the spool reader, and the runner
 * against real child processes (a check that hangs, one that crashes).
 */
#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/deadline.h"
#include "core/diag.h"
#include "core/nagios.h"

#include "agent.h"
#include "unit.h"

static char dir[] = "/tmp/test_agent.XXXXXX";
static int notified;
static char logged[1024];
static int nlogged;

/* The agent's log sink, here a buffer the tests read. */
static void
log_to_buffer(int priority, const char *line)
{
	(void)priority;
	nlogged++;
	snprintf(logged, sizeof(logged), "%s", line);
}

/*
 * The spool reader's fstatat, wrapped at link time (-Wl,--wrap=fstatat):
 * the record named here becomes a FIFO right after its stat, the race a
 * hostile or careless writer of the spool can win.
 */
int __real_fstatat(int dfd, const char *name, struct stat *st, int flags);
int __wrap_fstatat(int dfd, const char *name, struct stat *st, int flags);
static const char *fifo_after_stat;

int
__wrap_fstatat(int dfd, const char *name, struct stat *st, int flags)
{
	int rc = __real_fstatat(dfd, name, st, flags);

	if (rc == 0 && fifo_after_stat != NULL &&
	    strcmp(name, fifo_after_stat) == 0) {
		unlinkat(dfd, name, 0);
		mkfifoat(dfd, name, 0644);
	}
	return rc;
}

static void
count_notification(const struct check *c)
{
	(void)c;
	notified++;
}

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (fp == NULL)
		return;
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
}

static void
index_stays_with_id(void)
{
	struct table t;
	struct check *a, *b;

	table_init(&t);
	a = table_add(&t, "a", SOURCE_SCHEDULE);
	b = table_add(&t, "b", SOURCE_SPOOL);
	CHECK(a != NULL && b != NULL && a->index == 1 && b->index == 2);
	CHECK(table_add(&t, "../bad", SOURCE_SPOOL) == NULL);
	table_remove(&t, 0); /* "a" goes ... */
	CHECK(table_find(&t, "a") == NULL && t.n == 1);
	CHECK(table_add(&t, "c", SOURCE_SPOOL)->index == 3);
	a = table_add(&t, "a", SOURCE_SPOOL); /* ... and comes back */
	CHECK(a != NULL && a->index == 1 && t.rows[0] == a);
	CHECK(t.rows[1]->index == 2 && t.rows[2]->index == 3);
	CHECK(table_lower_bound(&t, 2) == 1 && table_lower_bound(&t, 4) == 3);
	CHECK_STR(a->output, "UNKNOWN - no result yet");
	CHECK(a->state == STATE_UNKNOWN && !a->has_result);
	table_free(&t);
}

static void
many_rows_stay_sorted(void)
{
	struct table t;
	char id[32];
	bool sorted = true;

	table_init(&t);
	for (int i = 0; i < 10000; i++) {
		snprintf(id, sizeof(id), "check-%05d", i);
		table_add(&t, id, SOURCE_SPOOL);
	}
	for (int i = 9999; i >= 0; i -= 3)
		table_remove(&t, (size_t)i);
	for (size_t i = 1; i < t.n; i++)
		sorted &= t.rows[i - 1]->index < t.rows[i]->index;
	CHECK(t.n == 6666 && sorted);
	CHECK(table_find(&t, "check-00001") != NULL);
	CHECK(table_find(&t, "check-00000") == NULL);
	table_free(&t);
}

static void
milli_clamp(void)
{
	CHECK(perf_milli(0.001215) == 1);
	CHECK(perf_milli(2) == 2000);
	CHECK(perf_milli(85.5) == 85500);
	CHECK(perf_milli(-0.0005) == -1 || perf_milli(-0.0005) == 0);
	CHECK(perf_milli(2147483.646) == 2147483646);
	CHECK(perf_milli(2147483.647) == INT32_MAX);
	CHECK(perf_milli(1e30) == INT32_MAX);
	CHECK(perf_milli(-2147483.648) == INT32_MIN);
	CHECK(perf_milli(-1e30) == INT32_MIN);
	CHECK(perf_milli(NAN) == 0);
}

static void
record(struct check *c, const char *out, int status, bool *changed)
{
	struct result r;

	result_init(&r, NULL);
	nagios_parse(out, strlen(out), status, &r);
	*changed = check_record(c, &r, "line", 1000.0, 0.25);
	result_free(&r);
}

static void
notification_on_change(void)
{
	struct table t;
	struct check *ok, *bad;
	bool changed;

	table_init(&t);
	ok = table_add(&t, "ok", SOURCE_SPOOL);
	bad = table_add(&t, "bad", SOURCE_SPOOL);
	record(ok, "X OK - fine | t=1.5s;2;3;0;10 u=U\n", 0, &changed);
	CHECK(!changed); /* a first result that is OK: nothing to say */
	record(bad, "X CRITICAL - down\n", 2, &changed);
	CHECK(changed); /* a first result that is not OK */
	record(bad, "X CRITICAL - still down\n", 2, &changed);
	CHECK(!changed);
	record(bad, "X OK - up\n", 0, &changed);
	CHECK(changed);
	CHECK(bad->runs == 3 && bad->failures == 2);
	CHECK(ok->nperf == 2 && ok->perf[0].milli == 1500);
	CHECK(ok->nperf == 2 && ok->perf[1].milli == 0);
	CHECK_STR(ok->nperf == 2 ? ok->perf[1].value : NULL, "U");
	CHECK_STR(ok->perf[0].value, "1.5");
	CHECK_STR(ok->perf[0].uom, "s");
	CHECK_STR(ok->perf[0].warn, "2");
	CHECK_STR(ok->perf[0].max, "10");
	CHECK(ok->last_run == 1000 && ok->duration_ms == 250);
	table_free(&t);
}

static int
load(const char *text, struct agent_conf *conf, char *err, size_t errlen)
{
	char path[512];

	write_file("agent.conf", text, 0644);
	snprintf(path, sizeof(path), "%s/agent.conf", dir);
	return agent_conf_load(conf, path, err, errlen);
}

static void
profile_section(void)
{
	struct agent_conf conf;
	char err[1024];

	CHECK(
	    load("spool = \"/var/spool/x\";\n"
		 "agent = { concurrency = 2; plugindir = \"/p\";\n"
		 "  checks = ( { id = \"dns\"; command = [\"check_ims_dns\",\n"
		 "    \"-C\", \"/etc/x\"]; interval = 60; timeout = 9.5; },\n"
		 "  { id = \"other\"; command = [\"/bin/true\"]; } ); };\n",
		 &conf, err, sizeof(err)) == 0);
	CHECK(conf.nchecks == 2 && conf.concurrency == 2);
	CHECK_STR(conf.spool, "/var/spool/x");
	CHECK_STR(conf.checks[0].path, "/p/check_ims_dns");
	CHECK_STR(conf.checks[0].argv[2], "/etc/x");
	CHECK(conf.checks[0].argv[3] == NULL);
	CHECK(conf.checks[0].step == 1 && conf.checks[1].step == 0);
	CHECK(conf.checks[0].interval == 60 && conf.checks[0].timeout == 9.5);
	CHECK(conf.checks[1].interval == 300);
	agent_conf_free(&conf);
}

static void
profile_errors(void)
{
	static const struct {
		const char *text, *error;
	} bad[] = {
	    {"agent = { colour = 1; };\n", ":1: unknown key 'colour'"},
	    {"agent = { checks = ( { id = \"a b\"; command = [\"x\"]; } ); "
	     "};\n",
	     ":1: a check needs an id"},
	    {"agent = { checks = ( { id = \"a\"; } ); };\n",
	     ":1: command must be a list"},
	    {"agent = {\n checks = ( { id = \"a\"; command = [\"x\"]; },\n"
	     " { id = \"a\"; command = [\"y\"]; } ); };\n",
	     ":3: check id 'a' is used twice"},
	    {"agent = { concurrency = 0; };\n",
	     ":1: concurrency must be from 1 to 256"},
	    {"agent = { checks = ( { id = \"a\"; command = [\"x\"];\n"
	     " interval = \"often\"; } ); };\n",
	     ":2: interval must be a number"},
	    {"agent = { checks = ( { id = \"a\"; command = [\"x\"]; "
	     "shell = true; } ); };\n",
	     ":1: unknown key 'shell'"},
	    {"agent = { user = \"\"; };\n", ":1: user must be a non-empty"},
	    {"agent = { checks = ( { id = ; } ); };\n", ":1: syntax error"},
	};
	struct agent_conf conf;
	char err[1024];

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		err[0] = '\0';
		if (load(bad[i].text, &conf, err, sizeof(err)) != -1 ||
		    strstr(err, bad[i].error) == NULL) {
			CHECK(!"a bad profile was refused with its line");
			printf("    profile: %s    error: %s\n", bad[i].text,
			       err);
		}
	}
}

static void
spool_reader(void)
{
	struct table t;
	struct check *c;
	char spool[512], path[600];

	snprintf(spool, sizeof(spool), "%s/spool", dir);
	mkdir(spool, 0755);
	write_file("spool/dns@site",
		   "imscheck-spool 1\nid: dns@site\nlabel: DNS\nstep: 1\n"
		   "state: 2\nstart: 1795876309.5\nduration: 0.25\n"
		   "status: site: no MX\nperf: mx=0;;1:;0\nend\n",
		   0644);
	write_file("spool/cut", "imscheck-spool 1\nid: cut\nstate: 0\n", 0644);
	write_file("spool/.dns@site.tmp", "partial", 0644);
	table_init(&t);
	notified = 0;
	spool_scan(&t, spool, count_notification);
	CHECK(t.n == 1 && notified == 1);
	c = table_find(&t, "dns@site");
	CHECK(c != NULL && c->state == STATE_CRITICAL && c->step == 1);
	CHECK_STR(c != NULL ? c->output : NULL, "DNS CRITICAL - site: no MX");
	CHECK(c != NULL && c->nperf == 1 && c->last_run == 1795876309u);
	CHECK(strstr(logged, "spool record cut: record cut short") != NULL);
	/* Unchanged: not read again, a bad record not logged again. */
	logged[0] = '\0';
	spool_scan(&t, spool, count_notification);
	CHECK(t.n == 1 && notified == 1 && c->runs == 1);
	CHECK_STR(logged, "");
	/* A bad version keeps the last good result. */
	write_file("spool/dns@site", "imscheck-spool 1\nid: dns@", 0644);
	spool_scan(&t, spool, count_notification);
	CHECK(t.n == 1 && c->state == STATE_CRITICAL && c->runs == 1);
	/* A record that goes takes its row. */
	snprintf(path, sizeof(path), "%s/dns@site", spool);
	unlink(path);
	spool_scan(&t, spool, count_notification);
	CHECK(t.n == 0);
	/* A spool that cannot be read is said once, not at every scan. */
	logged[0] = '\0';
	spool_scan(&t, "/nonexistent/spool", count_notification);
	CHECK(strstr(logged, "spool /nonexistent/spool: No such file") != NULL);
	logged[0] = '\0';
	spool_scan(&t, "/nonexistent/spool", count_notification);
	CHECK_STR(logged, "");
	table_free(&t);
}

/*
 * A record swapped for a FIFO between the scan's stat and its open is
 * refused, not waited on: the scan runs in a child that gets 3 s.
 */
static void
spool_fifo_refused(void)
{
	char spool[512];
	struct table t;
	int status = 0;
	pid_t pid;

	snprintf(spool, sizeof(spool), "%s/fifo-spool", dir);
	mkdir(spool, 0755);
	write_file("fifo-spool/swapped", "imscheck-spool 1\nid: swapped\n",
		   0644);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		table_init(&t);
		fifo_after_stat = "swapped";
		spool_scan(&t, spool, NULL);
		_exit(t.n == 0 &&
			      strstr(logged, "spool record swapped: not a "
					     "regular file; skipped") != NULL
			  ? 0
			  : 1);
	}
	for (int i = 0; i < 300 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(10000);
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		CHECK(!"the scan was still blocked on the FIFO after 3 s");
		return;
	}
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * A scan in slices: 300 records that do not parse and one that does, a
 * slice of no time at all (a look at 64 names): the scan takes several
 * steps, each refused record is logged once, and the second scan logs
 * nothing; a record removed during a scan takes its row at the end.
 */
static void
spool_scan_in_slices(void)
{
	char spool[512], name[64], path[600];
	struct table t;
	int steps = 0;

	snprintf(spool, sizeof(spool), "%s/sliced", dir);
	mkdir(spool, 0755);
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "sliced/junk%03d", i);
		write_file(name, "junk\n", 0644);
	}
	write_file("sliced/good",
		   "imscheck-spool 1\nid: good\nstate: 0\nstatus: fine\nend\n",
		   0644);
	table_init(&t);
	nlogged = 0;
	while (!spool_scan_step(&t, spool, NULL, 0) && steps < 100)
		steps++;
	CHECK(steps >= 4 && steps < 100);
	CHECK(t.n == 1 && table_find(&t, "good") != NULL);
	CHECK(nlogged == 300);
	spool_scan(&t, spool, NULL);
	CHECK(nlogged == 300);
	/* A removed record's row stays while a scan is under way. */
	snprintf(path, sizeof(path), "%s/good", spool);
	unlink(path);
	CHECK(!spool_scan_step(&t, spool, NULL, 0));
	CHECK(t.n == 1);
	while (!spool_scan_step(&t, spool, NULL, 0))
		;
	CHECK(t.n == 0 && nlogged == 300);
	/* A scan abandoned half-way leaves nothing behind. */
	CHECK(!spool_scan_step(&t, spool, NULL, 0));
	table_free(&t);
}

/* Run the runner until nothing runs or seconds pass. */
static void
run_for(struct runner *run, struct table *t, double seconds)
{
	double end = mono_now() + seconds;

	do {
		struct pollfd pfd[16];
		size_t n = runner_pollfds(run, pfd, 16);
		double wait = runner_next_event(run) - mono_now();

		if (wait > 0.05)
			wait = 0.05;
		poll(pfd, n, wait > 0 ? (int)(wait * 1000) : 0);
		runner_service(run, t, mono_now());
	} while (mono_now() < end &&
		 (run->nrunning > 0 || t->rows[0]->runs == 0));
}

static void
runner_kills_and_reports(void)
{
	struct agent_conf conf;
	struct runner run;
	struct table t;
	char err[1024], profile[2048];
	struct check *hang, *crash, *ok, *missing;
	double started;

	write_file("ok", "#!/bin/sh\necho 'T OK - fine | n=3'\n", 0755);
	write_file("hang", "#!/bin/sh\nsleep 30\n", 0755);
	write_file("crash", "#!/bin/sh\nkill -SEGV $$\n", 0755);
	write_file("seven", "#!/bin/sh\necho 'T OK - fine'\nexit 7\n", 0755);
	snprintf(profile, sizeof(profile),
		 "agent = { plugindir = \"%s\"; checks = (\n"
		 "{ id = \"ok\"; command = [\"ok\"]; },\n"
		 "{ id = \"hang\"; command = [\"hang\"]; timeout = 0.5; },\n"
		 "{ id = \"crash\"; command = [\"crash\"]; },\n"
		 "{ id = \"seven\"; command = [\"seven\"]; },\n"
		 "{ id = \"missing\"; command = [\"nothing-here\"]; } ); };\n",
		 dir);
	CHECK(load(profile, &conf, err, sizeof(err)) == 0);
	table_init(&t);
	runner_init(&run, count_notification);
	notified = 0;
	runner_sync(&run, &t, &conf);
	started = mono_now();
	run_for(&run, &t, 5);
	ok = table_find(&t, "ok");
	hang = table_find(&t, "hang");
	crash = table_find(&t, "crash");
	missing = table_find(&t, "missing");
	CHECK(run.nrunning == 0 && mono_now() - started < 2);
	CHECK(ok && ok->state == STATE_OK && ok->nperf == 1);
	CHECK_STR(ok ? ok->output : NULL, "T OK - fine");
	CHECK(hang && hang->state == STATE_UNKNOWN && hang->runs == 1);
	CHECK_STR(hang ? hang->output : NULL,
		  "UNKNOWN - killed at its timeout of 0.5 s");
	CHECK(hang && hang->duration_ms >= 500 && hang->duration_ms < 1500);
	CHECK(crash && crash->state == STATE_UNKNOWN);
	CHECK(crash && strstr(crash->output, "killed by signal 11") != NULL);
	CHECK_STR(table_find(&t, "seven") ? table_find(&t, "seven")->output
					  : NULL,
		  "UNKNOWN - exit status 7 is not a Nagios state: T OK - fine");
	CHECK(missing && missing->state == STATE_UNKNOWN &&
	      strstr(missing->output, "cannot run") != NULL);
	CHECK(notified == 4);
	/* A reload without "hang" drops its row and keeps the others. */
	agent_conf_free(&conf);
	snprintf(profile, sizeof(profile),
		 "agent = { plugindir = \"%s\"; checks = (\n"
		 "{ id = \"ok\"; command = [\"ok\"]; } ); };\n",
		 dir);
	CHECK(load(profile, &conf, err, sizeof(err)) == 0);
	runner_sync(&run, &t, &conf);
	CHECK(t.n == 1 && table_find(&t, "ok") == ok && ok->runs == 1);
	runner_free(&run, &t);
	table_free(&t);
	agent_conf_free(&conf);
}

int
main(void)
{
	unit_suite = "unit/agent";
	diag_set_sink(log_to_buffer);
	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(index_stays_with_id);
	RUN(many_rows_stay_sorted);
	RUN(milli_clamp);
	RUN(notification_on_change);
	RUN(profile_section);
	RUN(profile_errors);
	RUN(spool_reader);
	RUN(spool_fifo_refused);
	RUN(spool_scan_in_slices);
	RUN(runner_kills_and_reports);
	if (fork() == 0)
		execlp("rm", "rm", "-rf", dir, (char *)NULL);
	return unit_failed != 0;
}
