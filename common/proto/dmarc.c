/*
 * dmarc.c - DMARC records by tag list (RFC 7489 6.4).  Unknown tags are
 * ignored, as 6.3 says; a known tag with a bad value is a syntax error.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "proto/dmarc.h"

#include "core/addr.h"
#include "core/diag.h"

#include "proto/taglist.h"

bool
dmarc_is_record(const char *text, size_t len)
{
	return taglist_has_version(text, len, "DMARC1");
}

const char *
dmarc_policy_name(enum dmarc_policy p)
{
	return p == DMARC_REJECT       ? "reject"
	       : p == DMARC_QUARANTINE ? "quarantine"
				       : "none";
}

static int
read_policy(const struct tag *t, enum dmarc_policy *p, char *err, size_t errlen)
{
	if (tag_is(t, "none", false))
		*p = DMARC_NONE;
	else if (tag_is(t, "quarantine", false))
		*p = DMARC_QUARANTINE;
	else if (tag_is(t, "reject", false))
		*p = DMARC_REJECT;
	else
		return errorf(err, errlen,
			      "%.*s=%.*s is not none, quarantine "
			      "or reject",
			      (int)t->namelen, t->name,
			      (int)(t->len < 32 ? t->len : 32), t->value);
	return 0;
}

static int
read_pct(const struct tag *t, int *pct, char *err, size_t errlen)
{
	int v = 0;

	if (t->len == 0 || t->len > 3)
		goto bad;
	for (size_t i = 0; i < t->len; i++) {
		if (!isdigit((unsigned char)t->value[i]))
			goto bad;
		v = v * 10 + (t->value[i] - '0');
	}
	if (v > 100)
		goto bad;
	*pct = v;
	return 0;
bad:
	return errorf(err, errlen, "pct=%.*s is not 0 to 100",
		      (int)(t->len < 16 ? t->len : 16), t->value);
}

static int
read_alignment(const struct tag *t, char *mode, char *err, size_t errlen)
{
	if (t == NULL)
		return 0;
	if (tag_is(t, "r", false) || tag_is(t, "s", false)) {
		*mode = (char)tolower((unsigned char)t->value[0]);
		return 0;
	}
	return errorf(err, errlen, "%.*s= is not r or s", (int)t->namelen,
		      t->name);
}

/* One DMARC URI (6.2): URI [ "!" size ], mailto: with its domain. */
static int
read_uri(struct dmarc_uri *u, const char *s, size_t len, char *err,
	 size_t errlen)
{
	const char *bang = memchr(s, '!', len), *colon, *at, *end;
	size_t n;

	if (bang != NULL)
		len = (size_t)(bang - s);
	snprintf(u->text, sizeof(u->text), "%.*s", (int)len, s);
	colon = memchr(s, ':', len);
	n = colon ? (size_t)(colon - s) : 0;
	if (n == 0 || n >= sizeof(u->scheme) || !isalpha((unsigned char)s[0]))
		return errorf(err, errlen, "'%s' is not a URI", u->text);
	snprintf(u->scheme, sizeof(u->scheme), "%.*s", (int)n, s);
	u->mailto = strcasecmp(u->scheme, "mailto") == 0;
	if (!u->mailto)
		return 0;
	end = memchr(colon, '?', len - n);
	end = end ? end : s + len;
	for (at = end; at > colon && at[-1] != '@'; at--)
		;
	if (at == colon || at - 1 == colon + 1 || end == at ||
	    (size_t)(end - at) > DMARC_NAME_MAX)
		return errorf(err, errlen, "'%s' is not a mailto: address",
			      u->text);
	snprintf(u->domain, sizeof(u->domain), "%.*s", (int)(end - at), at);
	if (!addr_valid_name(u->domain))
		return errorf(err, errlen, "'%s': bad domain", u->text);
	return 0;
}

/* rua=, ruf=: URIs separated by commas. */
static int
read_uris(const struct tag *t, struct dmarc_uri *u, size_t *n, char *err,
	  size_t errlen)
{
	struct tag_items it;
	const char *item;
	size_t len;

	tag_items_init(&it, t, ',');
	while (tag_items_next(&it, &item, &len)) {
		if (*n == DMARC_URIS_MAX)
			return errorf(err, errlen, "more than %d URIs in %.*s=",
				      DMARC_URIS_MAX, (int)t->namelen, t->name);
		if (read_uri(&u[*n], item, len, err, errlen) == -1)
			return -1;
		(*n)++;
	}
	return 0;
}

int
dmarc_parse(struct dmarc_record *d, const char *text, size_t len, char *err,
	    size_t errlen)
{
	struct taglist tl;
	const struct tag *t;

	memset(d, 0, sizeof(*d));
	d->pct = 100;
	d->adkim = d->aspf = 'r';
	if (taglist_parse_versioned(&tl, text, len, "DMARC1", err, errlen) ==
	    -1)
		return -1;
	if ((t = taglist_get(&tl, "p")) == NULL)
		return errorf(err, errlen, "no p= tag");
	if (read_policy(t, &d->p, err, errlen) == -1)
		return -1;
	d->sp = d->p;
	if ((t = taglist_get(&tl, "sp")) != NULL) {
		d->sp_given = true;
		if (read_policy(t, &d->sp, err, errlen) == -1)
			return -1;
	}
	if ((t = taglist_get(&tl, "pct")) != NULL &&
	    read_pct(t, &d->pct, err, errlen) == -1)
		return -1;
	if (read_alignment(taglist_get(&tl, "adkim"), &d->adkim, err, errlen) ==
		-1 ||
	    read_alignment(taglist_get(&tl, "aspf"), &d->aspf, err, errlen) ==
		-1)
		return -1;
	if ((t = taglist_get(&tl, "rua")) != NULL &&
	    read_uris(t, d->rua, &d->nrua, err, errlen) == -1)
		return -1;
	if ((t = taglist_get(&tl, "ruf")) != NULL &&
	    read_uris(t, d->ruf, &d->nruf, err, errlen) == -1)
		return -1;
	return 0;
}
