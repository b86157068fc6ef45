/*
 * options.c - option tables: flattened once, then read by getopt, the
 * profile, --help and the usage line alike.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/options.h"

#include "core/addr.h"
#include "core/diag.h"
#include "core/file.h"
#include "core/range.h"

/* getopt's value for a long option without a letter: past every char. */
#define LONG_ONLY_KEY 256

/* Checks of text values. */

static bool
valid_domain(const char *t)
{
	return addr_valid_name(t);
}

static bool
valid_hostname(const char *t)
{
	return addr_valid_name(t) && !addr_is_literal(t);
}

static bool
valid_host(const char *t)
{
	return addr_valid_name(t) || addr_is_literal(t);
}

static bool
valid_ehlo(const char *t)
{
	size_t n = strlen(t);

	return addr_valid_name(t) || (n > 2 && t[0] == '[' && t[n - 1] == ']');
}

static bool
valid_ip(const char *t)
{
	char canon[ADDR_TEXT_MAX];

	return addr_canon(t, canon, sizeof(canon)) != -1;
}

static bool
valid_server(const char *t)
{
	char server[ADDR_SERVER_MAX];

	return addr_server(t, server, sizeof(server)) == 0;
}

/*
 * LOCAL@DOMAIN as MAIL FROM and RCPT TO carry it: a local part of
 * printable characters but space and brackets, a domain name or an
 * [address] literal.
 */
static bool
valid_mail_address(const char *t)
{
	const char *at = strrchr(t, '@');

	if (at == NULL || at == t || strlen(t) > 254)
		return false;
	for (const char *c = t; c < at; c++)
		if ((unsigned char)*c <= ' ' || *c == '<' || *c == '>' ||
		    (unsigned char)*c >= 0x7f)
			return false;
	return addr_valid_name(at + 1) || valid_ehlo(at + 1);
}

static bool
valid_path(const char *t)
{
	return t[0] != '\0';
}

static bool
valid_regular_file(const char *t)
{
	return file_is_regular(t);
}

const struct opt_check opt_domain = {valid_domain, "a domain name"};
const struct opt_check opt_name = {valid_domain, "a host name"};
const struct opt_check opt_hostname = {valid_hostname, "a host name"};
const struct opt_check opt_host = {valid_host, "a host name or address"};
const struct opt_check opt_ehlo = {valid_ehlo, "a host name or [address]"};
const struct opt_check opt_ip = {valid_ip, "an IP address"};
const struct opt_check opt_server = {valid_server, "IP[:PORT]"};
const struct opt_check opt_mail_address = {valid_mail_address,
					   "a mail address (LOCAL@DOMAIN)"};
const struct opt_check opt_path = {valid_path, "a path"};
const struct opt_check opt_regular_file = {valid_regular_file,
					   "a regular file"};

/*
 * Limits "W[,C]": in days (--certificate-days, --rrsig-days: the fewer
 * left, the worse), in percent (--quota: the more used, the worse).
 */

#define DAYS_MAX 36500 /* a hundred years: more is a typing error */

/* One number from 0 to max, all of text up to end_at ('\0' or ','); or -1. */
static int
parse_one_limit(const char *text, char end_at, double max, double *v,
		const char **end)
{
	char *e;

	errno = 0;
	*v = strtod(text, &e);
	*end = e;
	return e != text && (*e == end_at || *e == '\0') && errno == 0 &&
		       isfinite(*v) && *v >= 0 && *v <= max
		   ? 0
		   : -1;
}

/* W[,C] from 0 to max, C on the worse side of W (rising: C >= W). */
static int
parse_limits(const struct opt *o, struct opt_limits *l, const char *arg,
	     double max, bool rising, const char *unit, char *err,
	     size_t errlen)
{
	const char *end;

	if (parse_one_limit(arg, ',', max, &l->warn, &end) == -1)
		return errorf(err, errlen,
			      "--%s: '%s' is not %s[,%s] (0 to %g)", o->name,
			      arg, unit, unit, max);
	l->crit = NAN;
	if (*end == ',' &&
	    (parse_one_limit(end + 1, '\0', max, &l->crit, &end) == -1 ||
	     *end != '\0' || (rising ? l->crit < l->warn : l->crit > l->warn)))
		return errorf(err, errlen,
			      "--%s: '%s' is not WARN[,CRIT] with CRIT %s WARN",
			      o->name, arg, rising ? ">=" : "<=");
	return 0;
}

int
opt_parse_days(const struct opt *o, void *field, const char *arg, char *err,
	       size_t errlen)
{
	return parse_limits(o, field, arg, DAYS_MAX, false, "DAYS", err,
			    errlen);
}

int
opt_parse_percent(const struct opt *o, void *field, const char *arg, char *err,
		  size_t errlen)
{
	return parse_limits(o, field, arg, 100, true, "PERCENT", err, errlen);
}

/* Building the set. */

static int
add_slot(struct opt_set *set, const struct opt *o, char *base, bool standard,
	 char *err, size_t errlen)
{
	if (set->n == OPT_SLOTS_MAX)
		return errorf(err, errlen, "more than %d options",
			      OPT_SLOTS_MAX);
	set->slot[set->n++] = (struct opt_slot){
	    o, base, standard, (o->flags & OPT_REQUIRED) != 0, false, false};
	return 0;
}

/*
 * Add a table's options, bound to base; a group's to the member of base
 * it is placed at, or, for a group of standard options, to the member of
 * the standard struct.
 */
static int
flatten(struct opt_set *set, const struct opt *table, char *base, bool standard,
	char *err, size_t errlen)
{
	for (const struct opt *o = table; o->kind != OPT_NONE; o++) {
		bool std = standard || (o->flags & OPT_STANDARD);
		char *at =
		    (o->flags & OPT_STANDARD ? set->std : base) + o->field;
		int rc = o->kind == OPT_GROUP
			     ? flatten(set, o->group, at, std, err, errlen)
			     : add_slot(set, o, base, standard, err, errlen);

		if (rc == -1)
			return -1;
	}
	return 0;
}

int
opt_set_build(struct opt_set *set, const struct opt *standard, void *std,
	      const struct opt *own, void *conf, char *err, size_t errlen)
{
	memset(set, 0, sizeof(*set));
	set->std = std;
	if (flatten(set, standard, std, true, err, errlen) == -1)
		return -1;
	return flatten(set, own, conf, false, err, errlen);
}

void
opt_set_free(struct opt_set *set)
{
	for (size_t i = 0; i < set->nowned; i++)
		free(set->owned[i]);
	free(set->owned);
	set->owned = NULL;
	set->nowned = 0;
}

int
opt_set_duplicates(const struct opt_set *set, char *err, size_t errlen)
{
	for (size_t i = 0; i < set->n; i++)
		for (size_t k = i + 1; k < set->n; k++) {
			const struct opt *a = set->slot[i].o,
					 *b = set->slot[k].o;

			if (strcmp(a->name, b->name) == 0)
				return errorf(err, errlen, "--%s twice",
					      a->name);
			if (a->letter != 0 && a->letter == b->letter)
				return errorf(err, errlen,
					      "-%c twice (--%s, --%s)",
					      a->letter, a->name, b->name);
		}
	return 0;
}

struct opt_slot *
opt_set_find(struct opt_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->slot[i].o->name, name) == 0)
			return &set->slot[i];
	return NULL;
}

const char *
opt_set_own(struct opt_set *set, const char *text)
{
	char **owned = realloc(set->owned, (set->nowned + 1) * sizeof(*owned));

	if (owned == NULL)
		return NULL;
	set->owned = owned;
	if ((owned[set->nowned] = strdup(text)) == NULL)
		return NULL;
	return owned[set->nowned++];
}

/* Applying a value. */

static int
checked(const struct opt *o, const char *arg, char *err, size_t errlen)
{
	if (o->check == NULL || o->check->valid(arg))
		return 0;
	return errorf(err, errlen, "--%s: '%.100s' is not %s", o->name, arg,
		      o->check->what);
}

static int
apply_list(const struct opt *o, char *base, const char *arg, char *err,
	   size_t errlen)
{
	const char **list = (const char **)(void *)(base + o->field);
	size_t *n = (size_t *)(void *)(base + o->aux);

	if (checked(o, arg, err, errlen) == -1)
		return -1;
	if (*n == o->cap)
		return errorf(err, errlen, "--%s: at most %zu may be given",
			      o->name, o->cap);
	list[(*n)++] = arg;
	return 0;
}

static int
parse_port(const char *arg, unsigned *port)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' ||
	    n == 0 || n > 65535)
		return -1;
	*port = (unsigned)n;
	return 0;
}

int
opt_seconds(const char *name, const char *arg, double *v, char *err,
	    size_t errlen)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(d) ||
	    d <= 0 || d > OPT_SECONDS_MAX)
		return errorf(err, errlen,
			      "--%s: '%s' is not a number of seconds "
			      "(0 < N <= %g)",
			      name, arg, OPT_SECONDS_MAX);
	*v = d;
	return 0;
}

static int
apply_hostport(struct opt_set *set, const struct opt *o, char *base,
	       const char *arg, char *err, size_t errlen)
{
	char host[256];
	const char *owned;

	if (addr_hostport(arg, host, sizeof(host),
			  (unsigned *)(void *)(base + o->aux)) == -1)
		return errorf(err, errlen, "--%s: '%.100s' is not HOST[:PORT]",
			      o->name, arg);
	if ((owned = opt_set_own(set, host)) == NULL)
		return errorf(err, errlen, "out of memory");
	*(const char **)(void *)(base + o->field) = owned;
	return 0;
}

int
opt_apply(struct opt_set *set, struct opt_slot *slot, const char *arg,
	  char *err, size_t errlen)
{
	const struct opt *o = slot->o;
	void *field = slot->base + o->field;

	slot->given = true;
	switch (o->kind) {
	case OPT_STRING:
		if (checked(o, arg, err, errlen) == -1)
			return -1;
		*(const char **)field = arg;
		return 0;
	case OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case OPT_COUNT:
		(*(int *)field)++;
		return 0;
	case OPT_VALUE:
		*(int *)field = o->value;
		return 0;
	case OPT_LIST:
		return apply_list(o, slot->base, arg, err, errlen);
	case OPT_PORT:
		if (parse_port(arg, field) == -1)
			return errorf(err, errlen,
				      "--%s: '%s' is not a port number",
				      o->name, arg);
		return 0;
	case OPT_SECONDS:
		return opt_seconds(o->name, arg, field, err, errlen);
	case OPT_HOSTPORT:
		return apply_hostport(set, o, slot->base, arg, err, errlen);
	case OPT_PARSE:
		return o->parse(o, field, arg, err, errlen);
	case OPT_NONE:
	case OPT_GROUP:
		break;
	}
	return errorf(err, errlen, "--%s: not an option", o->name);
}

int
opt_parse_range(const struct opt *o, void *field, const char *arg, char *err,
		size_t errlen)
{
	if (range_parse(arg, field) == -1)
		return errorf(err, errlen, "--%s: '%s' is not a range", o->name,
			      arg);
	return 0;
}

/* The command line. */

static int
key_of(const struct opt_set *set, size_t i)
{
	return set->slot[i].o->letter ? set->slot[i].o->letter
				      : LONG_ONLY_KEY + (int)i;
}

static struct opt_slot *
slot_of_key(struct opt_set *set, int key)
{
	for (size_t i = 0; i < set->n; i++)
		if (key_of(set, i) == key)
			return &set->slot[i];
	return NULL;
}

/* getopt's tables: longopts has set->n + 1 entries, shortopts room. */
static void
getopt_tables(const struct opt_set *set, struct option *longopts,
	      char *shortopts, size_t shortsize)
{
	size_t n = 0;

	shortopts[n++] = ':'; /* report a missing argument as ':' */
	for (size_t i = 0; i < set->n; i++) {
		const struct opt *o = set->slot[i].o;

		longopts[i] = (struct option){
		    o->name, o->arg ? required_argument : no_argument, NULL,
		    key_of(set, i)};
		if (o->letter != 0 && n + 3 < shortsize) {
			shortopts[n++] = (char)o->letter;
			if (o->arg != NULL)
				shortopts[n++] = ':';
		}
	}
	longopts[set->n] = (struct option){NULL, 0, NULL, 0};
	shortopts[n] = '\0';
}

/*
 * getopt_long() takes any unique prefix of a long option: "--password"
 * would be --password-file, and its argument a file name printed back.
 */
static int
exact_long_options(struct opt_set *set, int argc, char **argv, char *err,
		   size_t errlen)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct opt *match = NULL;
		size_t len;

		if (strcmp(a, "--") == 0)
			break;
		if (strncmp(a, "--", 2) != 0)
			continue;
		len = strcspn(a + 2, "="); /* a holds "--": a + 2 is in it */
		for (size_t k = 0; k < set->n && match == NULL; k++)
			if (strlen(set->slot[k].o->name) == len &&
			    strncmp(set->slot[k].o->name, a + 2, len) == 0)
				match = set->slot[k].o;
		if (match == NULL)
			return errorf(err, errlen, "option --%.*s is unknown",
				      (int)(len < 64 ? len : 64), a + 2);
		if (match->arg != NULL && a[2 + len] != '=')
			i++; /* its argument */
	}
	return 0;
}

static int
getopt_error(int key, char **argv, char *err, size_t errlen)
{
	const char *what = argv[optind - 1];
	const char *why = key == ':' ? "needs an argument" : "is unknown";

	if (optopt != 0 && optopt < LONG_ONLY_KEY &&
	    strncmp(what, "--", 2) != 0)
		return errorf(err, errlen, "option -%c %s", optopt, why);
	return errorf(err, errlen, "option %.100s %s", what, why);
}

int
opt_parse_args(struct opt_set *set, int argc, char **argv,
	       const struct opt_slot **stop, char *err, size_t errlen)
{
	struct option longopts[OPT_SLOTS_MAX + 1];
	char shortopts[2 * OPT_SLOTS_MAX + 2];
	struct opt_slot *slot;
	int key;

	if (exact_long_options(set, argc, argv, err, errlen) == -1)
		return -1;
	getopt_tables(set, longopts, shortopts, sizeof(shortopts));
	opterr = 0;
	optind = 1;
	while ((key = getopt_long(argc, argv, shortopts, longopts, NULL)) !=
	       -1) {
		if (key == '?' || key == ':')
			return getopt_error(key, argv, err, errlen);
		if ((slot = slot_of_key(set, key)) == NULL)
			return errorf(err, errlen, "option %d unhandled", key);
		slot->seen = true;
		if (slot->o->flags & (OPT_HELP | OPT_VERSION)) {
			*stop = slot;
			return 1;
		}
		if (opt_apply(set, slot, optarg, err, errlen) == -1)
			return -1;
	}
	if (optind < argc)
		return errorf(err, errlen, "unexpected argument '%.100s'",
			      argv[optind]);
	return 0;
}

/* "-D/--domain", or "--pop3 HOST[:PORT]" for a long option only. */
static void
usage_name(const struct opt *o, char *out, size_t size)
{
	if (o->letter != 0)
		snprintf(out, size, "-%c/--%s", o->letter, o->name);
	else
		snprintf(out, size, "--%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
}

int
opt_set_complete(const struct opt_set *set, char *err, size_t errlen)
{
	char name[128];

	for (size_t i = 0; i < set->n; i++) {
		const struct opt_slot *s = &set->slot[i];

		if (s->required && !s->given) {
			usage_name(s->o, name, sizeof(name));
			return errorf(err, errlen, "%s%s%s%s is required", name,
				      s->o->what ? " (" : "",
				      s->o->what ? s->o->what : "",
				      s->o->what ? ")" : "");
		}
		if ((s->o->flags & OPT_EXCLUSIVE) && i + 1 < set->n &&
		    s->given && set->slot[i + 1].given)
			return errorf(err, errlen,
				      "--%s and --%s exclude each other",
				      s->o->name, set->slot[i + 1].o->name);
	}
	return 0;
}

/* The usage line and --help. */

/* "-D DOMAIN" or "--smtp HOST[:PORT]" */
static void
print_form(const struct opt *o, FILE *fp)
{
	if (o->letter != 0)
		fprintf(fp, "-%c", o->letter);
	else
		fprintf(fp, "--%s", o->name);
	if (o->arg != NULL)
		fprintf(fp, " %s", o->arg);
}

static bool
in_synopsis(const struct opt_slot *s)
{
	return !s->standard || (s->o->flags & OPT_SYNOPSIS);
}

/* One element of the usage line: "-D DOMAIN", "[-a IP]...", "[-4|-6]". */
static size_t
print_element(const struct opt_set *set, size_t i, FILE *fp)
{
	const struct opt *o = set->slot[i].o;
	bool pair = (o->flags & OPT_EXCLUSIVE) && i + 1 < set->n;
	bool required = set->slot[i].required;

	fputs(required ? " " : " [", fp);
	print_form(o, fp);
	if (pair) {
		fputs("|", fp);
		print_form(set->slot[i + 1].o, fp);
	}
	fputs(required ? "" : "]", fp);
	if (o->kind == OPT_LIST && o->cap > 1)
		fputs("...", fp);
	return pair ? 2 : 1;
}

/* Which pass of the usage line shows a slot: required, own, standard. */
static int
synopsis_pass(const struct opt_slot *s)
{
	if (s->required)
		return 0;
	return s->standard ? 2 : 1;
}

void
opt_synopsis(const struct opt_set *set, FILE *fp)
{
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < set->n;) {
			const struct opt_slot *s = &set->slot[i];

			if (in_synopsis(s) && synopsis_pass(s) == pass)
				i += print_element(set, i, fp);
			else
				i++;
		}
}

static void
print_help_line(const struct opt_slot *s, FILE *fp)
{
	const struct opt *o = s->o;
	char names[96];

	if (o->letter != 0)
		snprintf(names, sizeof(names), "-%c, --%s%s%s", o->letter,
			 o->name, o->arg ? "=" : "", o->arg ? o->arg : "");
	else
		snprintf(names, sizeof(names), "    --%s%s%s", o->name,
			 o->arg ? "=" : "", o->arg ? o->arg : "");
	fprintf(fp, "  %s\n      %s%s%s\n", names, o->help,
		s->required ? " (required)" : "",
		o->kind == OPT_LIST && o->cap > 1 ? " (repeatable)" : "");
}

void
opt_help(const struct opt_set *set, const char *plugin, FILE *fp)
{
	fprintf(fp, "\nStandard options:\n");
	for (size_t i = 0; i < set->n; i++)
		if (set->slot[i].standard)
			print_help_line(&set->slot[i], fp);
	fprintf(fp, "\nOptions of %s:\n", plugin);
	for (size_t i = 0; i < set->n; i++)
		if (!set->slot[i].standard)
			print_help_line(&set->slot[i], fp);
}
