/*
 * test_probe.c - probe tokens (only ours verify), the probe message, and
 * what delivered headers say: Received chains, Delivered-To, X-Original-To.
 */
#include <stdlib.h>

#include "proto/probe.h"

#include "unit.h"

static void
token_round_trip(void)
{
	struct probe pr;
	char nonce[33];
	long long t;

	CHECK(probe_new(&pr, "secret") == 0);
	CHECK(strlen(pr.nonce) == 32);
	CHECK(probe_verify(pr.token, "secret", &t, nonce) == 1);
	CHECK(t == pr.time);
	CHECK_STR(nonce, pr.nonce);
}

static void
foreign_tokens_do_not_verify(void)
{
	struct probe pr;
	char nonce[33], forged[128];
	long long t;

	CHECK(probe_new(&pr, "secret") == 0);
	CHECK(probe_verify(pr.token, "other", &t, nonce) == 0);
	/* one digit of the MAC changed */
	snprintf(forged, sizeof(forged), "%s", pr.token);
	forged[strlen(forged) - 1] ^= 1;
	CHECK(probe_verify(forged, "secret", &t, nonce) == 0);
	/* a younger time with the old MAC */
	snprintf(forged, sizeof(forged), "v1 %lld %s %s", pr.time + 1, pr.nonce,
		 strrchr(pr.token, ' ') + 1);
	CHECK(probe_verify(forged, "secret", &t, nonce) == 0);
	CHECK(probe_verify("", "secret", &t, nonce) == 0);
	CHECK(probe_verify("v1 1 abc def", "secret", &t, nonce) == 0);
	snprintf(forged, sizeof(forged), "%.100s trailing", pr.token);
	CHECK(probe_verify(forged, "secret", &t, nonce) == 0);
}

static void
message_is_tagged(void)
{
	struct buf b = BUF_INIT(8192);
	struct probe_headers h;
	struct probe pr;
	char want[80];

	CHECK(probe_new(&pr, "k") == 0);
	CHECK(probe_message(&pr, "a@lab.test", "b@ext.test", "lab.test", &b) ==
	      0);
	CHECK(probe_parse_headers(b.data, b.len, &h) == 0);
	CHECK_STR(h.token, pr.token);
	snprintf(want, sizeof(want), "<imscheck.%lld.%s@lab.test>", pr.time,
		 pr.nonce);
	CHECK_STR(h.message_id, want);
	snprintf(want, sizeof(want), "\r\n.Token: %s\r\n", pr.nonce);
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
	RUN(foreign_tokens_do_not_verify);
	RUN(message_is_tagged);
	RUN(received_clauses);
	RUN(hop_forms);
	RUN(hop_names_via);
	RUN(delivered_headers);
	RUN(no_headers);
	return unit_failed != 0;
}
