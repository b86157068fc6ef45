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
	probe_parse_received("", &r);
	CHECK(r.by[0] == '\0');
	probe_parse_received("from ((((((( unbalanced", &r);
	CHECK(r.by[0] == '\0');
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
	RUN(delivered_headers);
	RUN(no_headers);
	return unit_failed != 0;
}
