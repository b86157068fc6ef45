/*
 * password.h - the one way a plugin gets a password: the first line of a
 * file that only its owner should read, or the environment variable
 * IMSCHECK_PASSWORD; never the command line, never empty.
 */
#ifndef IMSCHECK_PASSWORD_H
#define IMSCHECK_PASSWORD_H

#include <stddef.h>

#include "core/result.h"

/* bytes of a password and its NUL: a secret the result can mask */
#define PASSWORD_MAX	  ((size_t)RESULT_SECRET_MAX)
#define PASSWORD_FILE_MAX ((size_t)4096) /* a password file read, at most */

/*
 * Load the password from file (when not NULL) or IMSCHECK_PASSWORD into
 * out (PASSWORD_MAX bytes), and register it with r as a secret to mask
 * (result_secret): no text that enters r shows it, whoever repeats it.  A
 * file that others may read is a WARNING problem; no password, an empty
 * one or one too long an UNKNOWN one.  0, or -1 after the UNKNOWN problem.
 */
int password_load(const char *file, char *out, struct result *r);

#endif
