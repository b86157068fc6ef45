/*
 * diag.c - diagnostics: error texts and the log sink.
 */
#include <stdarg.h>
#include <stdio.h>

#include "core/diag.h"

#define DIAG_LINE_MAX 1024

static diag_sink_fn diag_sink;

int
errorf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void
diag_set_sink(diag_sink_fn sink)
{
	diag_sink = sink;
}

void
diag_log(int priority, const char *fmt, ...)
{
	char line[DIAG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (diag_sink != NULL)
		diag_sink(priority, line);
	else
		fprintf(stderr, "%s\n", line);
}
