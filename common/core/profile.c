/*
 * profile.c - the site profile loader on libconfig 1.5.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <libgen.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/profile.h"

#include "core/diag.h"
#include "core/file.h"
#include "core/result.h"

/*
 * What libconfig 1.5 is not given to read.  It parses one long token in
 * quadratic time (a 4 MB line took 10 s), wraps integers past 32 bits
 * without a word (port = 4294967321 is port 25) and past 64 bits to -1,
 * and ends the whole process when a file it reads turns out not to be
 * readable (a directory).  So the profile and each file it includes are
 * read here, as regular files of bounded size and line length, their
 * numbers checked, and libconfig parses text from memory only.
 */
#define PROFILE_MAX	    (1024 * 1024) /* bytes of a profile, or an include */
#define PROFILE_LINE_MAX    16384	  /* bytes of one line */
#define PROFILE_INCLUDE_MAX 10		  /* nesting, as libconfig's own */

struct scan {
	const char *path;
	const char *p, *end;
	int line;
	const char *dir; /* @include resolves against it */
	int depth;
	char *err;
	size_t errlen;
};

static int check_file(const char *path, const char *dir, int depth, char *err,
		      size_t errlen);

static int scan_error(struct scan *sc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
scan_error(struct scan *sc, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return errorf(sc->err, sc->errlen, "%s:%d: %s", sc->path, sc->line,
		      why);
}

/* Past a comment or a string at sc->p; false when there is none. */
static bool
skip_comment_or_string(struct scan *sc)
{
	const char *p = sc->p;

	if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
		while (sc->p < sc->end && *sc->p != '\n')
			sc->p++;
	} else if (p[0] == '/' && p[1] == '*') {
		for (sc->p += 2; sc->p < sc->end &&
				 !(sc->p[0] == '*' && sc->p + 1 < sc->end &&
				   sc->p[1] == '/');
		     sc->p++)
			sc->line += *sc->p == '\n';
		sc->p += sc->p < sc->end ? 2 : 0;
	} else if (*p == '"') {
		for (sc->p++; sc->p < sc->end && *sc->p != '"'; sc->p++) {
			sc->line += *sc->p == '\n';
			if (*sc->p == '\\' && sc->p + 1 < sc->end)
				sc->p++;
		}
		sc->p += sc->p < sc->end;
	} else {
		return false;
	}
	return true;
}

/* A number token as libconfig 1.5 reads it: integers must fit. */
static int
scan_number(struct scan *sc)
{
	const char *start = sc->p, *p = sc->p;
	bool neg = *p == '-', hex, wide;
	unsigned long long v;
	char *end;

	if (*p == '+' || *p == '-')
		p++;
	hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
	errno = 0;
	v = strtoull(p, &end, hex ? 16 : 10);
	if (!hex && (*end == '.' || *end == 'e' || *end == 'E')) {
		double d = strtod(start, &end);

		sc->p = end;
		return isfinite(d)
			   ? 0
			   : scan_error(sc, "%.*s is not a finite number",
					(int)(end - start), start);
	}
	wide = *end == 'L';
	sc->p = end + (wide ? (end[1] == 'L' ? 2 : 1) : 0);
	if (errno != ERANGE &&
	    v <= (wide ? (unsigned long long)INT64_MAX : INT32_MAX) + neg)
		return 0;
	return scan_error(sc, "%.*s does not fit in %s", (int)(sc->p - start),
			  start,
			  wide ? "64 bits"
			       : "32 bits (write it with L for a 64-bit "
				 "integer)");
}

/* "@include "FILE"": the file is checked as the profile is. */
static int
scan_include(struct scan *sc)
{
	const char *q, *name;
	char path[4096], why[512];
	int len;

	for (sc->p += 8; sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t');)
		sc->p++;
	if (sc->p == sc->end || *sc->p != '"' ||
	    (q = memchr(sc->p + 1, '"', (size_t)(sc->end - sc->p - 1))) == NULL)
		return 0; /* libconfig says what is wrong */
	name = sc->p + 1;
	len = (int)(q - name);
	sc->p = q + 1;
	if (sc->depth >= PROFILE_INCLUDE_MAX)
		return scan_error(sc, "@include \"%.*s\" nested too deep", len,
				  name);
	snprintf(path, sizeof(path), "%s%s%.*s", name[0] == '/' ? "" : sc->dir,
		 name[0] == '/' ? "" : "/", len, name);
	if (check_file(path, sc->dir, sc->depth + 1, why, sizeof(why)) == 0)
		return 0;
	return scan_error(sc, "@include: %s", why);
}

/* Every line within PROFILE_LINE_MAX: no token can be longer. */
static int
scan_lines(struct scan *sc)
{
	const char *start = sc->p, *nl;

	for (;; start = nl + 1, sc->line++) {
		nl = memchr(start, '\n', (size_t)(sc->end - start));
		if ((nl ? nl : sc->end) - start > PROFILE_LINE_MAX)
			return scan_error(sc, "a line longer than %d bytes",
					  PROFILE_LINE_MAX);
		if (nl == NULL)
			break;
	}
	sc->line = 1;
	return 0;
}

static int
scan_text(struct scan *sc)
{
	if (scan_lines(sc) == -1)
		return -1;
	while (sc->p < sc->end) {
		char c = *sc->p;

		if (skip_comment_or_string(sc))
			continue;
		if (c == '\n') {
			sc->line++;
			sc->p++;
		} else if (strncmp(sc->p, "@include", 8) == 0) {
			if (scan_include(sc) == -1)
				return -1;
		} else if (isalpha((unsigned char)c) || c == '*' || c == '_') {
			while (sc->p < sc->end &&
			       (isalnum((unsigned char)*sc->p) ||
				strchr("-_*", *sc->p) != NULL))
				sc->p++;
		} else if (isdigit((unsigned char)c) ||
			   ((c == '-' || c == '+' || c == '.') &&
			    isdigit((unsigned char)sc->p[1]))) {
			if (scan_number(sc) == -1)
				return -1;
		} else {
			sc->p++;
		}
	}
	return 0;
}

/* Read and check one file; its text in *text when text is not NULL. */
static int
read_checked(const char *path, const char *dir, int depth,
	     struct file_text *text, char *err, size_t errlen)
{
	struct file_text f;
	struct scan sc;
	int rc;

	if (file_read(path, PROFILE_MAX, &f, err, errlen) == -1)
		return -1;
	if (f.cut || memchr(f.data, '\0', f.len) != NULL) {
		errorf(err, errlen, "%s: %s", path,
		       f.cut ? "larger than 1 MiB" : "not a text file");
		free(f.data);
		return -1;
	}
	sc = (struct scan){path,  f.data, f.data + f.len, 1, dir,
			   depth, err,	  errlen};
	rc = scan_text(&sc);
	if (rc == 0 && text != NULL)
		*text = f;
	else
		free(f.data);
	return rc;
}

static int
check_file(const char *path, const char *dir, int depth, char *err,
	   size_t errlen)
{
	return read_checked(path, dir, depth, NULL, err, errlen);
}

int
profile_load(struct profile *p, const char *path, char *err, size_t errlen)
{
	char *copy = strdup(path);
	struct file_text text = {0};
	const char *dir;
	int rc = -1;

	config_init(&p->cfg);
	if ((p->path = strdup(path)) == NULL || copy == NULL) {
		errorf(err, errlen, "%s: out of memory", path);
		goto done;
	}
	/* @include resolves against the including file's folder, not cwd. */
	dir = dirname(copy);
	config_set_include_dir(&p->cfg, dir);
	if (read_checked(path, dir, 0, &text, err, errlen) == -1)
		goto done;
	if (config_read_string(&p->cfg, text.data) == CONFIG_FALSE) {
		const char *file = config_error_file(&p->cfg);

		errorf(err, errlen, "%s:%d: %s", file ? file : path,
		       config_error_line(&p->cfg), config_error_text(&p->cfg));
		goto done;
	}
	rc = 0;
done:
	free(text.data);
	free(copy);
	if (rc == -1)
		profile_free(p);
	return rc;
}

void
profile_free(struct profile *p)
{
	config_destroy(&p->cfg);
	free(p->path);
	p->path = NULL;
}

config_setting_t *
profile_get(struct profile *p, const char *path)
{
	return config_lookup(&p->cfg, path);
}

void
profile_where(const struct profile *p, const config_setting_t *s, char *out,
	      size_t outsize)
{
	const char *file = config_setting_source_file(s);

	snprintf(out, outsize, "%s:%u", file ? file : p->path,
		 config_setting_source_line(s));
}

int
profile_scalar(const struct profile *p, const config_setting_t *s, char *out,
	       size_t outsize, char *err, size_t errlen)
{
	char where[256];
	int n;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_STRING:
		n = snprintf(out, outsize, "%s", config_setting_get_string(s));
		break;
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		n = snprintf(out, outsize, "%lld", config_setting_get_int64(s));
		break;
	case CONFIG_TYPE_FLOAT:
		if (!isfinite(config_setting_get_float(s))) {
			profile_where(p, s, where, sizeof(where));
			return errorf(err, errlen, "%s: not a finite number",
				      where);
		}
		format_number(out, outsize, config_setting_get_float(s));
		n = (int)strlen(out);
		break;
	case CONFIG_TYPE_BOOL:
		n = snprintf(out, outsize, "%s",
			     config_setting_get_bool(s) ? "true" : "false");
		break;
	default:
		profile_where(p, s, where, sizeof(where));
		errorf(err, errlen, "%s: '%s' must be a single value", where,
		       config_setting_name(s) ? config_setting_name(s)
					      : "(element)");
		return -1;
	}
	if (n < 0 || (size_t)n >= outsize) {
		profile_where(p, s, where, sizeof(where));
		errorf(err, errlen, "%s: value too long", where);
		return -1;
	}
	return 0;
}
