/*
 * addr.h - IP address text: validation, canonical form, reverse names,
 * private ranges, and "IP[:PORT]" server specifications.
 */
#ifndef IMSCHECK_ADDR_H
#define IMSCHECK_ADDR_H

#include <stdbool.h>
#include <stddef.h>

/* Big enough for any canonical IPv6 text and its NUL. */
#define ADDR_TEXT_MAX 46
/* "[v6]:65535" and NUL */
#define ADDR_SERVER_MAX (ADDR_TEXT_MAX + 8)

/*
 * The canonical text of an IPv4 or IPv6 address, so that "2001:db8:0::25"
 * and "2001:db8::25" compare equal.  Returns the family (AF_INET or
 * AF_INET6), or -1 when text is not an address.
 */
int addr_canon(const char *text, char *out, size_t outsize);

/*
 * A host or domain name as a user would type it: labels of 1 to 63
 * letters, digits, hyphens (not first or last) and underscores (common in
 * the wild, though RFC 1123 has none), 253 bytes at most, an optional
 * final dot; not the root alone.
 */
bool addr_valid_name(const char *name);

/* Whether two DNS names are the same: without case, without a final dot. */
bool addr_same_name(const char *a, const char *b);

/* Whether a DNS name is really an address literal ("192.0.2.1"). */
bool addr_is_literal(const char *name);

/*
 * Loopback, RFC 1918, link-local, CGNAT (100.64/10), unspecified, and for
 * IPv6 also ULA (fc00::/7); an IPv4-mapped address as its IPv4 address.
 * Documentation ranges are not private.
 */
bool addr_is_private(const char *text);

/* "25.2.0.192.in-addr.arpa" or the ip6.arpa nibble name; 0 or -1. */
int addr_reverse_name(const char *text, char *out, size_t outsize);

/*
 * "IP", "IP:PORT", "IPv6" or "[IPv6]:PORT" into c-ares's server form
 * ("IP:PORT" or "[IPv6]:PORT", port 53 when none is given).  Returns 0, or
 * -1 when it is not such a specification.
 */
int addr_server(const char *text, char *out, size_t outsize);

/*
 * "HOST", "HOST:PORT", "IPv6" or "[IPv6]:PORT" into host and port (port
 * left as it is when none is given).  0, or -1 when malformed.
 */
int addr_hostport(const char *text, char *host, size_t hostsize,
		  unsigned *port);

#endif
