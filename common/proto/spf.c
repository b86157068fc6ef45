/*
 * spf.c - SPF records and macros (RFC 7208 4.6, 5, 6 and 7): a record is
 * parsed whole before anything is evaluated, so that a syntax error
 * anywhere is a permerror (4.6), and macro-strings are checked when the
 * record is parsed and expanded when a term is evaluated.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>

#include "proto/spf.h"

#include "core/diag.h"

bool
spf_is_record(const char *text, size_t len)
{
	return len >= 6 && strncasecmp(text, "v=spf1", 6) == 0 &&
	       (len == 6 || text[6] == ' ');
}

const char *
spf_result_name(enum spf_result r)
{
	static const char *const names[] = {
	    [SPF_NONE] = "none",	   [SPF_NEUTRAL] = "neutral",
	    [SPF_PASS] = "pass",	   [SPF_FAIL] = "fail",
	    [SPF_SOFTFAIL] = "softfail",   [SPF_TEMPERROR] = "temperror",
	    [SPF_PERMERROR] = "permerror",
	};

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

/* Macro-strings (7.1). */

static bool
macro_letter(char c, bool exp)
{
	c = (char)tolower((unsigned char)c);
	return strchr("slodipvh", c) != NULL || (exp && strchr("crt", c));
}

static bool
macro_delimiter(char c)
{
	return strchr(".-+,/_=", c) != NULL;
}

/*
 * The length of the macro-expand at s (s[0] == '%'), or 0 when it is
 * not one (7.1: "%" followed by anything else is a syntax error).
 */
static size_t
macro_length(const char *s, size_t len, bool exp)
{
	size_t i = 2;

	if (len < 2)
		return 0;
	if (s[1] == '%' || s[1] == '_' || s[1] == '-')
		return 2;
	if (s[1] != '{' || len < 4 || !macro_letter(s[2], exp))
		return 0;
	for (i = 3; i < len && isdigit((unsigned char)s[i]); i++)
		;
	if (i > 3 && strtoul(s + 3, NULL, 10) == 0)
		return 0; /* the DIGIT transformer must be nonzero (7.3) */
	if (i < len && (s[i] == 'r' || s[i] == 'R'))
		i++;
	while (i < len && macro_delimiter(s[i]))
		i++;
	return i < len && s[i] == '}' ? i + 1 : 0;
}

/*
 * Check a macro-string: visible ASCII, every '%' a macro-expand; with
 * space, spaces too (an explanation).  *end_macro: whether it ends in a
 * macro-expand.  0, or -1 with err.
 */
static int
check_macro_string(const char *s, size_t len, bool exp, bool space,
		   bool *end_macro, char *err, size_t errlen)
{
	bool macro = false;

	for (size_t i = 0; i < len;) {
		size_t n;

		if (s[i] == '%') {
			if ((n = macro_length(s + i, len - i, exp)) == 0)
				return errorf(err, errlen,
					      "bad macro in '%.*s'", (int)len,
					      s);
			i += n;
			macro = true;
			continue;
		}
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e) {
			if (!(space && s[i] == ' '))
				return errorf(err, errlen,
					      "byte 0x%02x in '%.*s'",
					      (unsigned char)s[i], (int)len, s);
		}
		i++;
		macro = false;
	}
	if (end_macro != NULL)
		*end_macro = macro;
	return 0;
}

/* toplabel (4.6.1): alphanumerics and inner hyphens, not all digits. */
static bool
valid_toplabel(const char *s, size_t len)
{
	bool alpha = false, hyphen = false;

	if (len == 0 || !isalnum((unsigned char)s[0]) ||
	    !isalnum((unsigned char)s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '-')
			hyphen = true;
		else if (isalpha((unsigned char)s[i]))
			alpha = true;
		else if (!isdigit((unsigned char)s[i]))
			return false;
	}
	return alpha || hyphen;
}

/* domain-spec = macro-string domain-end (4.6.1, 7.1). */
static int
check_domain_spec(const char *s, size_t len, char *err, size_t errlen)
{
	bool end_macro;
	size_t end = len, dot;

	if (len == 0)
		return errorf(err, errlen, "empty domain");
	if (check_macro_string(s, len, false, false, &end_macro, err, errlen) ==
	    -1)
		return -1;
	if (end_macro)
		return 0;
	if (s[end - 1] == '.')
		end--;
	for (dot = end; dot > 0 && s[dot - 1] != '.'; dot--)
		;
	if (dot == 0 || !valid_toplabel(s + dot, end - dot))
		return errorf(err, errlen, "'%.*s' is not a domain (FQDN)",
			      (int)len, s);
	return 0;
}

/* Terms (4.6.1, 5, 6). */

/* A decimal without leading zeros, at most max; -1 when it is not. */
static int
parse_cidr(const char *s, size_t len, int max)
{
	int v = 0;

	if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/*
 * The "/N" (slashes 1) or "//N" (2) that ends s[0..*len), taken off into
 * *out: 0; 1 when there is none; -1 when N is not 0..max.
 */
static int
take_cidr(const char *s, size_t *len, int slashes, int max, int *out)
{
	size_t i = *len;

	while (i > 0 && isdigit((unsigned char)s[i - 1]))
		i--;
	if (i == *len || i < (size_t)slashes || s[i - 1] != '/' ||
	    (slashes == 2 && s[i - 2] != '/'))
		return 1;
	if ((*out = parse_cidr(s + i, *len - i, max)) == -1)
		return -1;
	*len = i - (size_t)slashes;
	return 0;
}

/* a/mx: [/N4][//N6] at the end of the term (5.3, 5.4). */
static int
take_dual_cidr(struct spf_term *t, const char *s, size_t *len, char *err,
	       size_t errlen)
{
	if (take_cidr(s, len, 2, 128, &t->cidr6) == -1 ||
	    take_cidr(s, len, 1, 32, &t->cidr4) == -1)
		return errorf(err, errlen, "bad CIDR length in '%.*s'",
			      (int)*len, s);
	return 0;
}

/* qnum "." qnum "." qnum "." qnum, no leading zeros (4.6.1). */
static int
parse_ip4(const char *s, size_t len, unsigned char *net)
{
	size_t part = 0, i = 0;

	while (part < 4) {
		size_t start = i;

		while (i < len && isdigit((unsigned char)s[i]))
			i++;
		int v = parse_cidr(s + start, i - start, 255);
		if (v == -1)
			return -1;
		net[part++] = (unsigned char)v;
		if (part < 4 && (i == len || s[i++] != '.'))
			return -1;
	}
	return i == len ? 0 : -1;
}

static int
parse_ip6(const char *s, size_t len, unsigned char *net)
{
	char text[64];

	if (len >= sizeof(text))
		return -1;
	memcpy(text, s, len);
	text[len] = '\0';
	return inet_pton(AF_INET6, text, net) == 1 ? 0 : -1;
}

static int
parse_network(struct spf_term *t, const char *s, size_t len, char *err,
	      size_t errlen)
{
	bool v4 = t->mech == SPF_IP4;
	int *cidr = v4 ? &t->cidr4 : &t->cidr6;

	if (take_cidr(s, &len, 1, v4 ? 32 : 128, cidr) == -1)
		return errorf(err, errlen, "bad CIDR length in '%.*s'",
			      (int)len, s);
	if (len > 0 && s[len - 1] == '/')
		return errorf(err, errlen,
			      "dual CIDR length in ip%c:", v4 ? '4' : '6');
	t->spec = s;
	t->speclen = len;
	if ((v4 ? parse_ip4(s, len, t->net) : parse_ip6(s, len, t->net)) == -1)
		return errorf(err, errlen, "'%.*s' is not an IPv%c network",
			      (int)len, s, v4 ? '4' : '6');
	return 0;
}

static const struct {
	const char *name;
	enum spf_mech mech;
} mechanisms[] = {
    {"all", SPF_ALL}, {"include", SPF_INCLUDE}, {"a", SPF_A},
    {"mx", SPF_MX},   {"ptr", SPF_PTR},		{"ip4", SPF_IP4},
    {"ip6", SPF_IP6}, {"exists", SPF_EXISTS},
};

static int
mech_by_name(const char *s, size_t len, enum spf_mech *m)
{
	for (size_t i = 0; i < sizeof(mechanisms) / sizeof(mechanisms[0]); i++)
		if (strlen(mechanisms[i].name) == len &&
		    strncasecmp(mechanisms[i].name, s, len) == 0) {
			*m = mechanisms[i].mech;
			return 0;
		}
	return -1;
}

static enum spf_result
qualifier(char c)
{
	switch (c) {
	case '-':
		return SPF_FAIL;
	case '~':
		return SPF_SOFTFAIL;
	case '?':
		return SPF_NEUTRAL;
	}
	return SPF_PASS;
}

/* The argument of a mechanism: ":domain-spec" (required or optional). */
static int
parse_mech_spec(struct spf_term *t, const char *s, size_t len, char *err,
		size_t errlen)
{
	bool required = t->mech == SPF_INCLUDE || t->mech == SPF_EXISTS ||
			t->mech == SPF_IP4 || t->mech == SPF_IP6;

	if (t->mech == SPF_A || t->mech == SPF_MX)
		if (take_dual_cidr(t, s, &len, err, errlen) == -1)
			return -1;
	if (len == 0 && !required)
		return 0;
	if (len == 0 || s[0] != ':' || t->mech == SPF_ALL)
		return errorf(err, errlen, "bad argument '%.*s'", (int)len, s);
	s++, len--;
	if (t->mech == SPF_IP4 || t->mech == SPF_IP6)
		return parse_network(t, s, len, err, errlen);
	t->spec = s;
	t->speclen = len;
	return check_domain_spec(s, len, err, errlen);
}

static int
parse_mechanism(struct spf_term *t, const char *s, size_t len, char *err,
		size_t errlen)
{
	size_t n = 0;

	t->qualifier = qualifier(s[0]);
	if (strchr("+-~?", s[0]) != NULL)
		s++, len--;
	while (n < len && s[n] != ':' && s[n] != '/')
		n++;
	if (mech_by_name(s, n, &t->mech) == -1)
		return errorf(err, errlen, "unknown mechanism '%.*s'", (int)len,
			      s);
	if (parse_mech_spec(t, s + n, len - n, err, errlen) == -1)
		return -1;
	return 0;
}

/* name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ), then "=". */
static size_t
modifier_name(const char *s, size_t len)
{
	size_t i = 0;

	if (len == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '-' ||
			   s[i] == '_' || s[i] == '.'))
		i++;
	return i < len && s[i] == '=' ? i : 0;
}

static bool
modifier_is(const struct spf_term *t, const char *name)
{
	return t->namelen == strlen(name) &&
	       strncasecmp(t->name, name, t->namelen) == 0;
}

static int
parse_modifier(struct spf_record *rec, struct spf_term *t, const char *s,
	       size_t len, size_t namelen, char *err, size_t errlen)
{
	const struct spf_term **slot = NULL;

	t->mech = SPF_MODIFIER;
	t->name = s;
	t->namelen = namelen;
	t->spec = s + namelen + 1;
	t->speclen = len - namelen - 1;
	if (modifier_is(t, "redirect"))
		slot = &rec->redirect;
	else if (modifier_is(t, "exp"))
		slot = &rec->exp;
	if (slot == NULL) /* unknown modifiers are ignored, if well-formed */
		return check_macro_string(t->spec, t->speclen, false, false,
					  NULL, err, errlen);
	if (*slot != NULL)
		return errorf(err, errlen, "%.*s= given twice", (int)namelen,
			      s);
	*slot = t;
	return check_domain_spec(t->spec, t->speclen, err, errlen);
}

static int
parse_term(struct spf_record *rec, const char *s, size_t len, char *err,
	   size_t errlen)
{
	struct spf_term *t;
	size_t namelen;

	if (rec->n == SPF_TERMS_MAX)
		return errorf(err, errlen, "more than %d terms", SPF_TERMS_MAX);
	t = &rec->term[rec->n++];
	memset(t, 0, sizeof(*t));
	t->cidr4 = t->cidr6 = -1;
	t->text = s;
	t->len = len;
	if ((namelen = modifier_name(s, len)) > 0)
		return parse_modifier(rec, t, s, len, namelen, err, errlen);
	if (parse_mechanism(t, s, len, err, errlen) == -1)
		return -1;
	if (t->mech == SPF_ALL && rec->all == NULL)
		rec->all = t;
	rec->ptr = rec->ptr || t->mech == SPF_PTR;
	return 0;
}

int
spf_record_parse(struct spf_record *rec, const char *text, size_t len,
		 char *err, size_t errlen)
{
	size_t i = 6;

	memset(rec, 0, sizeof(*rec));
	if (!spf_is_record(text, len))
		return errorf(err, errlen, "not a v=spf1 record");
	while (i < len) {
		size_t start;

		while (i < len && text[i] == ' ')
			i++;
		for (start = i; i < len && text[i] != ' '; i++)
			if ((unsigned char)text[i] < 0x21 ||
			    (unsigned char)text[i] > 0x7e)
				return errorf(err, errlen,
					      "byte 0x%02x in the record",
					      (unsigned char)text[i]);
		if (i > start &&
		    parse_term(rec, text + start, i - start, err, errlen) == -1)
			return -1;
	}
	return 0;
}

/* Addresses and validated names (5.5, 5.6, 7.3). */

int
spf_addr_parse(const char *text, struct spf_addr *a)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0,	   0,
						 0, 0, 0, 0, 0xff, 0xff};

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, a->bytes) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, a->bytes) != 1)
		return -1;
	a->family = AF_INET6;
	if (memcmp(a->bytes, mapped, sizeof(mapped)) == 0) {
		memmove(a->bytes, a->bytes + 12, 4);
		memset(a->bytes + 4, 0, 12);
		a->family = AF_INET;
	}
	return 0;
}

bool
spf_addr_in(const struct spf_addr *a, int family, const unsigned char *net,
	    int prefix)
{
	int whole = prefix / 8, bits = prefix % 8;

	if (a->family != family)
		return false;
	if (memcmp(a->bytes, net, (size_t)whole) != 0)
		return false;
	if (bits == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - bits));
	return (a->bytes[whole] & mask) == (net[whole] & mask);
}

static bool
addr_among(const struct spf_addr *a, const struct dns_query *q)
{
	for (size_t i = 0; q->status == DNS_ANSWER && i < q->nrr; i++) {
		struct spf_addr b;

		if (spf_addr_parse(q->rr[i].text, &b) == 0 &&
		    spf_addr_in(a, b.family, b.bytes,
				a->family == AF_INET ? 32 : 128))
			return true;
	}
	return false;
}

static bool
is_void(const struct dns_query *q)
{
	return q->status == DNS_NODATA || q->status == DNS_NXDOMAIN;
}

int
spf_validated_names(struct dns_memo *memo, const struct spf_addr *a,
		    char names[][DNS_NAME_MAX + 1], size_t max, unsigned *voids)
{
	enum dns_type type = a->family == AF_INET ? DNS_T_A : DNS_T_AAAA;
	const struct dns_query *ptr;
	char text[ADDR_TEXT_MAX];
	size_t n = 0, asked;

	if (memo == NULL ||
	    inet_ntop(a->family, a->bytes, text, sizeof(text)) == NULL)
		return -1;
	ptr = dns_memo_ask(memo, text, DNS_T_PTR);
	if (is_void(ptr) && voids != NULL)
		(*voids)++;
	if (ptr->status != DNS_ANSWER)
		return is_void(ptr) ? 0 : -1;
	asked = ptr->nrr < SPF_NAMES_MAX ? ptr->nrr : SPF_NAMES_MAX;
	for (size_t i = 0; i < asked; i++)
		dns_memo_prefetch(memo, ptr->rr[i].text, type);
	for (size_t i = 0; i < asked && n < max; i++) {
		const struct dns_query *q =
		    dns_memo_ask(memo, ptr->rr[i].text, type);

		if (is_void(q) && voids != NULL)
			(*voids)++;
		if (addr_among(a, q))
			snprintf(names[n++], DNS_NAME_MAX + 1, "%s",
				 ptr->rr[i].text);
	}
	return (int)n;
}

/* name is domain, or below it; without case, without a final dot. */
bool
spf_name_within(const char *name, const char *domain)
{
	size_t n = strlen(name), d = strlen(domain);

	n -= n > 0 && name[n - 1] == '.';
	d -= d > 0 && domain[d - 1] == '.';
	if (n < d || strncasecmp(name + n - d, domain, d) != 0)
		return false;
	return n == d || name[n - d - 1] == '.';
}

/* %{p}: the domain itself, else a name below it, else any (7.3). */
static void
p_value(struct dns_memo *memo, const struct spf_addr *a, const char *domain,
	char *out, size_t size)
{
	char names[SPF_NAMES_MAX][DNS_NAME_MAX + 1];
	int n = spf_validated_names(memo, a, names, SPF_NAMES_MAX, NULL);
	int pick = -1;

	for (int i = 0; i < n && pick == -1; i++)
		if (addr_same_name(names[i], domain))
			pick = i;
	for (int i = 0; i < n && pick == -1; i++)
		if (spf_name_within(names[i], domain))
			pick = i;
	if (pick == -1 && n > 0)
		pick = 0;
	snprintf(out, size, "%.255s", pick >= 0 ? names[pick] : "unknown");
}

/* Macro expansion (7.2-7.4). */

/* The pieces of an expansion, for the transformers. */
#define PARTS_MAX 128

struct expansion {
	char *out;
	size_t size;
	size_t len;
	bool full;
};

static void
put(struct expansion *x, const char *s, size_t len)
{
	if (x->len + len >= x->size) {
		x->full = true;
		len = x->size - x->len - 1;
	}
	memcpy(x->out + x->len, s, len);
	x->len += len;
	x->out[x->len] = '\0';
}

/* Uppercase macro letters are URL-escaped (7.3). */
static void
put_escaped(struct expansion *x, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char hex[4];

		if (isalnum(c) || strchr("-._~", c) != NULL) {
			put(x, s + i, 1);
			continue;
		}
		snprintf(hex, sizeof(hex), "%%%02X", c);
		put(x, hex, 3);
	}
}

/* The IP as %{i} writes it: dotted quad, or dotted nibbles (7.3). */
static void
ip_dotted(const struct spf_addr *a, char *out, size_t size)
{
	size_t len = 0;

	if (a->family == AF_INET) {
		snprintf(out, size, "%u.%u.%u.%u", a->bytes[0], a->bytes[1],
			 a->bytes[2], a->bytes[3]);
		return;
	}
	for (size_t i = 0; i < 16 && len + 4 < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%x.%x",
					i ? "." : "", a->bytes[i] >> 4,
					a->bytes[i] & 15);
}

/* The value of a macro letter; "" when it has none. */
static void
letter_value(const struct spf_request *req, struct dns_memo *memo, char c,
	     char *out, size_t size)
{
	struct spf_addr a;
	const char *at = strrchr(req->sender, '@');

	out[0] = '\0';
	if (spf_addr_parse(req->addr, &a) == -1 && strchr("icpv", c))
		return;
	switch (c) {
	case 's':
		snprintf(out, size, "%s", req->sender);
		break;
	case 'l':
		snprintf(out, size, "%.*s", at ? (int)(at - req->sender) : 0,
			 req->sender);
		if (out[0] == '\0')
			snprintf(out, size, "postmaster");
		break;
	case 'o':
		snprintf(out, size, "%s", at ? at + 1 : req->sender);
		break;
	case 'd':
		snprintf(out, size, "%s", req->domain);
		break;
	case 'h':
		snprintf(out, size, "%s", req->helo);
		break;
	case 'i':
		ip_dotted(&a, out, size);
		break;
	case 'c':
		inet_ntop(a.family, a.bytes, out, (socklen_t)size);
		break;
	case 'v':
		snprintf(out, size, "%s",
			 a.family == AF_INET ? "in-addr" : "ip6");
		break;
	case 'p':
		p_value(memo, &a, req->domain, out, size);
		break;
	case 'r':
		snprintf(out, size, "unknown");
		break;
	case 't':
		snprintf(out, size, "%lld", (long long)time(NULL));
		break;
	}
}

/* Split value on the delimiters, reverse, keep the right n, join '.'. */
static void
transform(struct expansion *x, char *value, const char *delims, size_t n,
	  bool reverse, bool escape)
{
	char *part[PARTS_MAX], *p = value;
	size_t nparts = 0, first;

	for (;;) {
		if (nparts < PARTS_MAX)
			part[nparts++] = p;
		p += strcspn(p, delims);
		if (*p == '\0')
			break;
		*p++ = '\0';
	}
	for (size_t i = 0; reverse && i < nparts / 2; i++) {
		char *t = part[i];

		part[i] = part[nparts - 1 - i];
		part[nparts - 1 - i] = t;
	}
	first = n > 0 && n < nparts ? nparts - n : 0;
	for (size_t i = first; i < nparts; i++) {
		if (i > first)
			put(x, ".", 1);
		if (escape)
			put_escaped(x, part[i], strlen(part[i]));
		else
			put(x, part[i], strlen(part[i]));
	}
}

/* One "%{...}" at s (its length already checked). */
static void
expand_macro(struct expansion *x, const struct spf_request *req,
	     struct dns_memo *memo, const char *s, size_t len)
{
	char value[SPF_EXPANDED_MAX], delims[8] = "";
	size_t i = 3, n = 0, nd = 0;
	bool reverse = false;
	char c = s[2];

	while (isdigit((unsigned char)s[i]))
		n = n * 10 + (size_t)(s[i++] - '0');
	if (s[i] == 'r' || s[i] == 'R')
		reverse = true, i++;
	while (i < len - 1 && nd + 1 < sizeof(delims))
		delims[nd++] = s[i++];
	delims[nd] = '\0';
	letter_value(req, memo, (char)tolower((unsigned char)c), value,
		     sizeof(value));
	transform(x, value, nd ? delims : ".", n, reverse,
		  isupper((unsigned char)c));
}

/* 7.3: over 253 characters, labels go from the left until it fits. */
static void
truncate_domain(char *out)
{
	size_t len = strlen(out);
	char *p = out;

	if (len > 0 && out[len - 1] == '.')
		out[--len] = '\0';
	while (len > SPF_DOMAIN_MAX) {
		char *dot = strchr(p, '.');

		if (dot == NULL)
			break;
		len -= (size_t)(dot + 1 - p);
		p = dot + 1;
	}
	memmove(out, p, len + 1);
}

int
spf_expand(const struct spf_request *req, struct dns_memo *memo,
	   const char *spec, size_t len, bool exp, char *out, size_t outsize,
	   char *err, size_t errlen)
{
	struct expansion x = {out, outsize, 0, false};

	if (outsize == 0)
		return errorf(err, errlen, "no room");
	out[0] = '\0';
	if (check_macro_string(spec, len, exp, exp, NULL, err, errlen) == -1)
		return -1;
	for (size_t i = 0; i < len;) {
		size_t n =
		    spec[i] == '%' ? macro_length(spec + i, len - i, exp) : 0;

		if (n == 0) {
			put(&x, spec + i++, 1);
		} else if (spec[i + 1] == '%') {
			put(&x, "%", 1);
		} else if (spec[i + 1] == '_') {
			put(&x, " ", 1);
		} else if (spec[i + 1] == '-') {
			put(&x, "%20", 3);
		} else {
			expand_macro(&x, req, memo, spec + i, n);
		}
		i += n;
	}
	if (x.full)
		return errorf(err, errlen, "expansion longer than %zu bytes",
			      outsize - 1);
	if (!exp)
		truncate_domain(out);
	return 0;
}
