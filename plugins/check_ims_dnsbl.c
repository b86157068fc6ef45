/*
 * check_ims_dnsbl - step 10: reputation: the static IP and the
 * smarthost's addresses are on none of the configured DNS blocklists.
 */
#include "core/plugin.h"

#include "steps/step_dnsbl.h"

#define CONF struct step_dnsbl_conf

static const struct opt options[] = {
    {"address", 'a', "IP", "an address to look up (the static IP)",
     OPT_LIST_AT(CONF, address, naddress), .check = &opt_ip},
    {"smarthost", 0, "HOST",
     "the smarthost (IP or name): its addresses are looked up too "
     "(profile: else smarthost.host)",
     OPT_LIST_AT(CONF, smarthost, nsmarthost), .check = &opt_host,
     .key = "smarthost.host"},
    {"list", 'l', "ZONE", "a DNS blocklist's zone",
     OPT_LIST_AT(CONF, list, nlist), .check = &opt_domain},
    {"server", 's', "IP[:PORT]",
     "DNS server to ask (default: the system resolver)",
     OPT_STRING_AT(CONF, server), .check = &opt_server},
    DNSBL_THRESHOLDS_AT(CONF, limits),
    PLUGIN_FAMILY,
    OPT_END,
};

const struct plugin_info check_ims_dnsbl = {.name = "check_ims_dnsbl",
					    .opts = options};

int
main(int argc, char **argv)
{
	struct step_dnsbl_conf conf = {0};
	struct plugin p;

	step_dnsbl_defaults(&conf);
	if (plugin_start(&p, &check_ims_dnsbl, &conf, argc, argv) &&
	    plugin_valid(&p, step_dnsbl_validate(&conf, p.err, sizeof(p.err))))
		step_dnsbl_run(&conf, &p.ctx, &p.result);
	return plugin_finish(&p);
}
