/*
 * check_ims - the whole Internet Mail Service checklist from one site
 * profile: every step it describes, in parallel, under one deadline.
 */
#include "core/plugin.h"

#include "steps/checklist.h"

#define CONF struct checklist_conf

static const struct opt options[] = {
    {"steps", 0, "LIST", "run only these steps, e.g. 1,2,6",
     OPT_PARSE_AT(CONF, only, checklist_parse_steps)},
    {"advice", 0, NULL, "say for each failing step what to look at",
     OPT_FLAG_AT(CONF, advice)},
    OPT_END,
};

const struct plugin_info check_ims = {
    .name = "check_ims", .opts = options, .needs_profile = true};

int
main(int argc, char **argv)
{
	struct checklist_conf conf = {0};
	struct plugin p;

	if (plugin_start(&p, &check_ims, &conf, argc, argv))
		checklist_run(&conf, &p.ctx, &p.result);
	return plugin_finish(&p);
}
