/*
 * fuzz_dns_dnssec.c - DNSSEC answers (AD flag, RRSIG and TLSA records, read
 * by cursor) as our code takes them apart.
 */
#include "proto/dns.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"example.test", "mx.example.test",
					    "_25._tcp.mx.example.test",
					    "mx.example.test"};
	static const enum dns_type types[] = {DNS_T_MX, DNS_T_A, DNS_T_TLSA,
					      DNS_T_AAAA};
	struct dns_query q;

	if (size < 1)
		return 0;
	/* the first byte picks the question the answer is taken as */
	if (dns_query_init(&q, names[data[0] % 4], types[data[0] % 4]) == 0) {
		q.dnssec = true;
		dns_parse_answer(&q, data + 1, size - 1);
		dns_query_free(&q);
	}
	return 0;
}
