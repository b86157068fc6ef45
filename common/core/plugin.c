/*
 * plugin.c - standard options, site profile defaults, one run, one exit.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/plugin.h"

#include "core/diag.h"
#include "core/profile.h"
#include "core/spool.h"

#ifndef IMSCHECK_VERSION
#define IMSCHECK_VERSION "unknown"
#endif

/* Sections of the profile besides the registry's: the agent's. */
#define AGENT_SECTION "agent"

/* Top-level profile keys that any plugin with such an option takes. */
static const char *const site_keys[] = {"domain", "address", "timeout", "spool",
					NULL};

static bool
valid_spool_id(const char *text)
{
	return spool_valid_id(text);
}

static const struct opt_check spool_id = {valid_spool_id,
					  "a name of [A-Za-z0-9._@:-]"};

/* -t SEC[:STATE] into the run context. */
static int
parse_timeout(const struct opt *o, void *field, const char *arg, char *err,
	      size_t errlen)
{
	struct run_ctx *ctx = field;
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg);
	char sec[32];

	if (len >= sizeof(sec))
		return errorf(err, errlen, "--%s: '%s' is too long", o->name,
			      arg);
	memcpy(sec, arg, len);
	sec[len] = '\0';
	if (opt_seconds(o->name, sec, &ctx->timeout, err, errlen) == -1)
		return -1;
	if (colon != NULL && state_parse(colon + 1, &ctx->timeout_state) == -1)
		return errorf(err, errlen,
			      "--%s: '%s' is not a state (OK, WARNING, "
			      "CRITICAL, UNKNOWN)",
			      o->name, colon + 1);
	return 0;
}

/* Options every plugin has, bound to struct plugin. */
static const struct opt standard_opts[] = {
    {"help", 'h', NULL, "print this help and exit",
     OPT_FLAG_AT(struct plugin, help), .flags = OPT_HELP | OPT_CLI_ONLY},
    {"version", 'V', NULL, "print the version and exit",
     OPT_FLAG_AT(struct plugin, version), .flags = OPT_VERSION | OPT_CLI_ONLY},
    {"verbose", 'v', NULL,
     "more long output; -vvv adds the protocol transcript",
     OPT_COUNT_AT(struct plugin, ctx.verbose)},
    {"timeout", 't', "SEC[:STATE]",
     "deadline for the whole check (default 10) and the state when it "
     "expires (default CRITICAL)",
     OPT_PARSE_AT(struct plugin, ctx, parse_timeout), .flags = OPT_SYNOPSIS},
    {"config", 'C', "FILE",
     "site profile: its values are the defaults of these options",
     OPT_STRING_AT(struct plugin, ctx.profile),
     .flags = OPT_CLI_ONLY | OPT_SYNOPSIS, .check = &opt_path},
    {"spool", 0, "DIR", "publish the result in DIR for imscheck-agent",
     OPT_STRING_AT(struct plugin, spool), .check = &opt_path},
    {"id", 0, "NAME",
     "the result's name in the spool (default: the plugin's name, and "
     "@PROFILE with -C)",
     OPT_STRING_AT(struct plugin, id), .check = &spool_id},
    OPT_END,
};

const struct opt plugin_time_thresholds[] = {
    {"warning", 'w', "RANGE", "warning threshold (seconds)",
     OPT_PARSE_AT(struct plugin, ctx.warn, opt_parse_range),
     .flags = OPT_SYNOPSIS},
    {"critical", 'c', "RANGE", "critical threshold (seconds)",
     OPT_PARSE_AT(struct plugin, ctx.crit, opt_parse_range),
     .flags = OPT_SYNOPSIS},
    OPT_END,
};

const struct opt plugin_family[] = {
    {"ipv4", '4', NULL, "use IPv4 only",
     OPT_VALUE_AT(struct plugin, ctx.family, AF_INET),
     .flags = OPT_EXCLUSIVE | OPT_SYNOPSIS},
    {"ipv6", '6', NULL, "use IPv6 only",
     OPT_VALUE_AT(struct plugin, ctx.family, AF_INET6), .flags = OPT_SYNOPSIS},
    OPT_END,
};

static void
print_help(const struct plugin *p)
{
	printf("%s %s - ", p->info->name, IMSCHECK_VERSION);
	if (p->def->number > 0)
		printf("step %d: ", p->def->number);
	printf("%s\n\nUsage: %s", p->def->purpose, p->info->name);
	opt_synopsis(&p->opts, stdout);
	printf("\n");
	opt_help(&p->opts, p->info->name, stdout);
	printf("\nExit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
	       "See %s(1) for the states and examples.\n",
	       p->info->name);
}

/* The profile. */

static bool
is_site_key(const char *name)
{
	for (const char *const *k = site_keys; *k != NULL; k++)
		if (strcmp(*k, name) == 0)
			return true;
	return false;
}

static bool
profile_settable(const struct opt_slot *slot)
{
	return !(slot->o->flags & OPT_CLI_ONLY);
}

/* An option of the other kind is the same option given twice. */
static bool
partner_seen(const struct opt_set *set, const struct opt_slot *slot)
{
	size_t i = (size_t)(slot - set->slot);

	return ((slot->o->flags & OPT_EXCLUSIVE) && i + 1 < set->n &&
		set->slot[i + 1].seen) ||
	       (i > 0 && (set->slot[i - 1].o->flags & OPT_EXCLUSIVE) &&
		set->slot[i - 1].seen);
}

static int
apply_text(struct plugin *p, struct profile *prof, struct opt_slot *slot,
	   const config_setting_t *s, const char *text)
{
	char why[PLUGIN_ERR_MAX], where[256];
	const char *arg = opt_set_own(&p->opts, text);

	if (arg == NULL)
		return errorf(p->err, sizeof(p->err), "out of memory");
	if (opt_apply(&p->opts, slot, arg, p->err, sizeof(p->err)) == 0)
		return 0;
	/* Say where the value came from. */
	profile_where(prof, s, where, sizeof(where));
	snprintf(why, sizeof(why), "%s", p->err);
	return errorf(p->err, sizeof(p->err), "%s: %s", where, why);
}

/* Apply one setting: a scalar, or a list for a repeatable option. */
static int
apply_setting(struct plugin *p, struct profile *prof, struct opt_slot *slot,
	      const config_setting_t *s)
{
	const struct opt *o = slot->o;
	int type = config_setting_type(s);
	char text[1024], where[256];

	profile_where(prof, s, where, sizeof(where));
	if (type == CONFIG_TYPE_ARRAY || type == CONFIG_TYPE_LIST) {
		if (o->kind != OPT_LIST)
			return errorf(p->err, sizeof(p->err),
				      "%s: '%s' takes one value", where,
				      o->name);
		for (int i = 0; i < config_setting_length(s); i++)
			if (apply_setting(p, prof, slot,
					  config_setting_get_elem(s, i)) == -1)
				return -1;
		return 0;
	}
	if (profile_scalar(prof, s, text, sizeof(text), p->err,
			   sizeof(p->err)) == -1)
		return -1;
	if (o->arg != NULL)
		return apply_text(p, prof, slot, s, text);
	if (type != CONFIG_TYPE_BOOL) /* a flag: true sets it */
		return errorf(p->err, sizeof(p->err),
			      "%s: '%s' must be true or false", where, o->name);
	return config_setting_get_bool(s)
		   ? opt_apply(&p->opts, slot, NULL, p->err, sizeof(p->err))
		   : 0;
}

/* Every key of the plugin's own section must be one of its options. */
static int
check_section(struct plugin *p, struct profile *prof)
{
	config_setting_t *sec = profile_get(prof, p->def->section);
	char where[256];

	if (sec == NULL)
		return 0;
	profile_where(prof, sec, where, sizeof(where));
	if (config_setting_type(sec) != CONFIG_TYPE_GROUP)
		return errorf(p->err, sizeof(p->err),
			      "%s: '%s' must be a group { ... }", where,
			      p->def->section);
	for (int i = 0; i < config_setting_length(sec); i++) {
		config_setting_t *s = config_setting_get_elem(sec, i);
		const struct opt_slot *slot =
		    opt_set_find(&p->opts, config_setting_name(s));

		if (slot != NULL && profile_settable(slot))
			continue;
		profile_where(prof, s, where, sizeof(where));
		return errorf(p->err, sizeof(p->err),
			      "%s: unknown key '%s' in '%s'", where,
			      config_setting_name(s), p->def->section);
	}
	return 0;
}

/* Every top-level key is a site key or a section. */
static int
check_top(struct plugin *p, struct profile *prof)
{
	config_setting_t *root = config_root_setting(&prof->cfg);
	char where[256];

	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *s = config_setting_get_elem(root, i);
		const char *name = config_setting_name(s);

		if (is_site_key(name) || registry_by_section(name) != NULL ||
		    strcmp(name, AGENT_SECTION) == 0)
			continue;
		profile_where(prof, s, where, sizeof(where));
		return errorf(p->err, sizeof(p->err), "%s: unknown key '%s'",
			      where, name);
	}
	return 0;
}

/* The profile's values for every option the command line did not give. */
static int
apply_profile(struct plugin *p)
{
	struct profile prof;
	char path[128];
	int rc = -1;

	if (profile_load(&prof, p->ctx.profile, p->err, sizeof(p->err)) == -1)
		return -1;
	if (check_top(p, &prof) == -1 || check_section(p, &prof) == -1)
		goto done;
	for (size_t i = 0; i < p->opts.n; i++) {
		struct opt_slot *slot = &p->opts.slot[i];
		const char *name = slot->o->name;
		config_setting_t *s;

		if (slot->seen || !profile_settable(slot) ||
		    partner_seen(&p->opts, slot))
			continue;
		snprintf(path, sizeof(path), "%s.%s", p->def->section, name);
		if ((s = profile_get(&prof, path)) == NULL && is_site_key(name))
			s = profile_get(&prof, name);
		if (s == NULL && slot->o->key != NULL)
			s = profile_get(&prof, slot->o->key);
		if (s != NULL && apply_setting(p, &prof, slot, s) == -1)
			goto done;
	}
	rc = 0;
done:
	profile_free(&prof);
	return rc;
}

/* A run. */

int
plugin_options(const struct plugin_info *info, struct plugin *p, void *conf,
	       char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->info = info;
	p->ctx.timeout = 10;
	p->ctx.timeout_state = STATE_CRITICAL;
	p->ctx.family = AF_UNSPEC;
	if ((p->def = registry_by_plugin(info->name)) == NULL)
		return errorf(err, errlen, "%s is not in the step registry",
			      info->name);
	if (opt_set_build(&p->opts, standard_opts, p, info->opts, conf, err,
			  errlen) == -1 ||
	    opt_set_duplicates(&p->opts, err, errlen) == -1)
		return -1;
	opt_set_find(&p->opts, "config")->required = info->needs_profile;
	for (size_t i = 0; i < 4 && info->requires[i] != NULL; i++) {
		struct opt_slot *slot =
		    opt_set_find(&p->opts, info->requires[i]);

		if (slot == NULL)
			return errorf(err, errlen, "requires --%s, no option",
				      info->requires[i]);
		slot->required = true;
	}
	return 0;
}

/* The command line, the profile, and what must be there: 0, 1 or -1. */
static int
read_options(struct plugin *p, void *conf, int argc, char **argv)
{
	const struct opt_slot *stop = NULL;
	int rc;

	if (plugin_options(p->info, p, conf, p->err, sizeof(p->err)) == -1)
		return -1;
	rc =
	    opt_parse_args(&p->opts, argc, argv, &stop, p->err, sizeof(p->err));
	if (rc == 1) {
		if (stop->o->flags & OPT_HELP)
			print_help(p);
		else
			printf("%s %s\n", p->info->name, IMSCHECK_VERSION);
		return 1;
	}
	if (rc == 0 && p->ctx.profile != NULL)
		rc = apply_profile(p);
	if (rc == 0 && p->info->needs_profile && p->ctx.profile == NULL)
		rc = errorf(p->err, sizeof(p->err),
			    "-C/--config FILE is required");
	if (rc == 0)
		rc = opt_set_complete(&p->opts, p->err, sizeof(p->err));
	return rc;
}

bool
plugin_start(struct plugin *p, const struct plugin_info *info, void *conf,
	     int argc, char **argv)
{
	struct deadline started;
	int rc;

	/* The deadline counts from the start, option parsing included. */
	deadline_start(&started, 0);
	/*
	 * A peer that resets the connection must end the check with a
	 * reason, not the process: plain sends use MSG_NOSIGNAL, but
	 * OpenSSL's socket BIO writes with write(2), so the close_notify
	 * after an ECONNRESET would raise SIGPIPE.
	 */
	signal(SIGPIPE, SIG_IGN);
	p->info = info;
	rc = read_options(p, conf, argc, argv);
	p->ctx.deadline.start = started.start;
	p->ctx.deadline.end = started.start + p->ctx.timeout;
	result_init(&p->result, p->def != NULL ? p->def->label : "CHECK");
	if (rc == 1) {
		p->help = true;
		return false;
	}
	if (rc == -1) {
		result_fail(&p->result, STATE_UNKNOWN, "%s", p->err);
		return false;
	}
	p->started = wall_now();
	p->ran = true;
	return true;
}

bool
plugin_valid(struct plugin *p, int rc)
{
	if (rc == 0)
		return true;
	result_fail(&p->result, STATE_UNKNOWN, "%s", p->err);
	p->ran = false;
	return false;
}

/* Write the result for the agent; a failure is a warning of its own. */
static void
publish(struct plugin *p)
{
	char id[SPOOL_ID_MAX], stem[SPOOL_ID_MAX], err[512];
	const char *base, *profile = p->ctx.profile;

	if (p->id != NULL) {
		snprintf(id, sizeof(id), "%s", p->id);
	} else if (profile != NULL) {
		base =
		    strrchr(profile, '/') ? strrchr(profile, '/') + 1 : profile;
		snprintf(stem, sizeof(stem), "%.*s", (int)strcspn(base, "."),
			 base);
		snprintf(id, sizeof(id), "%.30s@%.30s", p->info->name, stem);
	} else {
		snprintf(id, sizeof(id), "%s", p->info->name);
	}
	if (spool_write(p->spool, id, p->def->number, &p->result, p->started,
			deadline_elapsed(&p->ctx.deadline), err,
			sizeof(err)) == -1)
		result_problem(&p->result, STATE_WARNING,
			       "result not published: %s", err);
}

int
plugin_finish(struct plugin *p)
{
	int status;

	if (p->help) {
		status = fflush(stdout) == 0 ? STATE_OK : STATE_UNKNOWN;
		result_free(&p->result);
		opt_set_free(&p->opts);
		return status;
	}
	if (p->spool != NULL && p->ran)
		publish(p);
	status = p->result.nomem ? STATE_UNKNOWN : (int)p->result.state;
	if (result_print(&p->result, stdout) == -1)
		status = STATE_UNKNOWN;
	result_free(&p->result);
	opt_set_free(&p->opts);
	return status;
}
