/*
 * addr.c - IP address text.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/addr.h"

int
addr_canon(const char *text, char *out, size_t outsize)
{
	unsigned char bin[16];

	if (inet_pton(AF_INET, text, bin) == 1)
		return inet_ntop(AF_INET, bin, out, (socklen_t)outsize)
			   ? AF_INET
			   : -1;
	if (inet_pton(AF_INET6, text, bin) == 1)
		return inet_ntop(AF_INET6, bin, out, (socklen_t)outsize)
			   ? AF_INET6
			   : -1;
	return -1;
}

/* A label: letters, digits, hyphens (not at either end) and underscores. */
static bool
valid_label(const char *label, size_t len)
{
	if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)label[i]) && label[i] != '-' &&
		    label[i] != '_')
			return false;
	return true;
}

bool
addr_valid_name(const char *name)
{
	size_t len = strlen(name);
	const char *label = name, *dot;

	if (len > 0 && name[len - 1] == '.')
		len--; /* the root's dot of a fully qualified name */
	if (len == 0 || len > 253)
		return false;
	for (; (dot = memchr(label, '.', len - (size_t)(label - name))) != NULL;
	     label = dot + 1)
		if (!valid_label(label, (size_t)(dot - label)))
			return false;
	return valid_label(label, len - (size_t)(label - name));
}

bool
addr_same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

bool
addr_is_literal(const char *name)
{
	char tmp[ADDR_TEXT_MAX + 2], canon[ADDR_TEXT_MAX];
	size_t len = strlen(name);

	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, name, len + 1);
	if (tmp[len - 1] == '.') /* "192.0.2.1." as an MX target */
		tmp[len - 1] = '\0';
	return addr_canon(tmp, canon, sizeof(canon)) != -1;
}

static bool
v4_private(const unsigned char *a)
{
	return a[0] == 0 || a[0] == 10 || a[0] == 127 ||
	       (a[0] == 100 && (a[1] & 0xc0) == 64) ||
	       (a[0] == 169 && a[1] == 254) ||
	       (a[0] == 172 && (a[1] & 0xf0) == 16) ||
	       (a[0] == 192 && a[1] == 168);
}

bool
addr_is_private(const char *text)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0,	   0,
						 0, 0, 0, 0, 0xff, 0xff};
	static const unsigned char zero[16];
	unsigned char a[16];

	if (inet_pton(AF_INET, text, a) == 1)
		return v4_private(a);
	if (inet_pton(AF_INET6, text, a) != 1)
		return false;
	if (memcmp(a, mapped, sizeof(mapped)) == 0)
		return v4_private(a + 12);
	return memcmp(a, zero, 15) == 0 ||		/* :: and ::1 */
	       (a[0] & 0xfe) == 0xfc ||			/* fc00::/7 */
	       (a[0] == 0xfe && (a[1] & 0xc0) == 0x80); /* fe80::/10 */
}

int
addr_reverse_name(const char *text, char *out, size_t outsize)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char a[16];
	size_t n = 0;
	int len;

	if (inet_pton(AF_INET, text, a) == 1) {
		len = snprintf(out, outsize, "%u.%u.%u.%u.in-addr.arpa", a[3],
			       a[2], a[1], a[0]);
		return len > 0 && (size_t)len < outsize ? 0 : -1;
	}
	if (inet_pton(AF_INET6, text, a) != 1 || outsize < 64 + 9)
		return -1;
	for (int i = 15; i >= 0; i--) {
		out[n++] = hex[a[i] & 0xf];
		out[n++] = '.';
		out[n++] = hex[a[i] >> 4];
		out[n++] = '.';
	}
	memcpy(out + n, "ip6.arpa", sizeof("ip6.arpa"));
	return 0;
}

/* The port after a colon: 1..65535, digits only. */
static int
parse_port(const char *text, unsigned *port)
{
	char *end;
	unsigned long n;

	if (text[0] < '0' || text[0] > '9')
		return -1;
	n = strtoul(text, &end, 10);
	if (*end != '\0' || n == 0 || n > 65535)
		return -1;
	*port = (unsigned)n;
	return 0;
}

int
addr_server(const char *text, char *out, size_t outsize)
{
	char host[ADDR_TEXT_MAX + 1], canon[ADDR_TEXT_MAX];
	const char *colon = strrchr(text, ':'), *close;
	unsigned port = 53;
	size_t len;
	int family, n;

	if (text[0] == '[') { /* [IPv6]:PORT */
		if ((close = strchr(text, ']')) == NULL || close[1] != ':' ||
		    parse_port(close + 2, &port) == -1)
			return -1;
		len = (size_t)(close - text - 1);
		if (len >= sizeof(host))
			return -1;
		memcpy(host, text + 1, len);
		host[len] = '\0';
		if (addr_canon(host, canon, sizeof(canon)) != AF_INET6)
			return -1;
		family = AF_INET6;
	} else if (colon != NULL && strchr(text, ':') == colon) {
		/* one colon: IPv4:PORT */
		len = (size_t)(colon - text);
		if (len >= sizeof(host) || parse_port(colon + 1, &port) == -1)
			return -1;
		memcpy(host, text, len);
		host[len] = '\0';
		if ((family = addr_canon(host, canon, sizeof(canon))) !=
		    AF_INET)
			return -1;
	} else if ((family = addr_canon(text, canon, sizeof(canon))) == -1) {
		return -1;
	}
	n = family == AF_INET6 ? snprintf(out, outsize, "[%s]:%u", canon, port)
			       : snprintf(out, outsize, "%s:%u", canon, port);
	return n > 0 && (size_t)n < outsize ? 0 : -1;
}

int
addr_hostport(const char *text, char *host, size_t hostsize, unsigned *port)
{
	const char *colon = strrchr(text, ':'), *close;
	size_t len;

	if (text[0] == '[') {
		if ((close = strchr(text, ']')) == NULL ||
		    (close[1] != '\0' &&
		     (close[1] != ':' || parse_port(close + 2, port) == -1)))
			return -1;
		len = (size_t)(close - text - 1);
		text++;
	} else if (colon != NULL && strchr(text, ':') == colon) {
		if (parse_port(colon + 1, port) == -1)
			return -1;
		len = (size_t)(colon - text);
	} else {
		len = strlen(text);
	}
	if (len == 0 || len >= hostsize)
		return -1;
	memcpy(host, text, len);
	host[len] = '\0';
	return addr_valid_name(host) || addr_is_literal(host) ? 0 : -1;
}
