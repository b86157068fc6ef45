/*
 * checklist.c - check_ims: the six steps of KB Q182339 from one profile.
 *
 * Each step described by the profile (its section is there) runs as its
 * own plugin, "check_ims_NAME -C PROFILE", found beside check_ims; all run
 * at once, since no step depends on another, and each gets the time that
 * is left.  Their output is read back as plugin output (nagios.c), so the
 * steps stay exactly what Nagios would see when running them one by one.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "steps/checklist.h"

#include "core/child.h"
#include "core/diag.h"
#include "core/nagios.h"
#include "core/profile.h"
#include "core/registry.h"

#define MARGIN_S 0.3 /* a step must end this much before us */

/* One step running as a child process. */
struct run {
	const struct step_def *step;
	struct child child;
};

int
checklist_parse_steps(const struct opt *o, void *field, const char *arg,
		      char *err, size_t errlen)
{
	unsigned long *only = field;
	const char *p = arg;
	int max = registry_max_step();

	do {
		char *end;
		long n = strtol(p, &end, 10);

		if (end == p || *p < '0' || *p > '9' || n < 1 || n > max ||
		    (*end != ',' && *end != '\0') ||
		    (*end == ',' && end[1] == '\0'))
			return errorf(err, errlen,
				      "--%s: '%s' is not a list of steps "
				      "1 to %d",
				      o->name, arg, max);
		*only |= 1ul << n;
		p = *end == ',' ? end + 1 : end;
	} while (*p != '\0');
	return 0;
}

/* The folder check_ims runs from: the steps are installed beside it. */
static void
plugin_dir(char *out, size_t size)
{
	char self[PATH_MAX];
	ssize_t n;
	const char *env = getenv("IMSCHECK_PLUGINDIR");

	if (env != NULL) {
		snprintf(out, size, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	snprintf(out, size, "%s", n > 0 ? dirname(self) : ".");
}

static void
start(struct run *run, const char *dir, const char *profile, double seconds,
      const struct run_ctx *ctx)
{
	char path[PATH_MAX], name[64], timeout[48];
	char *argv[8];
	int argc = 0;

	snprintf(name, sizeof(name), "%s", run->step->plugin);
	snprintf(timeout, sizeof(timeout), "%.3f:%s", seconds,
		 state_name(ctx->timeout_state));
	argv[argc++] = name;
	argv[argc++] = (char *)"-C";
	argv[argc++] = (char *)profile;
	argv[argc++] = (char *)"-t";
	argv[argc++] = timeout;
	if (ctx->verbose > 0)
		argv[argc++] = (char *)(run_transcript(ctx) ? "-vvv" : "-v");
	argv[argc] = NULL;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path)) {
		memset(&run->child, 0, sizeof(run->child));
		run->child.fd = -1;
		snprintf(run->child.error, sizeof(run->child.error),
			 "plugin path too long");
		return;
	}
	child_start(&run->child, path, argv);
}

/* Read every child's output until all are done or the deadline passes. */
static void
collect(struct run *runs, size_t n, const struct run_ctx *ctx)
{
	struct pollfd pfd[CHECKLIST_RUNS_MAX];
	struct child *reading[CHECKLIST_RUNS_MAX];
	size_t open_fds;

	for (;;) {
		open_fds = 0;
		for (size_t i = 0; i < n; i++)
			if (runs[i].child.fd != -1) {
				reading[open_fds] = &runs[i].child;
				pfd[open_fds++] = (struct pollfd){
				    runs[i].child.fd, POLLIN, 0};
			}
		if (open_fds == 0 || run_expired(ctx))
			break;
		if (poll(pfd, open_fds, deadline_poll_ms(&ctx->deadline)) < 0 &&
		    errno != EINTR)
			break;
		for (size_t k = 0; k < open_fds; k++)
			if (pfd[k].revents != 0)
				child_read(reading[k]);
	}
	for (size_t i = 0; i < n; i++) {
		if (runs[i].child.fd != -1) /* still running at our deadline */
			child_kill(&runs[i].child);
		child_reap(&runs[i].child, true);
	}
}

/* Whether an earlier entry of the registry has the step's number. */
static bool
shares_number(const struct step_def *step)
{
	size_t n;
	const struct step_def *d = registry_entries(&n);

	return step > d && step[-1].number == step->number;
}

/* One step's result into the checklist's, in checklist order. */
static bool
report(const struct run *run, const struct checklist_conf *conf,
       const struct run_ctx *ctx, struct result *r)
{
	struct result step;
	struct buf text = BUF_INIT(RESULT_SUMMARY_MAX);
	char label[PERF_LABEL_MAX];
	int n = run->step->number;
	bool failing;

	result_init(&step, run->step->section);
	if (run->child.killed)
		result_fail(&step, ctx->timeout_state,
			    "did not end before the deadline");
	else
		child_result(&run->child, STATE_UNKNOWN, &step);
	result_status_text(&step, &text);
	failing = step.state != STATE_OK;
	if (failing)
		result_problem(r, step.state, "step %d %s: %s", n,
			       run->step->section, buf_str(&text));
	else
		result_line(r, STATE_OK, "step %d %s: %s", n,
			    run->step->section, buf_str(&text));
	for (size_t i = 0; ctx->verbose > 0 && i < step.nlines; i++)
		result_line(r, step.lines[i].state, "  %s", step.lines[i].text);
	if (failing && conf->advice)
		result_line(r, step.state, "  advice: %s", run->step->advice);
	for (size_t i = 0; i < step.nperf; i++) {
		struct perf *pf = &step.perf[i];
		struct range w = {0}, cr = {0};

		/*
		 * "step3_time"; a second plugin of a step (IMAP beside POP3)
		 * adds its section: "step3_imap_time".
		 */
		if (shares_number(run->step))
			snprintf(label, sizeof(label), "step%d_%s_%.40s", n,
				 run->step->section, pf->label);
		else
			snprintf(label, sizeof(label), "step%d_%.48s", n,
				 pf->label);
		range_parse(pf->warn, &w);
		range_parse(pf->crit, &cr);
		result_perf(r, label, pf->value, pf->uom, &w, &cr, pf->min,
			    pf->max);
	}
	buf_free(&text);
	result_free(&step);
	return failing;
}

void
checklist_run(const struct checklist_conf *conf, const struct run_ctx *ctx,
	      struct result *r)
{
	struct run runs[CHECKLIST_RUNS_MAX];
	char dir[PATH_MAX], err[512];
	struct profile prof;
	const struct step_def *steps;
	size_t n = 0, nsteps, failing = 0;
	double seconds = deadline_left(&ctx->deadline) - MARGIN_S;

	r->in_order = true;
	if (profile_load(&prof, ctx->profile, err, sizeof(err)) == -1) {
		result_fail(r, STATE_UNKNOWN, "%s", err);
		return;
	}
	plugin_dir(dir, sizeof(dir));
	memset(runs, 0, sizeof(runs));
	steps = registry_entries(&nsteps);
	for (size_t i = 0; i < nsteps && n < CHECKLIST_RUNS_MAX; i++) {
		if (steps[i].number == 0 ||
		    profile_get(&prof, steps[i].section) == NULL ||
		    (conf->only != 0 && !(conf->only & 1ul << steps[i].number)))
			continue;
		runs[n].step = &steps[i];
		start(&runs[n++], dir, ctx->profile,
		      seconds > 0.1 ? seconds : 0.1, ctx);
	}
	profile_free(&prof);
	if (n == 0) {
		result_fail(r, STATE_UNKNOWN,
			    "the profile describes none of the steps asked "
			    "for");
		return;
	}
	collect(runs, n, ctx);
	for (size_t i = 0; i < n; i++) {
		failing += report(&runs[i], conf, ctx, r);
		child_free(&runs[i].child);
	}
	if (failing > 0)
		result_subject(r, "%zu of %zu step%s failing", failing, n,
			       n == 1 ? "" : "s");
	else
		result_summary(r, n == 1 ? "%zu step OK" : "all %zu steps OK",
			       n);
}
