/*
 * child.h - a plugin run as a child process, the way Nagios runs one: no
 * shell, stdin and stderr on /dev/null, stdout read back with a cap, in a
 * process group of its own so that a kill at the deadline takes whatever
 * the plugin started too.  check_ims waits for its steps with it, and the
 * agent runs its schedule with it from its event loop.
 */
#ifndef IMSCHECK_CHILD_H
#define IMSCHECK_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/buf.h"
#include "core/result.h"

#define CHILD_OUTPUT_MAX (64 * 1024) /* of one plugin's stdout */

struct child {
	pid_t pid; /* 0 when it never started */
	int fd;	   /* its stdout, -1 once read to the end */
	struct buf out;
	int status; /* the wait status, once reaped */
	bool reaped;
	bool killed; /* by child_kill(), at its deadline */
	char error[160];
};

/*
 * Start path with argv.  0, or -1 with the reason in c->error.  A program
 * that cannot be executed still starts: its child prints a Nagios UNKNOWN
 * line and exits 3, as the plugin would have.
 */
int child_start(struct child *c, const char *path, char *const argv[]);

/*
 * Read what the child has written (after poll() said so).  Returns 1 once
 * its stdout is at its end (closed), else 0.  Output past the cap is read
 * and dropped, so a chatty plugin never blocks on a full pipe.
 */
int child_read(struct child *c);

/*
 * Kill the child's process group (at its deadline) and stop reading its
 * output; it is reaped later.
 */
void child_kill(struct child *c);

/*
 * Reap the child: 1 when it has ended (c->status is set), 0 while it runs.
 * With block, wait for it.
 */
int child_reap(struct child *c, bool block);

/*
 * What the run gave, as a result: the plugin's output parsed as Nagios
 * output, or the reason there is none (killed at its deadline, killed by
 * a signal, failed to start) in state fail.  For a reaped child.
 */
void child_result(const struct child *c, enum state fail, struct result *r);

/* Close the pipe and free the output; the child must have been reaped. */
void child_free(struct child *c);

#endif
