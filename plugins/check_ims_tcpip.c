/*
 * check_ims_tcpip - checklist step 6: TCP/IP host name, domain and DNS
 * server search order, run on the mail host itself.
 */
#include "core/plugin.h"

#include "steps/step_tcpip.h"

#define CONF struct step_tcpip_conf

static const struct opt options[] = {
    {"hostname", 'n', "NAME",
     "expected host name (with a dot: the expected FQDN)",
     OPT_STRING_AT(CONF, hostname), .check = &opt_hostname},
    {"domain", 'D', "DOMAIN", "expected domain", OPT_STRING_AT(CONF, domain),
     .check = &opt_domain},
    {"dns", 's', "IP", "a required DNS server; give them in their search order",
     OPT_LIST_AT(CONF, dns, ndns)},
    {"resolv-conf", 0, "FILE",
     "the resolver configuration (default " STEP_TCPIP_RESOLV_CONF ")",
     OPT_STRING_AT(CONF, resolv_conf), .check = &opt_path},
    {"address", 'a', "IP",
     "the address the FQDN must resolve to, and whose PTR must be the FQDN; "
     "one (a list of one in a profile, like the site's address)",
     OPT_LIST_AT(CONF, address, naddress), .check = &opt_ip},
    {"smtp", 0, "HOST[:PORT]",
     "the local mail service, which must greet with the FQDN (port 25)",
     OPT_HOSTPORT_AT(CONF, smtp_host, smtp_port)},
    PLUGIN_TIME_THRESHOLDS,
    PLUGIN_FAMILY,
    OPT_END,
};

const struct plugin_info check_ims_tcpip = {.name = "check_ims_tcpip",
					    .opts = options};

int
main(int argc, char **argv)
{
	struct step_tcpip_conf conf = {.smtp_port = 25};
	struct plugin p;

	if (plugin_start(&p, &check_ims_tcpip, &conf, argc, argv) &&
	    plugin_valid(&p, step_tcpip_validate(&conf, p.err, sizeof(p.err))))
		step_tcpip_run(&conf, &p.ctx, &p.result);
	return plugin_finish(&p);
}
