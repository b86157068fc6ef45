/* fuzz_headers.c - delivered headers: Received chain, Delivered-To, token. */
#include "proto/probe.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct probe_headers h;
	char nonce[33];
	long long t;

	if (probe_parse_headers((const char *)data, size, &h) == 0 &&
	    h.token[0] != '\0')
		probe_verify(h.token, "key", &t, nonce);
	return 0;
}
