/*
 * dnsbl.h - DNS blocklists (RFC 5782): the name to ask for an address
 * (IPv4 reversed, IPv6 as 32 reversed nibbles, then the list's zone),
 * the test entries every list must carry (section 5), and what an A
 * answer means: a listing inside 127.0.0.0/8, the "query refused" codes
 * 127.255.255.252-255 that some lists give public resolvers and
 * excessive users, or an answer outside 127/8 that counts for nothing.
 */
#ifndef IMSCHECK_DNSBL_H
#define IMSCHECK_DNSBL_H

#include <stdbool.h>
#include <stddef.h>

/* "2.0.0.127.zen.example" for 127.0.0.2: 0, or -1 when it does not fit. */
int dnsbl_name(const char *addr, const char *zone, char *out, size_t size);

/* The test entries (5): the one that must be listed, the one that must not. */
const char *dnsbl_test_listed(bool ipv6);     /* 127.0.0.2, ::ffff:7f00:2 */
const char *dnsbl_test_not_listed(bool ipv6); /* 127.0.0.1, ::ffff:7f00:1 */

enum dnsbl_answer {
	DNSBL_LISTED,  /* 127.0.0.0/8, not a refusal code */
	DNSBL_REFUSED, /* 127.255.255.252 to 127.255.255.255 */
	DNSBL_FOREIGN, /* outside 127.0.0.0/8: not a listing (RFC 5782 2.1) */
};

/* What one A record of an answer means. */
enum dnsbl_answer dnsbl_classify(const char *a);

#endif
