/*
 * unit.h - the smallest test harness that does the job: TEST functions
 * made of CHECKs, each reported as one PASS or FAIL line that tests/run
 * counts.
 */
#ifndef IMSCHECK_UNIT_H
#define IMSCHECK_UNIT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *unit_suite = "unit";
static const char *unit_current; /* the test that runs now */
static int unit_failures;	 /* its failed checks */
static int unit_failed;		 /* tests that failed */

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			unit_fail(__FILE__, __LINE__, #cond);                  \
	} while (0)

/* Compare strings and show both on failure. */
#define CHECK_STR(got, want)                                                   \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		if (g_ == NULL || strcmp(g_, w_) != 0) {                       \
			unit_fail(__FILE__, __LINE__, #got " == " #want);      \
			printf("    got:  \"%s\"\n    want: \"%s\"\n",         \
			       g_ ? g_ : "(null)", w_);                        \
		}                                                              \
	} while (0)

#define RUN(test) unit_run(#test, test)

static inline void
unit_fail(const char *file, int line, const char *what)
{
	if (unit_failures++ == 0)
		printf("FAIL %s/%s\n", unit_suite, unit_current);
	printf("    %s:%d: %s\n", file, line, what);
}

static inline void
unit_run(const char *name, void (*test)(void))
{
	unit_current = name;
	unit_failures = 0;
	test();
	if (unit_failures == 0)
		printf("PASS %s/%s\n", unit_suite, name);
	else
		unit_failed++;
	fflush(stdout);
}

#endif
