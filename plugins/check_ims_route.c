/*
 * check_ims_route - checklist step 5: mail for external domains leaves
 * through the smarthost with its recipient unchanged.
 */
#include "core/plugin.h"

#include "steps/pop3_check.h"
#include "steps/step_route.h"

#define CONF struct step_route_conf

static const struct opt options[] = {
    {"host", 'H', "ADDR", "the mail service (name or IP address)",
     OPT_STRING_AT(CONF, smtp.host), .flags = OPT_REQUIRED, .check = &opt_host},
    SMTP_TARGET_AT(CONF, smtp),
    {"domain", 'D', "DOMAIN", "the site's mail domain (for the EHLO name)",
     OPT_STRING_AT(CONF, smtp.domain), .check = &opt_domain},
    {"from", 'f', "ADDR", "the probe's sender (default: the --rcpt)",
     OPT_STRING_AT(CONF, from), .check = &opt_mail_address},
    {"rcpt", 'r', "ADDR", "an external probe mailbox",
     OPT_STRING_AT(CONF, rcpt), .flags = OPT_REQUIRED,
     .check = &opt_mail_address, .what = "the external probe mailbox"},
    {"pop3", 0, "HOST[:PORT]", "where that mailbox is read over POP3",
     OPT_HOSTPORT_AT(CONF, mailbox.host, mailbox.port), .flags = OPT_EXCLUSIVE},
    {"imap", 0, "HOST[:PORT]", "or over IMAP (its INBOX)",
     OPT_HOSTPORT_AT(CONF, imap_host, imap_port)},
    POP3_MAILBOX_AT(CONF, mailbox),
    {"via", 0, "NAME",
     "the smarthost, as its Received header names it (or its address)",
     OPT_STRING_AT(CONF, via), .check = &opt_host},
    PLUGIN_TIME_THRESHOLDS,
    PLUGIN_FAMILY,
    OPT_END,
};

const struct plugin_info check_ims_route = {
    .name = "check_ims_route", .opts = options, .requires = {"user"}};

int
main(int argc, char **argv)
{
	struct step_route_conf conf = {.smtp = {.port = 25},
				       .mailbox = {.cert = TLS_CHECK_INIT}};
	struct plugin p;

	if (plugin_start(&p, &check_ims_route, &conf, argc, argv) &&
	    plugin_valid(&p, step_route_validate(&conf, p.err, sizeof(p.err))))
		step_route_run(&conf, &p.ctx, &p.result);
	return plugin_finish(&p);
}
