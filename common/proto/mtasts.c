/*
 * mtasts.c - MTA-STS records and policies by cursor (RFC 8461 3.1, 3.2)
 * and the mx pattern match (4.1).  No network here: the fetch is in
 * mtasts_fetch.c, so what only parses links without libcurl.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/mtasts.h"

#include "core/diag.h"

#include "proto/taglist.h"

bool
mtasts_is_record(const char *text, size_t len)
{
	return taglist_has_version(text, len, "STSv1");
}

int
mtasts_txt_parse(struct mtasts_txt *t, const char *text, size_t len, char *err,
		 size_t errlen)
{
	struct taglist tl;
	const struct tag *id;

	memset(t, 0, sizeof(*t));
	if (taglist_parse_versioned(&tl, text, len, "STSv1", err, errlen) == -1)
		return -1;
	if ((id = taglist_get(&tl, "id")) == NULL)
		return errorf(err, errlen, "no id= field");
	if (id->len == 0 || id->len > MTASTS_ID_MAX)
		return errorf(err, errlen, "id= must be 1 to 32 characters");
	for (size_t i = 0; i < id->len; i++)
		if (!isalnum((unsigned char)id->value[i]))
			return errorf(err, errlen,
				      "id= holds '%c': letters and digits only",
				      isprint((unsigned char)id->value[i])
					  ? id->value[i]
					  : '?');
	memcpy(t->id, id->value, id->len);
	return 0;
}

const char *
mtasts_mode_name(enum mtasts_mode m)
{
	return m == MTASTS_ENFORCE   ? "enforce"
	       : m == MTASTS_TESTING ? "testing"
				     : "none";
}

/* What one policy line says; fields seen so far, to refuse repeats. */
struct policy_parse {
	struct mtasts_policy *p;
	bool version, mode, max_age;
};

static bool
key_is(const char *k, size_t klen, const char *name)
{
	return klen == strlen(name) && memcmp(k, name, klen) == 0;
}

static int
read_mode(struct policy_parse *pp, const char *v, size_t len, char *err,
	  size_t errlen)
{
	static const enum mtasts_mode modes[] = {MTASTS_ENFORCE, MTASTS_TESTING,
						 MTASTS_NONE};

	for (size_t i = 0; i < 3; i++) {
		const char *name = mtasts_mode_name(modes[i]);

		if (len == strlen(name) && memcmp(v, name, len) == 0) {
			pp->p->mode = modes[i];
			return 0;
		}
	}
	return errorf(err, errlen,
		      "mode '%.*s' is not enforce, testing or none",
		      (int)(len < 32 ? len : 32), v);
}

static int
read_max_age(struct policy_parse *pp, const char *v, size_t len, char *err,
	     size_t errlen)
{
	long age = 0;

	if (len == 0 || len > 10)
		goto bad;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)v[i]))
			goto bad;
		age = age * 10 + (v[i] - '0');
	}
	if (age > MTASTS_MAX_AGE_MAX)
		return errorf(err, errlen, "max_age %ld is over a year", age);
	pp->p->max_age = age;
	return 0;
bad:
	return errorf(err, errlen, "max_age '%.*s' is not a number",
		      (int)(len < 32 ? len : 32), v);
}

/* An mx pattern: a host name, perhaps with "*." as its first label. */
static int
read_mx(struct policy_parse *pp, const char *v, size_t len, char *err,
	size_t errlen)
{
	struct mtasts_policy *p = pp->p;
	char name[MTASTS_NAME_MAX + 1];

	if (len == 0 || len > MTASTS_NAME_MAX)
		return errorf(err, errlen,
			      "an mx pattern is empty or too long");
	memcpy(name, v, len);
	name[len] = '\0';
	if (!addr_valid_name(len > 2 && memcmp(name, "*.", 2) == 0 ? name + 2
								   : name))
		return errorf(err, errlen, "mx '%.100s' is not a host pattern",
			      name);
	if (p->nmx == MTASTS_MX_MAX) {
		p->mx_dropped++;
		return 0;
	}
	memcpy(p->mx[p->nmx++], name, len + 1);
	return 0;
}

static int
once(bool *seen, const char *key, char *err, size_t errlen)
{
	if (*seen)
		return errorf(err, errlen, "%s given twice", key);
	*seen = true;
	return 0;
}

/* "key: value" (3.2); unknown keys are extensions, ignored. */
static int
read_line(struct policy_parse *pp, const char *s, size_t len, char *err,
	  size_t errlen)
{
	const char *colon = memchr(s, ':', len), *v;
	size_t klen, vlen;

	if (colon == NULL || colon == s)
		return errorf(err, errlen, "line '%.*s' is not 'key: value'",
			      (int)(len < 60 ? len : 60), s);
	klen = (size_t)(colon - s);
	for (v = colon + 1; v < s + len && (*v == ' ' || *v == '\t'); v++)
		;
	vlen = (size_t)(s + len - v);
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	for (size_t i = 0; i < vlen; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
			return errorf(err, errlen, "byte 0x%02x in a value",
				      (unsigned char)v[i]);
	if (key_is(s, klen, "version")) {
		if (once(&pp->version, "version", err, errlen) == -1)
			return -1;
		if (vlen != 5 || memcmp(v, "STSv1", 5) != 0)
			return errorf(err, errlen, "version is not STSv1");
		return 0;
	}
	if (key_is(s, klen, "mode"))
		return once(&pp->mode, "mode", err, errlen) == -1
			   ? -1
			   : read_mode(pp, v, vlen, err, errlen);
	if (key_is(s, klen, "max_age"))
		return once(&pp->max_age, "max_age", err, errlen) == -1
			   ? -1
			   : read_max_age(pp, v, vlen, err, errlen);
	if (key_is(s, klen, "mx"))
		return read_mx(pp, v, vlen, err, errlen);
	return 0;
}

int
mtasts_policy_parse(struct mtasts_policy *p, const char *text, size_t len,
		    char *err, size_t errlen)
{
	struct policy_parse pp = {.p = p};
	const char *s = text, *end = text + len;

	memset(p, 0, sizeof(*p));
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		size_t n = (size_t)(e - s);

		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n > 0 && read_line(&pp, s, n, err, errlen) == -1)
			return -1;
		s = nl ? nl + 1 : end;
	}
	if (!pp.version)
		return errorf(err, errlen, "no version field");
	if (!pp.mode)
		return errorf(err, errlen, "no mode field");
	if (!pp.max_age)
		return errorf(err, errlen, "no max_age field");
	if (p->nmx == 0 && p->mode != MTASTS_NONE)
		return errorf(err, errlen, "no mx field");
	return 0;
}

bool
mtasts_mx_match(const char *pattern, const char *host)
{
	const char *dot;

	if (strncmp(pattern, "*.", 2) != 0)
		return addr_same_name(pattern, host);
	/* the wildcard stands for exactly one label, the leftmost (4.1) */
	if ((dot = strchr(host, '.')) == NULL || dot == host)
		return false;
	return addr_same_name(pattern + 2, dot + 1);
}

const char *
mtasts_policy_match(const struct mtasts_policy *p, const char *host)
{
	for (size_t i = 0; i < p->nmx; i++)
		if (mtasts_mx_match(p->mx[i], host))
			return p->mx[i];
	return NULL;
}
