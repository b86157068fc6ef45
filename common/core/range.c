/*
 * range.c - threshold ranges (see range.h for the syntax).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/range.h"

/* A finite number that uses all of text; no "inf", "nan" or hex. */
static int
range_number(const char *text, size_t len, double *v)
{
	char tmp[RANGE_TEXT_MAX];
	char *end;

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, text, len);
	tmp[len] = '\0';
	if (strspn(tmp, "0123456789.+-eE") != len)
		return -1;
	errno = 0;
	*v = strtod(tmp, &end);
	if (errno != 0 || *end != '\0' || !isfinite(*v))
		return -1;
	return 0;
}

int
range_parse(const char *text, struct range *r)
{
	const char *p = text, *colon;
	struct range out = {0};

	if (strlen(text) >= sizeof(out.text))
		return -1;
	strcpy(out.text, text);
	out.set = true;
	if (*p == '@') {
		out.inside = true;
		p++;
	}
	if ((colon = strchr(p, ':')) == NULL) {
		/* "N" means 0:N */
		if (range_number(p, strlen(p), &out.end) == -1)
			return -1;
	} else {
		if (colon - p == 1 && *p == '~')
			out.no_start = true;
		else if (range_number(p, (size_t)(colon - p), &out.start) == -1)
			return -1;
		if (colon[1] == '\0')
			out.no_end = true;
		else if (range_number(colon + 1, strlen(colon + 1), &out.end) ==
			 -1)
			return -1;
	}
	if (!out.no_start && !out.no_end && out.start > out.end)
		return -1;
	*r = out;
	return 0;
}

bool
range_alert(const struct range *r, double value)
{
	bool within;

	if (r == NULL || !r->set)
		return false;
	within = (r->no_start || value >= r->start) &&
		 (r->no_end || value <= r->end);
	return r->inside ? within : !within;
}
