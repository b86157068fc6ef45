/*
 * plugin.h - what every plugin shares: the standard options, the site
 * profile as option defaults, the deadline, rendering and the exit code.
 *
 * A plugin is its option table (options.h), an info block naming its
 * registry entry, and a main of three calls:
 *
 *	struct plugin p;
 *
 *	if (plugin_start(&p, &check_ims_dns, &conf, argc, argv) &&
 *	    plugin_valid(&p, step_dns_validate(&conf, p.err, sizeof(p.err))))
 *		step_dns_run(&conf, &p.ctx, &p.result);
 *	return plugin_finish(&p);
 *
 * plugin_start() parses the command line and the profile under the one
 * deadline, plugin_finish() publishes the result, prints it and gives the
 * exit code (Postfix single_server_main, curl operate).
 */
#ifndef IMSCHECK_PLUGIN_H
#define IMSCHECK_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/options.h"
#include "core/registry.h"
#include "core/result.h"
#include "core/run.h"

#define PLUGIN_ERR_MAX 512

struct plugin_info {
	const char *name;	 /* "check_ims_dns": its registry entry */
	const struct opt *opts;	 /* its own options */
	bool needs_profile;	 /* -C is required (check_ims) */
	const char *requires[4]; /* options of its groups it requires */
};

/* One run of a plugin: the standard options as parsed, and the result. */
struct plugin {
	const struct plugin_info *info;
	const struct step_def *def; /* its registry entry */
	struct run_ctx ctx;	    /* -t, -v, -w, -c, -4/-6, -C */
	const char *spool;	    /* --spool: publish the result there */
	const char *id;		    /* --id: its name there */
	bool help, version;	    /* -h, -V: answered, nothing run */
	struct opt_set opts;
	struct result result;
	bool ran;	/* the check ran: its result is published */
	double started; /* Unix time the check started, for the record */
	char err[PLUGIN_ERR_MAX];
};

/*
 * Groups of standard options for a plugin's table, where they apply: the
 * -w/-c thresholds on the check's time, and -4/-6.
 */
extern const struct opt plugin_time_thresholds[];
extern const struct opt plugin_family[];
#define PLUGIN_TIME_THRESHOLDS                                                 \
	{                                                                      \
		.kind = OPT_GROUP, .flags = OPT_STANDARD,                      \
		.group = plugin_time_thresholds                                \
	}
#define PLUGIN_FAMILY                                                          \
	{                                                                      \
		.kind = OPT_GROUP, .flags = OPT_STANDARD,                      \
		.group = plugin_family                                         \
	}

/*
 * Parse the command line and the profile into conf and p->ctx.  true when
 * the check is to run; false when the result already says why not (an
 * option error, UNKNOWN) or --help or --version was answered.
 */
bool plugin_start(struct plugin *p, const struct plugin_info *info, void *conf,
		  int argc, char **argv);

/* A step's validation: rc 0 runs the check, -1 fails it with p->err. */
bool plugin_valid(struct plugin *p, int rc);

/* Publish (--spool), print, free; returns the exit code. */
int plugin_finish(struct plugin *p);

/* The flattened options of a plugin, for tests: 0, or -1 with err. */
int plugin_options(const struct plugin_info *info, struct plugin *p, void *conf,
		   char *err, size_t errlen);

#endif
