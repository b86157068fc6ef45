/*
 * fuzz_dkim.c - a DKIM key record: its tag list, p= decoded and read by
 * OpenSSL.
 */
#include "proto/dkim.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dkim_key k;
	char err[160];

	dkim_key_parse(&k, (const char *)data, size, err, sizeof(err));
	return 0;
}
