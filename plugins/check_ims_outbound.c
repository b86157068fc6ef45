/*
 * check_ims_outbound - checklist step 4: mail for every external domain is
 * routed out (the address space "*"), and the service is no open relay.
 */
#include "core/plugin.h"

#include "steps/step_outbound.h"

#define CONF struct step_outbound_conf

static const struct opt options[] = {
    {"host", 'H', "ADDR", "the mail service (name or IP address)",
     OPT_STRING_AT(CONF, target.host), .flags = OPT_REQUIRED,
     .check = &opt_host},
    SMTP_TARGET_AT(CONF, target),
    {"rcpt", 'r', "ADDR", "an external recipient", OPT_STRING_AT(CONF, rcpt),
     .flags = OPT_REQUIRED, .check = &opt_mail_address,
     .what = "an external recipient"},
    {"domain", 'D', "DOMAIN", "the site's mail domain",
     OPT_STRING_AT(CONF, target.domain), .flags = OPT_REQUIRED,
     .check = &opt_domain},
    {"from", 'f', "ADDR", "an internal sender (default postmaster@DOMAIN)",
     OPT_STRING_AT(CONF, from), .check = &opt_mail_address},
    {"relay-test", 0, NULL,
     "run from outside: every classic relay attempt must be refused",
     OPT_FLAG_AT(CONF, relay_test)},
    PLUGIN_TIME_THRESHOLDS,
    PLUGIN_FAMILY,
    OPT_END,
};

const struct plugin_info check_ims_outbound = {.name = "check_ims_outbound",
					       .opts = options};

int
main(int argc, char **argv)
{
	struct step_outbound_conf conf = {.target = {.port = 25}};
	struct plugin p;

	if (plugin_start(&p, &check_ims_outbound, &conf, argc, argv))
		step_outbound_run(&conf, &p.ctx, &p.result);
	return plugin_finish(&p);
}
