/*
 * test_probe.c - probe tokens (only ours verify, and only for the message
 * they were made for), the probe message, and what delivered headers say:
 * Received chains, Delivered-To, X-Original-To.
 */
#include <stdlib.h>

#include "proto/probe.h"

#include "unit.h"

/* A probe made with key, as it arrives: LF lines, unstuffed (POP3). */
static void
make(struct probe *pr, const char *key, struct buf *msg)
{
	struct buf crlf = BUF_INIT(8192);

	CHECK(probe_new(pr, 2000000000) == 0);
	CHECK(probe_message(pr, key, "a@lab.test", "b@ext.test", "lab.test",
			    &crlf) == 0);
	buf_reset(msg);
	for (size_t i = 0; i < crlf.len; i++)
		if (crlf.data[i] != '\r')
			buf_append(msg, crlf.data + i, 1);
	buf_free(&crlf);
}

static enum probe_verdict
verdict(const char *msg, size_t len, const char *key, struct probe_token *tk)
{
	static struct probe_headers h;

	return probe_verify_message(msg, len, key, &h, tk);
}

static void
token_round_trip(void)
{
	struct buf msg = BUF_INIT(8192);
	struct probe_token tk;
	struct probe pr;

	make(&pr, "secret", &msg);
	CHECK(strlen(pr.tk.nonce) == 32 && strlen(pr.tk.mac) == 32);
	CHECK(pr.tk.end == 2000000000);
	CHECK(verdict(msg.data, msg.len, "secret", &tk) == PROBE_OURS);
	CHECK(tk.time == pr.tk.time && tk.end == pr.tk.end);
	CHECK_STR(tk.nonce, pr.tk.nonce);
	/* a run that ends before it began has ended when it began */
	CHECK(probe_new(&pr, 1) == 0 && pr.tk.end == pr.tk.time);
	buf_free(&msg);
}

/* msg with from replaced by to (once): a message the token was not for. */
static void
edit(const struct buf *msg, const char *from, const char *to, struct buf *out)
{
	const char *at = strstr(msg->data, from);

	buf_reset(out);
	CHECK(at != NULL);
	if (at == NULL)
		return;
	buf_append(out, msg->data, (size_t)(at - msg->data));
	buf_puts(out, to);
	buf_puts(out, at + strlen(from));
}

static void
token_bound_to_its_message(void)
{
	struct buf msg = BUF_INIT(8192), other = BUF_INIT(8192);
	struct probe_token tk;
	struct probe pr;
	char from[100], to[100];

	make(&pr, "secret", &msg);
	CHECK(verdict(msg.data, msg.len, "other", &tk) == PROBE_FOREIGN);
	/* the header in a forward: another body */
	edit(&msg, "This message was sent", "Look: this message was sent",
	     &other);
	CHECK(verdict(other.data, other.len, "secret", &tk) == PROBE_FOREIGN);
	/* the header and the body under another Message-ID */
	edit(&msg, "Message-ID: <imscheck.", "Message-ID: <mine.", &other);
	CHECK(verdict(other.data, other.len, "secret", &tk) == PROBE_FOREIGN);
	/* a later end of run, the MAC as it was */
	snprintf(from, sizeof(from), " %lld %s ", pr.tk.end, pr.tk.nonce);
	snprintf(to, sizeof(to), " %lld %s ", pr.tk.end + 1, pr.tk.nonce);
	edit(&msg, from, to, &other);
	CHECK(verdict(other.data, other.len, "secret", &tk) == PROBE_FOREIGN);
	/* the body refolded as CRLF, an empty line added at its end: the same
	 */
	buf_reset(&other);
	for (size_t i = 0; i < msg.len; i++)
		buf_append(&other, msg.data[i] == '\n' ? "\r\n" : msg.data + i,
			   msg.data[i] == '\n' ? 2 : 1);
	buf_puts(&other, "\r\n");
	CHECK(verdict(other.data, other.len, "secret", &tk) == PROBE_OURS);
	/* a first Message-ID counts: one added after it changes nothing */
	edit(&msg, "MIME-Version:", "Message-ID: <x@y>\nMIME-Version:", &other);
	CHECK(verdict(other.data, other.len, "secret", &tk) == PROBE_OURS);
	CHECK(verdict("Subject: x\n\nbody\n", 17, "secret", &tk) == PROBE_NONE);
	buf_free(&msg);
	buf_free(&other);
}

static void
token_syntax(void)
{
	static const char *const bad[] = {
	    "",
	    "v1 1 00000000000000000000000000000000 "
	    "00000000000000000000000000000000",
	    "v2 1 2 0000000000000000000000000000000 "
	    "00000000000000000000000000000000",
	    "v2 1 2 00000000000000000000000000000000 "
	    "0000000000000000000000000000000A",
	    "v2 -1 2 00000000000000000000000000000000 "
	    "00000000000000000000000000000000",
	    "v2 3 2 00000000000000000000000000000000 "
	    "00000000000000000000000000000000",
	    "v2 1 1000000000000000000 00000000000000000000000000000000 "
	    "00000000000000000000000000000000",
	    "v2 1  2 00000000000000000000000000000000 "
	    "00000000000000000000000000000000",
	    "v2 1 2 00000000000000000000000000000000 "
	    "00000000000000000000000000000000 x",
	    "v2 1 2 00000000000000000000000000000000",
	};
	struct probe_token tk;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CHECK(probe_token_parse(bad[i], &tk) == -1);
	CHECK(probe_token_parse("v2 1 999999999999999999 "
				"0123456789abcdef0123456789abcdef "
				"00000000000000000000000000000000 \t",
				&tk) == 0);
	CHECK(tk.time == 1 && tk.end == 999999999999999999LL);
	CHECK(probe_token_ended(&tk, 2e18));
	CHECK(!probe_token_ended(&tk, 999999999999999999.0 - 1e3));
}

static void
body_digest_is_canonical(void)
{
	unsigned char a[PROBE_DIGEST_LEN], b[PROBE_DIGEST_LEN];

	/* RFC 6376 3.4.3: an empty body is one CRLF, as is a blank one */
	probe_body_digest("", 0, a);
	probe_body_digest("\n\r\n\n", 4, b);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	probe_body_digest("x\r\n\r\ny", 6, a);
	probe_body_digest("x\n\ny\n\n", 6, b);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	probe_body_digest("x\n\ny ", 5, b);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
}

static void
message_is_tagged(void)
{
	struct buf b = BUF_INIT(8192);
	struct probe_headers h;
	struct probe pr;
	char want[80];

	CHECK(probe_new(&pr, 0) == 0);
	CHECK(probe_message(&pr, "k", "a@lab.test", "b@ext.test", "lab.test",
			    &b) == 0);
	CHECK(probe_parse_headers(b.data, b.len, &h) == 0);
	CHECK_STR(h.token, pr.token);
	snprintf(want, sizeof(want), "<imscheck.%lld.%s@lab.test>", pr.tk.time,
		 pr.tk.nonce);
	CHECK_STR(h.message_id, want);
	CHECK_STR(pr.message_id, want);
	CHECK(strncmp(b.data + h.body, "This message", 12) == 0);
	snprintf(want, sizeof(want), "\r\n.Token: %s\r\n", pr.tk.nonce);
	CHECK(strstr(b.data, want) != NULL);
	buf_free(&b);
}

static void
received_clauses(void)
{
	struct received r;

	probe_parse_received(
	    "from mail.lab.test (unknown [127.25.0.1]) by smarthost.lab.test "
	    "(Postfix) with ESMTPS id 4Abc for <probe@ext.test>; Sat, 28 Nov "
	    "2026 13:00:00 +0000 (UTC)",
	    &r);
	CHECK_STR(r.from, "mail.lab.test");
	CHECK_STR(r.from_ip, "127.25.0.1");
	CHECK_STR(r.by, "smarthost.lab.test");
	CHECK_STR(r.for_, "probe@ext.test");
	probe_parse_received("by mx.example.com (Postfix, from userid 0) id "
			     "X; Sat, 28 Nov 2026",
			     &r);
	CHECK(r.from[0] == '\0' && r.from_ip[0] == '\0');
	CHECK_STR(r.by, "mx.example.com");
	probe_parse_received("from x ((nested (deep)) [192.0.2.1]) by y", &r);
	CHECK_STR(r.from_ip, "192.0.2.1");
	CHECK_STR(r.by, "y");
	CHECK(probe_parse_received("", &r) == 0);
	CHECK(r.by[0] == '\0');
	CHECK(probe_parse_received("from ((((((( unbalanced", &r) == -1);
	CHECK(r.by[0] == '\0');
}

/*
 * The hop forms of the MTAs users run, as their documentation and source
 * say they write them (IPv4 and IPv6, with and without a reverse name):
 * what each hop says of its sender and its receiver.
 */
static const struct hop_case {
	const char *mta, *value;
	const char *from, *name, *helo, *ip, *by, *by_ip, *for_;
	int rc;
} hop_cases[] = {
    {"Postfix, no reverse name",
     "from mail.lab.test (unknown [127.25.0.1]) by smarthost.lab.test "
     "(Postfix) with ESMTPS id 4Abc for <probe@ext.test>; Sat, 28 Nov 2026 "
     "13:00:00 +0000 (UTC)",
     "mail.lab.test", "", "", "127.25.0.1", "smarthost.lab.test", "",
     "probe@ext.test", 0},
    {"Postfix, IPv6 with a reverse name and TLS",
     "from smtp.isp.test (rev.isp.test [IPv6:2001:db8:0:0::30])\n\t(using "
     "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n\t "
     "key-exchange X25519 server-signature ECDSA (P-256) server-digest "
     "SHA256)\n\t(No client certificate requested)\n\tby mx.example.test "
     "(Postfix) with ESMTPS id 4XyZ\n\tfor <user@example.test>; Sat, 28 Nov "
     "2026 13:00:00 +0000 (UTC)",
     "smtp.isp.test", "rev.isp.test", "", "2001:db8::30", "mx.example.test", "",
     "user@example.test", 0},
    {"Postfix, local submission",
     "by mx.example.test (Postfix, from userid 0) id 4Q; Sat, 28 Nov 2026", "",
     "", "", "", "mx.example.test", "", "", 0},
    {"Exim, no host lookups",
     "from [192.0.2.30] (helo=smtp.isp.test) by mx.example.test with esmtp "
     "(Exim 4.96) (envelope-from <a@lab.test>) id 1tABCD-000123-AB for "
     "probe@ext.test; Sat, 28 Nov 2026 13:00:00 +0000",
     "[192.0.2.30]", "", "smtp.isp.test", "192.0.2.30", "mx.example.test", "",
     "probe@ext.test", 0},
    {"Exim, IPv6, no host lookups, port logged",
     "from [2001:db8::30] (port=40122 helo=smtp.isp.test)\n\tby "
     "mx.example.test with esmtp (Exim 4.96)\n\t(envelope-from <a@lab.test>)"
     "\n\tid 1tABCD-000123-AB; Sat, 28 Nov 2026 13:00:00 +0000",
     "[2001:db8::30]", "", "smtp.isp.test", "2001:db8::30", "mx.example.test",
     "", "", 0},
    {"Exim, verified name equal to the HELO name",
     "from smtp.isp.test ([192.0.2.30]) by mx.example.test with esmtps  "
     "(TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from "
     "<a@lab.test>) id 1tABCD-000123-AB; Sat, 28 Nov 2026",
     "smtp.isp.test", "", "", "192.0.2.30", "mx.example.test", "", "", 0},
    {"Exim, verified name, other HELO name, port logged",
     "from rev.isp.test ([192.0.2.30]:40122 helo=smtp.isp.test) by "
     "mx.example.test with esmtp (Exim 4.96) id 1tABCD-000123-AB",
     "rev.isp.test", "", "smtp.isp.test", "192.0.2.30", "mx.example.test", "",
     "", 0},
    {"Exim, a HELO address literal",
     "from [192.0.2.30] (helo=[10.9.8.7]) by mx.example.test with smtp "
     "(Exim 4.96) id 1tABCD-000123-AB",
     "[192.0.2.30]", "", "[10.9.8.7]", "192.0.2.30", "mx.example.test", "", "",
     0},
    {"Exim, local",
     "from user by mx.example.test with local (Exim 4.96) (envelope-from "
     "<user@mx.example.test>) id 1tABCD-000123-AB; Sat, 28 Nov 2026",
     "user", "", "", "", "mx.example.test", "", "", 0},
    {"OpenSMTPD",
     "from smtp.isp.test (rev.isp.test [192.0.2.30])\n\tby mx.example.test "
     "(OpenSMTPD) with ESMTPS id 1a2b3c4d (TLSv1.3:TLS_AES_256_GCM_SHA384:"
     "256:NO)\n\tfor <user@example.test>;\n\tSat, 28 Nov 2026 13:00:00 +0000 "
     "(UTC)",
     "smtp.isp.test", "rev.isp.test", "", "192.0.2.30", "mx.example.test", "",
     "user@example.test", 0},
    {"OpenSMTPD, IPv6, no reverse name",
     "from smtp.isp.test (<unknown> [IPv6:2001:db8::30])\n\tby "
     "mx.example.test (OpenSMTPD) with ESMTP id 0badcafe\n\tfor "
     "<user@example.test>;\n\tSat, 28 Nov 2026",
     "smtp.isp.test", "", "", "2001:db8::30", "mx.example.test", "",
     "user@example.test", 0},
    {"OpenSMTPD, IPv6 bracketed twice",
     "from smtp.isp.test (rev.isp.test [[2001:db8::30]]) by mx.example.test "
     "(OpenSMTPD) with ESMTP id 0badcafe; Sat, 28 Nov 2026",
     "smtp.isp.test", "rev.isp.test", "", "2001:db8::30", "mx.example.test", "",
     "", 0},
    {"Sendmail",
     "from smtp.isp.test (rev.isp.test [192.0.2.30]) by mx.example.test "
     "(8.17.1/8.17.1) with ESMTP id 4ASD0a1b012345 for <user@example.test>; "
     "Sat, 28 Nov 2026 13:00:00 +0000",
     "smtp.isp.test", "rev.isp.test", "", "192.0.2.30", "mx.example.test", "",
     "user@example.test", 0},
    {"Sendmail, ident, name not confirmed",
     "from smtp.isp.test (user@rev.isp.test [192.0.2.30] (may be forged))\n\t"
     "by mx.example.test (8.17.1/8.17.1) with ESMTP id 4ASD0a1b012345; Sat, "
     "28 Nov 2026",
     "smtp.isp.test", "", "", "192.0.2.30", "mx.example.test", "", "", 0},
    {"Sendmail, no HELO",
     "(from rev.isp.test [192.0.2.30]) by mx.example.test (8.17.1/8.17.1) "
     "with SMTP id 4ASD0a1b012345; Sat, 28 Nov 2026",
     "", "rev.isp.test", "", "192.0.2.30", "mx.example.test", "", "", 0},
    {"Sendmail, IPv6, no reverse name",
     "from smtp.isp.test ([IPv6:2001:db8::30])\n\tby mx.example.test "
     "(8.17.1/8.17.1) with ESMTPS id 4ASD0a1b012345\n\t(version=TLSv1.3 "
     "cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT)\n\tfor "
     "<user@example.test>; Sat, 28 Nov 2026",
     "smtp.isp.test", "", "", "2001:db8::30", "mx.example.test", "",
     "user@example.test", 0},
    {"Exchange",
     "from EX01.contoso.test (10.0.0.1) by EX02.contoso.test (10.0.0.2) with "
     "Microsoft SMTP Server (version=TLS1_2, "
     "cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.1.2507.6; Sat, 28 "
     "Nov 2026 13:00:00 +0000",
     "EX01.contoso.test", "", "", "10.0.0.1", "EX02.contoso.test", "10.0.0.2",
     "", 0},
    {"Exchange, IPv6",
     "from AM0PR01MB1234.eurprd01.prod.example.test (2603:10a6:208:12::34) "
     "by AM0PR01MB5678.eurprd01.prod.example.test (2603:10a6:208:12::35) "
     "with Microsoft SMTP Server id 15.20.5676.13 via Frontend Transport; "
     "Sat, 28 Nov 2026",
     "AM0PR01MB1234.eurprd01.prod.example.test", "", "", "2603:10a6:208:12::34",
     "AM0PR01MB5678.eurprd01.prod.example.test", "2603:10a6:208:12::35", "", 0},
    {"Exchange 2003",
     "from smtp.isp.test ([192.0.2.30]) by exch.contoso.test with Microsoft "
     "SMTPSVC(6.0.3790.4675); Sat, 28 Nov 2026",
     "smtp.isp.test", "", "", "192.0.2.30", "exch.contoso.test", "", "", 0},
    {"qmail, no reverse name",
     "from unknown (HELO smtp.isp.test) (192.0.2.30)\n  by mx.example.test "
     "with SMTP; 28 Nov 2026 13:00:00 -0000",
     "unknown", "", "smtp.isp.test", "192.0.2.30", "mx.example.test", "", "",
     0},
    {"qmail, reverse name and ident",
     "from rev.isp.test (HELO smtp.isp.test) (user@192.0.2.30)\n  by "
     "mx.example.test with ESMTP; 28 Nov 2026 13:00:00 -0000",
     "rev.isp.test", "", "smtp.isp.test", "192.0.2.30", "mx.example.test", "",
     "", 0},
    {"qmail with IPv6, an IPv4 client",
     "from unknown (HELO smtp.isp.test) (::ffff:192.0.2.30)\n  by "
     "mx.example.test with SMTP; 28 Nov 2026",
     "unknown", "", "smtp.isp.test", "192.0.2.30", "mx.example.test", "", "",
     0},
    {"qmail with IPv6",
     "from unknown (HELO smtp.isp.test) (2001:db8::30)\n  by mx.example.test "
     "with SMTP; 28 Nov 2026",
     "unknown", "", "smtp.isp.test", "2001:db8::30", "mx.example.test", "", "",
     0},
    {"qmail, from the network",
     "(qmail 12345 invoked from network); 28 Nov "
     "2026 13:00:00 -0000",
     "", "", "", "", "", "", "", 0},
    {"qmail, local", "(qmail 12345 invoked by uid 89); 28 Nov 2026", "", "", "",
     "", "", "", "", 0},
    {"nested comments", "from x ((nested (deep)) [192.0.2.1]) by y", "x", "",
     "", "192.0.2.1", "y", "", "", 0},
    {"cut in a literal", "from x (unknown [192.0.2.1", "x", "", "", "", "", "",
     "", -1},
    {"unbalanced", "from ((((((( unbalanced", "", "", "", "", "", "", "", -1},
    {"cut in an address", "from x (unknown [192.0.2.1]) by y for <a@b", "x", "",
     "", "192.0.2.1", "y", "", "", -1},
    {"stray closers", "from x) by y] (z)) ]", "x", "", "", "", "y", "", "", 0},
    {"empty", "", "", "", "", "", "", "", "", 0},
};

static void
hop_forms(void)
{
	for (size_t i = 0; i < sizeof(hop_cases) / sizeof(hop_cases[0]); i++) {
		const struct hop_case *k = &hop_cases[i];
		struct received r;
		int rc = probe_parse_received(k->value, &r);
		const char *got[] = {r.from,	r.from_name, r.from_helo,
				     r.from_ip, r.by,	     r.by_ip,
				     r.for_};
		const char *want[] = {k->from, k->name,	 k->helo, k->ip,
				      k->by,   k->by_ip, k->for_};
		static const char *const field[] = {
		    "from", "from_name", "from_helo", "from_ip",
		    "by",   "by_ip",	 "for"};

		if (rc != k->rc) {
			CHECK(!"parse result");
			printf("    %s: %d, want %d\n", k->mta, rc, k->rc);
		}
		for (size_t f = 0; f < 7; f++)
			if (strcmp(got[f], want[f]) != 0) {
				CHECK(!"hop field");
				printf("    %s: %s \"%s\", want \"%s\"\n",
				       k->mta, field[f], got[f], want[f]);
			}
	}
}

/* --via matches any name or address a hop gives either end. */
static void
hop_names_via(void)
{
	struct received r;

	probe_parse_received("from [192.0.2.30] (helo=smtp.isp.test) by "
			     "mx.example.test with esmtp (Exim 4.96) id X",
			     &r);
	CHECK(probe_hop_names(&r, "192.0.2.30"));
	CHECK(probe_hop_names(&r, "smtp.isp.test"));
	CHECK(probe_hop_names(&r, "MX.example.test."));
	CHECK(!probe_hop_names(&r, "192.0.2.31"));
	CHECK(!probe_hop_names(&r, "isp.test"));
	probe_parse_received("from smtp.isp.test (rev.isp.test "
			     "[IPv6:2001:db8::30]) by mx.example.test",
			     &r);
	CHECK(probe_hop_names(&r, "2001:db8:0::30"));
	CHECK(probe_hop_names(&r, "rev.isp.test"));
	probe_parse_received("from EX01.contoso.test (10.0.0.1) by "
			     "EX02.contoso.test (10.0.0.2) with Microsoft SMTP "
			     "Server",
			     &r);
	CHECK(probe_hop_names(&r, "10.0.0.2"));
	CHECK(probe_hop_names(&r, "EX01.contoso.test"));
	/* an empty field names nothing */
	probe_parse_received("by y", &r);
	CHECK(!probe_hop_names(&r, "x") && !probe_hop_names(&r, "127.0.0.1"));
}

static void
delivered_headers(void)
{
	const char *msg =
	    "Return-Path: <a@lab.test>\r\n"
	    "Delivered-To: other@ext.test\r\n"
	    "X-Original-To: other@ext.test\r\n"
	    "Received: from mail.lab.test (unknown [127.25.0.1])\r\n"
	    "\tby smarthost.lab.test (Postfix) with ESMTPS id A\r\n"
	    "\tfor <other@ext.test>; Sat, 28 Nov 2026 13:00:00 +0000\r\n"
	    "Received: from client (unknown [127.25.0.10])\n"
	    " by mail.lab.test (Postfix) with ESMTP id B\n"
	    " for <probe@ext.test>; Sat, 28 Nov 2026 13:00:00 +0000\n"
	    "X-Imscheck-Probe: v1 1 2 3\r\n"
	    "\r\n"
	    "Received: from body (not a header)\r\n";
	struct probe_headers h;

	CHECK(probe_parse_headers(msg, strlen(msg), &h) == 0);
	CHECK(h.ndelivered_to == 1 && h.noriginal_to == 1);
	CHECK_STR(h.delivered_to[0], "other@ext.test");
	CHECK(h.nreceived == 2);
	CHECK_STR(h.received[0].by, "smarthost.lab.test");
	CHECK_STR(h.received[0].for_, "other@ext.test");
	CHECK_STR(h.received[1].from_ip, "127.25.0.10");
	CHECK_STR(h.received[1].for_, "probe@ext.test");
	CHECK_STR(h.token, "v1 1 2 3");
	CHECK_STR(msg + h.body, "Received: from body (not a header)\r\n");
}

static void
no_headers(void)
{
	struct probe_headers h;

	CHECK(probe_parse_headers("\r\nbody", 6, &h) == -1);
	CHECK(probe_parse_headers("", 0, &h) == -1);
}

int
main(void)
{
	unit_suite = "unit/probe";
	RUN(token_round_trip);
	RUN(token_bound_to_its_message);
	RUN(token_syntax);
	RUN(body_digest_is_canonical);
	RUN(message_is_tagged);
	RUN(received_clauses);
	RUN(hop_forms);
	RUN(hop_names_via);
	RUN(delivered_headers);
	RUN(no_headers);
	return unit_failed != 0;
}
