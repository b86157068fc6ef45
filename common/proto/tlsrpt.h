/*
 * tlsrpt.h - an SMTP TLS Reporting record (RFC 8460 3): "v=TLSRPTv1" and
 * rua=, one or more mailto: or https: URIs, at _smtp._tls.DOMAIN.
 */
#ifndef IMSCHECK_TLSRPT_H
#define IMSCHECK_TLSRPT_H

#include <stdbool.h>
#include <stddef.h>

#define TLSRPT_URIS_MAX 8

struct tlsrpt_record {
	char rua[TLSRPT_URIS_MAX][256];
	size_t nrua;
};

bool tlsrpt_is_record(const char *text, size_t len);

/* Parse a record: 0, or -1 with the syntax error in err. */
int tlsrpt_parse(struct tlsrpt_record *r, const char *text, size_t len,
		 char *err, size_t errlen);

#endif
