/*
 * file.c - bounded reads of regular files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"

#include "core/diag.h"

/* Open path for reading only if it is a regular file; the fd or -1. */
static int
open_regular(const char *path, unsigned *mode, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (fd == -1)
		return errorf(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1) {
		errorf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		errorf(err, errlen, "%s: not a regular file%s", path,
		       S_ISDIR(st.st_mode)    ? " (a directory)"
		       : S_ISFIFO(st.st_mode) ? " (a FIFO)"
					      : "");
		close(fd);
		return -1;
	}
	*mode = (unsigned)(st.st_mode & 07777);
	return fd;
}

int
file_read(const char *path, size_t max, struct file_text *out, char *err,
	  size_t errlen)
{
	ssize_t n = 0;
	int fd;

	memset(out, 0, sizeof(*out));
	if ((fd = open_regular(path, &out->mode, err, errlen)) == -1)
		return -1;
	if ((out->data = malloc(max + 2)) == NULL) {
		close(fd);
		return errorf(err, errlen, "%s: out of memory", path);
	}
	/* One byte more than max tells a file of max bytes from a longer one.
	 */
	while (out->len <= max &&
	       ((n = read(fd, out->data + out->len, max + 1 - out->len)) > 0 ||
		(n == -1 && errno == EINTR)))
		out->len += n > 0 ? (size_t)n : 0;
	close(fd);
	if (n == -1) {
		errorf(err, errlen, "%s: %s", path, strerror(errno));
		free(out->data);
		memset(out, 0, sizeof(*out));
		return -1;
	}
	if (out->len > max) {
		out->len = max;
		out->cut = true;
	}
	out->data[out->len] = '\0';
	return 0;
}

bool
file_is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
