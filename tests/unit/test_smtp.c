/*
 * test_smtp.c - the SMTP reply parser and the EHLO capabilities, as
 * functions over bytes: single and multi-line replies, every rule of
 * RFC 5321 4.2 a server may break, and the caps a checker reads; AUTH
 * PLAIN and LOGIN over a scripted connection: the lines sent, the
 * transcript that masks them, the servers that ask for more.
 */
#include "proto/smtp.h"

#include "memconn.h"
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

static void
auth_mechanisms(void)
{
	struct smtp_reply r;
	struct smtp_caps c;
	char err[128];

	CHECK(smtp_auth_mechs("PLAIN LOGIN", 11) ==
	      (SMTP_AUTH_PLAIN | SMTP_AUTH_LOGIN));
	CHECK(smtp_auth_mechs("  cram-md5   login ", 19) ==
	      (SMTP_AUTH_OTHER | SMTP_AUTH_LOGIN));
	CHECK(smtp_auth_mechs("PLAINX LOGI", 11) == SMTP_AUTH_OTHER);
	CHECK(smtp_auth_mechs("", 0) == 0 && smtp_auth_mechs("   ", 3) == 0);
	/* only len bytes count */
	CHECK(smtp_auth_mechs("PLAIN LOGIN", 5) == SMTP_AUTH_PLAIN);
	/* the old "AUTH=" form (Outlook) counts as well */
	CHECK(feed(&r, "250-mx\n250-AUTH=LOGIN\n250 AUTH PLAIN", err,
		   sizeof(err)) == 1);
	smtp_caps_parse(&r, &c);
	CHECK(c.auth_mechs == (SMTP_AUTH_PLAIN | SMTP_AUTH_LOGIN));
	CHECK(feed(&r, "250-mx\n250 AUTHX PLAIN", err, sizeof(err)) == 1);
	smtp_caps_parse(&r, &c);
	CHECK(c.auth_mechs == 0);
}

/* An SMTP session reading script; what it sends goes to m->out. */
static void
scripted(struct smtp *s, struct memconn *m, const char *script,
	 const struct deadline *d)
{
	memset(s, 0, sizeof(*s));
	memconn_open(&s->conn, m, script, strlen(script), d);
	s->connected = true;
	s->transcript_on = true;
	buf_init(&s->transcript, SMTP_TRANSCRIPT_MAX);
}

static void
scripted_free(struct smtp *s, struct memconn *m)
{
	net_close(&s->conn);
	buf_free(&s->transcript);
	buf_free(&m->out);
}

static void
auth_plain(void)
{
	struct smtp s;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&s, &m, "235 2.7.0 Authentication successful\r\n", &d);
	CHECK(smtp_auth(&s, SMTP_AUTH_PLAIN, "user", "secret") == 0);
	CHECK(s.reply.code == 235);
	/* RFC 4616: NUL, authentication identity, NUL, password */
	CHECK_STR(buf_str(&m.out), "AUTH PLAIN AHVzZXIAc2VjcmV0\r\n");
	CHECK_STR(buf_str(&s.transcript),
		  "C: AUTH PLAIN ********\n"
		  "S: 235 2.7.0 Authentication successful\n");
	scripted_free(&s, &m);
}

static void
auth_login(void)
{
	struct smtp s;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&s, &m,
		 "334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n"
		 "535 5.7.8 Error: authentication failed\r\n",
		 &d);
	CHECK(smtp_auth(&s, SMTP_AUTH_LOGIN, "user", "secret") == 0);
	CHECK(s.reply.code == 535);
	CHECK_STR(buf_str(&m.out), "AUTH LOGIN\r\ndXNlcg==\r\nc2VjcmV0\r\n");
	CHECK_STR(buf_str(&s.transcript),
		  "C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: ********\n"
		  "S: 334 UGFzc3dvcmQ6\nC: ********\n"
		  "S: 535 5.7.8 Error: authentication failed\n");
	scripted_free(&s, &m);
}

/* A server that keeps asking: the answers, then "*", then an error. */
static void
auth_endless_challenges(void)
{
	struct smtp s;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&s, &m, "334 \r\n334 \r\n334 \r\n334 \r\n334 \r\n", &d);
	CHECK(smtp_auth(&s, SMTP_AUTH_PLAIN, "user", "secret") == -1);
	CHECK_STR(buf_str(&m.out), "AUTH PLAIN AHVzZXIAc2VjcmV0\r\n*\r\n");
	CHECK_STR(s.error, "the server asked for more than the user name and "
			   "password (334 after 1 answer)");
	scripted_free(&s, &m);
	scripted(&s, &m, "334 \r\n334 \r\n334 \r\n334 \r\n334 \r\n", &d);
	CHECK(smtp_auth(&s, SMTP_AUTH_LOGIN, "user", "secret") == -1);
	CHECK_STR(buf_str(&m.out),
		  "AUTH LOGIN\r\ndXNlcg==\r\nc2VjcmV0\r\n*\r\n");
	scripted_free(&s, &m);
}

/* Nothing is sent for what cannot be sent; a server gone is a failure. */
static void
auth_refuses_to_send(void)
{
	static char big[SMTP_AUTH_FIELD_MAX + 2];
	struct smtp s;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	memset(big, 'x', sizeof(big) - 1);
	scripted(&s, &m, "235 ok\r\n", &d);
	CHECK(smtp_auth(&s, SMTP_AUTH_PLAIN, "user", big) == -1);
	CHECK(smtp_auth(&s, SMTP_AUTH_LOGIN, big, "secret") == -1);
	CHECK(smtp_auth(&s, SMTP_AUTH_OTHER, "user", "secret") == -1);
	CHECK(m.out.len == 0);
	/* the longest fields fit in one line */
	big[SMTP_AUTH_FIELD_MAX] = '\0';
	CHECK(smtp_auth(&s, SMTP_AUTH_PLAIN, big, big) == 0);
	CHECK(s.reply.code == 235);
	scripted_free(&s, &m);
	scripted(&s, &m, "334 VXNlcm5hbWU6\r\n", &d);
	CHECK(smtp_auth(&s, SMTP_AUTH_LOGIN, "user", "secret") == -1);
	CHECK(s.net == NET_CLOSED);
	CHECK_STR(s.error, "connection closed");
	scripted_free(&s, &m);
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
	RUN(auth_mechanisms);
	RUN(auth_plain);
	RUN(auth_login);
	RUN(auth_endless_challenges);
	RUN(auth_refuses_to_send);
	return unit_failed != 0;
}
