/*
 * resolvconf.h - resolv.conf as the C library reads it, parsed by us so
 * that a check can name every line the resolvers skip without a word.
 *
 * The parser is a function over bytes: it keeps what glibc would use
 * (the first three nameservers, the last domain or search line, the
 * options) and, with its line number, every line glibc ignores or reads
 * differently from what its author meant.
 */
#ifndef IMSCHECK_RESOLVCONF_H
#define IMSCHECK_RESOLVCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/addr.h"

#include "proto/dns.h"

#define RESOLVCONF_READ_MAX	65536 /* bytes of the file read */
#define RESOLVCONF_LINE_MAX	1024  /* longer lines are not read */
#define RESOLVCONF_MAXNS	3     /* glibc MAXNS: nameservers used */
#define RESOLVCONF_SEARCH_MAX	6     /* search domains kept */
#define RESOLVCONF_PROBLEMS_MAX 16
#define RESOLVCONF_TEXT_MAX	192

struct resolvconf_ns {
	char addr[ADDR_TEXT_MAX]; /* canonical, without an IPv6 scope */
	unsigned line;
};

struct resolvconf_problem {
	unsigned line; /* 0: the file as a whole */
	char text[RESOLVCONF_TEXT_MAX];
};

struct resolvconf {
	struct resolvconf_ns ns[RESOLVCONF_MAXNS]; /* in use, in order */
	size_t nns;
	size_t ns_ignored; /* valid nameservers beyond RESOLVCONF_MAXNS */

	/* The local domain: of the last "domain" or "search" line. */
	char domain[DNS_NAME_MAX + 1];
	unsigned domain_line;
	char search[RESOLVCONF_SEARCH_MAX][DNS_NAME_MAX + 1];
	size_t nsearch;

	/* "options": -1 when not given; values capped as glibc does. */
	int timeout;
	int attempts;
	int ndots;
	bool rotate;

	struct resolvconf_problem problem[RESOLVCONF_PROBLEMS_MAX];
	size_t nproblem;
	size_t problems_dropped;
	unsigned lines;
};

/* Parse len bytes of resolv.conf text into rc. */
void resolvconf_parse(struct resolvconf *rc, const char *data, size_t len);

/*
 * Read and parse a file, at most RESOLVCONF_READ_MAX bytes of it (a
 * longer file is a problem of rc).  Returns 0, or -1 with the reason in
 * err when the file cannot be read.
 */
int resolvconf_read(struct resolvconf *rc, const char *path, char *err,
		    size_t errlen);

#endif
