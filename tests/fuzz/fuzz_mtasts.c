/*
 * fuzz_mtasts.c - an MTA-STS policy file as a web server sends it (and
 * the same bytes as the _mta-sts TXT record); every MX pattern of an
 * accepted policy matched against a few host names.
 */
#include "proto/mtasts.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hosts[] = {"mx1.example.com", "example.com",
					    "a.b.example.com", ".", ""};
	struct mtasts_policy p;
	struct mtasts_txt t;
	char err[160];

	mtasts_txt_parse(&t, (const char *)data, size, err, sizeof(err));
	if (mtasts_policy_parse(&p, (const char *)data, size, err,
				sizeof(err)) == -1)
		return 0;
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		mtasts_policy_match(&p, hosts[i]);
	return 0;
}
