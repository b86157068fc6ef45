/*
 * taglist.c - tag=value lists (RFC 6376 3.2) by cursor.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "proto/taglist.h"

#include "core/diag.h"

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_name_char(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

/* VALCHAR: printable ASCII but ';' (RFC 6376 3.2). */
static bool
is_value_char(char c)
{
	return c >= 0x21 && c <= 0x7e && c != ';';
}

/* A cursor over the text. */
struct tl_cursor {
	const char *p;
	const char *end;
};

static void
skip_wsp(struct tl_cursor *c)
{
	while (c->p < c->end && is_wsp(*c->p))
		c->p++;
}

static int
parse_name(struct tl_cursor *c, struct tag *t, size_t index, char *err,
	   size_t errlen)
{
	t->name = c->p;
	if (c->p == c->end || !is_alpha(*c->p))
		return errorf(err, errlen, "tag %zu: no name before '='",
			      index + 1);
	while (c->p < c->end && is_name_char(*c->p))
		c->p++;
	t->namelen = (size_t)(c->p - t->name);
	skip_wsp(c);
	if (c->p == c->end || *c->p != '=')
		return errorf(err, errlen, "tag '%.*s': no '='",
			      (int)t->namelen, t->name);
	c->p++;
	return 0;
}

/* The value up to ';' or the end, inner whitespace kept, ends trimmed. */
static int
parse_value(struct tl_cursor *c, struct tag *t, char *err, size_t errlen)
{
	const char *last;

	skip_wsp(c);
	t->value = last = c->p;
	while (c->p < c->end && *c->p != ';') {
		if (!is_wsp(*c->p) && !is_value_char(*c->p))
			return errorf(
			    err, errlen, "tag '%.*s': byte 0x%02x in its value",
			    (int)t->namelen, t->name, (unsigned char)*c->p);
		if (!is_wsp(*c->p))
			last = c->p + 1;
		c->p++;
	}
	t->len = (size_t)(last - t->value);
	return 0;
}

static bool
seen(const struct taglist *tl, const struct tag *t)
{
	for (size_t i = 0; i < tl->n; i++)
		if (tl->tag[i].namelen == t->namelen &&
		    memcmp(tl->tag[i].name, t->name, t->namelen) == 0)
			return true;
	return false;
}

int
taglist_parse(struct taglist *tl, const char *text, size_t len, char *err,
	      size_t errlen)
{
	struct tl_cursor c = {text, text + len};

	tl->n = 0;
	for (;;) {
		struct tag t;

		skip_wsp(&c);
		if (c.p == c.end)
			return 0; /* a final ';' is allowed */
		if (tl->n == TAGLIST_MAX)
			return errorf(err, errlen, "more than %d tags",
				      TAGLIST_MAX);
		if (parse_name(&c, &t, tl->n, err, errlen) == -1 ||
		    parse_value(&c, &t, err, errlen) == -1)
			return -1;
		if (seen(tl, &t))
			return errorf(err, errlen, "tag '%.*s' given twice",
				      (int)t.namelen, t.name);
		tl->tag[tl->n++] = t;
		if (c.p == c.end)
			return 0;
		c.p++; /* ';' */
	}
}

const struct tag *
taglist_get(const struct taglist *tl, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < tl->n; i++)
		if (tl->tag[i].namelen == len &&
		    memcmp(tl->tag[i].name, name, len) == 0)
			return &tl->tag[i];
	return NULL;
}

bool
tag_is(const struct tag *t, const char *text, bool cs)
{
	size_t len = strlen(text);

	return t != NULL && t->len == len &&
	       (cs ? memcmp(t->value, text, len)
		   : strncasecmp(t->value, text, len)) == 0;
}

bool
taglist_has_version(const char *text, size_t len, const char *version)
{
	size_t vlen = strlen(version);
	size_t i = 2 + vlen;

	if (len < i || memcmp(text, "v=", 2) != 0 ||
	    memcmp(text + 2, version, vlen) != 0)
		return false;
	while (i < len && (text[i] == ' ' || text[i] == '\t'))
		i++;
	return i == len || text[i] == ';';
}

int
taglist_parse_versioned(struct taglist *tl, const char *text, size_t len,
			const char *version, char *err, size_t errlen)
{
	if (taglist_parse(tl, text, len, err, errlen) == -1)
		return -1;
	if (tl->n == 0 || tl->tag[0].namelen != 1 ||
	    tl->tag[0].name[0] != 'v' || !tag_is(&tl->tag[0], version, true))
		return errorf(err, errlen, "does not begin with v=%s", version);
	return 0;
}

void
tag_items_init(struct tag_items *it, const struct tag *t, char sep)
{
	it->p = t->value;
	it->end = t->value + t->len;
	it->sep = sep;
	it->done = false;
}

bool
tag_items_next(struct tag_items *it, const char **item, size_t *len)
{
	const char *s = it->p, *e;

	if (it->done)
		return false;
	e = memchr(s, it->sep, (size_t)(it->end - s));
	if (e == NULL) {
		e = it->end;
		it->done = true;
	} else {
		it->p = e + 1;
	}
	while (s < e && is_wsp(*s))
		s++;
	while (e > s && is_wsp(e[-1]))
		e--;
	*item = s;
	*len = (size_t)(e - s);
	return true;
}
