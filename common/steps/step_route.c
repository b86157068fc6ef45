/*
 * step_route.c - checklist step 5: "verify that the Routing Address tab is
 * blank": nothing rewrites where outgoing mail goes.
 *
 * A probe goes out through the mail service to an external mailbox and is
 * read back over POP3.  It must arrive before the deadline, addressed as
 * it was sent (Delivered-To, X-Original-To and every Received "for"), and
 * through the smarthost (--via) when one is named.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "steps/step_route.h"

#include "core/addr.h"
#include "core/diag.h"

#include "steps/probe_check.h"

static bool
same_addr(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* The first recipient the headers show that is not the one we sent to. */
static void
judge_recipient(const struct probe_headers *h, const char *rcpt,
		struct result *r)
{
	for (size_t i = 0; i < h->ndelivered_to; i++)
		if (!same_addr(h->delivered_to[i], rcpt)) {
			result_problem(r, STATE_CRITICAL,
				       "recipient rewritten: sent to <%s>, "
				       "delivered to <%s> (Delivered-To)",
				       rcpt, h->delivered_to[i]);
			return;
		}
	for (size_t i = 0; i < h->noriginal_to; i++)
		if (!same_addr(h->original_to[i], rcpt)) {
			result_problem(r, STATE_CRITICAL,
				       "recipient rewritten: sent to <%s>, "
				       "arrived for <%s> (X-Original-To)",
				       rcpt, h->original_to[i]);
			return;
		}
	for (size_t i = 0; i < h->nreceived; i++)
		if (h->received[i].for_[0] &&
		    !same_addr(h->received[i].for_, rcpt)) {
			result_problem(r, STATE_CRITICAL,
				       "recipient rewritten: sent to <%s>, "
				       "%s received it for <%s>",
				       rcpt, h->received[i].by,
				       h->received[i].for_);
			return;
		}
}

/* A hop names via when it was received by it, or from its address. */
static bool
hop_is(const struct received *hop, const char *via)
{
	return strcasecmp(hop->by, via) == 0 ||
	       strcasecmp(hop->from_ip, via) == 0 ||
	       (hop->from_ip[0] && strncasecmp(hop->from_ip, "IPv6:", 5) == 0 &&
		strcasecmp(hop->from_ip + 5, via) == 0);
}

/* Whether a hop names via; when none does, a problem says which did. */
static bool
judge_via(const struct probe_headers *h, const char *via, struct result *r)
{
	char hops[256] = "";
	size_t len = 0;

	for (size_t i = 0; i < h->nreceived; i++)
		if (hop_is(&h->received[i], via))
			return true;
	for (size_t i = 0; i < h->nreceived && len < sizeof(hops); i++)
		len += (size_t)snprintf(
		    hops + len, sizeof(hops) - len, "%sby %s", i ? ", " : "",
		    h->received[i].by[0] ? h->received[i].by : "?");
	result_problem(r, STATE_CRITICAL,
		       "the probe did not pass through %s (hops: %s)", via,
		       len ? hops : "no Received headers");
	return false;
}

static void
show_hops(const struct probe_headers *h, struct result *r)
{
	for (size_t i = 0; i < h->nreceived; i++)
		result_line(r, STATE_OK, "hop %zu: from %s [%s] by %s%s%s%s",
			    h->nreceived - i, h->received[i].from,
			    h->received[i].from_ip, h->received[i].by,
			    h->received[i].for_[0] ? " for <" : "",
			    h->received[i].for_,
			    h->received[i].for_[0] ? ">" : "");
}

void
step_route_run(const struct step_route_conf *conf, const struct run_ctx *ctx,
	       struct result *r)
{
	struct pop3_target t = conf->pop3; /* with the password loaded */
	const char *from = conf->from ? conf->from : conf->rcpt;
	struct probe_trip trip;
	bool via_ok;

	if (pop3_check_password(&t, r) == -1 ||
	    probe_check_new(&trip, &t, ctx, r) == -1 ||
	    probe_check_prepare(&trip, &t, ctx, r) == -1 ||
	    probe_check_send(&trip, &conf->smtp, from, conf->rcpt, ctx, r) ==
		-1 ||
	    probe_check_wait(&trip, &t, ctx, r) == -1)
		goto done;
	if (!trip.found) {
		result_problem(r, ctx->timeout_state,
			       "the probe to <%s> did not arrive within %g s",
			       conf->rcpt, ctx->timeout);
		goto done;
	}
	judge_recipient(&trip.headers, conf->rcpt, r);
	via_ok = conf->via != NULL && judge_via(&trip.headers, conf->via, r);
	show_hops(&trip.headers, r);
	run_judge_time(ctx, r, "delivery", "delivery", trip.delivery);
	result_summary(r, "probe to <%s> delivered in %.2f s%s%s", conf->rcpt,
		       trip.delivery, via_ok ? " via " : "",
		       via_ok ? conf->via : "");
	if (trip.swept > 0)
		result_line(r, STATE_OK, "%zu stale probes of ours deleted",
			    trip.swept);
done:
	explicit_bzero(t.password, sizeof(t.password));
}

int
step_route_validate(struct step_route_conf *conf, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	conf->pop3.source = conf->smtp.source; /* one --source for both */
	return 0;
}
