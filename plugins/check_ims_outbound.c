/*
 * check_ims_outbound - checklist step 4: mail for every external domain is
 * routed out (the address space "*"), and the service is no open relay.
 */
#include <stdio.h>

#include "core/plugin.h"
#include "steps/step_outbound.h"

enum {
	KEY_RELAY_TEST = PLUGIN_KEY_LONG,
};

static const struct plugin_opt options[] = {
    SMTP_TARGET_OPTS("the mail service"),
    {"from", 'f', "ADDR", "an internal sender (default postmaster@DOMAIN)",
     false},
    {"rcpt", 'r', "ADDR", "an external recipient (required)", false},
    {"relay-test", KEY_RELAY_TEST, NULL,
     "run from outside: every classic relay attempt must be refused", false},
    {NULL, 0, NULL, NULL, false},
};

static int
set(void *conf, int key, const char *arg, char *err, size_t errlen)
{
	struct step_outbound_conf *c = conf;
	int rc = smtp_check_set(&c->target, key, arg, err, errlen);

	if (rc != 1)
		return rc;
	switch (key) {
	case 'f':
		c->from = arg;
		return 0;
	case 'r':
		c->rcpt = arg;
		return 0;
	case KEY_RELAY_TEST:
		c->relay_test = true;
		return 0;
	}
	snprintf(err, errlen, "unhandled option %d", key);
	return -1;
}

static int
validate(void *conf, char *err, size_t errlen)
{
	return step_outbound_validate(conf, err, errlen);
}

static void
run(void *conf, const struct run_ctx *ctx, struct result *r)
{
	step_outbound_run(conf, ctx, r);
}

static const struct plugin_info info = {
    .name = "check_ims_outbound",
    .label = "OUTBOUND",
    .section = "outbound",
    .step = 4,
    .purpose = "step 4: mail for every external domain is routed out; no "
	       "open relay",
    .synopsis = "-H ADDR [-p PORT] -D DOMAIN -r ADDR [-f ADDR] [-e NAME] "
		"[--relay-test] [--source ADDR] [-t SEC[:STATE]] [-w RANGE] "
		"[-c RANGE] [-4|-6] [-C FILE]",
    .opts = options,
    .set = set,
    .validate = validate,
    .run = run,
};

int
main(int argc, char **argv)
{
	struct step_outbound_conf conf = {.target = {.port = 25}};

	return plugin_main(&info, &conf, argc, argv);
}
