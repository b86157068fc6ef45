/*
 * spf.h - Sender Policy Framework (RFC 7208): the record parser, the
 * macro expander (section 7) and check_host() (section 4), with the
 * limits of 4.6.4 (10 DNS-querying terms, 2 void lookups, 10 MX and PTR
 * names) and include/redirect loops found.
 *
 * Every lookup goes through a struct dns_memo (proto/dns.h), so several
 * addresses evaluated against one domain ask each name once, on the one
 * c-ares channel, under the check's deadline; a unit test fills a memo
 * with a zone of its own (the RFC 7208 test suite).
 */
#ifndef IMSCHECK_SPF_H
#define IMSCHECK_SPF_H

#include <stdbool.h>
#include <stddef.h>

#include "proto/dns.h"

#define SPF_TERMS_MAX	 64  /* terms one record may hold */
#define SPF_LOOKUPS_MAX	 10  /* DNS-querying terms (4.6.4) */
#define SPF_VOIDS_MAX	 2   /* void lookups (4.6.4) */
#define SPF_NAMES_MAX	 10  /* MX or PTR names looked at (4.6.4) */
#define SPF_DOMAIN_MAX	 253 /* an expanded domain-spec (7.3) */
#define SPF_EXPANDED_MAX 1024

enum spf_result {
	SPF_NONE,
	SPF_NEUTRAL,
	SPF_PASS,
	SPF_FAIL,
	SPF_SOFTFAIL,
	SPF_TEMPERROR,
	SPF_PERMERROR,
};

enum spf_mech {
	SPF_ALL,
	SPF_INCLUDE,
	SPF_A,
	SPF_MX,
	SPF_PTR,
	SPF_IP4,
	SPF_IP6,
	SPF_EXISTS,
	SPF_MODIFIER, /* not a mechanism: name=value */
};

/* One term of a record; text points into the record parsed. */
struct spf_term {
	const char *text; /* the whole term, as written */
	size_t len;
	enum spf_mech mech;
	enum spf_result qualifier; /* what a match gives */
	const char *name;	   /* a modifier's name */
	size_t namelen;
	const char *spec; /* domain-spec, macro-string, or the network */
	size_t speclen;	  /* 0: none given (a, mx, ptr: the domain) */
	int cidr4;	  /* prefix length, -1 when none was given */
	int cidr6;
	unsigned char net[16]; /* ip4, ip6: the network's bytes */
};

struct spf_record {
	struct spf_term term[SPF_TERMS_MAX];
	size_t n;
	const struct spf_term *redirect; /* redirect=, or NULL */
	const struct spf_term *exp;	 /* exp=, or NULL */
	const struct spf_term *all;	 /* the first all, or NULL */
	bool ptr;			 /* a ptr mechanism is used */
};

/* Whether a TXT record is an SPF record: "v=spf1", then a space or end. */
bool spf_is_record(const char *text, size_t len);

/* Parse a record (4.6): 0, or -1 with the syntax error in err. */
int spf_record_parse(struct spf_record *rec, const char *text, size_t len,
		     char *err, size_t errlen);

/* What check_host() knows of the message: the macros' values (7.3). */
struct spf_request {
	const char *addr;   /* <ip>: IPv4 or IPv6 text */
	const char *sender; /* "local@domain" (MAIL FROM) */
	const char *helo;   /* %{h} */
	const char *domain; /* %{d}: the domain whose record is evaluated */
};

/*
 * Expand a macro-string (7.1-7.4) into out: 0, or -1 with err.  exp: the
 * text of an explanation (c, r, t allowed, no truncation to 253).  The p
 * macro asks the DNS through memo (NULL: "unknown").
 */
int spf_expand(const struct spf_request *req, struct dns_memo *memo,
	       const char *spec, size_t len, bool exp, char *out,
	       size_t outsize, char *err, size_t errlen);

/* An address as terms compare it (an IPv4-mapped one is IPv4, 5). */
struct spf_addr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char bytes[16];
};

int spf_addr_parse(const char *text, struct spf_addr *a);
/* Whether a lies in the network net/prefix of that family. */
bool spf_addr_in(const struct spf_addr *a, int family, const unsigned char *net,
		 int prefix);
/* name is domain or a name below it (without case, final dot). */
bool spf_name_within(const char *name, const char *domain);

/*
 * The validated names of a (5.5): its PTR names, at most SPF_NAMES_MAX of
 * them asked, whose A or AAAA records hold a.  Returns how many were put
 * in names, or -1 when the PTR lookup failed; void lookups are counted in
 * *voids (may be NULL).
 */
int spf_validated_names(struct dns_memo *memo, const struct spf_addr *a,
			char names[][DNS_NAME_MAX + 1], size_t max,
			unsigned *voids);

/* One evaluation: check_host(<ip>, <domain>, <sender>). */
struct spf_eval {
	/* In. */
	struct dns_memo *memo;
	const char *addr;
	const char *sender; /* NULL: postmaster@domain */
	const char *helo;   /* NULL: the domain */

	/* Out. */
	enum spf_result result;
	unsigned lookups;		 /* DNS-querying terms evaluated */
	unsigned voids;			 /* void lookups */
	char why[256];			 /* the matching term, or the error */
	char explanation[256];		 /* exp= text on a fail, "" if none */
	bool ptr;			 /* a record read uses ptr or %{p} */
	char plus_all[DNS_NAME_MAX + 1]; /* a record read ends +all: its name */

	/* Private: the domains being evaluated, to find loops. */
	const char *stack[SPF_LOOKUPS_MAX + 2];
	size_t depth;
	size_t includes; /* include levels: exp= is read at 0 only */
	char sender_buf[DNS_NAME_MAX + 16];
};

/* Evaluate the SPF record of domain for e->addr; returns e->result. */
enum spf_result spf_check_host(struct spf_eval *e, const char *domain);

/* "pass", "fail", ..., as RFC 7208 2.6 names the results. */
const char *spf_result_name(enum spf_result r);

#endif
