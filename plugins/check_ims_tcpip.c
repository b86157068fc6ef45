/*
 * check_ims_tcpip - checklist step 6: TCP/IP host name, domain and DNS
 * server search order, run on the mail host itself.
 */
#include <stdio.h>

#include "core/addr.h"
#include "core/diag.h"
#include "core/plugin.h"
#include "steps/step_tcpip.h"

enum {
	KEY_RESOLV_CONF = PLUGIN_KEY_LONG,
	KEY_SMTP,
};

static const struct plugin_opt options[] = {
    {"hostname", 'n', "NAME",
     "expected host name (with a dot: the expected FQDN)", false},
    {"domain", 'D', "DOMAIN", "expected domain", false},
    {"dns", 's', "IP", "a required DNS server; give them in their search order",
     true},
    {"resolv-conf", KEY_RESOLV_CONF, "FILE",
     "the resolver configuration (default " STEP_TCPIP_RESOLV_CONF ")", false},
    {"address", 'a', "IP",
     "the address the FQDN must resolve to, and whose PTR must be the FQDN; "
     "one (a list of one in a profile, like the site's address)",
     true},
    {"smtp", KEY_SMTP, "HOST[:PORT]",
     "the local mail service, which must greet with the FQDN (port 25)", false},
    {NULL, 0, NULL, NULL, false},
};

static int
set(void *conf, int key, const char *arg, char *err, size_t errlen)
{
	struct step_tcpip_conf *c = conf;

	switch (key) {
	case 'n':
		c->hostname = arg;
		return 0;
	case 'D':
		c->domain = arg;
		return 0;
	case 's':
		return plugin_list_add("dns", c->dns, &c->ndns, DNS_SERVERS_MAX,
				       arg, err, errlen);
	case KEY_RESOLV_CONF:
		c->resolv_conf = arg;
		return 0;
	case 'a':
		/* A list in the profile, shared with step 1: one entry here. */
		return plugin_list_add("address", &c->address, &c->naddress, 1,
				       arg, err, errlen);
	case KEY_SMTP:
		if (addr_hostport(arg, c->smtp_host, sizeof(c->smtp_host),
				  &c->smtp_port) == -1)
			return errorf(err, errlen,
				      "--smtp: '%.100s' is not HOST[:PORT]",
				      arg);
		c->smtp = true;
		return 0;
	}
	snprintf(err, errlen, "unhandled option %d", key);
	return -1;
}

static int
validate(void *conf, char *err, size_t errlen)
{
	return step_tcpip_validate(conf, err, errlen);
}

static void
run(void *conf, const struct run_ctx *ctx, struct result *r)
{
	step_tcpip_run(conf, ctx, r);
}

static const struct plugin_info info = {
    .name = "check_ims_tcpip",
    .label = "TCPIP",
    .section = "tcpip",
    .step = 6,
    .purpose = "step 6: host name, domain, DNS servers in search order",
    .synopsis = "[-n NAME] [-D DOMAIN] [-s IP]... [--resolv-conf FILE] "
		"[-a IP] [--smtp HOST[:PORT]] [-t SEC[:STATE]] [-w RANGE] "
		"[-c RANGE] [-4|-6] [-C FILE]",
    .opts = options,
    .set = set,
    .validate = validate,
    .run = run,
};

int
main(int argc, char **argv)
{
	struct step_tcpip_conf conf = {.smtp_port = 25};

	return plugin_main(&info, &conf, argc, argv);
}
