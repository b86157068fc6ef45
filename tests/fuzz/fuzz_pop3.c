/*
 * fuzz_pop3.c - a POP3 status line (read as a STAT answer too), then a
 * multi-line response.
 */
#include <string.h>

#include "proto/pop3.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *text;
	struct pop3_multi m = {.max_bytes = 65536};
	char line[NET_LINE_MAX + 1];
	bool first = true;

	while (p < end && !m.done) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);

		if (len <= NET_LINE_MAX) {
			memcpy(line, p, len);
			line[len] = '\0';
			if (first && pop3_status(line, len, &text) == 1) {
				unsigned long n, octets;

				pop3_parse_stat(text, &n, &octets);
			} else if (pop3_multi_feed(&m, line, &len) == -1)
				break;
			first = false;
		}
		p += len + (nl != NULL);
	}
	return 0;
}
