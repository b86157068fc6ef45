/*
 * check_ims_mx - step 7: every MX host of the domain, every address of
 * each, takes the domain's mail over STARTTLS with a certificate its
 * senders accept (PKIX or DANE), greeting with its PTR name.
 */
#include "core/plugin.h"

#include "steps/step_mx.h"

#define CONF struct step_mx_conf

static const struct opt options[] = {
    {"domain", 'D', "DOMAIN", "the mail domain whose MX hosts are checked",
     OPT_STRING_AT(CONF, domain), .flags = OPT_REQUIRED, .check = &opt_domain},
    {"server", 's', "IP[:PORT]",
     "the DNS server to ask (default: the system's resolver); DANE needs "
     "a validating one",
     OPT_STRING_AT(CONF, server), .check = &opt_server},
    SMTP_TARGET_AT(CONF, target),
    {"rcpt", 'r', "ADDR",
     "the recipient to offer every MX (default postmaster@DOMAIN)",
     OPT_STRING_AT(CONF, rcpt), .check = &opt_mail_address},
    {"starttls", 'S', NULL, "STARTTLS is required on every MX",
     OPT_FLAG_AT(CONF, target.starttls)},
    TLS_CHECK_AT(CONF, target.cert),
    {"dane", 0, NULL,
     "every MX host must have TLSA records in a signed zone (RFC 7672)",
     OPT_FLAG_AT(CONF, dane)},
    {"mta-sts", 0, NULL,
     "every MX as the domain's MTA-STS policy wants it (RFC 8461): named "
     "by the policy, STARTTLS, a certificate PKIX verifies for its name",
     OPT_FLAG_AT(CONF, mta_sts)},
    {"catch-all-test", 0, NULL,
     "a random local part of the domain must be refused at RCPT",
     OPT_FLAG_AT(CONF, catch_all_test)},
    PLUGIN_TIME_THRESHOLDS,
    PLUGIN_FAMILY,
    OPT_END,
};

const struct plugin_info check_ims_mx = {.name = "check_ims_mx",
					 .opts = options};

int
main(int argc, char **argv)
{
	struct step_mx_conf conf = {.target = {.cert = TLS_CHECK_INIT}};
	struct plugin p;

	if (plugin_start(&p, &check_ims_mx, &conf, argc, argv) &&
	    plugin_valid(&p, step_mx_validate(&conf, p.err, sizeof(p.err))))
		step_mx_run(&conf, &p.ctx, &p.result);
	return plugin_finish(&p);
}
