/*
 * options.h - a plugin's options as a table: each entry binds an option to
 * a field of the plugin's configuration struct by kind, and the same table
 * gives getopt its options, the profile its keys, --help its lines and the
 * usage line its synopsis (Postfix CONFIG_*_TABLE, curl's typed option
 * kinds, with the binding to the field that they lack).
 *
 *	static const struct opt options[] = {
 *	    {"domain", 'D', "DOMAIN", "the mail domain",
 *	     OPT_STRING_AT(struct step_dns_conf, domain),
 *	     .flags = OPT_REQUIRED, .check = &opt_domain},
 *	    {"server", 's', "IP[:PORT]", "a DNS server to ask",
 *	     OPT_LIST_AT(struct step_dns_conf, server, nserver)},
 *	    OPT_END,
 *	};
 *
 * The _AT macros check at compile time that the field has the kind's type
 * (a list's count is a size_t, its cap the array's length).  A group of
 * options shared by several plugins (the SMTP target, TLS, a mailbox) is a
 * table of its own, placed at a field with OPT_GROUP_AT: its entries bind
 * to the members of that field.
 */
#ifndef IMSCHECK_OPTIONS_H
#define IMSCHECK_OPTIONS_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum opt_kind {
	OPT_NONE = 0, /* the end of a table */
	OPT_STRING,   /* const char *: the text as given */
	OPT_FLAG,     /* bool: true when given (true in a profile) */
	OPT_COUNT,    /* int: one more each time (-vvv) */
	OPT_VALUE,    /* int: set to the entry's value (-4, -6) */
	OPT_LIST,     /* const char *[N] and a size_t count: repeatable */
	OPT_PORT,     /* unsigned: 1 to 65535 */
	OPT_SECONDS,  /* double: more than 0, at most OPT_SECONDS_MAX */
	OPT_HOSTPORT, /* const char * host and unsigned port: HOST[:PORT] */
	OPT_PARSE,    /* anything else, by the entry's parse function */
	OPT_GROUP,    /* another table, bound to the members of a field */
};

#define OPT_SECONDS_MAX 3600.0

enum {
	OPT_REQUIRED = 1 << 0,	/* must be given, on the line or in a profile */
	OPT_EXCLUSIVE = 1 << 1, /* this and the next entry exclude each other */
	OPT_CLI_ONLY = 1 << 2,	/* not a key of the profile (-h, -V, -C) */
	OPT_SYNOPSIS = 1 << 3,	/* a standard option the usage line shows */
	OPT_HELP = 1 << 4,	/* -h: print the help and stop */
	OPT_VERSION = 1 << 5,	/* -V: print the version and stop */
	OPT_STANDARD = 1 << 6,	/* a group of standard options, bound to their
				   struct (plugin.h), wherever it is placed */
};

/* What a text value must be, and how to say it is not. */
struct opt_check {
	bool (*valid)(const char *text);
	const char *what; /* "--NAME: 'TEXT' is not WHAT" */
};

struct opt;

/* OPT_PARSE: apply arg to the field; 0, or -1 with the reason in err. */
typedef int (*opt_parse_fn)(const struct opt *o, void *field, const char *arg,
			    char *err, size_t errlen);

struct opt {
	const char *name; /* --NAME, and the key in the site profile */
	int letter;	  /* -L, or 0 for a long option only */
	const char *arg;  /* the argument's name in --help; NULL for none */
	const char *help;
	enum opt_kind kind;
	size_t field; /* offset of the field the value goes to */
	size_t aux;   /* OPT_LIST: of its count; OPT_HOSTPORT: of the port */
	size_t cap;   /* OPT_LIST: the list's length */
	int value;    /* OPT_VALUE: what is set */
	unsigned flags;
	const struct opt_check *check; /* OPT_STRING and OPT_LIST values */
	opt_parse_fn parse;	       /* OPT_PARSE */
	const struct opt *group;       /* OPT_GROUP */
	const char *what;	       /* OPT_REQUIRED: "(WHAT) is required" */
	const char *key; /* the profile key ("SECTION.NAME") that gives the
			    default when the plugin's section lacks NAME:
			    a value the profile already says elsewhere */
};

/* The offset of s.f, which must have type t: a compile error otherwise. */
#define OPT_TYPED(t, s, f)                                                     \
	(offsetof(s, f) + 0 * sizeof(_Generic(&((s *)0)->f, t * : 1)))
#define OPT_STRING_AT(s, f)                                                    \
	.kind = OPT_STRING, .field = OPT_TYPED(const char *, s, f)
#define OPT_FLAG_AT(s, f)  .kind = OPT_FLAG, .field = OPT_TYPED(bool, s, f)
#define OPT_COUNT_AT(s, f) .kind = OPT_COUNT, .field = OPT_TYPED(int, s, f)
#define OPT_VALUE_AT(s, f, v)                                                  \
	.kind = OPT_VALUE, .field = OPT_TYPED(int, s, f), .value = (v)
#define OPT_LIST_AT(s, f, n)                                                   \
	.kind = OPT_LIST, .field = OPT_TYPED(const char *, s, f[0]),           \
	.aux = OPT_TYPED(size_t, s, n),                                        \
	.cap = sizeof(((s *)0)->f) / sizeof(((s *)0)->f[0])
#define OPT_PORT_AT(s, f) .kind = OPT_PORT, .field = OPT_TYPED(unsigned, s, f)
#define OPT_SECONDS_AT(s, f)                                                   \
	.kind = OPT_SECONDS, .field = OPT_TYPED(double, s, f)
#define OPT_HOSTPORT_AT(s, host, port)                                         \
	.kind = OPT_HOSTPORT, .field = OPT_TYPED(const char *, s, host),       \
	.aux = OPT_TYPED(unsigned, s, port)
/* "W[,C]": a warning and a critical limit, NAN when not given. */
struct opt_limits {
	double warn;
	double crit;
};
#define OPT_LIMITS_INIT                                                        \
	{                                                                      \
		NAN, NAN                                                       \
	}
#define OPT_LIMITS_AT(s, f, fn)                                                \
	.kind = OPT_PARSE, .field = OPT_TYPED(struct opt_limits, s, f),        \
	.parse = (fn)
/* The parse function's field is untyped: it must know what it gets. */
#define OPT_PARSE_AT(s, f, fn)                                                 \
	.kind = OPT_PARSE, .field = offsetof(s, f), .parse = (fn)
/* A group's table, at a field of the type the group is written for. */
#define OPT_GROUP_AT(t, s, f, table)                                           \
	{                                                                      \
		.kind = OPT_GROUP, .field = OPT_TYPED(t, s, f),                \
		.group = (table)                                               \
	}
#define OPT_END                                                                \
	{                                                                      \
		.kind = OPT_NONE                                               \
	}

/* Checks for text values. */
/* OPT_PARSE: "W[,C]" days (0 to 36500, C <= W) into a struct opt_limits. */
int opt_parse_days(const struct opt *o, void *field, const char *arg, char *err,
		   size_t errlen);
/* OPT_PARSE: "W[,C]" percent (0 to 100, C >= W) into a struct opt_limits. */
int opt_parse_percent(const struct opt *o, void *field, const char *arg,
		      char *err, size_t errlen);

extern const struct opt_check opt_domain;	/* a domain name */
extern const struct opt_check opt_name;		/* a host name (DNS syntax) */
extern const struct opt_check opt_hostname;	/* a host name, no address */
extern const struct opt_check opt_host;		/* a host name or address */
extern const struct opt_check opt_ehlo;		/* a host name or [address] */
extern const struct opt_check opt_ip;		/* an IP address */
extern const struct opt_check opt_server;	/* IP[:PORT] of a DNS server */
extern const struct opt_check opt_mail_address; /* for MAIL FROM, RCPT TO */
extern const struct opt_check opt_path;		/* not empty */
extern const struct opt_check opt_regular_file; /* exists, a regular file */

/* One option of a flattened table, with where its value goes. */
struct opt_slot {
	const struct opt *o;
	char *base;    /* the struct its field and aux are offsets into */
	bool standard; /* one of the standard options */
	bool required; /* OPT_REQUIRED, or made so by the plugin */
	bool seen;     /* given on the command line */
	bool given;    /* given on the command line or in the profile */
};

#define OPT_SLOTS_MAX 96

/*
 * The options of a plugin: the standard table (bound to std) and the
 * plugin's own (bound to conf), flattened, with the strings the parser
 * made (HOST of HOST[:PORT], values from a profile).
 */
struct opt_set {
	struct opt_slot slot[OPT_SLOTS_MAX];
	size_t n;
	char *std; /* the standard options' struct */
	char **owned;
	size_t nowned;
};

/* Flatten both tables into set; -1 with err when they do not fit. */
int opt_set_build(struct opt_set *set, const struct opt *standard, void *std,
		  const struct opt *own, void *conf, char *err, size_t errlen);
void opt_set_free(struct opt_set *set);

/* The first name or letter given twice, in err; 0 when there is none. */
int opt_set_duplicates(const struct opt_set *set, char *err, size_t errlen);

/* The slot of a long name, or NULL. */
struct opt_slot *opt_set_find(struct opt_set *set, const char *name);

/*
 * Apply one value to a slot (arg NULL for an option without argument):
 * from the command line or, through opt_set_own(), from a profile.  0, or
 * -1 with the reason in err ("--port: 'x' is not a port number").
 */
int opt_apply(struct opt_set *set, struct opt_slot *slot, const char *arg,
	      char *err, size_t errlen);

/* A copy of text that lives as long as set; NULL when out of memory. */
const char *opt_set_own(struct opt_set *set, const char *text);

/*
 * The command line.  Returns 0, or 1 when an OPT_HELP or OPT_VERSION
 * option was met (*stop then names it), or -1 with the reason in err.
 * Long options must be given in full.
 */
int opt_parse_args(struct opt_set *set, int argc, char **argv,
		   const struct opt_slot **stop, char *err, size_t errlen);

/*
 * After the command line and the profile: every required option given,
 * no two exclusive ones together.  0, or -1 with the reason in err.
 */
int opt_set_complete(const struct opt_set *set, char *err, size_t errlen);

/* "-D DOMAIN [-a IP]... [--tls|--stls] [-t SEC[:STATE]]": the usage line. */
void opt_synopsis(const struct opt_set *set, FILE *fp);
/* The option lines of --help: the standard options, then the plugin's. */
void opt_help(const struct opt_set *set, const char *plugin, FILE *fp);

/* OPT_PARSE functions: a struct range (-w, -c). */
int opt_parse_range(const struct opt *o, void *field, const char *arg,
		    char *err, size_t errlen);

/* A number of seconds as OPT_SECONDS takes it; 0, or -1 with err. */
int opt_seconds(const char *name, const char *arg, double *v, char *err,
		size_t errlen);

#endif
