/*
 * diag.h - diagnostics: error texts handed up to a caller, and log lines
 * for the daemon side.  Every function takes printf-style arguments.
 *
 * Log lines go to a sink the program sets (the agent: net-snmp's log;
 * a test: a buffer it reads); lower layers only ever call diag_log(), so
 * none of them names the program that will show the line (Postfix
 * msg_output).
 */
#ifndef IMSCHECK_DIAG_H
#define IMSCHECK_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Write a one-line reason into err (errlen bytes, always NUL-terminated,
 * cut when too long).  Returns -1, so that "return errorf(...)" reports
 * a failure in one statement.
 */
int errorf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Where log lines go: priority is syslog's, line has no newline. */
typedef void (*diag_sink_fn)(int priority, const char *line);

/* Send log lines to sink; NULL restores the default, stderr. */
void diag_set_sink(diag_sink_fn sink);

/* One log line at a syslog priority (LOG_ERR, LOG_WARNING, ...). */
void diag_log(int priority, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
