/*
 * result.c - the result model and its Nagios plugin rendering.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/result.h"

static const char *const state_names[] = {"OK", "WARNING", "CRITICAL",
					  "UNKNOWN"};

const char *
state_name(enum state s)
{
	if ((unsigned)s > STATE_UNKNOWN)
		return "UNKNOWN";
	return state_names[s];
}

int
state_parse(const char *text, enum state *s)
{
	for (int i = STATE_OK; i <= STATE_UNKNOWN; i++) {
		if (strcasecmp(text, state_names[i]) == 0 ||
		    (text[0] == '0' + i && text[1] == '\0')) {
			*s = (enum state)i;
			return 0;
		}
	}
	return -1;
}

/* Rank for "worst": UNKNOWN is worse than WARNING, better than CRITICAL. */
static int
state_rank(enum state s)
{
	static const int rank[] = {0, 1, 3, 2};

	return (unsigned)s > STATE_UNKNOWN ? 2 : rank[s];
}

enum state
state_worst(enum state a, enum state b)
{
	return state_rank(a) >= state_rank(b) ? a : b;
}

int
sanitize(char *dst, size_t dstsize, const char *src, size_t len)
{
	size_t i, n = 0;

	if (dstsize == 0)
		return len > 0;
	for (i = 0; i < len && n + 1 < dstsize; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c == '|')
			c = '/';
		else if (c == '\t' || c == '\r' || c == '\n')
			c = ' ';
		else if (c < 0x20 || c >= 0x7f)
			c = '?';
		dst[n++] = (char)c;
	}
	dst[n] = '\0';
	return i < len;
}

void
format_number(char *dst, size_t dstsize, double v)
{
	char *p;

	if (!isfinite(v)) {
		snprintf(dst, dstsize, "U");
		return;
	}
	snprintf(dst, dstsize, "%.6f", v);
	if (strchr(dst, '.') == NULL)
		return;
	p = dst + strlen(dst) - 1;
	while (*p == '0')
		*p-- = '\0';
	if (*p == '.')
		*p = '\0';
	if (strcmp(dst, "-0") == 0)
		strcpy(dst, "0");
}

void
result_init(struct result *r, const char *label)
{
	memset(r, 0, sizeof(*r));
	r->label = label;
	r->state = STATE_OK;
	buf_init(&r->subject, RESULT_LINE_MAX);
	buf_init(&r->summary, RESULT_SUMMARY_MAX);
}

void
result_free(struct result *r)
{
	for (size_t i = 0; i < r->nsecrets; i++) {
		explicit_bzero(r->secrets[i], r->secret_len[i]);
		free(r->secrets[i]);
		r->secrets[i] = NULL;
	}
	r->nsecrets = 0;
	for (size_t i = 0; i < r->nlines; i++)
		free(r->lines[i].text);
	free(r->lines);
	free(r->perf);
	buf_free(&r->subject);
	buf_free(&r->summary);
	r->lines = NULL;
	r->nlines = 0;
	r->perf = NULL;
	r->nperf = 0;
}

void
result_raise(struct result *r, enum state s)
{
	r->state = state_worst(r->state, s);
}

int
result_secret(struct result *r, const char *secret)
{
	size_t len = strlen(secret);

	if (len == 0 || len >= RESULT_SECRET_MAX ||
	    r->nsecrets == RESULT_SECRETS_MAX)
		return -1;
	if ((r->secrets[r->nsecrets] = strdup(secret)) == NULL) {
		r->nomem = true;
		return -1;
	}
	r->secret_len[r->nsecrets++] = len;
	return 0;
}

/*
 * The secret that src begins with, its length in *n; with cut (src was cut
 * short after len bytes), also one that all of src begins.
 */
static bool
secret_at(const struct result *r, const char *src, size_t len, bool cut,
	  size_t *n)
{
	for (size_t i = 0; i < r->nsecrets; i++) {
		size_t slen = r->secret_len[i];

		if ((slen <= len || cut) &&
		    memcmp(src, r->secrets[i], slen <= len ? slen : len) == 0) {
			*n = slen <= len ? slen : len;
			return true;
		}
	}
	return false;
}

/*
 * Copy src (len bytes; cut: it was cut short) into out (size bytes, no
 * NUL) with every secret of r masked.  Returns the bytes written; *full
 * is set when out could not take it all.
 */
static size_t
mask_secrets(const struct result *r, const char *src, size_t len, bool cut,
	     char *out, size_t size, bool *full)
{
	static const char mask[] = RESULT_MASK;
	size_t i = 0, o = 0, n;

	while (i < len) {
		if (r->nsecrets > 0 &&
		    secret_at(r, src + i, len - i, cut, &n)) {
			if (o + sizeof(mask) - 1 > size)
				break;
			memcpy(out + o, mask, sizeof(mask) - 1);
			o += sizeof(mask) - 1;
			i += n;
		} else {
			if (o == size)
				break;
			out[o++] = src[i++];
		}
	}
	*full = i < len;
	return o;
}

/*
 * Format, mask the secrets and sanitise into dst; the text is cut at
 * dstsize - 1 bytes.  The raw text has room for a secret beyond what dst
 * keeps, so that one begun inside is masked whole, not cut in two.
 */
static int
format_clean(const struct result *r, char *dst, size_t dstsize, const char *fmt,
	     va_list ap)
{
	char raw[RESULT_LINE_MAX + RESULT_SECRET_MAX + 1], masked[sizeof(raw)];
	int n = vsnprintf(raw, sizeof(raw), fmt, ap);
	size_t len;
	bool cut, full;

	if (n < 0) {
		dst[0] = '\0';
		return 0;
	}
	cut = (size_t)n >= sizeof(raw);
	len = cut ? sizeof(raw) - 1 : (size_t)n;
	len = mask_secrets(r, raw, len, cut, masked, sizeof(masked), &full);
	explicit_bzero(raw, sizeof(raw));
	return sanitize(dst, dstsize, masked, len) || cut || full;
}

/* Mark a cut text with "..." at its end. */
static void
mark_cut(char *text, size_t len)
{
	if (len >= 3)
		memcpy(text + len - 3, "...", 3);
}

void
result_vsummary(struct result *r, const char *fmt, va_list ap)
{
	char text[RESULT_SUMMARY_MAX + 1];
	int cut = format_clean(r, text, sizeof(text), fmt, ap);
	int rc = buf_append_cut(&r->summary, text, strlen(text));

	if (rc == -1)
		r->nomem = true;
	else if (rc == 1 || cut)
		mark_cut(r->summary.data, r->summary.len);
}

void
result_summary(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result_vsummary(r, fmt, ap);
	va_end(ap);
}

static void
add_line(struct result *r, enum state s, bool problem, const char *fmt,
	 va_list ap)
{
	char text[RESULT_LINE_MAX + 1];
	struct result_line *lines;

	if (r->nlines == RESULT_LINES_MAX) {
		r->lines_dropped++;
		return;
	}
	if (format_clean(r, text, sizeof(text), fmt, ap))
		mark_cut(text, strlen(text));
	lines = realloc(r->lines, (r->nlines + 1) * sizeof(*lines));
	if (lines == NULL || (lines[r->nlines].text = strdup(text)) == NULL) {
		if (lines != NULL)
			r->lines = lines;
		r->nomem = true;
		return;
	}
	lines[r->nlines].state = s;
	lines[r->nlines].problem = problem;
	r->lines = lines;
	r->nlines++;
}

void
result_line(struct result *r, enum state s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(r, s, false, fmt, ap);
	va_end(ap);
}

void
result_problem(struct result *r, enum state s, const char *fmt, ...)
{
	va_list ap;

	result_raise(r, s);
	va_start(ap, fmt);
	add_line(r, s, true, fmt, ap);
	va_end(ap);
}

void
result_subject(struct result *r, const char *fmt, ...)
{
	char text[RESULT_LINE_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	format_clean(r, text, sizeof(text), fmt, ap);
	va_end(ap);
	buf_reset(&r->subject);
	if (buf_append_cut(&r->subject, text, strlen(text)) == -1)
		r->nomem = true;
}

void
result_fail(struct result *r, enum state s, const char *fmt, ...)
{
	va_list ap;

	r->state = s;
	buf_reset(&r->summary);
	for (size_t i = 0; i < r->nlines; i++)
		r->lines[i].problem = false;
	va_start(ap, fmt);
	result_vsummary(r, fmt, ap);
	va_end(ap);
}

enum state
result_perf(struct result *r, const char *label, double value, const char *uom,
	    const struct range *warn, const struct range *crit, double min,
	    double max)
{
	enum state s = STATE_OK;
	struct perf *p;

	/* An unmeasured value ('U', NAN) meets no threshold. */
	if (isnan(value))
		;
	else if (range_alert(crit, value))
		s = STATE_CRITICAL;
	else if (range_alert(warn, value))
		s = STATE_WARNING;
	if (r->nperf == RESULT_PERF_MAX)
		return s;
	if ((p = realloc(r->perf, (r->nperf + 1) * sizeof(*p))) == NULL) {
		r->nomem = true;
		return s;
	}
	r->perf = p;
	p = &r->perf[r->nperf++];
	memset(p, 0, sizeof(*p));
	sanitize(p->label, sizeof(p->label), label, strlen(label));
	for (char *c = p->label; *c != '\0'; c++)
		if (*c == '=' || *c == '\'')
			*c = '_';
	p->value = value;
	snprintf(p->uom, sizeof(p->uom), "%s", uom != NULL ? uom : "");
	if (warn != NULL && warn->set)
		snprintf(p->warn, sizeof(p->warn), "%s", warn->text);
	if (crit != NULL && crit->set)
		snprintf(p->crit, sizeof(p->crit), "%s", crit->text);
	p->min = min;
	p->max = max;
	return s;
}

void
result_perf_text(const struct perf *p, char *out, size_t size)
{
	char value[64], min[64] = "", max[64] = "";
	const char *q = "";
	size_t len;

	if (p->label[strspn(p->label, "abcdefghijklmnopqrstuvwxyz"
				      "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789_.:/-")] != '\0')
		q = "'";
	format_number(value, sizeof(value), p->value);
	if (!isnan(p->min))
		format_number(min, sizeof(min), p->min);
	if (!isnan(p->max))
		format_number(max, sizeof(max), p->max);
	snprintf(out, size, "%s%s%s=%s%s;%s;%s;%s;%s", q, p->label, q, value,
		 p->uom, p->warn, p->crit, min, max);
	len = strlen(out);
	while (len > 0 && out[len - 1] == ';')
		out[--len] = '\0';
}

/* Worst first, the order of long output and of problems. */
static const enum state worst_first[] = {STATE_CRITICAL, STATE_UNKNOWN,
					 STATE_WARNING, STATE_OK};

/* Append one part of the status text, cut with "..." at the cap. */
static void
status_part(struct buf *out, const char *sep, const char *text)
{
	if (buf_append_cut(out, sep, strlen(sep)) == 1 ||
	    buf_append_cut(out, text, strlen(text)) == 1)
		mark_cut(out->data, out->len);
}

void
result_status_text(const struct result *r, struct buf *out)
{
	const char *sep = "";

	buf_reset(out);
	if (r->subject.len > 0) {
		status_part(out, "", buf_str(&r->subject));
		status_part(out, "", ":");
		sep = " ";
	}
	for (size_t o = 0; o < sizeof(worst_first) / sizeof(*worst_first); o++)
		for (size_t i = 0; i < r->nlines; i++)
			if (r->lines[i].problem &&
			    r->lines[i].state == worst_first[o]) {
				status_part(out, sep, r->lines[i].text);
				sep = "; ";
			}
	if (r->summary.len > 0)
		status_part(out, sep, buf_str(&r->summary));
}

int
result_print(const struct result *r, FILE *fp)
{
	enum state s = r->nomem ? STATE_UNKNOWN : r->state;
	struct buf text = BUF_INIT(RESULT_SUMMARY_MAX);

	fprintf(fp, "%s %s - ", r->label, state_name(s));
	result_status_text(r, &text);
	if (r->nomem)
		fputs("out of memory while building the result", fp);
	else
		fputs(text.len > 0 ? buf_str(&text) : "no details", fp);
	buf_free(&text);
	for (size_t i = 0; i < r->nperf; i++) {
		char item[512];

		result_perf_text(&r->perf[i], item, sizeof(item));
		fputs(i == 0 ? " | " : " ", fp);
		fputs(item, fp);
	}
	fputc('\n', fp);
	for (size_t o = 0; o < sizeof(worst_first) / sizeof(*worst_first); o++)
		for (size_t i = 0; i < r->nlines; i++)
			if (r->in_order ? o == 0
					: r->lines[i].state == worst_first[o])
				fprintf(fp, "[%s] %s\n",
					state_name(r->lines[i].state),
					r->lines[i].text);
	if (r->lines_dropped > 0)
		fprintf(fp, "[UNKNOWN] %zu more lines not shown\n",
			r->lines_dropped);
	return fflush(fp) == EOF || ferror(fp) ? -1 : 0;
}
