/*
 * fuzz_spf.c - an SPF record as a TXT answer brings it: the parser, then
 * the macro expander on every domain-spec it accepted.
 */
#include <string.h>

#include "proto/spf.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct spf_request req = {"2001:db8::cb01",
					       "strong-bad@email.example.com",
					       "mx.example.org", "example.com"};
	struct spf_record rec;
	char err[160], out[SPF_EXPANDED_MAX];

	if (spf_record_parse(&rec, (const char *)data, size, err,
			     sizeof(err)) == -1)
		return 0;
	for (size_t i = 0; i < rec.n; i++)
		if (rec.term[i].speclen > 0)
			spf_expand(&req, NULL, rec.term[i].spec,
				   rec.term[i].speclen, false, out, sizeof(out),
				   err, sizeof(err));
	/* the whole text as an explanation, too */
	spf_expand(&req, NULL, (const char *)data, size, true, out, sizeof(out),
		   err, sizeof(err));
	return 0;
}
