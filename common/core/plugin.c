/*
 * plugin.c - standard options, site profile defaults, one run, one exit.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/diag.h"
#include "core/plugin.h"
#include "core/profile.h"
#include "core/registry.h"
#include "core/spool.h"

#ifndef IMSCHECK_VERSION
#define IMSCHECK_VERSION "unknown"
#endif

#define ERR_MAX	      512
#define OPTS_MAX      64
#define TIMEOUT_MAX_S 3600.0

enum {
	KEY_IPV4 = '4',
	KEY_IPV6 = '6',
	KEY_SPOOL = PLUGIN_KEY_LONG + 400,
	KEY_ID,
};

/* Options every plugin has; their keys are reserved. */
static const struct plugin_opt std_opts[] = {
    {"help", 'h', NULL, "print this help and exit", false},
    {"version", 'V', NULL, "print the version and exit", false},
    {"verbose", 'v', NULL,
     "more long output; -vvv adds the protocol transcript", false},
    {"timeout", 't', "SEC[:STATE]",
     "deadline for the whole check (default 10) and the state when it "
     "expires (default CRITICAL)",
     false},
    {"warning", 'w', "RANGE", "warning threshold (seconds)", false},
    {"critical", 'c', "RANGE", "critical threshold (seconds)", false},
    {"ipv4", KEY_IPV4, NULL, "use IPv4 only", false},
    {"ipv6", KEY_IPV6, NULL, "use IPv6 only", false},
    {"config", 'C', "FILE",
     "site profile: its values are the defaults of these options", false},
    {"spool", KEY_SPOOL, "DIR", "publish the result in DIR for imscheck-agent",
     false},
    {"id", KEY_ID, "NAME",
     "the result's name in the spool (default: the plugin's name, and "
     "@PROFILE with -C)",
     false},
    {NULL, 0, NULL, NULL, false},
};

/* Top-level profile keys that any plugin with such an option takes. */
static const char *const site_keys[] = {"domain", "address", "timeout", "spool",
					NULL};

/* Sections of the profile besides the registry's: the agent's. */
#define AGENT_SECTION "agent"

/* Options a profile cannot set. */
static bool
profile_settable(const struct plugin_opt *o)
{
	return o->key != 'h' && o->key != 'V' && o->key != 'C';
}

struct optset {
	const struct plugin_opt *opt[OPTS_MAX];
	size_t n;
	bool seen[OPTS_MAX]; /* given on the command line */
};

static int
optset_build(struct optset *os, const struct plugin_info *info)
{
	os->n = 0;
	for (const struct plugin_opt *o = std_opts; o->name != NULL; o++)
		os->opt[os->n++] = o;
	for (const struct plugin_opt *o = info->opts; o->name != NULL; o++) {
		if (os->n == OPTS_MAX)
			return -1;
		os->opt[os->n++] = o;
	}
	memset(os->seen, 0, sizeof(os->seen));
	return 0;
}

static const struct plugin_opt *
optset_find(const struct optset *os, int key, size_t *index)
{
	for (size_t i = 0; i < os->n; i++) {
		if (os->opt[i]->key == key) {
			*index = i;
			return os->opt[i];
		}
	}
	return NULL;
}

int
plugin_parse_seconds(const char *opt, const char *arg, double *v, char *err,
		     size_t errlen)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(d) ||
	    d <= 0 || d > TIMEOUT_MAX_S) {
		errorf(err, errlen,
		       "--%s: '%s' is not a number of seconds (0 < N <= %g)",
		       opt, arg, TIMEOUT_MAX_S);
		return -1;
	}
	*v = d;
	return 0;
}

int
plugin_parse_uint(const char *opt, const char *arg, unsigned long max,
		  unsigned long *v, char *err, size_t errlen)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' ||
	    n > max) {
		errorf(err, errlen, "--%s: '%s' is not a number from 0 to %lu",
		       opt, arg, max);
		return -1;
	}
	*v = n;
	return 0;
}

int
plugin_list_add(const char *opt, const char **list, size_t *n, size_t max,
		const char *arg, char *err, size_t errlen)
{
	if (*n == max) {
		errorf(err, errlen, "--%s: at most %zu may be given", opt, max);
		return -1;
	}
	list[(*n)++] = arg;
	return 0;
}

/* -t SEC[:STATE] */
static int
parse_timeout(struct plugin *p, const char *arg, char *err, size_t errlen)
{
	char sec[32];
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg);

	if (len >= sizeof(sec)) {
		errorf(err, errlen, "--timeout: '%s' is too long", arg);
		return -1;
	}
	memcpy(sec, arg, len);
	sec[len] = '\0';
	if (plugin_parse_seconds("timeout", sec, &p->ctx.timeout, err,
				 errlen) == -1)
		return -1;
	if (colon != NULL &&
	    state_parse(colon + 1, &p->ctx.timeout_state) == -1) {
		errorf(err, errlen,
		       "--timeout: '%s' is not a state (OK, WARNING, "
		       "CRITICAL, UNKNOWN)",
		       colon + 1);
		return -1;
	}
	return 0;
}

static void
print_help(const struct plugin_info *info, const struct optset *os)
{
	printf("%s %s - %s\n\nUsage: %s %s\n", info->name, IMSCHECK_VERSION,
	       info->purpose, info->name, info->synopsis);
	for (size_t i = 0; i < os->n; i++) {
		const struct plugin_opt *o = os->opt[i];
		char names[64];

		if (i == 0)
			printf("\nStandard options:\n");
		else if (o == info->opts)
			printf("\nOptions of %s:\n", info->name);
		if (o->key < PLUGIN_KEY_LONG)
			snprintf(names, sizeof(names), "-%c, --%s%s%s", o->key,
				 o->name, o->arg ? "=" : "",
				 o->arg ? o->arg : "");
		else
			snprintf(names, sizeof(names), "    --%s%s%s", o->name,
				 o->arg ? "=" : "", o->arg ? o->arg : "");
		printf("  %s\n      %s%s\n", names, o->help,
		       o->repeat ? " (repeatable)" : "");
	}
	printf("\nExit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
	       "See %s(1) for the states and examples.\n",
	       info->name);
}

/* Apply one option, whether from the command line or the profile. */
static int
apply(struct plugin *p, void *conf, const struct plugin_opt *o, const char *arg,
      char *err, size_t errlen)
{
	switch (o->key) {
	case 'v':
		p->ctx.verbose++;
		return 0;
	case 't':
		return parse_timeout(p, arg, err, errlen);
	case 'w':
	case 'c':
		if (range_parse(arg, o->key == 'w' ? &p->ctx.warn
						   : &p->ctx.crit) == -1) {
			errorf(err, errlen, "--%s: '%s' is not a range",
			       o->name, arg);
			return -1;
		}
		return 0;
	case KEY_IPV4:
	case KEY_IPV6:
		p->ctx.family = o->key == KEY_IPV4 ? AF_INET : AF_INET6;
		return 0;
	case KEY_SPOOL:
		p->spool = arg;
		return 0;
	case KEY_ID:
		if (!spool_valid_id(arg))
			return errorf(err, errlen,
				      "--id: '%.80s' is not a name of "
				      "[A-Za-z0-9._@:-]",
				      arg);
		p->id = arg;
		return 0;
	default:
		return p->info->set(conf, o->key, arg, err, errlen);
	}
}

/* Keep a copy of a profile value for as long as the plugin runs. */
static const char *
own(struct plugin *p, const char *text)
{
	char **owned = realloc(p->owned, (p->nowned + 1) * sizeof(*owned));

	if (owned == NULL)
		return NULL;
	p->owned = owned;
	if ((owned[p->nowned] = strdup(text)) == NULL)
		return NULL;
	return owned[p->nowned++];
}

/* Apply one profile setting (a scalar, or a list for a repeatable option). */
static int
apply_setting(struct plugin *p, void *conf, struct profile *prof,
	      const struct plugin_opt *o, const config_setting_t *s, char *err,
	      size_t errlen)
{
	int type = config_setting_type(s);
	char text[1024], where[256];
	const char *arg;

	if (type == CONFIG_TYPE_ARRAY || type == CONFIG_TYPE_LIST) {
		if (!o->repeat) {
			profile_where(prof, s, where, sizeof(where));
			errorf(err, errlen, "%s: '%s' takes one value", where,
			       o->name);
			return -1;
		}
		for (int i = 0; i < config_setting_length(s); i++)
			if (apply_setting(p, conf, prof, o,
					  config_setting_get_elem(s, i), err,
					  errlen) == -1)
				return -1;
		return 0;
	}
	if (profile_scalar(prof, s, text, sizeof(text), err, errlen) == -1)
		return -1;
	if (o->arg == NULL) { /* a flag: true sets it */
		if (type != CONFIG_TYPE_BOOL) {
			profile_where(prof, s, where, sizeof(where));
			errorf(err, errlen, "%s: '%s' must be true or false",
			       where, o->name);
			return -1;
		}
		return config_setting_get_bool(s)
			   ? apply(p, conf, o, NULL, err, errlen)
			   : 0;
	}
	if ((arg = own(p, text)) == NULL) {
		errorf(err, errlen, "out of memory");
		return -1;
	}
	if (apply(p, conf, o, arg, err, errlen) == -1) {
		/* Say where the value came from. */
		char why[ERR_MAX];

		profile_where(prof, s, where, sizeof(where));
		snprintf(why, sizeof(why), "%s", err);
		errorf(err, errlen, "%s: %s", where, why);
		return -1;
	}
	return 0;
}

static bool
is_site_key(const char *name)
{
	for (const char *const *k = site_keys; *k != NULL; k++)
		if (strcmp(*k, name) == 0)
			return true;
	return false;
}

/* Every key of the plugin's own section must be one of its options. */
static int
check_section(struct profile *prof, const struct optset *os,
	      const char *section, char *err, size_t errlen)
{
	config_setting_t *sec = profile_get(prof, section);
	char where[256];

	if (sec == NULL)
		return 0;
	if (config_setting_type(sec) != CONFIG_TYPE_GROUP) {
		profile_where(prof, sec, where, sizeof(where));
		errorf(err, errlen, "%s: '%s' must be a group { ... }", where,
		       section);
		return -1;
	}
	for (int i = 0; i < config_setting_length(sec); i++) {
		config_setting_t *s = config_setting_get_elem(sec, i);
		const char *name = config_setting_name(s);
		size_t k;

		for (k = 0; k < os->n; k++)
			if (strcmp(os->opt[k]->name, name) == 0 &&
			    profile_settable(os->opt[k]))
				break;
		if (k == os->n) {
			profile_where(prof, s, where, sizeof(where));
			errorf(err, errlen, "%s: unknown key '%s' in '%s'",
			       where, name, section);
			return -1;
		}
	}
	return 0;
}

/* Every top-level key is a site key or a section. */
static int
check_top(struct profile *prof, char *err, size_t errlen)
{
	config_setting_t *root = config_root_setting(&prof->cfg);
	char where[256];

	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *s = config_setting_get_elem(root, i);
		const char *name = config_setting_name(s);
		bool known = is_site_key(name) ||
			     registry_by_section(name) != NULL ||
			     strcmp(name, AGENT_SECTION) == 0;

		if (!known) {
			profile_where(prof, s, where, sizeof(where));
			return errorf(err, errlen, "%s: unknown key '%s'",
				      where, name);
		}
	}
	return 0;
}

/* The profile's values for every option the command line did not give. */
static int
apply_profile(struct plugin *p, void *conf, struct optset *os, const char *file,
	      char *err, size_t errlen)
{
	struct profile prof;
	char path[128];
	int rc = -1;

	if (profile_load(&prof, file, err, errlen) == -1)
		return -1;
	if (check_top(&prof, err, errlen) == -1 ||
	    check_section(&prof, os, p->info->section, err, errlen) == -1)
		goto done;
	for (size_t i = 0; i < os->n; i++) {
		const struct plugin_opt *o = os->opt[i];
		config_setting_t *s;

		if (os->seen[i] || !profile_settable(o))
			continue;
		snprintf(path, sizeof(path), "%s.%s", p->info->section,
			 o->name);
		if ((s = profile_get(&prof, path)) == NULL &&
		    is_site_key(o->name))
			s = profile_get(&prof, o->name);
		if (s != NULL &&
		    apply_setting(p, conf, &prof, o, s, err, errlen) == -1)
			goto done;
	}
	rc = 0;
done:
	profile_free(&prof);
	return rc;
}

/* Build getopt's tables from the option set. */
static void
getopt_tables(const struct optset *os, struct option *longopts, char *shortopts,
	      size_t shortsize)
{
	size_t n = 0;

	shortopts[n++] = ':'; /* report a missing argument as ':' */
	for (size_t i = 0; i < os->n; i++) {
		const struct plugin_opt *o = os->opt[i];

		longopts[i] = (struct option){
		    o->name, o->arg ? required_argument : no_argument, NULL,
		    o->key};
		if (o->key < PLUGIN_KEY_LONG && n + 3 < shortsize) {
			shortopts[n++] = (char)o->key;
			if (o->arg != NULL)
				shortopts[n++] = ':';
		}
	}
	longopts[os->n] = (struct option){NULL, 0, NULL, 0};
	shortopts[n] = '\0';
}

/*
 * getopt_long() takes any unique prefix of a long option: "--password"
 * would be --password-file, and its argument a file name printed back.
 * Long options must be given in full.
 */
static int
exact_long_options(const struct optset *os, int argc, char **argv, char *err,
		   size_t errlen)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t len = strcspn(a + 2, "=");
		const struct plugin_opt *match = NULL;

		if (strcmp(a, "--") == 0)
			break;
		if (strncmp(a, "--", 2) != 0)
			continue;
		for (size_t k = 0; k < os->n && match == NULL; k++)
			if (strlen(os->opt[k]->name) == len &&
			    strncmp(os->opt[k]->name, a + 2, len) == 0)
				match = os->opt[k];
		if (match == NULL)
			return errorf(err, errlen, "option --%.*s is unknown",
				      (int)(len < 64 ? len : 64), a + 2);
		if (match->arg != NULL && a[2 + len] != '=')
			i++; /* its argument */
	}
	return 0;
}

/*
 * The command line.  Returns 0 to run the check, 1 when --help or
 * --version was answered, -1 with the reason in err.
 */
static int
parse_args(struct plugin *p, void *conf, struct optset *os, int argc,
	   char **argv, const char **config, char *err, size_t errlen)
{
	struct option longopts[OPTS_MAX + 1];
	char shortopts[2 * OPTS_MAX + 2];
	int key;

	if (exact_long_options(os, argc, argv, err, errlen) == -1)
		return -1;
	getopt_tables(os, longopts, shortopts, sizeof(shortopts));
	opterr = 0;
	optind = 1;
	while ((key = getopt_long(argc, argv, shortopts, longopts, NULL)) !=
	       -1) {
		const struct plugin_opt *o;
		size_t i = 0;

		if (key == '?' || key == ':') {
			const char *what = argv[optind - 1];

			if (optopt != 0 && optopt < PLUGIN_KEY_LONG &&
			    strncmp(what, "--", 2) != 0)
				errorf(err, errlen, "option -%c %s", optopt,
				       key == ':' ? "needs an argument"
						  : "is unknown");
			else
				errorf(err, errlen, "option %.100s %s", what,
				       key == ':' ? "needs an argument"
						  : "is unknown");
			return -1;
		}
		if ((o = optset_find(os, key, &i)) == NULL)
			return errorf(err, errlen, "option %d unhandled", key);
		os->seen[i] = true;
		if (key == 'h') {
			print_help(p->info, os);
			return 1;
		}
		if (key == 'V') {
			printf("%s %s\n", p->info->name, IMSCHECK_VERSION);
			return 1;
		}
		if (key == 'C') {
			*config = optarg;
			continue;
		}
		if (apply(p, conf, o, optarg, err, errlen) == -1)
			return -1;
	}
	if (optind < argc) {
		errorf(err, errlen, "unexpected argument '%.100s'",
		       argv[optind]);
		return -1;
	}
	return 0;
}

/* Write the result for the agent; a failure is a warning of its own. */
static void
publish(const struct plugin *p, struct result *r, double started_unix)
{
	char id[SPOOL_ID_MAX], stem[SPOOL_ID_MAX], err[512];
	const char *base;

	if (p->id != NULL) {
		snprintf(id, sizeof(id), "%s", p->id);
	} else if (p->ctx.profile != NULL) {
		base = strrchr(p->ctx.profile, '/')
			   ? strrchr(p->ctx.profile, '/') + 1
			   : p->ctx.profile;
		snprintf(stem, sizeof(stem), "%.*s", (int)strcspn(base, "."),
			 base);
		snprintf(id, sizeof(id), "%.30s@%.30s", p->info->name, stem);
	} else {
		snprintf(id, sizeof(id), "%s", p->info->name);
	}
	if (spool_write(p->spool, id, p->info->step, r, started_unix,
			deadline_elapsed(&p->ctx.deadline), err,
			sizeof(err)) == -1)
		result_problem(r, STATE_WARNING, "result not published: %s",
			       err);
}

int
plugin_main(const struct plugin_info *info, void *conf, int argc, char **argv)
{
	struct plugin p = {.info = info,
			   .ctx = {.timeout = 10,
				   .timeout_state = STATE_CRITICAL,
				   .family = AF_UNSPEC}};
	const char *config = NULL;
	char err[ERR_MAX] = "";
	double started;
	struct optset os;
	struct result r;
	int rc, status;

	/* The deadline counts from the start, option parsing included. */
	deadline_start(&p.ctx.deadline, p.ctx.timeout);
	result_init(&r, info->label);
	if (optset_build(&os, info) == -1) {
		result_fail(&r, STATE_UNKNOWN, "too many options");
		goto print;
	}
	rc = parse_args(&p, conf, &os, argc, argv, &config, err, sizeof(err));
	if (rc == 1) {
		result_free(&r);
		return fflush(stdout) == 0 ? STATE_OK : STATE_UNKNOWN;
	}
	if (rc == 0 && config != NULL)
		rc = apply_profile(&p, conf, &os, config, err, sizeof(err));
	p.ctx.profile = config;
	if (rc == 0 && info->validate != NULL)
		rc = info->validate(conf, err, sizeof(err));
	if (rc == -1) {
		result_fail(&r, STATE_UNKNOWN, "%s", err);
		goto print;
	}
	p.ctx.deadline.end = p.ctx.deadline.start + p.ctx.timeout;
	started = wall_now();
	info->run(conf, &p.ctx, &r);
	if (p.spool != NULL)
		publish(&p, &r, started);
print:
	status = r.nomem ? STATE_UNKNOWN : r.state;
	if (result_print(&r, stdout) == -1)
		status = STATE_UNKNOWN;
	result_free(&r);
	for (size_t i = 0; i < p.nowned; i++)
		free(p.owned[i]);
	free(p.owned);
	return (int)status;
}
