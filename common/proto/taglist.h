/*
 * taglist.h - "tag=value; tag=value" lists, the syntax that DKIM key
 * records (RFC 6376 3.2), DMARC (RFC 7489 6.4), MTA-STS's TXT record
 * (RFC 8461 3.1) and TLS-RPT (RFC 8460 3) share.  Parsed with a cursor
 * that fails on a tag without "=", an empty or repeated name, or a byte
 * outside the value characters; values point into the text parsed.
 */
#ifndef IMSCHECK_TAGLIST_H
#define IMSCHECK_TAGLIST_H

#include <stdbool.h>
#include <stddef.h>

#define TAGLIST_MAX 32 /* tags one list may hold */

struct tag {
	const char *name;
	size_t namelen;
	const char *value; /* without surrounding whitespace */
	size_t len;
};

struct taglist {
	struct tag tag[TAGLIST_MAX];
	size_t n;
};

/* Parse text (len bytes): 0, or -1 with the reason in err. */
int taglist_parse(struct taglist *tl, const char *text, size_t len, char *err,
		  size_t errlen);

/*
 * Parse a record that must begin with the tag v=VERSION (DMARC, MTA-STS,
 * TLS-RPT): 0, or -1 with the reason in err.
 */
int taglist_parse_versioned(struct taglist *tl, const char *text, size_t len,
			    const char *version, char *err, size_t errlen);

/* The items of a list value ("a, b", "sha1:sha256"), each trimmed. */
struct tag_items {
	const char *p;
	const char *end;
	char sep;
	bool done;
};

void tag_items_init(struct tag_items *it, const struct tag *t, char sep);
/* The next item into item and len; false after the last. */
bool tag_items_next(struct tag_items *it, const char **item, size_t *len);

/* The tag of that name (case-sensitive, as the RFCs say), or NULL. */
const struct tag *taglist_get(const struct taglist *tl, const char *name);

/* Whether the tag's value is text exactly (case as cs says). */
bool tag_is(const struct tag *t, const char *text, bool cs);

/*
 * Whether text (len bytes) begins with the version tag "v=VERSION" and
 * then ends, or goes on with ";" (after optional whitespace): how DMARC,
 * MTA-STS and TLS-RPT tell their records among a name's TXT records.
 */
bool taglist_has_version(const char *text, size_t len, const char *version);

#endif
