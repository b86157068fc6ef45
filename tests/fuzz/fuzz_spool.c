/* fuzz_spool.c - spool records, as the agent reads them. */
#include "core/spool.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spool_record rec;
	char err[256];

	if (spool_parse((const char *)data, size, &rec, err, sizeof(err)) == 0)
		result_free(&rec.result);
	return 0;
}
