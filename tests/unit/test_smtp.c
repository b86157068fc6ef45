/*
 * test_smtp.c - the SMTP reply parser and the EHLO capabilities, as
 * functions over bytes: single and multi-line replies, every rule of
 * RFC 5321 4.2 a server may break, and the caps a checker reads.
 */
#include "proto/smtp.h"

#include "unit.h"

/* Feed lines separated by LF; returns the last feed's result. */
static int
feed(struct smtp_reply *r, const char *text, char *err, size_t errlen)
{
	int rc = 0;

	smtp_reply_clear(r);
	while (*text != '\0') {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		rc = smtp_reply_feed(r, text, len, err, errlen);
		if (rc != 0)
			return rc;
		text += len + (nl != NULL);
	}
	return rc;
}

static void
single_line(void)
{
	struct smtp_reply r;
	char err[128], line[256];

	CHECK(feed(&r, "220 mail.example.com ESMTP", err, sizeof(err)) == 1);
	CHECK(r.code == 220 && r.nlines == 1 && r.done);
	smtp_reply_line(&r, line, sizeof(line));
	CHECK_STR(line, "220 mail.example.com ESMTP");
	CHECK(feed(&r, "250", err, sizeof(err)) == 1 && r.code == 250);
	smtp_reply_line(&r, line, sizeof(line));
	CHECK_STR(line, "250");
}

static void
multi_line(void)
{
	struct smtp_reply r;
	char err[128], line[256];

	CHECK(feed(&r, "250-mail.example.com\n250-PIPELINING\n250 SIZE 10", err,
		   sizeof(err)) == 1);
	CHECK(r.code == 250 && r.nlines == 3);
	CHECK_STR(r.text, "mail.example.com\nPIPELINING\nSIZE 10");
	smtp_reply_line(&r, line, sizeof(line));
	CHECK_STR(line, "250 mail.example.com");
	/* a continuation line needs more */
	smtp_reply_clear(&r);
	CHECK(smtp_reply_feed(&r, "220-a", 5, err, sizeof(err)) == 0);
	CHECK(!r.done);
}

static void
broken_replies(void)
{
	const char *bad[] = {"22",    "2200 x", "22x ok", "abc def", "600 x",
			     "190 x", "2a0 x",	"250_x",  NULL};
	struct smtp_reply r;
	char err[128];

	for (const char **b = bad; *b != NULL; b++) {
		if (feed(&r, *b, err, sizeof(err)) != -1)
			printf("    accepted '%s'\n", *b);
		CHECK(feed(&r, *b, err, sizeof(err)) == -1);
	}
	smtp_reply_clear(&r);
	CHECK(smtp_reply_feed(&r, "", 0, err, sizeof(err)) == -1);
	CHECK(feed(&r, "220-a\n250-b\n220 c", err, sizeof(err)) == -1);
	CHECK_STR(err, "mixed codes in one reply (220, then 250)");
}

static void
too_many_lines(void)
{
	struct smtp_reply r;
	char err[128];
	int rc = 0, i;

	smtp_reply_clear(&r);
	for (i = 0; i < 1000 && rc == 0; i++)
		rc = smtp_reply_feed(&r, "220-more", 8, err, sizeof(err));
	CHECK(rc == -1 && i == SMTP_REPLY_LINES_MAX + 1);
	CHECK_STR(err, "reply longer than 100 lines");
}

static void
text_is_bounded(void)
{
	static char big[NET_LINE_MAX];
	struct smtp_reply r;
	char err[128];
	int rc = 0;

	memset(big, 'x', sizeof(big));
	memcpy(big, "250-", 4);
	smtp_reply_clear(&r);
	for (int i = 0; i < 20 && rc == 0; i++)
		rc = smtp_reply_feed(&r, big, sizeof(big), err, sizeof(err));
	CHECK(rc == 0 && r.textlen == SMTP_TEXT_MAX - 1);
}

static void
capabilities(void)
{
	struct smtp_reply r;
	struct smtp_caps c;
	char err[128];

	CHECK(feed(&r,
		   "250-mail.example.com Hello\n250-PIPELINING\n"
		   "250-SIZE 10240000\n250-starttls\n250-AUTH PLAIN LOGIN\n"
		   "250-ENHANCEDSTATUSCODES\n250-8BITMIME\n250-SMTPUTF8\n"
		   "250 DSN",
		   err, sizeof(err)) == 1);
	smtp_caps_parse(&r, &c);
	CHECK(c.esmtp && c.pipelining && c.starttls && c.enhanced);
	CHECK(c.eightbitmime && c.smtputf8);
	CHECK(c.size_given && c.size == 10240000);
	CHECK_STR(c.auth, "PLAIN LOGIN");
}

static void
capabilities_are_whole_words(void)
{
	struct smtp_reply r;
	struct smtp_caps c;
	char err[128];

	/* the greeting line does not count; STARTTLSX is not STARTTLS */
	CHECK(feed(&r, "250-STARTTLS.example.com\n250-STARTTLSX\n250 SIZEX",
		   err, sizeof(err)) == 1);
	smtp_caps_parse(&r, &c);
	CHECK(!c.starttls && !c.size_given);
	CHECK(feed(&r, "250 only.the.name", err, sizeof(err)) == 1);
	smtp_caps_parse(&r, &c);
	CHECK(c.esmtp && !c.pipelining && c.auth[0] == '\0');
}

int
main(void)
{
	unit_suite = "unit/smtp";
	RUN(single_line);
	RUN(multi_line);
	RUN(broken_replies);
	RUN(too_many_lines);
	RUN(text_is_bounded);
	RUN(capabilities);
	RUN(capabilities_are_whole_words);
	return unit_failed != 0;
}
