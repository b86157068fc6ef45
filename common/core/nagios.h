/*
 * nagios.h - reading what a Nagios plugin printed: the status line, the
 * performance data and the long output, into the result model, so that
 * check_ims (and the agent) can treat any plugin's output as a result.
 * A function over bytes, for tests and fuzzing.
 */
#ifndef IMSCHECK_NAGIOS_H
#define IMSCHECK_NAGIOS_H

#include <stddef.h>

#include "core/result.h"

/*
 * Parse a plugin's stdout and exit status into r (result_init'ed by the
 * caller; its label is kept).  The state is the exit status (3 for
 * anything outside 0..3); the text after "LABEL STATE - " becomes the
 * summary, perfdata items become perf (malformed ones are skipped), and
 * later lines become long-output lines ("[STATE] text" keeps its state).
 * Returns 0, or -1 when the output is empty (r then says so, UNKNOWN).
 */
int nagios_parse(const char *out, size_t len, int status, struct result *r);

/*
 * Parse one perfdata item "'label'=value[UOM];warn;crit;min;max" (a
 * NUL-terminated token).  0, or -1 when it is malformed.
 */
int nagios_parse_perf(const char *item, struct perf *p);

#endif
