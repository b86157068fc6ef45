/*
 * check_ims_smarthost - checklist step 2: mail is forwarded to the ISP's
 * relay (smarthost), given by IP; the ISP's DNS servers answer for the
 * site's domain.
 */
#include <math.h>
#include <stdio.h>

#include "core/plugin.h"
#include "steps/step_smarthost.h"

enum {
	KEY_DNS = PLUGIN_KEY_LONG,
	KEY_ALLOW_NAME,
};

static const struct plugin_opt options[] = {
    SMTP_TARGET_OPTS("the ISP's relay"),
    SMTP_TLS_OPTS,
    {"from", 'f', "ADDR", "the sender to offer (default postmaster@DOMAIN)",
     false},
    {"rcpt", 'r', "ADDR", "a recipient to offer too (then RSET)", false},
    {"dns", KEY_DNS, "IP[:PORT]",
     "an ISP DNS server: it must answer for DOMAIN", true},
    {"allow-name", KEY_ALLOW_NAME, NULL,
     "accept a relay given by name (the checklist asks for its IP)", false},
    {NULL, 0, NULL, NULL, false},
};

static int
set(void *conf, int key, const char *arg, char *err, size_t errlen)
{
	struct step_smarthost_conf *c = conf;
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
	case KEY_DNS:
		return plugin_list_add("dns", c->dns, &c->ndns, DNS_SERVERS_MAX,
				       arg, err, errlen);
	case KEY_ALLOW_NAME:
		c->allow_name = true;
		return 0;
	}
	snprintf(err, errlen, "unhandled option %d", key);
	return -1;
}

static int
validate(void *conf, char *err, size_t errlen)
{
	return step_smarthost_validate(conf, err, errlen);
}

static void
run(void *conf, const struct run_ctx *ctx, struct result *r)
{
	step_smarthost_run(conf, ctx, r);
}

static const struct plugin_info info = {
    .name = "check_ims_smarthost",
    .label = "SMARTHOST",
    .section = "smarthost",
    .step = 2,
    .purpose = "step 2: the ISP's relay takes our mail; the ISP's DNS "
	       "answers",
    .synopsis = "-H ADDR [-p PORT] -D DOMAIN [-e NAME] [-f ADDR] [-r ADDR] "
		"[-S|--tls] [--certificate-days W[,C]] [--ca-file FILE] "
		"[--no-verify] [--dns IP[:PORT]]... [--source ADDR] "
		"[--allow-name] [-t SEC[:STATE]] [-w RANGE] [-c RANGE] "
		"[-4|-6] [-C FILE]",
    .opts = options,
    .set = set,
    .validate = validate,
    .run = run,
};

int
main(int argc, char **argv)
{
	struct step_smarthost_conf conf = {
	    .target = {.port = 25, .cert = TLS_CHECK_INIT}};

	return plugin_main(&info, &conf, argc, argv);
}
