/*
 * test_resolvconf.c - resolv.conf as glibc reads it, and a problem with
 * its line number for every line glibc would skip without a word.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "proto/resolvconf.h"

#include "unit.h"

static void
parse(struct resolvconf *rc, const char *text)
{
	resolvconf_parse(rc, text, strlen(text));
}

/* Whether a problem on line mentions what. */
static bool
has_problem(const struct resolvconf *rc, unsigned line, const char *what)
{
	for (size_t i = 0; i < rc->nproblem; i++)
		if (rc->problem[i].line == line &&
		    strstr(rc->problem[i].text, what) != NULL)
			return true;
	for (size_t i = 0; i < rc->nproblem; i++)
		printf("    line %u: %s\n", rc->problem[i].line,
		       rc->problem[i].text);
	return false;
}

static void
good_file(void)
{
	struct resolvconf rc;

	parse(&rc, "# generated\n"
		   "; also a comment\n"
		   "\n"
		   "domain ok.lab.test\n"
		   "nameserver 127.54.0.1\n"
		   "nameserver 2001:DB8::53 # second\n"
		   "options ndots:2 timeout:3 attempts:2 rotate edns0\n");
	CHECK(rc.nproblem == 0);
	CHECK(rc.nns == 2);
	CHECK_STR(rc.ns[0].addr, "127.54.0.1");
	CHECK(rc.ns[0].line == 5);
	CHECK_STR(rc.ns[1].addr, "2001:db8::53");
	CHECK_STR(rc.domain, "ok.lab.test");
	CHECK(rc.domain_line == 4);
	CHECK(rc.nsearch == 1);
	CHECK(rc.ndots == 2 && rc.timeout == 3 && rc.attempts == 2);
	CHECK(rc.rotate);
	CHECK(rc.lines == 7);
}

static void
bad_keywords(void)
{
	struct resolvconf rc;

	parse(&rc, "nameserver 127.0.0.1\n"
		   "NAMESERVER 127.0.0.2\n"
		   "  nameserver 127.0.0.3\n"
		   "name-server 127.0.0.4\n"
		   "nameserver\n"
		   "sortlist 130.155.160.0/255.255.240.0\n");
	CHECK(rc.nns == 1);
	CHECK(has_problem(&rc, 2, "unknown keyword 'NAMESERVER'"));
	CHECK(has_problem(&rc, 3, "after a blank"));
	CHECK(has_problem(&rc, 4, "unknown keyword 'name-server'"));
	CHECK(has_problem(&rc, 5, "without a value"));
	CHECK(rc.nproblem == 4);
}

static void
bad_addresses(void)
{
	struct resolvconf rc;

	parse(&rc, "nameserver ns.example.com\n"
		   "nameserver 127.0.0.256\n"
		   "nameserver 127.0.0.1 127.0.0.2\n"
		   "nameserver fe80::1%eth0\n"
		   "nameserver 127.0.0.1\n");
	CHECK(has_problem(&rc, 1, "'ns.example.com' is not an IP address"));
	CHECK(has_problem(&rc, 2, "'127.0.0.256' is not an IP address"));
	CHECK(has_problem(&rc, 3, "'127.0.0.2' and what follows"));
	CHECK(has_problem(&rc, 5, "repeats line 3"));
	CHECK(rc.nns == 3);
	CHECK_STR(rc.ns[1].addr, "fe80::1");
}

static void
ports(void)
{
	struct resolvconf rc;

	parse(&rc, "nameserver 127.0.0.1:5353\n"
		   "nameserver [::1]:53\n");
	CHECK(rc.nns == 0);
	CHECK(has_problem(&rc, 1, "127.0.0.1:5353 has a port"));
	CHECK(has_problem(&rc, 2, "[::1]:53 has a port"));
}

static void
too_many_servers(void)
{
	struct resolvconf rc;

	parse(&rc, "nameserver 192.0.2.1\n"
		   "nameserver 192.0.2.2\n"
		   "nameserver 192.0.2.3\n"
		   "nameserver 192.0.2.4\n"
		   "nameserver 192.0.2.5\n");
	CHECK(rc.nns == 3);
	CHECK_STR(rc.ns[2].addr, "192.0.2.3");
	CHECK(rc.ns_ignored == 2);
	CHECK(has_problem(&rc, 4, "192.0.2.4 is one too many"));
	CHECK(has_problem(&rc, 5, "first 3 only"));
}

static void
domain_and_search(void)
{
	struct resolvconf rc;

	/* The last one wins, as in glibc; agreeing lines are no problem. */
	parse(&rc, "domain ok.lab.test\nsearch ok.lab.test lab.test\n");
	CHECK(rc.nproblem == 0);
	CHECK_STR(rc.domain, "ok.lab.test");
	CHECK(rc.domain_line == 2);
	CHECK(rc.nsearch == 2);
	CHECK_STR(rc.search[1], "lab.test");

	parse(&rc, "domain a.test\nsearch b.test c.test\n");
	CHECK_STR(rc.domain, "b.test");
	CHECK(has_problem(&rc, 2, "replaces the domain a.test of line 1"));

	parse(&rc, "search b.test c.test\ndomain a.test\n");
	CHECK_STR(rc.domain, "a.test");
	CHECK(rc.nsearch == 1);
	CHECK(has_problem(&rc, 2, "domain a.test replaces"));

	parse(&rc, "search b.test # old\ndomain bad..test\n");
	CHECK_STR(rc.domain, "b.test");
	CHECK(has_problem(&rc, 1, "'#' and the words after it"));
	CHECK(has_problem(&rc, 2, "'bad..test' is not a domain name"));
}

static void
options(void)
{
	struct resolvconf rc;

	parse(&rc, "options timeout:99 attempts:x ndots:1 frobnicate\n");
	CHECK(rc.timeout == 30);
	CHECK(rc.attempts == -1);
	CHECK(rc.ndots == 1);
	CHECK(!rc.rotate);
	CHECK(has_problem(&rc, 1, "option attempts:x: not a number"));
	CHECK(has_problem(&rc, 1, "unknown option 'frobnicate'"));

	parse(&rc, "options timeout:\n");
	CHECK(rc.timeout == -1);
	CHECK(has_problem(&rc, 1, "timeout:: not a number"));
}

static void
crlf(void)
{
	struct resolvconf rc;

	parse(&rc, "nameserver 127.54.0.1\r\n"
		   "nameserver 127.54.0.2\n"
		   "domain ok.lab.test\r\n");
	CHECK(rc.nns == 1);
	CHECK_STR(rc.ns[0].addr, "127.54.0.2");
	CHECK(rc.domain[0] == '\0');
	CHECK(has_problem(&rc, 1, "2 lines end in CR LF"));
	CHECK(rc.nproblem == 1);
}

static void
long_line(void)
{
	char text[RESOLVCONF_LINE_MAX + 64];
	struct resolvconf rc;
	int n;

	n = snprintf(text, sizeof(text), "search ");
	memset(text + n, 'a', RESOLVCONF_LINE_MAX);
	snprintf(text + n + RESOLVCONF_LINE_MAX,
		 sizeof(text) - (size_t)n - RESOLVCONF_LINE_MAX,
		 "\nnameserver 127.0.0.1\n");
	parse(&rc, text);
	CHECK(has_problem(&rc, 1, "longer than 1024 bytes"));
	CHECK(rc.nns == 1 && rc.ns[0].line == 2);
	CHECK(rc.nsearch == 0);
}

static void
no_trailing_newline(void)
{
	struct resolvconf rc;

	parse(&rc, "domain ok.lab.test\nnameserver 127.54.0.1");
	CHECK(rc.nproblem == 0);
	CHECK(rc.nns == 1);
	CHECK(rc.lines == 2);
}

static void
empty_file(void)
{
	struct resolvconf rc;

	parse(&rc, "");
	CHECK(rc.nns == 0 && rc.nproblem == 0 && rc.lines == 0);
	CHECK(rc.domain[0] == '\0');
	parse(&rc, "\n\n   \n");
	CHECK(rc.nns == 0 && rc.nproblem == 0 && rc.lines == 3);
}

static void
nul_byte(void)
{
	static const char text[] = "nameserver 127.0\0.0.1\nnameserver ::1\n";
	struct resolvconf rc;

	resolvconf_parse(&rc, text, sizeof(text) - 1);
	CHECK(has_problem(&rc, 1, "NUL byte"));
	CHECK(rc.nns == 1 && rc.ns[0].line == 2);
}

static void
problems_capped(void)
{
	struct resolvconf rc;
	char text[64 * (RESOLVCONF_PROBLEMS_MAX + 4)];
	size_t len = 0;

	for (int i = 0; i < RESOLVCONF_PROBLEMS_MAX + 4; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"bogus %d\n", i);
	parse(&rc, text);
	CHECK(rc.nproblem == RESOLVCONF_PROBLEMS_MAX);
	CHECK(rc.problems_dropped == 4);
}

static void
read_file(void)
{
	char path[] = "/tmp/test_resolvconf.XXXXXX", err[256] = "";
	struct resolvconf rc;
	char *big;
	int fd;

	CHECK(resolvconf_read(&rc, "/nonexistent/resolv.conf", err,
			      sizeof(err)) == -1);
	CHECK_STR(err, "cannot read /nonexistent/resolv.conf: No such file "
		       "or directory");
	/* Over the cap: whole lines are read, the rest is a problem. */
	big = malloc(RESOLVCONF_READ_MAX + 100);
	CHECK(big != NULL);
	if (big == NULL || (fd = mkstemp(path)) == -1)
		return;
	memset(big, '#', RESOLVCONF_READ_MAX + 100);
	memcpy(big, "nameserver 127.0.0.1\n", 21);
	big[RESOLVCONF_READ_MAX - 1] = '\n';
	CHECK(write(fd, big, RESOLVCONF_READ_MAX + 100) ==
	      RESOLVCONF_READ_MAX + 100);
	close(fd);
	CHECK(resolvconf_read(&rc, path, err, sizeof(err)) == 0);
	CHECK(rc.nns == 1);
	CHECK(rc.lines == 2);
	CHECK(has_problem(&rc, 3, "file longer than 65536 bytes"));
	unlink(path);
	free(big);
}

int
main(void)
{
	unit_suite = "unit/resolvconf";
	RUN(good_file);
	RUN(bad_keywords);
	RUN(bad_addresses);
	RUN(ports);
	RUN(too_many_servers);
	RUN(domain_and_search);
	RUN(options);
	RUN(crlf);
	RUN(long_line);
	RUN(no_trailing_newline);
	RUN(empty_file);
	RUN(nul_byte);
	RUN(problems_capped);
	RUN(read_file);
	return unit_failed != 0;
}
