/*
 * test_options.c - option tables: every plugin's, found through the step
 * registry and flattened as plugin_main flattens it (no long name or
 * letter twice, every entry complete), and the engine itself on a table
 * of every kind: values into fields, the refusals' texts, the usage line.
 *
 * The plugins' objects are linked in with their main renamed, and their
 * info blocks found by name (the binary is linked with -rdynamic).
 */
#include <ctype.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "core/options.h"
#include "core/plugin.h"
#include "core/registry.h"

#include "unit.h"

/* Room for any plugin's configuration: flattening writes nothing. */
static union {
	long double align;
	char bytes[64 * 1024];
} any_conf;

static bool
profile_key(const char *name)
{
	if (!isalpha((unsigned char)name[0]))
		return false;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return false;
	return true;
}

static void
entry_is_complete(const struct opt_slot *s)
{
	const struct opt *o = s->o;

	CHECK(o->name != NULL && profile_key(o->name));
	CHECK(o->help != NULL && o->help[0] != '\0');
	CHECK(o->letter == 0 || isalnum(o->letter));
	/* an option takes an argument exactly when its kind needs one */
	CHECK((o->arg == NULL) ==
	      (o->kind == OPT_FLAG || o->kind == OPT_COUNT ||
	       o->kind == OPT_VALUE));
	CHECK(o->kind != OPT_LIST || o->cap >= 1);
	CHECK(o->kind != OPT_PARSE || o->parse != NULL);
	if (o->name == NULL || o->help == NULL || o->help[0] == '\0')
		printf("    an entry without a name or help\n");
}

static void
every_plugin_table(void)
{
	size_t n;
	const struct step_def *d = registry_entries(&n);

	for (size_t i = 0; i < n; i++) {
		const struct plugin_info *info =
		    dlsym(RTLD_DEFAULT, d[i].plugin);
		struct plugin p;
		char err[256] = "";

		CHECK(info != NULL);
		if (info == NULL) {
			printf("    no plugin_info %s linked in\n",
			       d[i].plugin);
			continue;
		}
		CHECK_STR(info->name, d[i].plugin);
		CHECK(plugin_options(info, &p, &any_conf, err, sizeof(err)) ==
		      0);
		if (err[0] != '\0')
			printf("    %s: %s\n", d[i].plugin, err);
		for (size_t k = 0; k < p.opts.n; k++)
			entry_is_complete(&p.opts.slot[k]);
		opt_set_free(&p.opts);
	}
}

/* A table of every kind. */
struct sample {
	const char *name;
	bool flag;
	int count;
	int family;
	const char *list[2];
	size_t nlist;
	unsigned port;
	double seconds;
	const char *host;
	unsigned host_port;
	bool a, b;
	const char *need;
};

#define S struct sample
static const struct opt sample_opts[] = {
    {"name", 'n', "NAME", "a domain", OPT_STRING_AT(S, name),
     .check = &opt_domain},
    {"flag", 'f', NULL, "a flag", OPT_FLAG_AT(S, flag)},
    {"count", 'v', NULL, "a count", OPT_COUNT_AT(S, count)},
    {"six", '6', NULL, "a value", OPT_VALUE_AT(S, family, AF_INET6)},
    {"list", 'l', "IP", "a list", OPT_LIST_AT(S, list, nlist),
     .check = &opt_ip},
    {"port", 'p', "PORT", "a port", OPT_PORT_AT(S, port)},
    {"wait", 0, "SEC", "seconds", OPT_SECONDS_AT(S, seconds)},
    {"at", 0, "HOST[:PORT]", "a host", OPT_HOSTPORT_AT(S, host, host_port)},
    {"aa", 0, NULL, "one", OPT_FLAG_AT(S, a), .flags = OPT_EXCLUSIVE},
    {"bb", 0, NULL, "the other", OPT_FLAG_AT(S, b)},
    {"need", 'N', "WHAT", "needed", OPT_STRING_AT(S, need),
     .flags = OPT_REQUIRED, .what = "the thing"},
    OPT_END,
};
static const struct opt no_standard[] = {OPT_END};

static int
parse(struct sample *s, struct opt_set *set, char *err, size_t errlen,
      char **argv)
{
	const struct opt_slot *stop = NULL;
	int argc = 0, rc;

	while (argv[argc] != NULL)
		argc++;
	memset(s, 0, sizeof(*s));
	if (opt_set_build(set, no_standard, NULL, sample_opts, s, err,
			  errlen) == -1)
		return -1;
	rc = opt_parse_args(set, argc, argv, &stop, err, errlen);
	return rc == 0 ? opt_set_complete(set, err, errlen) : rc;
}

static void
values_reach_fields(void)
{
	char *argv[] = {"t",	    "-n",   "ok.test",	  "-f",	  "-vv",
			"-6",	    "-l",   "192.0.2.1",  "-l",	  "::1",
			"-p",	    "2525", "--wait=1.5", "--at", "[::1]:26",
			"--need=x", NULL};
	struct sample s;
	struct opt_set set;
	char err[256] = "";

	CHECK(parse(&s, &set, err, sizeof(err), argv) == 0);
	CHECK_STR(err, "");
	CHECK_STR(s.name, "ok.test");
	CHECK(s.flag && s.count == 2 && s.family == AF_INET6);
	CHECK(s.nlist == 2 && strcmp(s.list[1], "::1") == 0);
	CHECK(s.port == 2525 && s.seconds == 1.5);
	CHECK_STR(s.host, "::1");
	CHECK(s.host_port == 26);
	opt_set_free(&set);
}

/* The reason a command line is refused. */
static const char *
refusal(char **argv)
{
	static char err[256];
	struct sample s;
	struct opt_set set;

	err[0] = '\0';
	if (parse(&s, &set, err, sizeof(err), argv) != -1)
		snprintf(err, sizeof(err), "(accepted)");
	opt_set_free(&set);
	return err;
}

static void
refusals_say_why(void)
{
	CHECK_STR(refusal((char *[]){"t", "-n", "a..b", "-Nx", NULL}),
		  "--name: 'a..b' is not a domain name");
	CHECK_STR(refusal((char *[]){"t", "-l", "1.2.3.4", "-l", "::1", "-l",
				     "::2", "-Nx", NULL}),
		  "--list: at most 2 may be given");
	CHECK_STR(refusal((char *[]){"t", "-p", "0", "-Nx", NULL}),
		  "--port: '0' is not a port number");
	CHECK_STR(refusal((char *[]){"t", "--wait", "0", "-Nx", NULL}),
		  "--wait: '0' is not a number of seconds (0 < N <= 3600)");
	CHECK_STR(refusal((char *[]){"t", "--at", "a:99999", "-Nx", NULL}),
		  "--at: 'a:99999' is not HOST[:PORT]");
	CHECK_STR(refusal((char *[]){"t", NULL}),
		  "-N/--need (the thing) is required");
	CHECK_STR(refusal((char *[]){"t", "--aa", "--bb", "-Nx", NULL}),
		  "--aa and --bb exclude each other");
	CHECK_STR(refusal((char *[]){"t", "--fla", "-Nx", NULL}),
		  "option --fla is unknown");
	CHECK_STR(refusal((char *[]){"t", "-Nx", "-p", NULL}),
		  "option -p needs an argument");
	CHECK_STR(refusal((char *[]){"t", "-Nx", "stray", NULL}),
		  "unexpected argument 'stray'");
}

static void
usage_line_from_table(void)
{
	struct sample s;
	struct opt_set set;
	char err[64], *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	CHECK(opt_set_build(&set, no_standard, NULL, sample_opts, &s, err,
			    sizeof(err)) == 0);
	opt_synopsis(&set, fp);
	fclose(fp);
	CHECK_STR(text,
		  " -N WHAT [-n NAME] [-f] [-v] [-6] [-l IP]... "
		  "[-p PORT] [--wait SEC] [--at HOST[:PORT]] [--aa|--bb]");
	free(text);
	opt_set_free(&set);
}

int
main(void)
{
	unit_suite = "unit/options";
	RUN(every_plugin_table);
	RUN(values_reach_fields);
	RUN(refusals_say_why);
	RUN(usage_line_from_table);
	return unit_failed != 0;
}
