/*
 * check_ims_submission - step 8: mail clients submit on 587 (STARTTLS,
 * then AUTH) or 465 (implicit TLS); no AUTH in cleartext; no relay
 * without AUTH.
 */
#include "core/plugin.h"

#include "steps/step_submission.h"

#define CONF struct step_submission_conf

static const struct opt options[] = {
    {"host", 'H', "ADDR", "the submission server (name or IP address)",
     OPT_STRING_AT(CONF, target.host), .flags = OPT_REQUIRED,
     .check = &opt_host},
    {"port", 'p', "PORT", "its port (default 587, or 465 with --tls)",
     OPT_PORT_AT(CONF, target.port)},
    {"tls", 0, NULL,
     "implicit TLS (submissions, RFC 8314); without it STARTTLS is "
     "required",
     OPT_FLAG_AT(CONF, target.tls)},
    TLS_CHECK_AT(CONF, target.cert),
    {"user", 'u', "USER",
     "log in as this user over TLS (AUTH PLAIN, else LOGIN)",
     OPT_STRING_AT(CONF, user)},
    {"password-file", 0, "FILE",
     "the password's file (or set IMSCHECK_PASSWORD)",
     OPT_STRING_AT(CONF, password_file), .check = &opt_path},
    {"from", 'f', "ADDR",
     "the sender to offer (default: the user, when it is a mail address)",
     OPT_STRING_AT(CONF, from), .check = &opt_mail_address},
    {"rcpt", 'r', "ADDR",
     "an external recipient, offered after AUTH (then RSET)",
     OPT_STRING_AT(CONF, rcpt), .check = &opt_mail_address},
    {"relay-test", 0, NULL, "before AUTH, the server must refuse the --rcpt",
     OPT_FLAG_AT(CONF, relay_test)},
    {"ehlo", 'e', "NAME", "the name to greet with (default: this host's name)",
     OPT_STRING_AT(CONF, target.ehlo), .check = &opt_ehlo},
    {"source", 0, "ADDR", "connect from this local address",
     OPT_STRING_AT(CONF, target.source), .check = &opt_ip},
    PLUGIN_TIME_THRESHOLDS,
    PLUGIN_FAMILY,
    OPT_END,
};

const struct plugin_info check_ims_submission = {.name = "check_ims_submission",
						 .opts = options};

int
main(int argc, char **argv)
{
	struct step_submission_conf conf = {.target = {.cert = TLS_CHECK_INIT}};
	struct plugin p;

	if (plugin_start(&p, &check_ims_submission, &conf, argc, argv) &&
	    plugin_valid(&p,
			 step_submission_validate(&conf, p.err, sizeof(p.err))))
		step_submission_run(&conf, &p.ctx, &p.result);
	return plugin_finish(&p);
}
