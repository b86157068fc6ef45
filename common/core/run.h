/*
 * run.h - what every layer of a check needs of the run it is part of: the
 * one deadline, the state its expiry gives, how much to say, the address
 * family, and the -w/-c time thresholds.  The plugin layer fills it from
 * the standard options; steps, judges and protocol sessions take it, so
 * none of them needs to know what a plugin is.
 */
#ifndef IMSCHECK_RUN_H
#define IMSCHECK_RUN_H

#include <stdbool.h>

#include "core/deadline.h"
#include "core/range.h"
#include "core/result.h"

/* -vvv: the protocol transcript joins the long output. */
#define RUN_VERBOSE_TRANSCRIPT 3

struct run_ctx {
	struct deadline deadline; /* the whole check's (-t) */
	double timeout;		  /* -t seconds */
	enum state timeout_state; /* -t SEC:STATE, default CRITICAL */
	int verbose;		  /* -v, counted */
	int family;		  /* AF_UNSPEC, or AF_INET/AF_INET6 (-4/-6) */
	struct range warn;	  /* -w */
	struct range crit;	  /* -c */
	const char *profile;	  /* -C: the site profile, or NULL */
};

bool run_expired(const struct run_ctx *ctx);

/* Whether -vvv asked for the protocol transcript. */
bool run_transcript(const struct run_ctx *ctx);

/* With -vvv, a protocol transcript ("C: ...\nS: ...\n") as long output. */
void run_transcript_lines(const struct run_ctx *ctx, struct result *r,
			  const struct buf *transcript);

/*
 * The state a failure gets: the -t state when it came from the deadline
 * (timed_out, or the check's deadline has passed), CRITICAL otherwise.
 */
enum state run_failure_state(const struct run_ctx *ctx, bool timed_out);

/*
 * A deadline for a sub-task that must leave time to the rest of the
 * check: share (0 < share <= 1) of the time left now.
 */
struct deadline run_share(const struct run_ctx *ctx, double share);

/*
 * The verdict of -w/-c on a time: the perfdata item label=seconds with
 * the thresholds, and over one of them a problem "WHAT took N s (warning
 * threshold RANGE)".  what may be "" ("took ...").  Returns the state.
 */
enum state run_judge_time(const struct run_ctx *ctx, struct result *r,
			  const char *label, const char *what, double seconds);

#endif
