/*
 * dmarc.h - a DMARC record (RFC 7489 6.3, 6.4): the policy, the
 * subdomain policy, pct, alignment, and the reporting URIs of rua= and
 * ruf=, whose destinations outside the domain must authorise it (7.1).
 */
#ifndef IMSCHECK_DMARC_H
#define IMSCHECK_DMARC_H

#include <stdbool.h>
#include <stddef.h>

#define DMARC_URIS_MAX 8
#define DMARC_NAME_MAX 255

enum dmarc_policy { DMARC_NONE, DMARC_QUARANTINE, DMARC_REJECT };

struct dmarc_uri {
	bool mailto;			 /* else another scheme */
	char scheme[16];		 /* "mailto" */
	char domain[DMARC_NAME_MAX + 1]; /* mailto: the address's domain */
	char text[256];			 /* as written, for messages */
};

struct dmarc_record {
	enum dmarc_policy p;
	enum dmarc_policy sp; /* p when sp= is absent */
	bool sp_given;
	int pct;	  /* 100 when absent */
	char adkim, aspf; /* 'r' or 's' */
	struct dmarc_uri rua[DMARC_URIS_MAX];
	size_t nrua;
	struct dmarc_uri ruf[DMARC_URIS_MAX];
	size_t nruf;
};

/* "v=DMARC1" first, then ";" or the end (6.6.3). */
bool dmarc_is_record(const char *text, size_t len);

/* Parse a record: 0, or -1 with the syntax error in err. */
int dmarc_parse(struct dmarc_record *d, const char *text, size_t len, char *err,
		size_t errlen);

const char *dmarc_policy_name(enum dmarc_policy p);

#endif
