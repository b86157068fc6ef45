/*
 * resolvconf.c - resolv.conf read the way glibc 2.36 res_init reads it,
 * with a word for every line it skips silently: keywords are matched
 * case-sensitively at the start of a line, a nameserver takes no port,
 * only the first three count, the last domain or search line wins, and a
 * CR before the LF stays part of the value.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "proto/resolvconf.h"

#include "core/diag.h"
#include "core/file.h"

/* glibc's caps on option values (RES_MAXNDOTS, RES_MAXRETRANS, ...). */
#define NDOTS_MAX    15
#define TIMEOUT_MAX  30
#define ATTEMPTS_MAX 5
#define WORD_SHOW    64 /* bytes of a word quoted in a problem */

/* Options glibc knows that take no value and change nothing we check. */
static const char *const plain_options[] = {
    "debug",
    "edns0",
    "inet6",
    "insecure1",
    "insecure2",
    "ip6-bytestring",
    "ip6-dotint",
    "no-aaaa",
    "no-check-names",
    "no-ip6-dotint",
    "no-reload",
    "no-tld-query",
    "single-request",
    "single-request-reopen",
    "trust-ad",
    "use-vc",
    NULL,
};

/* The words of one line. */
struct words {
	const char *p;
	const char *end;
};

static void problem(struct resolvconf *rc, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct resolvconf *rc, unsigned line, const char *fmt, ...)
{
	struct resolvconf_problem *pb;
	va_list ap;

	if (rc->nproblem == RESOLVCONF_PROBLEMS_MAX) {
		rc->problems_dropped++;
		return;
	}
	pb = &rc->problem[rc->nproblem++];
	pb->line = line;
	va_start(ap, fmt);
	vsnprintf(pb->text, sizeof(pb->text), fmt, ap);
	va_end(ap);
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The next word into out (cut at outsize - 1); false when none is left. */
static bool
next_word(struct words *w, char *out, size_t outsize)
{
	const char *start;
	size_t len;

	while (w->p < w->end && is_blank(*w->p))
		w->p++;
	if (w->p == w->end)
		return false;
	start = w->p;
	while (w->p < w->end && !is_blank(*w->p))
		w->p++;
	len = (size_t)(w->p - start);
	if (len >= outsize)
		len = outsize - 1;
	memcpy(out, start, len);
	out[len] = '\0';
	return true;
}

static bool
is_comment(const char *word)
{
	return word[0] == '#' || word[0] == ';';
}

/* Words after the value: glibc ignores them; a comment is fine. */
static void
trailing(struct resolvconf *rc, unsigned line, struct words *w,
	 const char *keyword)
{
	char word[WORD_SHOW];

	if (next_word(w, word, sizeof(word)) && !is_comment(word))
		problem(rc, line,
			"'%s' takes one value: '%s' and what follows are "
			"ignored",
			keyword, word);
}

/*
 * An address as glibc takes it: IPv4, or IPv6 with an optional %scope
 * (dropped here: a check asks by address).  -1 when it is none.
 */
static int
ns_addr(const char *word, char *out, size_t outsize)
{
	char tmp[ADDR_SERVER_MAX];
	const char *pct = strchr(word, '%');
	size_t len = pct ? (size_t)(pct - word) : strlen(word);

	if (len >= sizeof(tmp))
		return -1;
	memcpy(tmp, word, len);
	tmp[len] = '\0';
	if (addr_canon(tmp, out, outsize) == -1)
		return -1;
	return pct == NULL || strchr(out, ':') != NULL ? 0 : -1;
}

static void
nameserver(struct resolvconf *rc, unsigned line, struct words *w)
{
	char word[WORD_SHOW], addr[ADDR_TEXT_MAX], server[ADDR_SERVER_MAX];

	next_word(w, word, sizeof(word));
	if (ns_addr(word, addr, sizeof(addr)) == -1) {
		if (addr_server(word, server, sizeof(server)) == 0)
			problem(rc, line,
				"nameserver %s has a port: resolv.conf takes "
				"none, and the C library and c-ares ignore "
				"the line",
				word);
		else
			problem(rc, line,
				"nameserver '%s' is not an IP address: line "
				"ignored",
				word);
		return;
	}
	trailing(rc, line, w, "nameserver");
	for (size_t i = 0; i < rc->nns; i++)
		if (strcmp(rc->ns[i].addr, addr) == 0)
			problem(rc, line, "nameserver %s repeats line %u", addr,
				rc->ns[i].line);
	if (rc->nns == RESOLVCONF_MAXNS) {
		rc->ns_ignored++;
		problem(rc, line,
			"nameserver %s is one too many: the C library uses "
			"the first %d only",
			addr, RESOLVCONF_MAXNS);
		return;
	}
	snprintf(rc->ns[rc->nns].addr, sizeof(rc->ns[0].addr), "%s", addr);
	rc->ns[rc->nns++].line = line;
}

/* A domain or search line replaces the local domain of an earlier one. */
static void
set_domain(struct resolvconf *rc, unsigned line, const char *keyword,
	   const char *domain)
{
	if (rc->domain_line != 0 && strcasecmp(rc->domain, domain) != 0)
		problem(rc, line,
			"%s %s replaces the domain %s of line %u: the last "
			"domain or search line wins",
			keyword, domain, rc->domain, rc->domain_line);
	snprintf(rc->domain, sizeof(rc->domain), "%s", domain);
	rc->domain_line = line;
}

static bool
domain_word(struct resolvconf *rc, unsigned line, const char *keyword,
	    const char *word)
{
	if (addr_valid_name(word) && !addr_is_literal(word))
		return true;
	problem(rc, line, "%s: '%s' is not a domain name", keyword, word);
	return false;
}

static void
domain(struct resolvconf *rc, unsigned line, struct words *w)
{
	char word[DNS_NAME_MAX + 1];

	next_word(w, word, sizeof(word));
	if (!domain_word(rc, line, "domain", word))
		return;
	trailing(rc, line, w, "domain");
	set_domain(rc, line, "domain", word);
	snprintf(rc->search[0], sizeof(rc->search[0]), "%s", word);
	rc->nsearch = 1;
}

static void
search(struct resolvconf *rc, unsigned line, struct words *w)
{
	char word[DNS_NAME_MAX + 1];
	size_t n = 0;

	while (next_word(w, word, sizeof(word))) {
		if (is_comment(word)) {
			problem(rc, line,
				"search: the C library takes '%s' and the "
				"words after it for domains, not a comment",
				word);
			break;
		}
		if (!domain_word(rc, line, "search", word))
			continue;
		if (n == 0)
			set_domain(rc, line, "search", word);
		if (n < RESOLVCONF_SEARCH_MAX)
			snprintf(rc->search[n], sizeof(rc->search[n]), "%s",
				 word);
		n++;
	}
	if (n > 0)
		rc->nsearch =
		    n < RESOLVCONF_SEARCH_MAX ? n : RESOLVCONF_SEARCH_MAX;
}

/* "name:N": the value, capped; -1 when it is not a number. */
static int
option_value(const char *word, const char *name, int max)
{
	const char *v = word + strlen(name);
	long n = 0;

	if (*v == '\0')
		return -1;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9')
			return -1;
		if (n <= max)
			n = n * 10 + (*v - '0');
	}
	return n > max ? max : (int)n;
}

static bool
plain_option(const char *word)
{
	for (const char *const *o = plain_options; *o != NULL; o++)
		if (strcmp(*o, word) == 0)
			return true;
	return false;
}

static void
options(struct resolvconf *rc, unsigned line, struct words *w)
{
	const struct {
		const char *name;
		int max;
		int *value;
	} valued[] = {
	    {"ndots:", NDOTS_MAX, &rc->ndots},
	    {"timeout:", TIMEOUT_MAX, &rc->timeout},
	    {"attempts:", ATTEMPTS_MAX, &rc->attempts},
	};
	char word[WORD_SHOW];

	while (next_word(w, word, sizeof(word)) && !is_comment(word)) {
		size_t i;

		for (i = 0; i < sizeof(valued) / sizeof(valued[0]); i++)
			if (strncmp(word, valued[i].name,
				    strlen(valued[i].name)) == 0)
				break;
		if (i < sizeof(valued) / sizeof(valued[0])) {
			int v =
			    option_value(word, valued[i].name, valued[i].max);

			if (v == -1)
				problem(rc, line,
					"option %s: not a number, ignored",
					word);
			else
				*valued[i].value = v;
		} else if (strcmp(word, "rotate") == 0) {
			rc->rotate = true;
		} else if (!plain_option(word)) {
			problem(rc, line, "unknown option '%s' ignored", word);
		}
	}
}

/* One line, without its LF (and without a CR before it). */
static void
parse_line(struct resolvconf *rc, unsigned line, const char *p, size_t len)
{
	struct words w = {p, p + len};
	char keyword[WORD_SHOW];

	if (len == 0 || is_comment(p))
		return;
	if (!next_word(&w, keyword, sizeof(keyword)))
		return; /* blanks only */
	if (is_blank(p[0])) {
		problem(rc, line,
			"'%s' after a blank: the C library reads keywords at "
			"the start of a line only, line ignored",
			keyword);
		return;
	}
	if (w.p == w.end) {
		problem(rc, line, "'%s' without a value: line ignored",
			keyword);
		return;
	}
	if (strcmp(keyword, "nameserver") == 0)
		nameserver(rc, line, &w);
	else if (strcmp(keyword, "domain") == 0)
		domain(rc, line, &w);
	else if (strcmp(keyword, "search") == 0)
		search(rc, line, &w);
	else if (strcmp(keyword, "options") == 0)
		options(rc, line, &w);
	else if (strcmp(keyword, "sortlist") != 0)
		problem(rc, line, "unknown keyword '%s': line ignored",
			keyword);
}

void
resolvconf_parse(struct resolvconf *rc, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	unsigned crlf = 0, crlf_first = 0;

	memset(rc, 0, sizeof(*rc));
	rc->timeout = rc->attempts = rc->ndots = -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		unsigned line = ++rc->lines;

		if (n > RESOLVCONF_LINE_MAX)
			problem(rc, line, "line longer than %d bytes: not read",
				RESOLVCONF_LINE_MAX);
		else if (memchr(p, '\0', n) != NULL)
			problem(rc, line, "NUL byte: line not read");
		else if (n > 0 && p[n - 1] == '\r')
			crlf_first = crlf++ == 0 ? line : crlf_first;
		else
			parse_line(rc, line, p, n);
		p += n + (nl != NULL);
	}
	if (crlf > 0)
		problem(rc, crlf_first,
			"%u line%s end%s in CR LF: the C library keeps the CR "
			"in the value, so %s not used",
			crlf, crlf == 1 ? "" : "s", crlf == 1 ? "s" : "",
			crlf == 1 ? "it is" : "they are");
}

int
resolvconf_read(struct resolvconf *rc, const char *path, char *err,
		size_t errlen)
{
	struct file_text f;
	char why[512];

	if (file_read(path, RESOLVCONF_READ_MAX, &f, why, sizeof(why)) == -1)
		return errorf(err, errlen, "cannot read %s", why);
	if (f.cut) {
		/* Parse whole lines only. */
		while (f.len > 0 && f.data[f.len - 1] != '\n')
			f.len--;
		resolvconf_parse(rc, f.data, f.len);
		problem(rc, rc->lines + 1,
			"file longer than %d bytes: the rest is not read",
			RESOLVCONF_READ_MAX);
	} else {
		resolvconf_parse(rc, f.data, f.len);
	}
	free(f.data);
	return 0;
}
