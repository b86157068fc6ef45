/*
 * check_ims_pop3 - checklist step 3: POP3 clients read local mailboxes, and
 * incoming SMTP mail is rerouted into them.
 */
#include <stdio.h>

#include "core/addr.h"
#include "core/diag.h"
#include "core/plugin.h"
#include "steps/step_pop3.h"

enum {
	KEY_SMTP = PLUGIN_KEY_LONG,
	KEY_RCPT,
	KEY_ROUND_TRIP,
	KEY_SOURCE,
};

static const struct plugin_opt options[] = {
    {"host", 'H', "ADDR", "the POP3 server (required)", false},
    {"port", 'p', "PORT", "its port (default 110, or 995 with --tls)", false},
    POP3_MAILBOX_OPTS,
    {"smtp", KEY_SMTP, "HOST[:PORT]", "the mail service (SMTP)", false},
    {"rcpt", KEY_RCPT, "ADDR",
     "a local mailbox the service must accept over SMTP", false},
    {"from", 'f', "ADDR", "the probe's sender (default: the --rcpt)", false},
    {"round-trip", KEY_ROUND_TRIP, NULL,
     "send a probe to --rcpt through --smtp and wait for it here", false},
    {"source", KEY_SOURCE, "ADDR", "connect from this local address", false},
    {NULL, 0, NULL, NULL, false},
};

static int
set(void *conf, int key, const char *arg, char *err, size_t errlen)
{
	struct step_pop3_conf *c = conf;
	unsigned long port;
	int rc = pop3_check_set(&c->pop3, key, arg, err, errlen);

	if (rc != 1)
		return rc;
	switch (key) {
	case 'H':
		c->pop3.host = arg;
		return 0;
	case 'p':
		if (plugin_parse_uint("port", arg, 65535, &port, err, errlen) ==
			-1 ||
		    port == 0)
			return errorf(err, errlen,
				      "--port: '%s' is not a port number", arg);
		c->pop3.port = (unsigned)port;
		return 0;
	case KEY_SMTP:
		if (addr_hostport(arg, c->smtp_host, sizeof(c->smtp_host),
				  &c->smtp.port) == -1)
			return errorf(err, errlen,
				      "--smtp: '%.100s' is not HOST[:PORT]",
				      arg);
		c->smtp.host = c->smtp_host;
		return 0;
	case KEY_RCPT:
		c->rcpt = arg;
		return 0;
	case 'f':
		c->from = arg;
		return 0;
	case KEY_ROUND_TRIP:
		c->round_trip = true;
		return 0;
	case KEY_SOURCE:
		c->pop3.source = c->smtp.source = arg;
		return 0;
	}
	return errorf(err, errlen, "unhandled option %d", key);
}

static int
validate(void *conf, char *err, size_t errlen)
{
	return step_pop3_validate(conf, err, errlen);
}

static void
run(void *conf, const struct run_ctx *ctx, struct result *r)
{
	step_pop3_run(conf, ctx, r);
}

static const struct plugin_info info = {
    .name = "check_ims_pop3",
    .label = "POP3",
    .section = "pop3",
    .step = 3,
    .purpose = "step 3: POP3 mailboxes, and incoming SMTP mail rerouted "
	       "into them",
    .synopsis = "-H ADDR [-p PORT] [--tls|--stls] [-u USER "
		"[--password-file FILE]] [--smtp HOST[:PORT] --rcpt ADDR "
		"[--round-trip] [-f ADDR]] [--certificate-days W[,C]] "
		"[--ca-file FILE] [--no-verify] [--source ADDR] "
		"[-t SEC[:STATE]] [-w RANGE] [-c RANGE] [-4|-6] [-C FILE]",
    .opts = options,
    .set = set,
    .validate = validate,
    .run = run,
};

int
main(int argc, char **argv)
{
	struct step_pop3_conf conf = {.pop3 = {.cert = TLS_CHECK_INIT},
				      .smtp = {.port = 25}};

	return plugin_main(&info, &conf, argc, argv);
}
