/*
 * result.h - the one result model every output is made from: the Nagios
 * text, the spool record, the MIB rows and check_ims's summary.
 *
 * A result holds a state, a one-line summary, long-output lines each with
 * a state of its own, and performance data.  All text passes through the
 * sanitiser on the way in, so nothing that came from the network can break
 * the plugin output format, and through the mask of the run's secrets, so
 * that no password a server repeats reaches any output.
 */
#ifndef IMSCHECK_RESULT_H
#define IMSCHECK_RESULT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/range.h"

enum state {
	STATE_OK = 0,
	STATE_WARNING = 1,
	STATE_CRITICAL = 2,
	STATE_UNKNOWN = 3,
};

#define RESULT_SUMMARY_MAX 1024 /* bytes of the status line's summary */
#define RESULT_LINE_MAX	   1024 /* bytes of one long-output line */
#define RESULT_LINES_MAX   256	/* long-output lines kept */
#define RESULT_PERF_MAX	   64	/* perfdata items kept */
#define PERF_LABEL_MAX	   64
#define RESULT_SECRETS_MAX 4   /* secrets one result masks */
#define RESULT_SECRET_MAX  256 /* bytes of one, with its NUL */
#define RESULT_MASK	   "********"

const char *state_name(enum state s);
/* "OK", "WARNING", "CRITICAL", "UNKNOWN" (any case) or "0".."3". */
int state_parse(const char *text, enum state *s);
/* Severity order OK < WARNING < UNKNOWN < CRITICAL. */
enum state state_worst(enum state a, enum state b);

struct perf {
	char label[PERF_LABEL_MAX];
	double value;
	char uom[4];
	char warn[RANGE_TEXT_MAX];
	char crit[RANGE_TEXT_MAX];
	double min; /* NAN: not given */
	double max; /* NAN: not given */
};

struct result_line {
	enum state state;
	bool problem; /* also named on the status line */
	char *text;
};

struct result {
	const char *label; /* "DNS": the first word of the status line */
	enum state state;
	struct buf subject; /* what was checked: "example.com" */
	struct buf summary;
	struct result_line *lines;
	size_t nlines;
	size_t lines_dropped;
	struct perf *perf;
	size_t nperf;
	bool nomem;
	bool in_order; /* long output as added, not worst first */
	char *secrets[RESULT_SECRETS_MAX]; /* our copies, see result_secret */
	size_t secret_len[RESULT_SECRETS_MAX];
	size_t nsecrets;
};

void result_init(struct result *r, const char *label);
void result_free(struct result *r);

/*
 * Register a secret of the run (a password, registered where it is
 * loaded): every text that enters r from then on, whichever protocol it
 * came from, has each occurrence of it replaced by RESULT_MASK, and a text
 * cut short loses a tail that could be the secret's beginning.  r keeps a
 * copy, wiped by result_free().  0, or -1 (r->nomem, or RESULT_SECRETS_MAX
 * secrets already, or one of RESULT_SECRET_MAX bytes or more).
 */
int result_secret(struct result *r, const char *secret);

/* Raise the state; a result's state never goes down. */
void result_raise(struct result *r, enum state s);

/* Append sanitised text to the summary. */
void result_summary(struct result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void result_vsummary(struct result *r, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Add a long-output line; it does not change the result's state. */
void result_line(struct result *r, enum state s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Report a problem: a long-output line that raises the state and is named
 * on the status line too, before the summary, worst first.
 */
void result_problem(struct result *r, enum state s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Set what was checked; the status line begins with "subject: ". */
void result_subject(struct result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * The text after "LABEL STATE - ": the subject, the problems worst first
 * and the summary, joined by "; " and cut at RESULT_SUMMARY_MAX.
 */
void result_status_text(const struct result *r, struct buf *out);

/*
 * Replace whatever the result says by one reason: the state is set (not
 * raised), the summary replaced, and earlier problems are kept in the
 * long output only.  For option errors and failures that end a check.
 */
void result_fail(struct result *r, enum state s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Add perfdata.  warn and crit may be NULL; min and max NAN when absent.
 * Returns the state the thresholds give the value.
 */
enum state result_perf(struct result *r, const char *label, double value,
		       const char *uom, const struct range *warn,
		       const struct range *crit, double min, double max);

/*
 * One perfdata item as the guidelines write it:
 * "'label'=value[UOM];warn;crit;min;max", the label quoted when it holds
 * more than plain characters, trailing empty fields dropped.
 */
void result_perf_text(const struct perf *p, char *out, size_t size);

/*
 * Write the Nagios plugin output: "LABEL STATE - summary | perfdata" and
 * the long-output lines, worst first.  Returns what fputs/fflush returned.
 */
int result_print(const struct result *r, FILE *fp);

/*
 * Copy src into dst, at most dstsize-1 bytes plus NUL: '|' becomes '/',
 * control characters and bytes outside ASCII become '?', except that tabs,
 * CR and LF become spaces.  Returns 1 when src was cut, else 0.
 */
int sanitize(char *dst, size_t dstsize, const char *src, size_t len);

/* A number in the form perfdata wants: fixed point, no exponent. */
void format_number(char *dst, size_t dstsize, double v);

#endif
