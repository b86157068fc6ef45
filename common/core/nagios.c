/*
 * nagios.c - plugin output into the result model.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/nagios.h"

#define ITEM_MAX 256

/* A finite number using all of text; empty text leaves *v alone. */
static int
number(const char *text, double *v)
{
	char *end;
	double d;

	if (text[0] == '\0')
		return 0;
	d = strtod(text, &end);
	if (end == text || *end != '\0' || !isfinite(d))
		return -1;
	*v = d;
	return 0;
}

int
nagios_parse_perf(const char *item, struct perf *p)
{
	char buf[ITEM_MAX], *label = buf, *rest, *f[5] = {0}, *end;
	size_t n = strlen(item);
	int nf = 0;

	memset(p, 0, sizeof(*p));
	p->min = p->max = NAN;
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, item, n + 1);
	if (buf[0] == '\'') { /* a quoted label may hold spaces and '=' */
		label = buf + 1;
		if ((rest = strchr(label, '\'')) == NULL || rest[1] != '=')
			return -1;
		*rest = '\0';
		rest += 2;
	} else {
		if ((rest = strchr(buf, '=')) == NULL)
			return -1;
		*rest++ = '\0';
	}
	if (label[0] == '\0' || strlen(label) >= sizeof(p->label))
		return -1;
	snprintf(p->label, sizeof(p->label), "%s", label);
	for (f[nf++] = rest; nf < 5 && (rest = strchr(rest, ';')) != NULL;) {
		*rest++ = '\0';
		f[nf++] = rest;
	}
	if (nf == 5)
		f[4][strcspn(f[4], ";")] = '\0'; /* fields after max: ignored */
	/* 'U': the plugin could not measure the value (the guidelines). */
	if (strcmp(f[0], "U") == 0) {
		p->value = NAN;
		end = f[0] + 1;
	} else {
		p->value = strtod(f[0], &end);
		if (end == f[0] || !isfinite(p->value))
			return -1;
	}
	if (strlen(end) > 3 ||
	    strspn(end,
		   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ%") !=
		strlen(end))
		return -1;
	snprintf(p->uom, sizeof(p->uom), "%s", end);
	if (nf > 1)
		snprintf(p->warn, sizeof(p->warn), "%s", f[1]);
	if (nf > 2)
		snprintf(p->crit, sizeof(p->crit), "%s", f[2]);
	if ((nf > 3 && number(f[3], &p->min) == -1) ||
	    (nf > 4 && number(f[4], &p->max) == -1))
		return -1;
	return 0;
}

/* The perfdata after '|': items separated by spaces, quotes respected. */
static void
parse_perfdata(const char *text, struct result *r)
{
	const char *p = text;

	while (*p != '\0') {
		char item[ITEM_MAX];
		size_t n = 0;
		bool quoted = false;
		struct perf perf;

		while (*p == ' ')
			p++;
		while (*p != '\0' && (quoted || *p != ' ')) {
			if (*p == '\'')
				quoted = !quoted;
			if (n + 1 < sizeof(item))
				item[n++] = *p;
			p++;
		}
		item[n] = '\0';
		if (n > 0 && nagios_parse_perf(item, &perf) == 0) {
			struct range w = {0}, c = {0};

			range_parse(perf.warn, &w);
			range_parse(perf.crit, &c);
			result_perf(r, perf.label, perf.value, perf.uom, &w, &c,
				    perf.min, perf.max);
		}
	}
}

/* "[STATE] text" keeps its state; any other line is OK. */
static void
long_line(const char *line, size_t len, struct result *r)
{
	static const char *const names[] = {"OK", "WARNING", "CRITICAL",
					    "UNKNOWN"};

	for (int s = STATE_OK; s <= STATE_UNKNOWN; s++) {
		size_t n = strlen(names[s]);

		if (len > n + 2 && line[0] == '[' &&
		    strncmp(line + 1, names[s], n) == 0 && line[n + 1] == ']' &&
		    line[n + 2] == ' ') {
			result_line(r, (enum state)s, "%.*s",
				    (int)(len - n - 3), line + n + 3);
			return;
		}
	}
	result_line(r, STATE_OK, "%.*s", (int)len, line);
}

int
nagios_parse(const char *out, size_t len, int status, struct result *r)
{
	const char *nl = memchr(out, '\n', len), *text, *bar, *dash;
	size_t first = nl ? (size_t)(nl - out) : len;
	char line[RESULT_SUMMARY_MAX + 1];

	r->state = status >= STATE_OK && status <= STATE_UNKNOWN
		       ? (enum state)status
		       : STATE_UNKNOWN;
	if (first == 0) {
		result_fail(r, STATE_UNKNOWN, "no output (exit status %d)",
			    status);
		return -1;
	}
	snprintf(line, sizeof(line), "%.*s", (int)first, out);
	/* "LABEL STATE - text": the text; else the whole line. */
	dash = strstr(line, " - ");
	text = dash != NULL && dash < line + 40 ? dash + 3 : line;
	if ((bar = strchr(text, '|')) != NULL) {
		result_summary(r, "%.*s", (int)(bar - text), text);
		parse_perfdata(bar + 1, r);
	} else {
		result_summary(r, "%s", text);
	}
	/* Trailing spaces before '|' are not part of the summary. */
	while (r->summary.len > 0 && r->summary.data[r->summary.len - 1] == ' ')
		r->summary.data[--r->summary.len] = '\0';
	for (const char *p = nl ? nl + 1 : out + len; p < out + len;) {
		const char *e = memchr(p, '\n', (size_t)(out + len - p));
		size_t n = (size_t)((e ? e : out + len) - p);

		if (n > 0)
			long_line(p, n, r);
		p = e ? e + 1 : out + len;
	}
	return 0;
}
