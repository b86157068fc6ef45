/*
 * step_route.c - checklist step 5: "verify that the Routing Address tab is
 * blank": nothing rewrites where outgoing mail goes.
 *
 * A probe goes out through the mail service to an external mailbox and is
 * read back over POP3 (or IMAP, INBOX).  It must arrive before the deadline,
 * addressed as it was sent (Delivered-To, X-Original-To and every Received
 * "for"), and through the smarthost (--via) when one is named.
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

/* Whether a hop names via; when none does, a problem says which did. */
static bool
judge_via(const struct probe_headers *h, const char *via, struct result *r)
{
	char hops[256] = "";
	size_t len = 0;

	for (size_t i = 0; i < h->nreceived; i++)
		if (probe_hop_names(&h->received[i], via))
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

/*
 * "mail.lab.test [127.25.0.1]": the name the sender gave (Exim without
 * host lookups writes only "[address] (helo=name)"), then its address.
 */
static void
sender(const struct received *h, char *out, size_t size)
{
	const char *name = h->from;

	if (name[0] == '\0' || name[0] == '[' ||
	    strcasecmp(name, "unknown") == 0)
		name = h->from_helo[0]	 ? h->from_helo
		       : h->from_name[0] ? h->from_name
		       : h->from[0]	 ? h->from
					 : "unknown";
	if (h->from_ip[0] != '\0' && name[0] != '[')
		snprintf(out, size, "%s [%s]", name, h->from_ip);
	else
		snprintf(out, size, "%s", name);
}

static void
show_hops(const struct probe_headers *h, struct result *r)
{
	char from[PROBE_FIELD_MAX + 64];

	for (size_t i = 0; i < h->nreceived; i++) {
		sender(&h->received[i], from, sizeof(from));
		result_line(r, STATE_OK, "hop %zu: from %s by %s%s%s%s",
			    h->nreceived - i, from, h->received[i].by,
			    h->received[i].for_[0] ? " for <" : "",
			    h->received[i].for_,
			    h->received[i].for_[0] ? ">" : "");
	}
}

void
step_route_run(const struct step_route_conf *conf, const struct run_ctx *ctx,
	       struct result *r)
{
	struct mailbox_target t = conf->mailbox; /* with the password loaded */
	const char *from = conf->from ? conf->from : conf->rcpt;
	struct probe_trip trip;
	bool via_ok;

	if (mailbox_check_password(&t, r) == -1 ||
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
	conf->mailbox.source = conf->smtp.source; /* one --source for both */
	if (conf->imap_host != NULL) {
		conf->mailbox.proto = MAILBOX_IMAP;
		conf->mailbox.host = conf->imap_host;
		conf->mailbox.port = conf->imap_port;
	}
	if (conf->mailbox.host == NULL)
		return errorf(err, errlen,
			      "--pop3 or --imap HOST[:PORT] is required");
	return 0;
}
