/*
 * probe_check.c - the round trip of a probe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "steps/probe_check.h"

/*
 * Pauses between two looks into the mailbox: short at first, since most
 * probes arrive within a few tens of milliseconds, then longer, so that a
 * slow route costs the mail server few logins.
 */
#define POLL_FIRST_S 0.05
#define POLL_MAX_S   1.0

int
probe_check_send(struct probe_trip *trip, const struct smtp_target *t,
		 const char *from, const char *rcpt, const struct run_ctx *ctx,
		 struct result *r)
{
	struct smtp_session ss = {0};
	struct buf msg = BUF_INIT(8192);
	const char *domain = strrchr(from, '@');
	char what[300];
	int rc = -1;

	if (probe_message(&trip->probe, from, rcpt,
			  domain && domain[1] ? domain + 1 : "localhost",
			  &msg) == -1) {
		result_problem(r, STATE_UNKNOWN, "cannot build the probe");
		goto done;
	}
	if (smtp_check_open(&ss, t, ctx, r) == -1)
		goto done;
	snprintf(what, sizeof(what), "MAIL FROM:<%.256s>", from);
	if ((rc = smtp_command(&ss.smtp, "%s", what)) == -1 ||
	    smtp_class(&ss.smtp) != 2)
		goto refused;
	snprintf(what, sizeof(what), "RCPT TO:<%.256s>", rcpt);
	if ((rc = smtp_command(&ss.smtp, "%s", what)) == -1 ||
	    smtp_class(&ss.smtp) != 2)
		goto refused;
	snprintf(what, sizeof(what), "the probe (DATA)");
	if ((rc = smtp_data(&ss.smtp, msg.data, msg.len)) == -1 ||
	    smtp_class(&ss.smtp) != 2)
		goto refused;
	trip->sent = mono_now();
	rc = 0;
	goto done;
refused:
	smtp_check_refused(&ss, ctx, r, what, rc);
	rc = -1;
done:
	if (ss.smtp.connected || ss.smtp.transcript.data != NULL)
		smtp_check_close(&ss, ctx, r);
	buf_free(&msg);
	return rc;
}

/* UIDs already looked at in this run and found not to be the probe. */
struct seen {
	char (*uid)[72];
	size_t n;
};

static bool
seen_has(const struct seen *s, const char *uid)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->uid[i], uid) == 0)
			return true;
	return false;
}

static void
seen_add(struct seen *s, const char *uid)
{
	if (s->n < PROBE_SCAN_MAX)
		memcpy(s->uid[s->n++], uid, sizeof(s->uid[0]));
}

/* The probe's body line, unstuffed by POP3 as it was stuffed by SMTP. */
static bool
body_intact(const struct buf *m, const struct probe *pr)
{
	char want[64];

	size_t n =
	    (size_t)snprintf(want, sizeof(want), "\n.Token: %s\n", pr->nonce);

	for (size_t i = 0; m->len >= n && i <= m->len - n; i++)
		if (memcmp(m->data + i, want, n) == 0)
			return true;
	return false;
}

/*
 * DELE one of our probes.  A -ERR leaves it in the mailbox, which the
 * result must say: the next run finds it again as a stale probe.
 */
static int
dele_probe(struct pop3 *s, unsigned long num, const char *what,
	   struct result *r)
{
	if (pop3_command(s, "DELE %lu", num) == -1)
		return -1;
	if (!s->ok)
		result_problem(r, STATE_WARNING,
			       "%s could not be deleted: -ERR %s", what,
			       s->text);
	return 0;
}

/*
 * Look at one message: 1 when it is the probe (deleted), 0 when not,
 * -1 when the session failed.
 */
static int
look(struct probe_trip *trip, struct pop3_session *ps,
     const struct pop3_target *t, const struct pop3_msg *m, double stale_after,
     struct seen *seen, struct buf *text, struct result *r)
{
	struct pop3 *s = &ps->pop3;
	struct probe_headers h;
	char nonce[33];
	long long when;

	if (pop3_top(s, m->num, 0, text) == -1)
		return -1;
	if (!s->ok || probe_parse_headers(text->data, text->len, &h) == -1 ||
	    h.token[0] == '\0' ||
	    !probe_verify(h.token, t->password, &when, nonce)) {
		seen_add(seen, m->uid); /* not ours: never touched */
		return 0;
	}
	if (strcmp(nonce, trip->probe.nonce) != 0) {
		if ((double)(time(NULL) - when) > stale_after) {
			if (dele_probe(s, m->num, "a stale probe of ours", r) ==
			    -1)
				return -1;
			trip->swept += s->ok;
			if (s->ok)
				result_line(r, STATE_OK,
					    "deleted a stale probe of ours "
					    "from %lld",
					    when);
		}
		seen_add(seen, m->uid);
		return 0;
	}
	trip->headers = h;
	if (pop3_retr(s, m->num, text) == -1)
		return -1;
	if (!body_intact(text, &trip->probe))
		result_problem(r, STATE_WARNING,
			       "the probe arrived, but its body was altered");
	if (dele_probe(s, m->num, "the probe", r) == -1)
		return -1;
	return 1;
}

/*
 * One session: every message not looked at yet, newest first, on past the
 * probe too, so that stale probes of ours are swept whatever their age.
 * Returns 1 when the probe was found, 0 when not, -1 on failure.
 */
static int
scan(struct probe_trip *trip, struct pop3_session *ps,
     const struct pop3_target *t, double stale_after, struct seen *seen,
     struct result *r)
{
	struct pop3_msg *msgs = calloc(PROBE_SCAN_MAX, sizeof(*msgs));
	struct buf text = BUF_INIT(PROBE_MESSAGE_MAX);
	size_t n = 0;
	int rc = -1, found = 0;

	if (msgs == NULL ||
	    pop3_uidl(&ps->pop3, msgs, PROBE_SCAN_MAX, &n) == -1)
		goto done;
	for (size_t i = n; i-- > 0;) {
		if (seen_has(seen, msgs[i].uid))
			continue;
		if ((rc = look(trip, ps, t, &msgs[i], stale_after, seen, &text,
			       r)) == -1)
			goto done;
		found |= rc;
	}
	rc = found;
done:
	free(msgs);
	buf_free(&text);
	return rc;
}

static void
pause_briefly(const struct run_ctx *ctx, unsigned looks)
{
	double s = POLL_FIRST_S, left = deadline_left(&ctx->deadline);
	struct timespec ts;

	while (looks-- > 1 && s < POLL_MAX_S)
		s *= 2;
	if (s > POLL_MAX_S)
		s = POLL_MAX_S;
	if (s > left)
		s = left;
	ts = (struct timespec){(time_t)s, (long)((s - (time_t)s) * 1e9)};
	nanosleep(&ts, NULL);
}

/* One session: open, maybe STAT, scan, QUIT.  1 found, 0 not, -1 failed. */
static int
session(struct probe_trip *trip, const struct pop3_target *t,
	double stale_after, struct seen *seen, bool stat,
	const struct run_ctx *ctx, struct result *r)
{
	struct pop3_session ps = {0};
	int found;

	trip->sessions++;
	if (pop3_check_open(&ps, t, ctx, r) == -1) {
		pop3_check_close(&ps, ctx, r);
		return -1;
	}
	/* The first session's certificate counts (--ca-file, expiry). */
	if (stat && ps.tls)
		tls_check_judge(&t->cert, &ps.tls_info, ps.pop3.conn.peer, r);
	if (stat && pop3_check_stat(&ps, &trip->messages, &trip->octets, ctx,
				    r) == -1) {
		pop3_check_close(&ps, ctx, r);
		return -1;
	}
	found = scan(trip, &ps, t, stale_after, seen, r);
	if (found == -1) {
		result_problem(
		    r, run_expired(ctx) ? ctx->timeout_state : STATE_CRITICAL,
		    "%s failed while reading the mailbox: %s",
		    ps.pop3.conn.peer, ps.pop3.error);
		pop3_check_close(&ps, ctx, r);
		return -1;
	}
	/* QUIT commits the deletions; a failed QUIT loses them. */
	if (pop3_quit(&ps.pop3) == -1 && found == 1)
		result_problem(r, STATE_WARNING,
			       "the probe could not be deleted (QUIT failed)");
	pop3_check_close(&ps, ctx, r);
	return found;
}

int
probe_check_prepare(struct probe_trip *trip, const struct pop3_target *t,
		    double stale_after, const struct run_ctx *ctx,
		    struct result *r)
{
	struct seen seen = {calloc(PROBE_SCAN_MAX, sizeof(*seen.uid)), 0};
	int rc;

	if (seen.uid == NULL) {
		result_problem(r, STATE_UNKNOWN, "out of memory");
		return -1;
	}
	rc = session(trip, t, stale_after, &seen, true, ctx, r);
	free(seen.uid);
	return rc == -1 ? -1 : 0;
}

int
probe_check_wait(struct probe_trip *trip, const struct pop3_target *t,
		 double stale_after, const struct run_ctx *ctx,
		 struct result *r)
{
	struct seen seen = {calloc(PROBE_SCAN_MAX, sizeof(*seen.uid)), 0};
	unsigned looks = 0;
	int found = 0;

	if (seen.uid == NULL) {
		result_problem(r, STATE_UNKNOWN, "out of memory");
		return -1;
	}
	while (!run_expired(ctx)) {
		double started = mono_now();

		found = session(trip, t, stale_after, &seen, false, ctx, r);
		if (found != 0)
			break;
		pause_briefly(ctx, ++looks);
		/*
		 * A look that cannot end before the deadline would only turn
		 * "the probe did not arrive" into "the login timed out".
		 */
		if (deadline_left(&ctx->deadline) < 2 * (mono_now() - started))
			break;
	}
	free(seen.uid);
	if (found == 1) {
		trip->found = true;
		trip->delivery = mono_now() - trip->sent;
	}
	return found == -1 ? -1 : 0;
}
