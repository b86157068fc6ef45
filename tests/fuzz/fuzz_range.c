/* fuzz_range.c - threshold ranges from options and profiles. */
#include <string.h>

#include "core/range.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[64];
	struct range r;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (range_parse(text, &r) == 0)
		range_alert(&r, (double)size - 10);
	return 0;
}
