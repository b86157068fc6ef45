/*
 * fuzz_dns_txt.c - DNS answers to the questions steps 9 and 10 add: TXT
 * records (strings joined) and TLSA records (parsed by cursor).
 */
#include "proto/dns.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"example.com",
					    "_25._tcp.mx.example.com"};
	static const enum dns_type types[] = {DNS_T_TXT, DNS_T_TLSA};
	struct dns_query q;

	if (size < 1)
		return 0;
	/* the first byte picks the question the answer is taken as */
	if (dns_query_init(&q, names[data[0] % 2], types[data[0] % 2]) == 0) {
		dns_parse_answer(&q, data + 1, size - 1);
		dns_query_free(&q);
	}
	return 0;
}
