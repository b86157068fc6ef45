/* fuzz_resolvconf.c - resolv.conf as check_ims_tcpip reads it. */
#include "proto/resolvconf.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct resolvconf rc;

	resolvconf_parse(&rc, (const char *)data, size);
	return 0;
}
