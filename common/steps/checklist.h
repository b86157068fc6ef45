/*
 * checklist.h - the whole checklist at once: every step the site profile
 * describes, each run as its own plugin, in parallel, under one deadline,
 * summed up in checklist order.
 */
#ifndef IMSCHECK_CHECKLIST_H
#define IMSCHECK_CHECKLIST_H

#include <stdbool.h>

#include "core/options.h"
#include "core/result.h"
#include "core/run.h"

#define CHECKLIST_RUNS_MAX 32 /* steps run at once, at most */

struct checklist_conf {
	unsigned long only; /* --steps: bit N set for step N; 0: all */
	bool advice;
};

/* --steps "1,2,6" into an unsigned long of bits (checklist_conf.only). */
int checklist_parse_steps(const struct opt *o, void *field, const char *arg,
			  char *err, size_t errlen);
void checklist_run(const struct checklist_conf *conf, const struct run_ctx *ctx,
		   struct result *r);

#endif
