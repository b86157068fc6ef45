/*
 * diag.h - diagnostics: error texts handed up to a caller, and log lines
 * for the daemon side.  Every function takes printf-style arguments.
 */
#ifndef IMSCHECK_DIAG_H
#define IMSCHECK_DIAG_H

#include <stddef.h>

/*
 * Write a one-line reason into err (errlen bytes, always NUL-terminated,
 * cut when too long).  Returns -1, so that "return errorf(...)" reports
 * a failure in one statement.
 */
int errorf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
