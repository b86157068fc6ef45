/* fuzz_tlsrpt.c - a TLS-RPT record (RFC 8460 3). */
#include "proto/tlsrpt.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlsrpt_record r;
	char err[160];

	tlsrpt_parse(&r, (const char *)data, size, err, sizeof(err));
	return 0;
}
