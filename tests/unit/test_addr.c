/*
 * test_addr.c - address text: canonical forms, literals, private ranges,
 * reverse names and server specifications.
 */
#include <sys/socket.h>

#include "core/addr.h"

#include "unit.h"

static void
canonical(void)
{
	char out[ADDR_TEXT_MAX];

	CHECK(addr_canon("2001:DB8:0:0::25", out, sizeof(out)) == AF_INET6);
	CHECK_STR(out, "2001:db8::25");
	CHECK(addr_canon("192.0.2.1", out, sizeof(out)) == AF_INET);
	CHECK(addr_canon("192.0.2.256", out, sizeof(out)) == -1);
	CHECK(addr_canon("mail.example.com", out, sizeof(out)) == -1);
	CHECK(addr_canon("", out, sizeof(out)) == -1);
}

static void
literals(void)
{
	CHECK(addr_is_literal("192.0.2.36"));
	CHECK(addr_is_literal("192.0.2.36."));
	CHECK(addr_is_literal("2001:db8::1"));
	CHECK(!addr_is_literal("mail.example.com"));
	CHECK(!addr_is_literal("192.0.2.36.example.com"));
	CHECK(!addr_is_literal(""));
}

static void
private_ranges(void)
{
	const char *priv[] = {"10.1.2.3",    "172.16.0.1", "172.31.255.255",
			      "192.168.1.1", "127.0.0.1",  "169.254.1.1",
			      "100.64.0.1",  "0.0.0.0",	   "::1",
			      "fd00::1",     "fe80::1",	   "::ffff:10.0.0.1",
			      NULL};
	const char *pub[] = {"192.0.2.25", "172.32.0.1",  "100.128.0.1",
			     "8.8.8.8",	   "2001:db8::1", "::ffff:192.0.2.1",
			     "garbage",	   NULL};

	for (const char **a = priv; *a; a++) {
		if (!addr_is_private(*a))
			printf("    %s not private\n", *a);
		CHECK(addr_is_private(*a));
	}
	for (const char **a = pub; *a; a++) {
		if (addr_is_private(*a))
			printf("    %s private\n", *a);
		CHECK(!addr_is_private(*a));
	}
}

static void
reverse_names(void)
{
	char out[80];

	CHECK(addr_reverse_name("192.0.2.25", out, sizeof(out)) == 0);
	CHECK_STR(out, "25.2.0.192.in-addr.arpa");
	CHECK(addr_reverse_name("2001:db8::25", out, sizeof(out)) == 0);
	CHECK_STR(out, "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d."
		       "0.1.0.0.2.ip6.arpa");
	CHECK(addr_reverse_name("x", out, sizeof(out)) == -1);
	CHECK(addr_reverse_name("2001:db8::25", out, 20) == -1);
}

static void
servers(void)
{
	char out[ADDR_SERVER_MAX];

	CHECK(addr_server("127.0.0.1", out, sizeof(out)) == 0);
	CHECK_STR(out, "127.0.0.1:53");
	CHECK(addr_server("127.53.0.1:5300", out, sizeof(out)) == 0);
	CHECK_STR(out, "127.53.0.1:5300");
	CHECK(addr_server("::1", out, sizeof(out)) == 0);
	CHECK_STR(out, "[::1]:53");
	CHECK(addr_server("[::1]:5300", out, sizeof(out)) == 0);
	CHECK_STR(out, "[::1]:5300");
	CHECK(addr_server("127.0.0.1:0", out, sizeof(out)) == -1);
	CHECK(addr_server("127.0.0.1:65536", out, sizeof(out)) == -1);
	CHECK(addr_server("127.0.0.1:", out, sizeof(out)) == -1);
	CHECK(addr_server("127.0.0.1:+53", out, sizeof(out)) == -1);
	CHECK(addr_server("[127.0.0.1]:53", out, sizeof(out)) == -1);
	CHECK(addr_server("ns.example.com", out, sizeof(out)) == -1);
	CHECK(addr_server("[::1]", out, sizeof(out)) == -1);
	CHECK(addr_server("", out, sizeof(out)) == -1);
}

/* Whether a name with one label of n letters is valid. */
static bool
label_of(size_t n)
{
	char name[128];

	memset(name, 'a', n);
	memcpy(name + n, ".test", 6);
	return addr_valid_name(name);
}

static void
names(void)
{
	CHECK(addr_valid_name("mail.example.com"));
	CHECK(addr_valid_name("mail.example.com."));
	CHECK(addr_valid_name("localhost"));
	CHECK(addr_valid_name("host_1.corp.test")); /* seen in the wild */
	CHECK(addr_valid_name("xn--bcher-kva.test"));
	CHECK(!addr_valid_name(""));
	CHECK(!addr_valid_name("."));
	CHECK(!addr_valid_name("a..b"));
	CHECK(!addr_valid_name(".a"));
	CHECK(!addr_valid_name("t.test|x"));
	CHECK(!addr_valid_name("a b.test"));
	CHECK(!addr_valid_name("-a.test"));
	CHECK(!addr_valid_name("a-.test"));
	CHECK(!addr_valid_name("a:b:c"));
	CHECK(!addr_valid_name("caf\xc3\xa9.test"));
	CHECK(label_of(63) && !label_of(64));
	CHECK(addr_same_name("Mail.Example.COM.", "mail.example.com"));
	CHECK(!addr_same_name("mail.example.com", "mail.example.co"));
}

int
main(void)
{
	unit_suite = "unit/addr";
	RUN(names);
	RUN(canonical);
	RUN(literals);
	RUN(private_ranges);
	RUN(reverse_names);
	RUN(servers);
	return unit_failed != 0;
}
