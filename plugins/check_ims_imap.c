/*
 * check_ims_imap - checklist step 3 over IMAP: IMAP clients read local
 * mailboxes, and incoming SMTP mail reaches them.
 */
#include "core/plugin.h"

#include "steps/imap_check.h"
#include "steps/step_imap.h"

#define CONF struct step_imap_conf

static const struct opt options[] = {
    {"host", 'H', "ADDR", "the IMAP server", OPT_STRING_AT(CONF, imap.host),
     .flags = OPT_REQUIRED, .check = &opt_host},
    {"port", 'p', "PORT", "its port (default 143, or 993 with --tls)",
     OPT_PORT_AT(CONF, imap.port)},
    IMAP_MAILBOX_AT(CONF, imap),
    {"quota", 0, "W[,C]",
     "the percent of INBOX's quota root in use to warn at (and critical)",
     OPT_LIMITS_AT(CONF, quota, opt_parse_percent)},
    DELIVERY_CHECK_AT(CONF, delivery),
    {"source", 0, "ADDR", "connect from this local address",
     OPT_STRING_AT(CONF, imap.source), .check = &opt_ip},
    PLUGIN_TIME_THRESHOLDS,
    PLUGIN_FAMILY,
    OPT_END,
};

const struct plugin_info check_ims_imap = {.name = "check_ims_imap",
					   .opts = options};

int
main(int argc, char **argv)
{
	struct step_imap_conf conf = {.imap = {.cert = TLS_CHECK_INIT},
				      .delivery = {.smtp = {.port = 25}},
				      .quota = OPT_LIMITS_INIT};
	struct plugin p;

	if (plugin_start(&p, &check_ims_imap, &conf, argc, argv) &&
	    plugin_valid(&p, step_imap_validate(&conf, p.err, sizeof(p.err))))
		step_imap_run(&conf, &p.ctx, &p.result);
	return plugin_finish(&p);
}
