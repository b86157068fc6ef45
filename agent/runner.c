/*
 * runner.c - the agent's own schedule: each check of agent.checks runs
 * every interval as a child process (child.c), at most concurrency at
 * once, and is killed at its timeout.  Nothing here waits: the event loop
 * polls the children's pipes with the SNMP sockets, so a hanging check
 * never delays an answer.
 */
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>

#include "core/deadline.h"
#include "core/diag.h"

#include "agent.h"

int
runner_init(struct runner *run, notify_fn notify)
{
	memset(run, 0, sizeof(*run));
	run->notify = notify;
	return 0;
}

static void
stop(struct runner *run, struct check *c)
{
	for (size_t i = 0; i < run->nrunning; i++)
		if (run->running[i] == c)
			run->running[i] = run->running[--run->nrunning];
	if (c->running) {
		child_kill(&c->child);
		child_reap(&c->child, true);
		child_free(&c->child);
		c->running = false;
	}
}

void
runner_free(struct runner *run, struct table *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i]->running)
			stop(run, t->rows[i]);
	free(run->running);
	memset(run, 0, sizeof(*run));
}

/* A small, even spread of first runs, the same for an id every time. */
static double
first_due(const char *id, double spread)
{
	if (spread <= 0)
		return 0;
	return fmod(hash_id(id) / 1000.0, spread);
}

void
runner_sync(struct runner *run, struct table *t, const struct agent_conf *conf)
{
	double now = mono_now();
	struct check **slots;
	size_t room;

	for (size_t k = 0; k < conf->nchecks; k++) {
		const struct sched_conf *sc = &conf->checks[k];
		struct check *c = table_find(t, sc->id);

		if (c != NULL && c->source == SOURCE_SPOOL) {
			/* The schedule wins over a spool record of that id. */
			diag_log(LOG_WARNING,
				 "check %s: scheduled and in the spool; the "
				 "spool record is ignored",
				 sc->id);
			table_remove(t, table_lower_bound(t, c->index));
			c = NULL;
		}
		if (c == NULL) {
			if ((c = table_add(t, sc->id, SOURCE_SCHEDULE)) ==
			    NULL) {
				diag_log(LOG_ERR, "check %s: out of memory",
					 sc->id);
				continue;
			}
			c->due = now + first_due(sc->id, conf->spread);
		} else if (c->sched != NULL && c->due > now + sc->interval) {
			c->due = now + sc->interval; /* a shorter interval */
		}
		c->sched = sc;
		c->step = sc->step;
		c->configured = true;
	}
	/* Rows of checks no longer configured go, running or not. */
	for (size_t i = t->n; i-- > 0;) {
		struct check *c = t->rows[i];

		if (c->source == SOURCE_SCHEDULE && !c->configured) {
			stop(run, c);
			table_remove(t, i);
		} else {
			c->configured = false;
		}
	}
	/* A smaller concurrency lets the checks running now end first. */
	room = (size_t)conf->concurrency;
	if (room < run->nrunning)
		room = run->nrunning;
	if ((slots = realloc(run->running, room * sizeof(*slots))) != NULL) {
		run->running = slots;
		run->slots = (size_t)conf->concurrency;
	}
	run->conf = conf;
	run->next_due = now;
}

size_t
runner_pollfds(const struct runner *run, struct pollfd *pfd, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < run->nrunning && n < max; i++)
		if (run->running[i]->child.fd != -1)
			pfd[n++] = (struct pollfd){run->running[i]->child.fd,
						   POLLIN, 0};
	return n;
}

static void
start(struct runner *run, struct check *c, double now)
{
	const struct sched_conf *sc = c->sched;

	c->started_mono = now;
	c->started_wall = wall_now();
	c->due = now + sc->interval;
	if (child_start(&c->child, sc->path, sc->argv) == -1)
		diag_log(LOG_ERR, "check %s: %s", c->id, c->child.error);
	c->running = true;
	run->running[run->nrunning++] = c;
}

/* The first line of the output, without its perfdata: imsCheckOutput. */
static void
status_line(const struct child *c, const struct result *r, char *out,
	    size_t size)
{
	const char *text = c->out.data ? c->out.data : "";
	size_t n = strcspn(text, "\n|");

	if (c->killed || c->error[0] != '\0' || WIFSIGNALED(c->status) ||
	    n == 0) {
		struct buf why = BUF_INIT(RESULT_SUMMARY_MAX);

		result_status_text(r, &why);
		snprintf(out, size, "%s - %s", state_name(r->state),
			 buf_str(&why));
		buf_free(&why);
		return;
	}
	while (n > 0 && text[n - 1] == ' ')
		n--;
	/* As Nagios does, say why the state differs from what it printed. */
	if (WEXITSTATUS(c->status) > STATE_UNKNOWN)
		snprintf(out, size,
			 "UNKNOWN - exit status %d is not a Nagios "
			 "state: %.*s",
			 WEXITSTATUS(c->status), (int)n, text);
	else
		snprintf(out, size, "%.*s", (int)n, text);
}

static void
finish(struct runner *run, struct check *c, double now)
{
	struct result r;
	char line[CHECK_OUTPUT_MAX];

	result_init(&r, NULL);
	child_result(&c->child, STATE_UNKNOWN, &r);
	if (c->child.killed) {
		result_fail(&r, STATE_UNKNOWN, "killed at its timeout of %g s",
			    c->sched->timeout);
		diag_log(LOG_WARNING, "check %s: killed at its timeout of %g s",
			 c->id, c->sched->timeout);
	} else if (WIFSIGNALED(c->child.status)) {
		diag_log(LOG_WARNING, "check %s: killed by signal %d", c->id,
			 WTERMSIG(c->child.status));
	}
	status_line(&c->child, &r, line, sizeof(line));
	if (check_record(c, &r, line, c->started_wall, now - c->started_mono) &&
	    run->notify != NULL)
		run->notify(c);
	result_free(&r);
	child_free(&c->child);
	c->running = false;
}

void
runner_service(struct runner *run, struct table *t, double now)
{
	/* Read, kill at the timeout, reap: slots free up. */
	for (size_t i = 0; i < run->nrunning;) {
		struct check *c = run->running[i];

		child_read(&c->child);
		if (!c->child.killed &&
		    now >= c->started_mono + c->sched->timeout)
			child_kill(&c->child);
		if (c->child.fd == -1 && child_reap(&c->child, false)) {
			finish(run, c, now);
			run->running[i] = run->running[--run->nrunning];
			run->next_due = now; /* a slot for a waiting check */
			continue;
		}
		i++;
	}
	if (run->conf == NULL || now < run->next_due)
		return;
	/* Start what is due; the earliest other due time is the next look. */
	run->next_due = INFINITY;
	for (size_t i = 0; i < t->n; i++) {
		struct check *c = t->rows[i];

		if (c->source != SOURCE_SCHEDULE || c->running)
			continue;
		if (c->due <= now && run->nrunning < run->slots)
			start(run, c, now);
		else if (c->due < run->next_due)
			run->next_due = c->due > now ? c->due : now + 0.05;
	}
}

double
runner_next_event(const struct runner *run)
{
	double next = run->next_due;

	for (size_t i = 0; i < run->nrunning; i++) {
		const struct check *c = run->running[i];
		double kill_at = c->started_mono + c->sched->timeout;

		if (!c->child.killed && kill_at < next)
			next = kill_at;
	}
	return next;
}
