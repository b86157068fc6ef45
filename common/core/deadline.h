/*
 * deadline.h - one deadline per check, passed down to every DNS query,
 * connect, read and write (Postfix smtp_stream_setup), measured on the
 * monotonic clock so that a clock step cannot stretch or cut it.
 */
#ifndef IMSCHECK_DEADLINE_H
#define IMSCHECK_DEADLINE_H

#include <stdbool.h>

struct deadline {
	double start; /* monotonic seconds */
	double end;
};

/* Seconds on the monotonic clock. */
double mono_now(void);
/* Seconds since the Unix epoch: when something happened, for records. */
double wall_now(void);

void deadline_start(struct deadline *d, double seconds);
bool deadline_expired(const struct deadline *d);
/* Seconds left, never below 0. */
double deadline_left(const struct deadline *d);
/* Milliseconds left for poll(), rounded up, never below 0. */
int deadline_poll_ms(const struct deadline *d);
/* Seconds since the deadline was started. */
double deadline_elapsed(const struct deadline *d);

#endif
