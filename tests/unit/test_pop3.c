/*
 * test_pop3.c - the POP3 status line and multi-line parsers, as functions
 * over bytes.
 */
#include "proto/pop3.h"

#include "unit.h"

static void
status_lines(void)
{
	const char *text = NULL;

	CHECK(pop3_status("+OK", 3, &text) == 1 && *text == '\0');
	CHECK(pop3_status("+OK ready <1.2@x>", 17, &text) == 1);
	CHECK_STR(text, "ready <1.2@x>");
	CHECK(pop3_status("-ERR no", 7, &text) == 0);
	CHECK_STR(text, "no");
	CHECK(pop3_status("-ERR", 4, &text) == 0);
	CHECK(pop3_status("+OKAY", 5, &text) == -1);
	CHECK(pop3_status("+ok", 3, &text) == -1);
	CHECK(pop3_status("-ER", 3, &text) == -1);
	CHECK(pop3_status("", 0, &text) == -1);
	CHECK(pop3_status("220 smtp", 8, &text) == -1);
}

static void
stat_answers(void)
{
	unsigned long n = 7, octets = 7;

	CHECK(pop3_parse_stat("3 300", &n, &octets) == 0);
	CHECK(n == 3 && octets == 300);
	CHECK(pop3_parse_stat("0 0 extra words", &n, &octets) == 0);
	CHECK(n == 0 && octets == 0);
	CHECK(pop3_parse_stat("-5 -3", &n, &octets) == -1);
	CHECK(pop3_parse_stat("5 -3", &n, &octets) == -1);
	CHECK(pop3_parse_stat("+5 3", &n, &octets) == -1);
	CHECK(pop3_parse_stat("5", &n, &octets) == -1);
	CHECK(pop3_parse_stat("5 ", &n, &octets) == -1);
	CHECK(pop3_parse_stat(" 5 3", &n, &octets) == -1);
	CHECK(pop3_parse_stat("5 3x", &n, &octets) == -1);
	CHECK(pop3_parse_stat("", &n, &octets) == -1);
	/* one more than ULONG_MAX, and ULONG_MAX itself */
	CHECK(pop3_parse_stat("18446744073709551616 0", &n, &octets) == -1);
	CHECK(pop3_parse_stat("1 18446744073709551615", &n, &octets) == 0);
	CHECK(octets == 18446744073709551615ul);
}

static void
multi_line_unstuffs(void)
{
	struct pop3_multi m = {.max_bytes = 0};
	char l1[] = "..Token: x", l2[] = "plain", l3[] = ".";
	size_t n1 = strlen(l1), n2 = strlen(l2), n3 = 1;

	CHECK(pop3_multi_feed(&m, l1, &n1) == 0);
	CHECK_STR(l1, ".Token: x");
	CHECK(n1 == 9);
	CHECK(pop3_multi_feed(&m, l2, &n2) == 0 && n2 == 5);
	CHECK(pop3_multi_feed(&m, l3, &n3) == 1 && m.done);
	CHECK(m.lines == 2 && m.bytes == 9 + 2 + 5 + 2);
}

static void
multi_line_caps(void)
{
	struct pop3_multi m = {.max_bytes = 20};
	char line[16];
	size_t n;
	int rc = 0, i;

	for (i = 0; i < 10 && rc == 0; i++) {
		strcpy(line, "0123456789");
		n = 10;
		rc = pop3_multi_feed(&m, line, &n);
	}
	CHECK(rc == -1 && i == 2); /* 12 + 12 bytes > 20 */
	m = (struct pop3_multi){0};
	for (i = 0; i < POP3_LINES_MAX + 10 && rc != 1; i++) {
		n = 0;
		line[0] = '\0';
		if ((rc = pop3_multi_feed(&m, line, &n)) == -1)
			break;
	}
	CHECK(rc == -1 && m.lines == POP3_LINES_MAX + 1);
}

static void
empty_and_dot_lines(void)
{
	struct pop3_multi m = {0};
	char empty[] = "", dots[] = "..", dotx[] = ".x";
	size_t n0 = 0, n1 = 2, n2 = 2;

	CHECK(pop3_multi_feed(&m, empty, &n0) == 0 && n0 == 0);
	CHECK(pop3_multi_feed(&m, dots, &n1) == 0 && n1 == 1);
	CHECK_STR(dots, ".");
	/* ".x" is not the terminator; unstuffed to "x" (RFC 1939 3) */
	CHECK(pop3_multi_feed(&m, dotx, &n2) == 0 && n2 == 1);
	CHECK(!m.done);
}

int
main(void)
{
	unit_suite = "unit/pop3";
	RUN(status_lines);
	RUN(stat_answers);
	RUN(multi_line_unstuffs);
	RUN(multi_line_caps);
	RUN(empty_and_dot_lines);
	return unit_failed != 0;
}
