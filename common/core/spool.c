/*
 * spool.c - result records for the agent, written atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/spool.h"

#include "core/diag.h"
#include "core/nagios.h"
#include "core/registry.h"

#define SPOOL_MAGIC "imscheck-spool 1"

int
spool_valid_id(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n < SPOOL_ID_MAX &&
	       strspn(id, "abcdefghijklmnopqrstuvwxyz"
			  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@:-") == n &&
	       id[0] != '.';
}

/* A status line's label: "DNS", "IMS", "SMARTHOST", ... */
static bool
valid_label(const char *label)
{
	size_t n = strlen(label);

	return n > 0 && n < SPOOL_LABEL_MAX &&
	       strspn(label, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

static int
write_record(FILE *fp, const char *id, int step, const struct result *r,
	     double start, double duration)
{
	struct buf text = BUF_INIT(RESULT_SUMMARY_MAX);
	char item[512];

	result_status_text(r, &text);
	fprintf(fp, "%s\nid: %s\n", SPOOL_MAGIC, id);
	if (r->label != NULL && valid_label(r->label))
		fprintf(fp, "label: %s\n", r->label);
	fprintf(fp,
		"step: %d\nstate: %d\nstart: %.6f\n"
		"duration: %.6f\nstatus: %s\n",
		step, (int)r->state, start, duration, buf_str(&text));
	buf_free(&text);
	for (size_t i = 0; i < r->nperf; i++) {
		result_perf_text(&r->perf[i], item, sizeof(item));
		fprintf(fp, "perf: %s\n", item);
	}
	for (size_t i = 0; i < r->nlines; i++)
		fprintf(fp, "line: %d %s\n", (int)r->lines[i].state,
			r->lines[i].text);
	fputs("end\n", fp);
	return fflush(fp) == EOF || ferror(fp) ? -1 : 0;
}

int
spool_write(const char *dir, const char *id, int step, const struct result *r,
	    double start, double duration, char *err, size_t errlen)
{
	char tmp[4096], path[4096];
	FILE *fp;
	int fd, dfd;

	if (!spool_valid_id(id))
		return errorf(err, errlen, "'%.80s' is not a check id", id);
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, id) >=
		(int)sizeof(tmp) ||
	    snprintf(path, sizeof(path), "%s/%s", dir, id) >= (int)sizeof(path))
		return errorf(err, errlen, "spool path too long");
	if ((fd = mkstemp(tmp)) == -1)
		return errorf(err, errlen, "spool %s: %s", dir,
			      strerror(errno));
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		return errorf(err, errlen, "spool %s: %s", dir,
			      strerror(errno));
	}
	/* The record reaches the disk before its name does. */
	if (write_record(fp, id, step, r, start, duration) == -1 ||
	    fsync(fd) == -1 || fchmod(fd, 0644) == -1) {
		errorf(err, errlen, "spool %s: %s", tmp, strerror(errno));
		fclose(fp);
		unlink(tmp);
		return -1;
	}
	if (fclose(fp) == EOF || rename(tmp, path) == -1) {
		errorf(err, errlen, "spool %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(dfd); /* the rename itself */
		close(dfd);
	}
	return 0;
}

/* A number that uses all of text. */
static int
parse_double(const char *text, double *v)
{
	char *end;

	*v = strtod(text, &end);
	return end != text && *end == '\0' && isfinite(*v) ? 0 : -1;
}

static int
parse_line(struct spool_record *rec, const char *key, const char *value,
	   int *seen)
{
	struct result *r = &rec->result;
	double d;
	struct perf p;

	if (strcmp(key, "id") == 0) {
		if (!spool_valid_id(value))
			return -1;
		snprintf(rec->id, sizeof(rec->id), "%s", value);
	} else if (strcmp(key, "label") == 0) {
		if (!valid_label(value))
			return -1;
		snprintf(rec->label, sizeof(rec->label), "%s", value);
	} else if (strcmp(key, "step") == 0) {
		if (parse_double(value, &d) == -1 || d < 0 ||
		    d > registry_max_step() || d != (int)d)
			return -1;
		rec->step = (int)d;
	} else if (strcmp(key, "state") == 0) {
		if (value[0] < '0' || value[0] > '3' || value[1] != '\0')
			return -1;
		rec->state = r->state = (enum state)(value[0] - '0');
	} else if (strcmp(key, "start") == 0) {
		if (parse_double(value, &rec->start) == -1)
			return -1;
	} else if (strcmp(key, "duration") == 0) {
		if (parse_double(value, &rec->duration) == -1)
			return -1;
	} else if (strcmp(key, "status") == 0) {
		result_summary(r, "%s", value);
	} else if (strcmp(key, "perf") == 0) {
		struct range w = {0}, c = {0};

		if (nagios_parse_perf(value, &p) == -1)
			return -1;
		range_parse(p.warn, &w);
		range_parse(p.crit, &c);
		result_perf(r, p.label, p.value, p.uom, &w, &c, p.min, p.max);
	} else if (strcmp(key, "line") == 0) {
		if (value[0] < '0' || value[0] > '3' || value[1] != ' ')
			return -1;
		result_line(r, (enum state)(value[0] - '0'), "%s", value + 2);
	} else {
		return -1;
	}
	*seen |= strcmp(key, "id") == 0	      ? 1
		 : strcmp(key, "state") == 0  ? 2
		 : strcmp(key, "status") == 0 ? 4
					      : 0;
	return 0;
}

int
spool_parse(const char *text, size_t len, struct spool_record *rec, char *err,
	    size_t errlen)
{
	const char *p = text, *end = text + len;
	char line[RESULT_LINE_MAX + 64];
	int seen = 0, n = 0;
	bool ended = false;

	memset(rec, 0, sizeof(*rec));
	result_init(&rec->result, "RECORD");
	if (len > SPOOL_RECORD_MAX) {
		errorf(err, errlen, "record larger than %d bytes",
		       SPOOL_RECORD_MAX);
		goto bad;
	}
	while (p < end && !ended) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((nl ? nl : end) - p);
		char *colon;

		if (nl == NULL || l >= sizeof(line) || memchr(p, '\0', l)) {
			errorf(err, errlen, "line %d: cut or too long", n + 1);
			goto bad;
		}
		memcpy(line, p, l);
		line[l] = '\0';
		p = nl + 1;
		if (n++ == 0) {
			if (strcmp(line, SPOOL_MAGIC) != 0) {
				errorf(err, errlen, "not a spool record");
				goto bad;
			}
			continue;
		}
		if (strcmp(line, "end") == 0) {
			ended = true;
			break;
		}
		if ((colon = strstr(line, ": ")) == NULL) {
			errorf(err, errlen, "line %d: no key", n);
			goto bad;
		}
		*colon = '\0';
		if (parse_line(rec, line, colon + 2, &seen) == -1) {
			errorf(err, errlen, "line %d: bad %s", n, line);
			goto bad;
		}
	}
	if (!ended || p != end || seen != 7) {
		errorf(err, errlen, "%s",
		       !ended	  ? "record cut short (no end line)"
		       : p != end ? "bytes after the end line"
				  : "id, state or status missing");
		goto bad;
	}
	return 0;
bad:
	result_free(&rec->result);
	return -1;
}
