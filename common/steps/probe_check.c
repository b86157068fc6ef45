/*
 * probe_check.c - the round trip of a probe.
 */
#include <math.h>
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
probe_check_new(struct probe_trip *trip, const struct mailbox_target *t,
		const struct run_ctx *ctx, struct result *r)
{
	double end = wall_now() + deadline_left(&ctx->deadline);

	memset(trip, 0, sizeof(*trip));
	trip->key = t->password;
	if (probe_new(&trip->probe, (long long)ceil(end)) == -1) {
		result_problem(r, STATE_UNKNOWN, "cannot make a probe");
		return -1;
	}
	return 0;
}

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

	if (probe_message(&trip->probe, trip->key, from, rcpt,
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

/*
 * What a token found in the mailbox is to this run.  Nothing here knows
 * the protocol that fetched it: IMAP judges what it finds the same way.
 */
enum claim {
	CLAIM_NONE,  /* another run's, still going: never touched */
	CLAIM_MINE,  /* the probe this run sent */
	CLAIM_STALE, /* of a run that has ended: ours to sweep, if ours */
};

static enum claim
claim(const struct probe_trip *trip, const struct probe_token *tk)
{
	if (strcmp(tk->nonce, trip->probe.tk.nonce) == 0)
		return CLAIM_MINE;
	return probe_token_ended(tk, wall_now()) ? CLAIM_STALE : CLAIM_NONE;
}

/*
 * Settle a whole message that a token claims (c), its verdict v (with its
 * headers h): whether to delete it.  Only a message the token verifies for
 * is deleted; our own probe arrived altered is found, and left.
 */
static bool
settle(struct probe_trip *trip, enum claim c, enum probe_verdict v,
       const struct probe_headers *h, struct result *r)
{
	if (c != CLAIM_MINE)
		return c == CLAIM_STALE && v == PROBE_OURS;
	trip->headers = *h;
	if (v == PROBE_OURS)
		return true;
	trip->altered = true;
	result_problem(r, STATE_WARNING,
		       "the probe arrived altered (its body or Message-ID is "
		       "not as sent) and is left in the mailbox: only a "
		       "message that is ours unaltered is deleted");
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
 * The whole message m whose headers (in text) claimed it: RETR, verdict.
 * A message that comes back cut is not the one its token was made for.
 */
static int
fetch(struct probe_trip *trip, struct pop3 *s, const struct pop3_msg *m,
      struct probe_headers *h, struct probe_token *tk, struct buf *text,
      enum probe_verdict *v)
{
	if (pop3_retr(s, m->num, text) == -1)
		return -1;
	if (!s->ok) /* gone meanwhile, deleted by another session */
		*v = PROBE_NONE;
	else if (s->cut)
		*v = PROBE_FOREIGN;
	else
		*v = probe_verify_message(text->data, text->len, trip->key, h,
					  tk);
	return 0;
}

/*
 * Look at one message: 1 when it is the probe (deleted unless altered), 0
 * when not, -1 when the session failed.  Anything larger than a probe can
 * be, or whose headers carry no token, is never fetched whole.
 */
static int
look(struct probe_trip *trip, struct pop3_session *ps, const struct pop3_msg *m,
     struct seen *seen, struct buf *text, struct result *r)
{
	struct pop3 *s = &ps->pop3;
	struct probe_headers h;
	struct probe_token tk;
	enum probe_verdict v = PROBE_NONE;
	enum claim c = CLAIM_NONE;

	if (m->size <= PROBE_MESSAGE_MAX) {
		if (pop3_top(s, m->num, 0, text) == -1)
			return -1;
		if (s->ok && !s->cut &&
		    probe_parse_headers(text->data, text->len, &h) == 0 &&
		    probe_token_parse(h.token, &tk) == 0)
			c = claim(trip, &tk);
	}
	if (c != CLAIM_NONE) {
		if (fetch(trip, s, m, &h, &tk, text, &v) == -1)
			return -1;
		c = v == PROBE_NONE ? CLAIM_NONE : claim(trip, &tk);
	}
	if (c == CLAIM_NONE || !settle(trip, c, v, &h, r)) {
		if (c != CLAIM_MINE)
			seen_add(seen, m->uid); /* not ours: never touched */
		return c == CLAIM_MINE;
	}
	if (dele_probe(s, m->num,
		       c == CLAIM_MINE ? "the probe" : "a stale probe of ours",
		       r) == -1)
		return -1;
	if (c == CLAIM_MINE)
		return 1;
	trip->swept += s->ok;
	if (s->ok)
		result_line(r, STATE_OK,
			    "deleted a stale probe of ours from %lld (its run "
			    "ended at %lld)",
			    tk.time, tk.end);
	seen_add(seen, m->uid);
	return 0;
}

/*
 * One session: every message not looked at yet, newest first, on past the
 * probe too, so that stale probes of ours are swept whatever their age;
 * LIST's sizes spare us the messages too large to be probes.  Returns 1
 * when the probe was found, 0 when not, -1 on failure.
 */
static int
scan(struct probe_trip *trip, struct pop3_session *ps, struct seen *seen,
     struct result *r)
{
	struct pop3_msg *msgs = calloc(PROBE_SCAN_MAX, sizeof(*msgs));
	struct buf text = BUF_INIT(PROBE_MESSAGE_MAX);
	size_t n = 0;
	int rc = -1, found = 0;

	if (msgs == NULL ||
	    pop3_uidl(&ps->pop3, msgs, PROBE_SCAN_MAX, &n) == -1 ||
	    (n > 0 && pop3_list(&ps->pop3, msgs, n) == -1))
		goto done;
	for (size_t i = n; i-- > 0;) {
		if (seen_has(seen, msgs[i].uid))
			continue;
		if ((rc = look(trip, ps, &msgs[i], seen, &text, r)) == -1)
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
session(struct probe_trip *trip, const struct mailbox_target *t, struct seen *seen,
	bool stat, const struct run_ctx *ctx, struct result *r)
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
	found = scan(trip, &ps, seen, r);
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
probe_check_prepare(struct probe_trip *trip, const struct mailbox_target *t,
		    const struct run_ctx *ctx, struct result *r)
{
	struct seen seen = {calloc(PROBE_SCAN_MAX, sizeof(*seen.uid)), 0};
	int rc;

	if (seen.uid == NULL) {
		result_problem(r, STATE_UNKNOWN, "out of memory");
		return -1;
	}
	rc = session(trip, t, &seen, true, ctx, r);
	free(seen.uid);
	return rc == -1 ? -1 : 0;
}

int
probe_check_wait(struct probe_trip *trip, const struct mailbox_target *t,
		 const struct run_ctx *ctx, struct result *r)
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

		found = session(trip, t, &seen, false, ctx, r);
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
