/*
 * check_ims_dns - checklist step 1: static IP; MX and A records for the
 * mail host exist in DNS (and, with --dnssec, validate).
 */
#include "core/plugin.h"

#include "steps/step_dns.h"

#define CONF struct step_dns_conf

static const struct opt options[] = {
    {"domain", 'D', "DOMAIN", "the mail domain", OPT_STRING_AT(CONF, domain),
     .flags = OPT_REQUIRED, .check = &opt_domain},
    {"address", 'a', "IP",
     "expected static IP of the mail host, among the MX addresses",
     OPT_LIST_AT(CONF, address, naddress), .check = &opt_ip},
    {"mx", 'M', "NAME", "expected MX host", OPT_LIST_AT(CONF, mx, nmx),
     .check = &opt_name},
    {"server", 's', "IP[:PORT]",
     "DNS server to ask (default: the system resolver); with several, "
     "each is asked and their answers compared",
     OPT_LIST_AT(CONF, server, nserver), .check = &opt_server},
    {"no-reverse", 0, NULL, "skip the PTR and forward-confirmation checks",
     OPT_FLAG_AT(CONF, no_reverse)},
    {"allow-private", 0, NULL, "accept private addresses for MX hosts",
     OPT_FLAG_AT(CONF, allow_private)},
    {"dnssec", 0, NULL,
     "require DNSSEC: the MX and the MX hosts' addresses must come back "
     "with AD from the (validating) server",
     OPT_FLAG_AT(CONF, dnssec)},
    {"rrsig-days", 0, "W[,C]",
     "warning (and critical) when an RRSIG of those answers expires within "
     "so many days (implies --dnssec)",
     OPT_LIMITS_AT(CONF, rrsig_days, opt_parse_days)},
    PLUGIN_TIME_THRESHOLDS,
    PLUGIN_FAMILY,
    OPT_END,
};

const struct plugin_info check_ims_dns = {.name = "check_ims_dns",
					  .opts = options};

int
main(int argc, char **argv)
{
	struct step_dns_conf conf = {.rrsig_days = OPT_LIMITS_INIT};
	struct plugin p;

	if (plugin_start(&p, &check_ims_dns, &conf, argc, argv))
		step_dns_run(&conf, &p.ctx, &p.result);
	return plugin_finish(&p);
}
