/*
 * dnsbl.c - blocklist names and answers (RFC 5782 2.1, 2.4, 5).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "proto/dnsbl.h"

int
dnsbl_name(const char *addr, const char *zone, char *out, size_t size)
{
	unsigned char b[16];
	size_t len = 0;
	int n;

	if (inet_pton(AF_INET, addr, b) == 1) {
		n = snprintf(out, size, "%u.%u.%u.%u.%s", b[3], b[2], b[1],
			     b[0], zone);
		return n > 0 && (size_t)n < size ? 0 : -1;
	}
	if (inet_pton(AF_INET6, addr, b) != 1)
		return -1;
	for (int i = 15; i >= 0 && len < size; i--)
		len += (size_t)snprintf(out + len, size - len, "%x.%x.",
					b[i] & 15, b[i] >> 4);
	if (len >= size)
		return -1;
	n = snprintf(out + len, size - len, "%s", zone);
	return n >= 0 && (size_t)n < size - len ? 0 : -1;
}

const char *
dnsbl_test_listed(bool ipv6)
{
	return ipv6 ? "::ffff:7f00:2" : "127.0.0.2";
}

const char *
dnsbl_test_not_listed(bool ipv6)
{
	return ipv6 ? "::ffff:7f00:1" : "127.0.0.1";
}

enum dnsbl_answer
dnsbl_classify(const char *a)
{
	unsigned char b[4];

	if (inet_pton(AF_INET, a, b) != 1 || b[0] != 127)
		return DNSBL_FOREIGN;
	if (b[1] == 255 && b[2] == 255 && b[3] >= 252)
		return DNSBL_REFUSED;
	return DNSBL_LISTED;
}
