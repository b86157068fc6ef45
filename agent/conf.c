/*
 * conf.c - the agent's part of the site profile: the "agent" section (its
 * schedule and how it runs) and the top-level spool.  Every error names
 * the file and line, and nothing is half-loaded: a reload that fails
 * leaves the caller's configuration as it was.
 */
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/profile.h"
#include "core/registry.h"

#include "agent.h"

#ifndef PLUGINDIR
#define PLUGINDIR "/usr/lib/nagios/plugins"
#endif

#define DEFAULT_INTERVAL 300.0
#define DEFAULT_TIMEOUT	 60.0

static const char *const agent_keys[] = {
    "checks",	     "concurrency",   "user",
    "agentx-socket", "ping-interval", "spool-scan",
    "spread",	     "plugindir",     NULL};
static const char *const check_keys[] = {"id",	    "command", "interval",
					 "timeout", "step",    NULL};

static int
known_keys(const struct profile *p, const config_setting_t *group,
	   const char *const *keys, char *err, size_t errlen)
{
	for (int i = 0; i < config_setting_length(group); i++) {
		const config_setting_t *s = config_setting_get_elem(group, i);
		const char *name = config_setting_name(s);
		const char *const *k = keys;
		char where[512];

		while (*k != NULL && strcmp(*k, name) != 0)
			k++;
		if (*k == NULL) {
			profile_where(p, s, where, sizeof(where));
			return errorf(err, errlen, "%s: unknown key '%s'",
				      where, name);
		}
	}
	return 0;
}

/* A number (libconfig's int or float) in [min, max], or the default. */
static int
number(const struct profile *p, const config_setting_t *group, const char *name,
       double min, double max, double *out, char *err, size_t errlen)
{
	const config_setting_t *s = config_setting_get_member(group, name);
	char where[512];
	double v;

	if (s == NULL)
		return 0;
	profile_where(p, s, where, sizeof(where));
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		v = (double)config_setting_get_int64(s);
		break;
	case CONFIG_TYPE_FLOAT:
		v = config_setting_get_float(s);
		break;
	default:
		return errorf(err, errlen, "%s: %s must be a number", where,
			      name);
	}
	if (!(v >= min && v <= max))
		return errorf(err, errlen, "%s: %s must be from %g to %g",
			      where, name, min, max);
	*out = v;
	return 0;
}

/* A string setting, copied, or NULL when absent. */
static int
string(const struct profile *p, const config_setting_t *group, const char *name,
       char **out, char *err, size_t errlen)
{
	const config_setting_t *s = config_setting_get_member(group, name);
	const char *v;
	char where[512];

	if (s == NULL)
		return 0;
	if ((v = config_setting_get_string(s)) == NULL || *v == '\0') {
		profile_where(p, s, where, sizeof(where));
		return errorf(err, errlen, "%s: %s must be a non-empty string",
			      where, name);
	}
	free(*out);
	if ((*out = strdup(v)) == NULL)
		return errorf(err, errlen, "out of memory");
	return 0;
}

/* A check's default step: its plugin's in the registry, else 0. */
static int
default_step(const char *path)
{
	char copy[4096];
	const struct step_def *d;

	snprintf(copy, sizeof(copy), "%s", path);
	d = registry_by_plugin(basename(copy));
	return d != NULL ? d->number : 0;
}

static int
command(const struct profile *p, const config_setting_t *check,
	const char *plugindir, struct sched_conf *sc, char *err, size_t errlen)
{
	const config_setting_t *s = config_setting_get_member(check, "command");
	char where[512];
	int n;

	profile_where(p, s ? s : check, where, sizeof(where));
	if (s == NULL || !config_setting_is_array(s) ||
	    (n = config_setting_length(s)) == 0 || n > CHECK_ARGS_MAX)
		return errorf(err, errlen,
			      "%s: command must be a list of 1 to %d strings "
			      "(the program and its arguments)",
			      where, CHECK_ARGS_MAX);
	if ((sc->argv = calloc((size_t)n + 1, sizeof(*sc->argv))) == NULL)
		return errorf(err, errlen, "out of memory");
	for (int i = 0; i < n; i++) {
		const char *w = config_setting_get_string_elem(s, i);

		if (w == NULL || (i == 0 && *w == '\0'))
			return errorf(err, errlen,
				      "%s: command must be a list of strings",
				      where);
		if ((sc->argv[i] = strdup(w)) == NULL)
			return errorf(err, errlen, "out of memory");
	}
	/* No shell and no PATH: a bare name is a plugin of plugindir. */
	if (strchr(sc->argv[0], '/') != NULL) {
		sc->path = strdup(sc->argv[0]);
	} else {
		size_t len = strlen(plugindir) + strlen(sc->argv[0]) + 2;

		if ((sc->path = malloc(len)) != NULL)
			snprintf(sc->path, len, "%s/%s", plugindir,
				 sc->argv[0]);
	}
	if (sc->path == NULL)
		return errorf(err, errlen, "out of memory");
	return 0;
}

static int
check(const struct profile *p, const config_setting_t *s,
      const struct agent_conf *conf, struct sched_conf *sc, char *err,
      size_t errlen)
{
	const char *id = NULL;
	double step = -1;
	char where[512];

	profile_where(p, s, where, sizeof(where));
	if (!config_setting_is_group(s))
		return errorf(err, errlen,
			      "%s: a check is a group { id = ...; command = "
			      "[...]; }",
			      where);
	if (known_keys(p, s, check_keys, err, errlen) == -1)
		return -1;
	if (!config_setting_lookup_string(s, "id", &id) || !spool_valid_id(id))
		return errorf(err, errlen,
			      "%s: a check needs an id of 1 to 63 letters, "
			      "digits and . _ @ : -",
			      where);
	snprintf(sc->id, sizeof(sc->id), "%s", id);
	sc->interval = DEFAULT_INTERVAL;
	sc->timeout = DEFAULT_TIMEOUT;
	if (command(p, s, conf->plugindir, sc, err, errlen) == -1 ||
	    number(p, s, "interval", 1, 86400 * 7, &sc->interval, err,
		   errlen) == -1 ||
	    number(p, s, "timeout", 0.1, 86400, &sc->timeout, err, errlen) ==
		-1 ||
	    number(p, s, "step", 0, registry_max_step(), &step, err, errlen) ==
		-1)
		return -1;
	sc->step = step >= 0 ? (int)step : default_step(sc->path);
	return 0;
}

static int
by_id(const void *a, const void *b)
{
	const struct sched_conf *x = *(const struct sched_conf *const *)a;
	const struct sched_conf *y = *(const struct sched_conf *const *)b;
	int cmp = strcmp(x->id, y->id);

	/* Equal ids in the order of the profile: the second one is named. */
	return cmp != 0 ? cmp : (x < y ? -1 : x > y);
}

/* Ids are unique: sorted, so that 10,000 checks cost no quadratic time. */
static int
unique_ids(const struct profile *p, const config_setting_t *list,
	   const struct agent_conf *conf, char *err, size_t errlen)
{
	const struct sched_conf **sorted;
	char where[512];
	int rc = 0;

	if (conf->nchecks < 2)
		return 0;
	if ((sorted = calloc(conf->nchecks, sizeof(*sorted))) == NULL)
		return errorf(err, errlen, "out of memory");
	for (size_t i = 0; i < conf->nchecks; i++)
		sorted[i] = &conf->checks[i];
	qsort(sorted, conf->nchecks, sizeof(*sorted), by_id);
	for (size_t i = 1; i < conf->nchecks && rc == 0; i++)
		if (strcmp(sorted[i - 1]->id, sorted[i]->id) == 0) {
			profile_where(
			    p,
			    config_setting_get_elem(
				list, (unsigned)(sorted[i] - conf->checks)),
			    where, sizeof(where));
			rc = errorf(err, errlen,
				    "%s: check id '%s' is used twice", where,
				    sorted[i]->id);
		}
	free(sorted);
	return rc;
}

static int
checks(const struct profile *p, const config_setting_t *agent,
       struct agent_conf *conf, char *err, size_t errlen)
{
	const config_setting_t *list =
	    config_setting_get_member(agent, "checks");
	char where[512];
	int n;

	if (list == NULL)
		return 0;
	profile_where(p, list, where, sizeof(where));
	if (!config_setting_is_list(list))
		return errorf(err, errlen,
			      "%s: checks must be a list ( {...}, {...} )",
			      where);
	n = config_setting_length(list);
	if ((conf->checks = calloc((size_t)n + 1, sizeof(*conf->checks))) ==
	    NULL)
		return errorf(err, errlen, "out of memory");
	for (int i = 0; i < n; i++) {
		/* Counted first: the caller frees a half-made check too. */
		conf->nchecks = (size_t)i + 1;
		if (check(p, config_setting_get_elem(list, i), conf,
			  &conf->checks[i], err, errlen) == -1)
			return -1;
	}
	return unique_ids(p, list, conf, err, errlen);
}

static int
load(struct agent_conf *conf, struct profile *p, char *err, size_t errlen)
{
	config_setting_t *agent = profile_get(p, "agent");
	config_setting_t *root = config_root_setting(&p->cfg);
	double concurrency = 4, ping = 5, scan = 5, spread = 0;

	if ((conf->plugindir = strdup(PLUGINDIR)) == NULL)
		return errorf(err, errlen, "out of memory");
	if (string(p, root, "spool", &conf->spool, err, errlen) == -1)
		return -1;
	if (agent != NULL) {
		char where[512];

		profile_where(p, agent, where, sizeof(where));
		if (!config_setting_is_group(agent))
			return errorf(err, errlen,
				      "%s: agent must be a group { ... }",
				      where);
		if (known_keys(p, agent, agent_keys, err, errlen) == -1 ||
		    string(p, agent, "plugindir", &conf->plugindir, err,
			   errlen) == -1 ||
		    string(p, agent, "user", &conf->user, err, errlen) == -1 ||
		    string(p, agent, "agentx-socket", &conf->agentx_socket, err,
			   errlen) == -1 ||
		    number(p, agent, "concurrency", 1, 256, &concurrency, err,
			   errlen) == -1 ||
		    number(p, agent, "ping-interval", 1, 300, &ping, err,
			   errlen) == -1 ||
		    number(p, agent, "spool-scan", 0.1, 3600, &scan, err,
			   errlen) == -1 ||
		    number(p, agent, "spread", 0, 86400, &spread, err,
			   errlen) == -1 ||
		    checks(p, agent, conf, err, errlen) == -1)
			return -1;
	}
	conf->concurrency = (int)concurrency;
	conf->ping_interval = (int)ping;
	conf->spool_scan = scan;
	conf->spread = spread;
	return 0;
}

int
agent_conf_load(struct agent_conf *conf, const char *path, char *err,
		size_t errlen)
{
	struct profile p;
	int rc;

	memset(conf, 0, sizeof(*conf));
	if (profile_load(&p, path, err, errlen) == -1)
		return -1;
	if ((rc = load(conf, &p, err, errlen)) == -1)
		agent_conf_free(conf);
	profile_free(&p);
	return rc;
}

void
agent_conf_free(struct agent_conf *conf)
{
	for (size_t i = 0; i < conf->nchecks; i++) {
		for (char **w = conf->checks[i].argv; w && *w; w++)
			free(*w);
		free(conf->checks[i].argv);
		free(conf->checks[i].path);
	}
	free(conf->checks);
	free(conf->spool);
	free(conf->user);
	free(conf->agentx_socket);
	free(conf->plugindir);
	memset(conf, 0, sizeof(*conf));
}
