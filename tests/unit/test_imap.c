/*
 * test_imap.c - the IMAP response parser over bytes, and the client
 * against scripted servers on a connection over memory: LOGIN (quoted
 * and literal), AUTHENTICATE PLAIN, SELECT, SEARCH, FETCH with a literal,
 * STORE and EXPUNGE, the transcript's masks, and what it refuses.
 */
#include "proto/imap.h"

#include "memconn.h"
#include "unit.h"

static int
parse(const char *line, struct imap_line *l)
{
	return imap_parse_line(line, strlen(line), l);
}

static bool
text_is(const struct imap_line *l, const char *want)
{
	return l->textlen == strlen(want) &&
	       memcmp(l->text, want, l->textlen) == 0;
}

static void
tagged_lines(void)
{
	struct imap_line l;

	CHECK(parse("A001 OK LOGIN completed", &l) == 0);
	CHECK(l.kind == IMAP_TAGGED && l.status == IMAP_OK);
	CHECK(l.taglen == 4 && memcmp(l.tag, "A001", 4) == 0);
	CHECK(text_is(&l, "LOGIN completed"));
	CHECK(parse("A2 no [AUTHENTICATIONFAILED] bad", &l) == 0);
	CHECK(l.status == IMAP_NO && text_is(&l, "[AUTHENTICATIONFAILED] bad"));
	CHECK(parse("A3 BAD", &l) == 0 && l.status == IMAP_BAD);
	CHECK(text_is(&l, ""));
	/* BYE and PREAUTH are never tagged; a tag needs a status */
	CHECK(parse("A4 BYE now", &l) == -1);
	CHECK(parse("A5 OKAY", &l) == -1);
	CHECK(parse("A6", &l) == -1);
	CHECK(parse("A+7 OK", &l) == -1);
	CHECK(parse("A(8 OK", &l) == -1);
	CHECK(parse(" OK", &l) == -1);
	CHECK(parse("", &l) == -1);
}

static void
untagged_lines(void)
{
	struct imap_line l;

	CHECK(parse("* OK [CAPABILITY IMAP4rev1] Dovecot ready.", &l) == 0);
	CHECK(l.kind == IMAP_UNTAGGED && l.status == IMAP_OK);
	CHECK(text_is(&l, "[CAPABILITY IMAP4rev1] Dovecot ready."));
	CHECK(parse("* BYE Server shutting down", &l) == 0);
	CHECK(l.status == IMAP_BYE && text_is(&l, "Server shutting down"));
	CHECK(parse("* PREAUTH hi", &l) == 0 && l.status == IMAP_PREAUTH);
	CHECK(parse("* 23 EXISTS", &l) == 0 && l.status == IMAP_NONE);
	CHECK(text_is(&l, "23 EXISTS") && !l.literal);
	CHECK(parse("* OKAY", &l) == 0 && l.status == IMAP_NONE);
	CHECK(parse("* ", &l) == -1);
	CHECK(parse("*", &l) == -1);
	CHECK(parse("*OK", &l) == -1);
}

static void
continuations(void)
{
	struct imap_line l;

	CHECK(parse("+ Ready for literal data", &l) == 0);
	CHECK(l.kind == IMAP_CONTINUE && text_is(&l, "Ready for literal data"));
	CHECK(parse("+", &l) == 0 && l.kind == IMAP_CONTINUE);
	CHECK(text_is(&l, ""));
	CHECK(parse("+ ", &l) == 0 && text_is(&l, ""));
	CHECK(parse("+x", &l) == -1);
}

static void
literals(void)
{
	struct imap_line l;
	size_t n = 7;
	bool plus;

	CHECK(parse("* 1 FETCH (UID 5 BODY[HEADER] {342}", &l) == 0);
	CHECK(l.literal && !l.literal_plus && l.literal_len == 342);
	CHECK(parse("* 1 FETCH (BODY[HEADER] {0}", &l) == 0);
	CHECK(l.literal && l.literal_len == 0);
	CHECK(parse("* LIST () \"/\" {5+}", &l) == 0);
	CHECK(l.literal && l.literal_plus && l.literal_len == 5);
	/* the largest number there is (RFC 3501: 32 bits), and one more */
	CHECK(parse("* 1 FETCH (BODY[] {4294967295}", &l) == 0);
	CHECK(l.literal_len == 4294967295u);
	CHECK(parse("* 1 FETCH (BODY[] {4294967296}", &l) == -1);
	CHECK(parse("* 1 FETCH (BODY[] {99999999999999999999999}", &l) == -1);
	CHECK(parse("* 1 FETCH (BODY[] {}", &l) == -1);
	CHECK(parse("* 1 FETCH (BODY[] {+}", &l) == -1);
	/* a brace that announces nothing */
	CHECK(imap_literal_at_end("x}", 2, &n, &plus) == 0);
	CHECK(imap_literal_at_end("{a}", 3, &n, &plus) == 0);
	CHECK(imap_literal_at_end("}", 1, &n, &plus) == 0);
	CHECK(imap_literal_at_end("{12", 3, &n, &plus) == 0);
	CHECK(imap_literal_at_end("{12}", 4, &n, &plus) == 1 && n == 12);
}

static void
garbage(void)
{
	static const char bin[] = "\x01\x02\xff OK";
	struct imap_line l;

	CHECK(parse("HTTP/1.1 400 Bad Request", &l) == -1);
	CHECK(parse("220 smtp.example ESMTP", &l) == -1);
	CHECK(parse("+OK POP3 ready", &l) == -1);
	CHECK(imap_parse_line(bin, sizeof(bin) - 1, &l) == -1);
}

static void
capabilities(void)
{
	static const char list[] = "IMAP4rev1 SASL-IR LITERAL+ STARTTLS "
				   "LOGINDISABLED AUTH=PLAIN AUTH=LOGIN "
				   "UIDPLUS QUOTA";
	static const char other[] = "imap4rev1 QUOTAX AUTH=PLAINX STARTTLSX";
	struct imap_caps c;

	imap_caps_parse(list, strlen(list), &c);
	CHECK(c.imap4rev1 && c.sasl_ir && c.literal_plus && c.starttls);
	CHECK(c.logindisabled && c.auth_plain && c.uidplus && c.quota);
	imap_caps_parse(other, strlen(other), &c);
	CHECK(c.imap4rev1 && !c.quota && !c.auth_plain && !c.starttls);
	/* a response code ends at its bracket */
	imap_caps_parse("IMAP4rev1] STARTTLS", 19, &c);
	CHECK(c.imap4rev1 && !c.starttls);
}

/* An IMAP session reading script; what it sends goes to m->out. */
static void
scripted(struct imap *i, struct memconn *m, const char *script,
	 const struct deadline *d)
{
	memset(i, 0, sizeof(*i));
	memconn_open(&i->conn, m, script, strlen(script), d);
	i->connected = true;
	i->transcript_on = true;
	buf_init(&i->transcript, IMAP_TRANSCRIPT_MAX);
}

static void
scripted_free(struct imap *i, struct memconn *m)
{
	imap_free(i);
	buf_free(&m->out);
}

static void
greeting_and_capability(void)
{
	struct imap i;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&i, &m,
		 "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n"
		 "* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN UIDPLUS\r\n"
		 "A001 OK done\r\n",
		 &d);
	CHECK(imap_greeting(&i) == 0 && i.status == IMAP_OK);
	CHECK(i.caps_known && i.caps.starttls && i.caps.logindisabled);
	CHECK(imap_capability(&i) == 0 && i.status == IMAP_OK);
	CHECK(i.caps.auth_plain && i.caps.uidplus && !i.caps.logindisabled);
	CHECK_STR(buf_str(&m.out), "A001 CAPABILITY\r\n");
	scripted_free(&i, &m);
	scripted(&i, &m, "* BYE too many connections\r\n", &d);
	CHECK(imap_greeting(&i) == 0 && i.status == IMAP_BYE && i.bye);
	CHECK_STR(i.text, "too many connections");
	CHECK(imap_capability(&i) == -1 && m.out.len == 0);
	scripted_free(&i, &m);
	scripted(&i, &m, "A001 OK hello\r\n", &d);
	CHECK(imap_greeting(&i) == -1);
	CHECK_STR(i.error, "not an IMAP greeting");
	scripted_free(&i, &m);
}

/*
 * STARTTLS refused; accepted, with bytes sent before the handshake:
 * dropped and counted (the handshake itself cannot run over memory).
 */
static void
starttls(void)
{
	struct tls_opts o = {.no_verify = true};
	struct tls_info info;
	struct imap i;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&i, &m, "A001 BAD not now\r\n", &d);
	CHECK(imap_starttls(&i, &o, &info) == 0 && i.status == IMAP_BAD);
	CHECK(i.injected == 0);
	scripted_free(&i, &m);
	scripted(&i, &m, "A001 OK Begin TLS\r\n* CAPABILITY IMAP4rev1\r\n", &d);
	CHECK(imap_starttls(&i, &o, &info) == -1);
	CHECK(i.injected == 24 && net_buffered(&i.conn) == 0);
	CHECK(!i.caps_known);
	scripted_free(&i, &m);
}

static void
login_quoted(void)
{
	struct imap i;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&i, &m, "A001 OK [CAPABILITY IMAP4rev1 UIDPLUS] Logged in\r\n",
		 &d);
	CHECK(imap_login(&i, "user@lab.test", "secret") == 0);
	CHECK(i.status == IMAP_OK && i.caps.uidplus);
	CHECK_STR(buf_str(&m.out),
		  "A001 LOGIN \"user@lab.test\" \"secret\"\r\n");
	CHECK_STR(buf_str(&i.transcript),
		  "C: A001 LOGIN \"user@lab.test\" ********\n"
		  "S: A001 OK [CAPABILITY IMAP4rev1 UIDPLUS] Logged in\n");
	scripted_free(&i, &m);
	scripted(&i, &m, "A001 NO [AUTHENTICATIONFAILED] failed\r\n", &d);
	CHECK(imap_login(&i, "user", "wrong") == 0 && i.status == IMAP_NO);
	CHECK_STR(i.text, "[AUTHENTICATIONFAILED] failed");
	scripted_free(&i, &m);
}

/* A quote, a backslash, CR, LF, 8-bit: a literal, after the "+". */
static void
login_literal(void)
{
	struct imap i;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&i, &m, "+ go ahead\r\nA001 OK Logged in\r\n", &d);
	CHECK(imap_login(&i, "user", "a\"b\\c\r\n\xe9") == 0);
	CHECK(i.status == IMAP_OK);
	CHECK_STR(buf_str(&m.out),
		  "A001 LOGIN \"user\" {8}\r\na\"b\\c\r\n\xe9\r\n");
	CHECK_STR(buf_str(&i.transcript),
		  "C: A001 LOGIN \"user\" {********}\nS: + go ahead\n"
		  "C: ********\nS: A001 OK Logged in\n");
	scripted_free(&i, &m);
	/* refused at the literal: the password is never sent */
	scripted(&i, &m, "A001 NO no literals here\r\n", &d);
	CHECK(imap_login(&i, "user", "p\"w") == 0 && i.status == IMAP_NO);
	CHECK_STR(buf_str(&m.out), "A001 LOGIN \"user\" {3}\r\n");
	scripted_free(&i, &m);
	/* LITERAL+: no wait for "+" */
	scripted(&i, &m, "A001 OK Logged in\r\n", &d);
	i.caps.literal_plus = true;
	CHECK(imap_login(&i, "user", "p\"w") == 0 && i.status == IMAP_OK);
	CHECK_STR(buf_str(&m.out), "A001 LOGIN \"user\" {3+}\r\np\"w\r\n");
	scripted_free(&i, &m);
}

static void
login_refused(void)
{
	static char big[IMAP_ARG_MAX + 2];
	struct imap i;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&i, &m, "A001 OK Logged in\r\n", &d);
	i.caps.logindisabled = true;
	CHECK(imap_login(&i, "user", "secret") == -1);
	CHECK_STR(i.error, "the server says LOGINDISABLED: LOGIN not sent");
	i.caps.logindisabled = false;
	memset(big, 'x', sizeof(big) - 1);
	CHECK(imap_login(&i, "user", big) == -1);
	CHECK(m.out.len == 0);
	scripted_free(&i, &m);
	/* a server gone before its answer */
	scripted(&i, &m, "* OK still here\r\n", &d);
	CHECK(imap_login(&i, "user", "secret") == -1);
	CHECK(i.net == NET_CLOSED);
	scripted_free(&i, &m);
	/* an answer tagged for another command */
	scripted(&i, &m, "B007 OK what\r\n", &d);
	CHECK(imap_login(&i, "user", "secret") == -1);
	CHECK_STR(i.error, "a response tagged B007 to A001");
	scripted_free(&i, &m);
}

static void
authenticate_plain(void)
{
	struct imap i;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	/* without SASL-IR: the answer after the "+" */
	scripted(&i, &m, "+ \r\nA001 OK Logged in\r\n", &d);
	CHECK(imap_authenticate_plain(&i, "user", "secret") == 0);
	CHECK(i.status == IMAP_OK);
	CHECK_STR(buf_str(&m.out),
		  "A001 AUTHENTICATE PLAIN\r\nAHVzZXIAc2VjcmV0\r\n");
	CHECK_STR(buf_str(&i.transcript),
		  "C: A001 AUTHENTICATE PLAIN\nS: + \nC: ********\n"
		  "S: A001 OK Logged in\n");
	scripted_free(&i, &m);
	/* with SASL-IR: on the command line */
	scripted(&i, &m, "A001 NO [AUTHENTICATIONFAILED] no\r\n", &d);
	i.caps.sasl_ir = true;
	CHECK(imap_authenticate_plain(&i, "user", "secret") == 0);
	CHECK(i.status == IMAP_NO);
	CHECK_STR(buf_str(&m.out),
		  "A001 AUTHENTICATE PLAIN AHVzZXIAc2VjcmV0\r\n");
	CHECK_STR(buf_str(&i.transcript),
		  "C: A001 AUTHENTICATE PLAIN ********\n"
		  "S: A001 NO [AUTHENTICATIONFAILED] no\n");
	scripted_free(&i, &m);
	/* a server that asks for more: "*" cancels */
	scripted(&i, &m, "+ \r\n+ more\r\nA001 BAD cancelled\r\n", &d);
	CHECK(imap_authenticate_plain(&i, "user", "secret") == -1);
	CHECK_STR(buf_str(&m.out),
		  "A001 AUTHENTICATE PLAIN\r\nAHVzZXIAc2VjcmV0\r\n*\r\n");
	CHECK_STR(i.error, "the server asked for more than the PLAIN answer");
	scripted_free(&i, &m);
}

static void
select_and_status(void)
{
	struct imap i;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&i, &m,
		 "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
		 "* 3 EXISTS\r\n* 0 RECENT\r\n"
		 "* OK [UIDVALIDITY 1700000000] UIDs valid\r\n"
		 "* OK [UIDNEXT 42] Predicted next UID\r\n"
		 "A001 OK [READ-WRITE] Select completed\r\n"
		 "* STATUS INBOX (MESSAGES 4 UIDNEXT 43 UIDVALIDITY 7)\r\n"
		 "A002 OK done\r\n"
		 "A003 NO [NONEXISTENT] no such mailbox\r\n",
		 &d);
	CHECK(imap_select(&i, "INBOX", false) == 0 && i.status == IMAP_OK);
	CHECK(i.box.have_exists && i.box.exists == 3);
	CHECK(i.box.have_uidvalidity && i.box.uidvalidity == 1700000000ul);
	CHECK(i.box.have_uidnext && i.box.uidnext == 42);
	CHECK(i.box.read_write);
	CHECK(imap_status(&i, "INBOX") == 0);
	CHECK(i.box.exists == 4 && i.box.uidnext == 43 &&
	      i.box.uidvalidity == 7);
	CHECK(imap_select(&i, "Nope", true) == 0 && i.status == IMAP_NO);
	CHECK(!i.box.have_exists);
	CHECK_STR(buf_str(&m.out),
		  "A001 SELECT \"INBOX\"\r\n"
		  "A002 STATUS \"INBOX\" (MESSAGES UIDNEXT UIDVALIDITY)\r\n"
		  "A003 EXAMINE \"Nope\"\r\n");
	scripted_free(&i, &m);
}

static void
quota(void)
{
	struct imap i;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&i, &m,
		 "* QUOTAROOT INBOX \"User quota\"\r\n"
		 "* QUOTA \"User quota\" (MESSAGE 3 1000 STORAGE 900 1024)\r\n"
		 "A001 OK Getquotaroot completed\r\n",
		 &d);
	CHECK(imap_getquotaroot(&i, "INBOX") == 0 && i.status == IMAP_OK);
	CHECK(i.quota.have_storage && i.quota.storage_used == 900 &&
	      i.quota.storage_limit == 1024);
	scripted_free(&i, &m);
	scripted(&i, &m, "* QUOTAROOT INBOX\r\nA001 OK no quota\r\n", &d);
	CHECK(imap_getquotaroot(&i, "INBOX") == 0 && !i.quota.have_storage);
	scripted_free(&i, &m);
}

static void
search_fetch_store_expunge(void)
{
	static const char header[] =
	    "X-Imscheck-Probe: tok\r\nSubject: probe\r\n\r\n";
	char script[1024];
	struct buf out = BUF_INIT(4096);
	struct imap i;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	snprintf(script, sizeof(script),
		 "* SEARCH 7 9\r\nA001 OK Search completed\r\n"
		 "* 2 FETCH (FLAGS (\\Seen))\r\n"
		 "* 3 FETCH (UID 9 BODY[HEADER] {%zu}\r\n%s)\r\n"
		 "A002 OK Fetch completed\r\n"
		 "A003 OK Store completed\r\n"
		 "* 3 EXPUNGE\r\nA004 OK Expunge completed\r\n",
		 strlen(header), header);
	scripted(&i, &m, script, &d);
	CHECK(imap_search_header(&i, "X-Imscheck-Probe", "tok", false) == 0);
	CHECK(i.nsearch == 2 && i.search[0] == 7 && i.search[1] == 9);
	CHECK(imap_fetch_header(&i, 9, &out) == 0 && i.fetched);
	CHECK_STR(buf_str(&out), header);
	CHECK(imap_store_deleted(&i, 9) == 0 && i.status == IMAP_OK);
	CHECK(imap_uid_expunge(&i, 9) == -1); /* no UIDPLUS yet */
	i.caps.uidplus = true;
	CHECK(imap_uid_expunge(&i, 9) == 0 && i.status == IMAP_OK);
	CHECK_STR(
	    buf_str(&m.out),
	    "A001 UID SEARCH HEADER \"X-Imscheck-Probe\" \"tok\"\r\n"
	    "A002 UID FETCH 9 (RFC822.SIZE BODY.PEEK[HEADER]<0.65536>)\r\n"
	    "A003 UID STORE 9 +FLAGS.SILENT (\\Deleted)\r\n"
	    "A004 UID EXPUNGE 9\r\n");
	CHECK(strstr(buf_str(&i.transcript), "S: (literal, 41 bytes)\nS: )\n"));
	scripted_free(&i, &m);
	buf_free(&out);
}

/* Another message's header, or one over out's cap, is not ours. */
static void
fetch_other_and_cut(void)
{
	struct buf out = BUF_INIT(8);
	struct imap i;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&i, &m,
		 "* 3 FETCH (UID 8 BODY[HEADER] {5}\r\nab\r\n\r)\r\n"
		 "A001 OK done\r\n"
		 "* 3 FETCH (BODY[HEADER] {12}\r\n0123456789\r\n UID 9)\r\n"
		 "A002 OK done\r\n",
		 &d);
	CHECK(imap_fetch_header(&i, 9, &out) == 0 && !i.fetched);
	CHECK(out.len == 0);
	CHECK(imap_fetch_header(&i, 9, &out) == 0 && i.fetched);
	CHECK(out.len == 8 && memcmp(out.data, "01234567", 8) == 0);
	CHECK(i.fetch_cut);
	scripted_free(&i, &m);
	buf_free(&out);
}

/* More UIDs than are kept: the highest, the newest messages, stay. */
static void
search_keeps_newest(void)
{
	struct buf script = BUF_INIT(8192);
	struct imap i;
	struct memconn m;
	struct deadline d;
	bool all = true;

	deadline_start(&d, 5);
	buf_append(&script, "* SEARCH", 8);
	/* 101 to 200 shuffled: RFC 3501 owes no order */
	for (unsigned long k = 0; k < 100; k++)
		buf_printf(&script, " %lu", k * 37 % 100 + 101);
	buf_printf(&script, "\r\nA001 OK done\r\n");
	scripted(&i, &m, buf_str(&script), &d);
	CHECK(imap_search_header(&i, "X-Imscheck-Probe", "", true) == 0);
	CHECK(i.search_total == 100 && i.nsearch == IMAP_SEARCH_MAX);
	for (size_t k = 0; k < i.nsearch; k++)
		all &= i.search[k] > 200 - IMAP_SEARCH_MAX;
	CHECK(all);
	CHECK_STR(buf_str(&m.out), "A001 UID SEARCH UNDELETED HEADER "
				   "\"X-Imscheck-Probe\" \"\"\r\n");
	scripted_free(&i, &m);
	buf_free(&script);
}

/* The size comes with the header; the whole message is BODY[]'s literal. */
static void
fetch_size_and_whole(void)
{
	struct buf out = BUF_INIT(4096);
	struct imap i;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&i, &m,
		 "* 3 FETCH (UID 9 RFC822.SIZE 2000000 BODY[HEADER] {4}\r\n"
		 "a\r\n\r)\r\nA001 OK done\r\n"
		 "* 3 FETCH (UID 9 BODY[HEADER] {2}\r\nh\n)\r\nA002 OK done\r\n"
		 "* 3 FETCH (UID 9 BODY[] {7}\r\nh\n\nbody)\r\n"
		 "A003 OK done\r\n"
		 "* 3 FETCH (UID 9 BODY[HEADER]<0> {6}\r\nX: y\r\n)\r\n"
		 "A004 OK done\r\n",
		 &d);
	CHECK(imap_fetch_header(&i, 9, &out) == 0 && i.fetched);
	CHECK(i.fetch_have_size && i.fetch_size == 2000000 && !i.fetch_cut);
	/* a header where the whole message was asked for is not it */
	CHECK(imap_fetch_message(&i, 9, &out) == 0 && !i.fetched);
	CHECK(!i.fetch_have_size && out.len == 0);
	CHECK(imap_fetch_message(&i, 9, &out) == 0 && i.fetched);
	CHECK_STR(buf_str(&out), "h\n\nbody");
	/* the partial header's answer names its origin: "<0>" */
	CHECK(imap_fetch_header(&i, 9, &out) == 0 && i.fetched);
	CHECK_STR(buf_str(&out), "X: y\r\n");
	CHECK(strstr(buf_str(&m.out), "A002 UID FETCH 9 BODY.PEEK[]\r\n"));
	scripted_free(&i, &m);
	buf_free(&out);
}

static void
literal_over_cap(void)
{
	struct buf out = BUF_INIT(4096);
	struct imap i;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&i, &m, "* 1 FETCH (UID 9 BODY[HEADER] {1073741824}\r\nxx",
		 &d);
	CHECK(imap_fetch_header(&i, 9, &out) == -1);
	CHECK_STR(i.error, "the server announced a literal of 1073741824 "
			   "bytes (more than 1048576)");
	CHECK(net_buffered(&i.conn) == 2); /* none of it taken */
	scripted_free(&i, &m);
	buf_free(&out);
}

static void
bye_mid_command(void)
{
	struct imap i;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&i, &m, "* 3 EXISTS\r\n* BYE shutting down\r\n", &d);
	CHECK(imap_select(&i, "INBOX", false) == 0);
	CHECK(i.status == IMAP_BYE && i.bye);
	CHECK_STR(i.text, "shutting down");
	CHECK(imap_store_deleted(&i, 1) == -1);
	CHECK(imap_logout(&i) == -1);
	scripted_free(&i, &m);
}

static void
logout(void)
{
	struct imap i;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&i, &m, "* BYE Logging out\r\nA001 OK Logout completed\r\n",
		 &d);
	CHECK(imap_logout(&i) == 0 && !i.connected);
	CHECK_STR(buf_str(&m.out), "A001 LOGOUT\r\n");
	scripted_free(&i, &m);
}

static void
endless_untagged(void)
{
	static char script[(IMAP_UNTAGGED_MAX + 10) * 16];
	struct imap i;
	struct memconn m;
	struct deadline d;
	size_t n = 0;

	for (int k = 0; k < IMAP_UNTAGGED_MAX + 10; k++)
		n += (size_t)snprintf(script + n, sizeof(script) - n,
				      "* %d EXISTS\r\n", k % 1000);
	deadline_start(&d, 5);
	scripted(&i, &m, script, &d);
	CHECK(imap_capability(&i) == -1);
	CHECK_STR(i.error, "more than 10000 untagged responses to one command");
	scripted_free(&i, &m);
}

static void
garbage_response(void)
{
	struct imap i;
	struct memconn m;
	struct deadline d;

	deadline_start(&d, 5);
	scripted(&i, &m, "HTTP/1.1 200 OK\r\n", &d);
	CHECK(imap_capability(&i) == -1);
	CHECK_STR(i.error, "not an IMAP response line");
	/* out of step: nothing more is sent, not even LOGOUT */
	CHECK(imap_select(&i, "INBOX", false) == -1);
	CHECK(imap_logout(&i) == -1);
	CHECK_STR(buf_str(&m.out), "A001 CAPABILITY\r\n");
	scripted_free(&i, &m);
	scripted(&i, &m, "+ what\r\n", &d);
	CHECK(imap_capability(&i) == -1);
	CHECK_STR(i.error, "a continuation no command asked for");
	scripted_free(&i, &m);
}

int
main(void)
{
	unit_suite = "unit/imap";
	RUN(tagged_lines);
	RUN(untagged_lines);
	RUN(continuations);
	RUN(literals);
	RUN(garbage);
	RUN(capabilities);
	RUN(greeting_and_capability);
	RUN(starttls);
	RUN(login_quoted);
	RUN(login_literal);
	RUN(login_refused);
	RUN(authenticate_plain);
	RUN(select_and_status);
	RUN(quota);
	RUN(search_fetch_store_expunge);
	RUN(fetch_other_and_cut);
	RUN(fetch_size_and_whole);
	RUN(search_keeps_newest);
	RUN(literal_over_cap);
	RUN(bye_mid_command);
	RUN(logout);
	RUN(endless_untagged);
	RUN(garbage_response);
	return unit_failed != 0;
}
