/*
 * check_ims_pop3 - checklist step 3: POP3 clients read local mailboxes, and
 * incoming SMTP mail is rerouted into them.
 */
#include "core/plugin.h"

#include "steps/step_pop3.h"

#define CONF struct step_pop3_conf

static const struct opt options[] = {
    {"host", 'H', "ADDR", "the POP3 server", OPT_STRING_AT(CONF, pop3.host),
     .flags = OPT_REQUIRED, .check = &opt_host},
    {"port", 'p', "PORT", "its port (default 110, or 995 with --tls)",
     OPT_PORT_AT(CONF, pop3.port)},
    POP3_MAILBOX_AT(CONF, pop3),
    DELIVERY_CHECK_AT(CONF, delivery),
    {"source", 0, "ADDR", "connect from this local address",
     OPT_STRING_AT(CONF, pop3.source), .check = &opt_ip},
    PLUGIN_TIME_THRESHOLDS,
    PLUGIN_FAMILY,
    OPT_END,
};

const struct plugin_info check_ims_pop3 = {.name = "check_ims_pop3",
					   .opts = options};

int
main(int argc, char **argv)
{
	struct step_pop3_conf conf = {.pop3 = {.cert = TLS_CHECK_INIT},
				      .delivery = {.smtp = {.port = 25}}};
	struct plugin p;

	if (plugin_start(&p, &check_ims_pop3, &conf, argc, argv) &&
	    plugin_valid(&p, step_pop3_validate(&conf, p.err, sizeof(p.err))))
		step_pop3_run(&conf, &p.ctx, &p.result);
	return plugin_finish(&p);
}
