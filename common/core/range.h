/*
 * range.h - threshold ranges as the Monitoring Plugins guidelines define
 * them: [@]start:end, "~" for negative infinity, ends inclusive.
 *
 *   10      alert outside 0..10      10:     alert below 10
 *   ~:10    alert above 10           10:20   alert outside 10..20
 *   @10:20  alert inside 10..20 (inclusive)
 */
#ifndef IMSCHECK_RANGE_H
#define IMSCHECK_RANGE_H

#include <stdbool.h>

#define RANGE_TEXT_MAX 48

struct range {
	bool set;      /* false: no threshold, never alerts */
	bool inside;   /* "@": alert inside the range */
	bool no_start; /* "~": start is negative infinity */
	bool no_end;   /* "N:": end is positive infinity */
	double start;
	double end;
	char text[RANGE_TEXT_MAX]; /* as given, for perfdata */
};

/* Parse text into r; 0, or -1 when it is not a valid range. */
int range_parse(const char *text, struct range *r);

/* Whether value is an alert against r (false when r is NULL or not set). */
bool range_alert(const struct range *r, double value);

#endif
