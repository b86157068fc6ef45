/*
 * tlsrpt.c - TLS-RPT records by tag list: version first, rua= with
 * mailto: or https: URIs (RFC 8460 3); other fields are extensions.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "proto/tlsrpt.h"

#include "core/diag.h"

#include "proto/taglist.h"

bool
tlsrpt_is_record(const char *text, size_t len)
{
	return taglist_has_version(text, len, "TLSRPTv1");
}

/* mailto:ADDR or https://HOST...: the schemes reports may go to. */
static bool
valid_uri(const char *s, size_t len)
{
	if (len > 7 && strncasecmp(s, "mailto:", 7) == 0)
		return memchr(s + 7, '@', len - 7) != NULL && s[len - 1] != '@';
	return len > 8 && strncasecmp(s, "https://", 8) == 0;
}

int
tlsrpt_parse(struct tlsrpt_record *r, const char *text, size_t len, char *err,
	     size_t errlen)
{
	struct taglist tl;
	const struct tag *rua;
	struct tag_items it;
	const char *uri;
	size_t n;

	memset(r, 0, sizeof(*r));
	if (taglist_parse_versioned(&tl, text, len, "TLSRPTv1", err, errlen) ==
	    -1)
		return -1;
	if ((rua = taglist_get(&tl, "rua")) == NULL || rua->len == 0)
		return errorf(err, errlen, "no rua= tag");
	tag_items_init(&it, rua, ',');
	while (tag_items_next(&it, &uri, &n)) {
		if (!valid_uri(uri, n))
			return errorf(
			    err, errlen,
			    "rua '%.*s' is not a mailto: or https: URI",
			    (int)(n < 100 ? n : 100), uri);
		if (r->nrua == TLSRPT_URIS_MAX)
			return errorf(err, errlen, "more than %d rua URIs",
				      TLSRPT_URIS_MAX);
		snprintf(r->rua[r->nrua++], sizeof(r->rua[0]), "%.*s", (int)n,
			 uri);
	}
	return 0;
}
