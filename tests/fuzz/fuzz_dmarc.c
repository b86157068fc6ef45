/* fuzz_dmarc.c - a DMARC record (RFC 7489 6.4) as a TXT answer brings it. */
#include "proto/dmarc.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmarc_record d;
	char err[160];

	if (dmarc_is_record((const char *)data, size))
		dmarc_parse(&d, (const char *)data, size, err, sizeof(err));
	return 0;
}
