/*
 * plugin.h - what every plugin shares: the standard options, the site
 * profile as option defaults, the deadline, rendering and the exit code.
 *
 * A plugin describes its own options in a table and hands over to
 * plugin_main(), which parses them, runs the check once under one deadline
 * and prints the result (Postfix single_server_main, curl operate).
 */
#ifndef IMSCHECK_PLUGIN_H
#define IMSCHECK_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/deadline.h"
#include "core/range.h"
#include "core/result.h"
#include "core/run.h"

/* Keys of long-only options start here, clear of every character. */
#define PLUGIN_KEY_LONG 256

struct plugin_opt {
	const char *name; /* long name; also the key in the site profile */
	int key;	  /* the short option, or PLUGIN_KEY_LONG + n */
	const char *arg;  /* argument name for --help; NULL for a flag */
	const char *help;
	bool repeat; /* may be given more than once (a list in the profile) */
};

struct plugin;

struct plugin_info {
	const char *name;     /* "check_ims_dns" */
	const char *label;    /* "DNS": first word of the status line */
	const char *section;  /* its section in the site profile */
	int step;	      /* its checklist step, 0 for none */
	const char *purpose;  /* one line for --help */
	const char *synopsis; /* the options part of the usage line */
	const struct plugin_opt *opts; /* ends with a zeroed entry */
	/* Apply one option; 0, or -1 with the reason in err. */
	int (*set)(void *conf, int key, const char *arg, char *err,
		   size_t errlen);
	/* Check the options as a whole; may be NULL. */
	int (*validate)(void *conf, char *err, size_t errlen);
	/* Run the check into r. */
	void (*run)(void *conf, const struct run_ctx *ctx, struct result *r);
};

/* The standard options, as parsed. */
struct plugin {
	const struct plugin_info *info;
	struct run_ctx ctx; /* -t, -v, -w, -c, -4/-6, -C */
	const char *spool;  /* --spool: publish the result there */
	const char *id;	    /* --id: its name there */
	char **owned;	    /* option values copied from the profile */
	size_t nowned;
};

/* Parse, run, print and return the exit code (a plugin's whole main). */
int plugin_main(const struct plugin_info *info, void *conf, int argc,
		char **argv);

/*
 * Parse a number of seconds, a port, or a count for a plugin's set():
 * 0, or -1 with the reason in err naming the option.
 */
int plugin_parse_seconds(const char *opt, const char *arg, double *v, char *err,
			 size_t errlen);
int plugin_parse_uint(const char *opt, const char *arg, unsigned long max,
		      unsigned long *v, char *err, size_t errlen);

/*
 * Add arg to a list option of at most max entries; for a plugin's set().
 */
int plugin_list_add(const char *opt, const char **list, size_t *n, size_t max,
		    const char *arg, char *err, size_t errlen);

#endif
