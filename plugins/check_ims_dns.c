/*
 * check_ims_dns - checklist step 1: static IP; MX and A records for the
 * mail host exist in DNS.
 */
#include <stdio.h>
#include <string.h>

#include "core/plugin.h"
#include "steps/step_dns.h"

enum {
	KEY_NO_REVERSE = PLUGIN_KEY_LONG,
	KEY_ALLOW_PRIVATE,
};

static const struct plugin_opt options[] = {
    {"domain", 'D', "DOMAIN", "the mail domain (required)", false},
    {"address", 'a', "IP",
     "expected static IP of the mail host, among the MX addresses", true},
    {"mx", 'M', "NAME", "expected MX host", true},
    {"server", 's', "IP[:PORT]",
     "DNS server to ask (default: the system resolver); with several, "
     "each is asked and their answers compared",
     true},
    {"no-reverse", KEY_NO_REVERSE, NULL,
     "skip the PTR and forward-confirmation checks", false},
    {"allow-private", KEY_ALLOW_PRIVATE, NULL,
     "accept private addresses for MX hosts", false},
    {NULL, 0, NULL, NULL, false},
};

static int
set(void *conf, int key, const char *arg, char *err, size_t errlen)
{
	struct step_dns_conf *c = conf;

	switch (key) {
	case 'D':
		c->domain = arg;
		return 0;
	case 'a':
		return plugin_list_add("address", c->address, &c->naddress,
				       STEP_DNS_LIST_MAX, arg, err, errlen);
	case 'M':
		return plugin_list_add("mx", c->mx, &c->nmx, STEP_DNS_LIST_MAX,
				       arg, err, errlen);
	case 's':
		return plugin_list_add("server", c->server, &c->nserver,
				       DNS_SERVERS_MAX, arg, err, errlen);
	case KEY_NO_REVERSE:
		c->no_reverse = true;
		return 0;
	case KEY_ALLOW_PRIVATE:
		c->allow_private = true;
		return 0;
	}
	snprintf(err, errlen, "unhandled option %d", key);
	return -1;
}

static int
validate(void *conf, char *err, size_t errlen)
{
	return step_dns_validate(conf, err, errlen);
}

static void
run(void *conf, const struct run_ctx *ctx, struct result *r)
{
	step_dns_run(conf, ctx, r);
}

static const struct plugin_info info = {
    .name = "check_ims_dns",
    .label = "DNS",
    .section = "dns",
    .step = 1,
    .purpose = "step 1: MX and A records of the mail domain, static IP, PTR",
    .synopsis = "-D DOMAIN [-a IP]... [-M NAME]... [-s IP[:PORT]]... "
		"[--no-reverse] [--allow-private] [-t SEC[:STATE]] "
		"[-w RANGE] [-c RANGE] [-4|-6] [-C FILE]",
    .opts = options,
    .set = set,
    .validate = validate,
    .run = run,
};

int
main(int argc, char **argv)
{
	struct step_dns_conf conf = {0};

	return plugin_main(&info, &conf, argc, argv);
}
