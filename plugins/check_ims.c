/*
 * check_ims - the whole Internet Mail Service checklist from one site
 * profile: every step it describes, in parallel, under one deadline.
 */
#include <stdio.h>

#include "steps/checklist.h"
#include "core/diag.h"
#include "core/plugin.h"

enum {
	KEY_STEPS = PLUGIN_KEY_LONG,
	KEY_ADVICE,
};

static const struct plugin_opt options[] = {
    {"steps", KEY_STEPS, "LIST", "run only these steps, e.g. 1,2,6", false},
    {"advice", KEY_ADVICE, NULL, "say for each failing step what to look at",
     false},
    {NULL, 0, NULL, NULL, false},
};

static int
set(void *conf, int key, const char *arg, char *err, size_t errlen)
{
	struct checklist_conf *c = conf;

	switch (key) {
	case KEY_STEPS:
		return checklist_parse_steps(c, arg, err, errlen);
	case KEY_ADVICE:
		c->advice = true;
		return 0;
	}
	return errorf(err, errlen, "unhandled option %d", key);
}

static void
run(void *conf, const struct run_ctx *ctx, struct result *r)
{
	if (ctx->profile == NULL) {
		result_fail(r, STATE_UNKNOWN, "-C/--config FILE is required");
		return;
	}
	checklist_run(conf, ctx, r);
}

static const struct plugin_info info = {
    .name = "check_ims",
    .label = "IMS",
    .section = "checklist",
    .step = 0,
    .purpose = "the whole Internet Mail Service checklist from a site "
	       "profile",
    .synopsis = "-C FILE [--steps LIST] [--advice] [-t SEC[:STATE]] [-v]",
    .opts = options,
    .set = set,
    .validate = NULL,
    .run = run,
};

int
main(int argc, char **argv)
{
	struct checklist_conf conf = {0};

	return plugin_main(&info, &conf, argc, argv);
}
