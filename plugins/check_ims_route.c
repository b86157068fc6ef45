/*
 * check_ims_route - checklist step 5: mail for external domains leaves
 * through the smarthost with its recipient unchanged.
 */
#include <stdio.h>

#include "core/addr.h"
#include "core/diag.h"
#include "core/plugin.h"
#include "steps/step_route.h"

enum {
	KEY_POP3 = PLUGIN_KEY_LONG,
	KEY_VIA,
};

static const struct plugin_opt options[] = {
    SMTP_TARGET_OPTS("the mail service"),
    {"from", 'f', "ADDR", "the probe's sender (default: the --rcpt)", false},
    {"rcpt", 'r', "ADDR", "an external probe mailbox (required)", false},
    {"pop3", KEY_POP3, "HOST[:PORT]", "where that mailbox is read (required)",
     false},
    POP3_MAILBOX_OPTS,
    {"via", KEY_VIA, "NAME",
     "the smarthost, as its Received header names it (or its address)", false},
    {NULL, 0, NULL, NULL, false},
};

static int
set(void *conf, int key, const char *arg, char *err, size_t errlen)
{
	struct step_route_conf *c = conf;
	/* TLS and certificate options are the mailbox's: ask it first. */
	int rc = pop3_check_set(&c->pop3, key, arg, err, errlen);

	if (rc != 1 ||
	    (rc = smtp_check_set(&c->smtp, key, arg, err, errlen)) != 1)
		return rc;
	switch (key) {
	case 'f':
		c->from = arg;
		return 0;
	case 'r':
		c->rcpt = arg;
		return 0;
	case KEY_POP3:
		if (addr_hostport(arg, c->pop3_host, sizeof(c->pop3_host),
				  &c->pop3.port) == -1)
			return errorf(err, errlen,
				      "--pop3: '%.100s' is not HOST[:PORT]",
				      arg);
		c->pop3.host = c->pop3_host;
		return 0;
	case KEY_VIA:
		c->via = arg;
		return 0;
	}
	return errorf(err, errlen, "unhandled option %d", key);
}

static int
validate(void *conf, char *err, size_t errlen)
{
	struct step_route_conf *c = conf;

	c->pop3.source = c->smtp.source;
	return step_route_validate(c, err, errlen);
}

static void
run(void *conf, const struct run_ctx *ctx, struct result *r)
{
	step_route_run(conf, ctx, r);
}

static const struct plugin_info info = {
    .name = "check_ims_route",
    .label = "ROUTE",
    .section = "route",
    .step = 5,
    .purpose = "step 5: outgoing mail goes through the smarthost with its "
	       "recipient unchanged",
    .synopsis = "-H ADDR [-p PORT] -r ADDR --pop3 HOST[:PORT] -u USER "
		"[--password-file FILE] [--stls|--tls] [--via NAME] "
		"[-f ADDR] [-D DOMAIN] [-e NAME] [--source ADDR] "
		"[-t SEC[:STATE]] [-w RANGE] [-c RANGE] [-4|-6] [-C FILE]",
    .opts = options,
    .set = set,
    .validate = validate,
    .run = run,
};

int
main(int argc, char **argv)
{
	struct step_route_conf conf = {.smtp = {.port = 25},
				       .pop3 = {.cert = TLS_CHECK_INIT}};

	return plugin_main(&info, &conf, argc, argv);
}
