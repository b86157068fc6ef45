/*
 * file.h - reading a file the user names: a profile, a password, a
 * resolv.conf.  Only a regular file is read, opened without blocking and
 * at most so many bytes, so that a FIFO, a device or a directory given by
 * mistake (or swapped in) ends the check with a reason instead of hanging
 * it or ending the process.
 */
#ifndef IMSCHECK_FILE_H
#define IMSCHECK_FILE_H

#include <stdbool.h>
#include <stddef.h>

struct file_text {
	char *data; /* NUL-terminated; free() it */
	size_t len;
	bool cut;      /* the file is longer than the max: data has max bytes */
	unsigned mode; /* its permission bits */
};

/*
 * Read path into out.  0, or -1 with a reason in err ("PATH: No such file
 * or directory", "PATH: not a regular file (a FIFO)").
 */
int file_read(const char *path, size_t max, struct file_text *out, char *err,
	      size_t errlen);

/* Whether path names a regular file now (for a check at option time). */
bool file_is_regular(const char *path);

#endif
