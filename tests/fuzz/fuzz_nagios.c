/* fuzz_nagios.c - a plugin's output, as check_ims and the agent read it. */
#include "core/nagios.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result r;

	result_init(&r, "FUZZ");
	nagios_parse((const char *)data, size, size % 5, &r);
	result_free(&r);
	return 0;
}
