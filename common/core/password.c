/*
 * password.c - a password from its file or the environment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/password.h"

#include "core/file.h"

/* The first line of the password file; a problem when it cannot be. */
static int
from_file(const char *file, char *out, struct result *r)
{
	struct file_text f;
	char why[512];
	size_t len;

	if (file_read(file, PASSWORD_FILE_MAX, &f, why, sizeof(why)) == -1) {
		result_problem(r, STATE_UNKNOWN, "password file %s", why);
		return -1;
	}
	len = strcspn(f.data, "\r\n");
	if (len >= PASSWORD_MAX)
		result_problem(r, STATE_UNKNOWN,
			       "password file %s: the first line is longer "
			       "than %zu bytes",
			       file, PASSWORD_MAX - 1);
	else
		memcpy(out, f.data, len);
	out[len < PASSWORD_MAX ? len : 0] = '\0';
	explicit_bzero(f.data, f.len);
	free(f.data);
	if (len >= PASSWORD_MAX)
		return -1;
	if (f.mode & (S_IRWXG | S_IRWXO))
		result_problem(r, STATE_WARNING,
			       "password file %s may be read by others "
			       "(mode %03o)",
			       file, f.mode & 0777);
	return 0;
}

int
password_load(const char *file, char *out, struct result *r)
{
	const char *env = getenv("IMSCHECK_PASSWORD");

	if (file != NULL) {
		if (from_file(file, out, r) == -1)
			return -1;
	} else if (env != NULL) {
		if (strlen(env) >= PASSWORD_MAX) {
			result_problem(r, STATE_UNKNOWN,
				       "IMSCHECK_PASSWORD is longer than %zu "
				       "bytes",
				       PASSWORD_MAX - 1);
			return -1;
		}
		snprintf(out, PASSWORD_MAX, "%s", env);
	} else {
		result_problem(r, STATE_UNKNOWN,
			       "no password: give --password-file or set "
			       "IMSCHECK_PASSWORD");
		return -1;
	}
	/* An empty password would also key the probe's MAC with nothing. */
	if (out[0] == '\0') {
		result_problem(r, STATE_UNKNOWN, "the password is empty (%s)",
			       file ? file : "IMSCHECK_PASSWORD");
		return -1;
	}
	/*
	 * A server may repeat what it was sent: from here on the result masks
	 * the password in whatever text enters it, from any protocol.
	 */
	if (result_secret(r, out) == -1) {
		explicit_bzero(out, PASSWORD_MAX);
		result_problem(r, STATE_UNKNOWN,
			       "cannot keep the password out of the output");
		return -1;
	}
	return 0;
}
