/*
 * tlsrpt.c - TLS-RPT records by tag list: version first, rua= with
 * mailto: or https: URIs (RFC 8460 3); other fields are extensions.
 */
#include <ctype.h>
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
	const char *p, *end;

	memset(r, 0, sizeof(*r));
	if (taglist_parse(&tl, text, len, err, errlen) == -1)
		return -1;
	if (tl.n == 0 || tl.tag[0].namelen != 1 || tl.tag[0].name[0] != 'v' ||
	    !tag_is(&tl.tag[0], "TLSRPTv1", true))
		return errorf(err, errlen, "does not begin with v=TLSRPTv1");
	if ((rua = taglist_get(&tl, "rua")) == NULL || rua->len == 0)
		return errorf(err, errlen, "no rua= tag");
	for (p = rua->value, end = p + rua->len; p <= end;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *e = comma ? comma : end;

		while (p < e && isspace((unsigned char)*p))
			p++;
		while (e > p && isspace((unsigned char)e[-1]))
			e--;
		if (!valid_uri(p, (size_t)(e - p)))
			return errorf(
			    err, errlen,
			    "rua '%.*s' is not a mailto: or https: URI",
			    (int)((size_t)(e - p) < 100 ? e - p : 100), p);
		if (r->nrua == TLSRPT_URIS_MAX)
			return errorf(err, errlen, "more than %d rua URIs",
				      TLSRPT_URIS_MAX);
		snprintf(r->rua[r->nrua++], sizeof(r->rua[0]), "%.*s",
			 (int)(e - p), p);
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return 0;
}
