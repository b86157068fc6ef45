/*
 * run.c - the run context's few judgements, made once for every check.
 */
#include <math.h>
#include <string.h>

#include "core/run.h"

bool
run_expired(const struct run_ctx *ctx)
{
	return deadline_expired(&ctx->deadline);
}

bool
run_transcript(const struct run_ctx *ctx)
{
	return ctx->verbose >= RUN_VERBOSE_TRANSCRIPT;
}

void
run_transcript_lines(const struct run_ctx *ctx, struct result *r,
		     const struct buf *transcript)
{
	const char *t, *nl;

	if (!run_transcript(ctx))
		return;
	for (t = buf_str(transcript); (nl = strchr(t, '\n')) != NULL;
	     t = nl + 1)
		result_line(r, STATE_OK, "%.*s", (int)(nl - t), t);
}

enum state
run_failure_state(const struct run_ctx *ctx, bool timed_out)
{
	return timed_out || run_expired(ctx) ? ctx->timeout_state
					     : STATE_CRITICAL;
}

struct deadline
run_share(const struct run_ctx *ctx, double share)
{
	struct deadline d = ctx->deadline;

	d.end = mono_now() + deadline_left(&ctx->deadline) * share;
	return d;
}

enum state
run_judge_time(const struct run_ctx *ctx, struct result *r, const char *label,
	       const char *what, double seconds)
{
	enum state s =
	    result_perf(r, label, seconds, "s", &ctx->warn, &ctx->crit, 0, NAN);

	if (s != STATE_OK)
		result_problem(r, s, "%s%stook %.3f s (%s threshold %s)", what,
			       what[0] ? " " : "", seconds,
			       s == STATE_CRITICAL ? "critical" : "warning",
			       s == STATE_CRITICAL ? ctx->crit.text
						   : ctx->warn.text);
	return s;
}
