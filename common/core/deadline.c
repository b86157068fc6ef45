/*
 * deadline.c - the monotonic deadline.
 */
#include <math.h>
#include <time.h>

#include "core/deadline.h"

static double
clock_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
mono_now(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}

double
wall_now(void)
{
	return clock_seconds(CLOCK_REALTIME);
}

void
deadline_start(struct deadline *d, double seconds)
{
	d->start = mono_now();
	d->end = d->start + seconds;
}

bool
deadline_expired(const struct deadline *d)
{
	return mono_now() >= d->end;
}

double
deadline_left(const struct deadline *d)
{
	double left = d->end - mono_now();

	return left > 0 ? left : 0;
}

int
deadline_poll_ms(const struct deadline *d)
{
	double ms = ceil(deadline_left(d) * 1000);

	return ms > 1e9 ? 1000000000 : (int)ms;
}

double
deadline_elapsed(const struct deadline *d)
{
	return mono_now() - d->start;
}
