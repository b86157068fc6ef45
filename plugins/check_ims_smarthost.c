/*
 * check_ims_smarthost - checklist step 2: mail is forwarded to the ISP's
 * relay (smarthost), given by IP; the ISP's DNS servers answer for the
 * site's domain.
 */
#include "core/plugin.h"

#include "steps/step_smarthost.h"

#define CONF struct step_smarthost_conf

static const struct opt options[] = {
    {"host", 'H', "ADDR", "the ISP's relay (name or IP address)",
     OPT_STRING_AT(CONF, target.host), .flags = OPT_REQUIRED,
     .check = &opt_host},
    SMTP_TARGET_AT(CONF, target),
    {"domain", 'D', "DOMAIN",
     "the site's mail domain (for the sender, and with --dns)",
     OPT_STRING_AT(CONF, target.domain), .check = &opt_domain},
    SMTP_TLS_AT(CONF, target),
    {"from", 'f', "ADDR", "the sender to offer (default postmaster@DOMAIN)",
     OPT_STRING_AT(CONF, from), .check = &opt_mail_address},
    {"rcpt", 'r', "ADDR", "a recipient to offer too (then RSET)",
     OPT_STRING_AT(CONF, rcpt), .check = &opt_mail_address},
    {"dns", 0, "IP[:PORT]", "an ISP DNS server: it must answer for DOMAIN",
     OPT_LIST_AT(CONF, dns, ndns), .check = &opt_server},
    {"allow-name", 0, NULL,
     "accept a relay given by name (the checklist asks for its IP)",
     OPT_FLAG_AT(CONF, allow_name)},
    PLUGIN_TIME_THRESHOLDS,
    PLUGIN_FAMILY,
    OPT_END,
};

const struct plugin_info check_ims_smarthost = {.name = "check_ims_smarthost",
						.opts = options};

int
main(int argc, char **argv)
{
	struct step_smarthost_conf conf = {
	    .target = {.port = 25, .cert = TLS_CHECK_INIT}};
	struct plugin p;

	if (plugin_start(&p, &check_ims_smarthost, &conf, argc, argv) &&
	    plugin_valid(&p,
			 step_smarthost_validate(&conf, p.err, sizeof(p.err))))
		step_smarthost_run(&conf, &p.ctx, &p.result);
	return plugin_finish(&p);
}
