/*
 * check_ims_policy - step 9: the domain's published policy: SPF
 * authorises the static IP and the smarthost, DKIM selectors publish
 * usable keys, DMARC enforces, MTA-STS and TLS-RPT are sound.
 */
#include "core/plugin.h"

#include "steps/step_policy.h"

#define CONF struct step_policy_conf

static const struct opt options[] = {
    {"domain", 'D', "DOMAIN", "the mail domain (the SPF sender's domain)",
     OPT_STRING_AT(CONF, domain), .flags = OPT_REQUIRED, .check = &opt_domain},
    {"server", 's', "IP[:PORT]",
     "DNS server for every lookup, the MTA-STS host's address too "
     "(default: the system resolver)",
     OPT_STRING_AT(CONF, server), .check = &opt_server},
    {"address", 'a', "IP", "the site's static IP: SPF must pass for it",
     OPT_LIST_AT(CONF, address, naddress), .check = &opt_ip},
    {"smarthost", 0, "HOST",
     "the smarthost (IP or name): SPF must pass for its addresses "
     "(profile: else smarthost.host)",
     OPT_LIST_AT(CONF, smarthost, nsmarthost), .check = &opt_host,
     .key = "smarthost.host"},
    {"dkim-selector", 0, "SEL", "a DKIM selector whose key must be usable",
     OPT_LIST_AT(CONF, selector, nselector), .check = &opt_name},
    {"ca-file", 0, "FILE",
     "CA certificates for the MTA-STS policy's server (default: the "
     "system's)",
     OPT_STRING_AT(CONF, ca_file)},
    {"no-spf", 0, NULL, "skip SPF", OPT_FLAG_AT(CONF, no_spf)},
    {"no-dmarc", 0, NULL, "skip DMARC", OPT_FLAG_AT(CONF, no_dmarc)},
    {"no-mta-sts", 0, NULL, "skip MTA-STS", OPT_FLAG_AT(CONF, no_mta_sts)},
    {"no-tlsrpt", 0, NULL, "skip TLS-RPT", OPT_FLAG_AT(CONF, no_tlsrpt)},
    PLUGIN_TIME_THRESHOLDS,
    PLUGIN_FAMILY,
    OPT_END,
};

const struct plugin_info check_ims_policy = {.name = "check_ims_policy",
					     .opts = options};

int
main(int argc, char **argv)
{
	struct step_policy_conf conf = {0};
	struct plugin p;

	if (plugin_start(&p, &check_ims_policy, &conf, argc, argv) &&
	    plugin_valid(&p, step_policy_validate(&conf, p.err, sizeof(p.err))))
		step_policy_run(&conf, &p.ctx, &p.result);
	return plugin_finish(&p);
}
