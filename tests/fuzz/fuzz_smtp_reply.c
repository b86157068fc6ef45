/* fuzz_smtp_reply.c - SMTP reply lines and EHLO capabilities. */
#include <string.h>

#include "proto/smtp.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct smtp_reply r;
	struct smtp_caps caps;
	char err[128];

	smtp_reply_clear(&r);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);

		if (smtp_reply_feed(&r, p, len, err, sizeof(err)) != 0) {
			if (r.done)
				smtp_caps_parse(&r, &caps);
			smtp_reply_clear(&r);
		}
		p += len + (nl != NULL);
	}
	return 0;
}
