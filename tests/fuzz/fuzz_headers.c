/*
 * fuzz_headers.c - delivered headers (Received chain, Delivered-To,
 * token) and the verdict on a whole message.
 */
#include "proto/probe.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct probe_headers h;
	struct probe_token tk;

	probe_verify_message((const char *)data, size, "key", &h, &tk);
	return 0;
}
