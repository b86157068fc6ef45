/*
 * probe_check.c - the round trip of a probe.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "steps/probe_check.h"

#include "core/diag.h"

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
 * One message of a mailbox, as a scan reaches it: POP3 numbers it in the
 * session and names it with UIDL; IMAP's UID does both.
 */
struct box_msg {
	unsigned long num;
	char uid[72];	    /* what tells it across sessions */
	unsigned long size; /* octets, 0 until known */
};

/* How a whole message came. */
enum whole {
	WHOLE_GONE, /* deleted meanwhile, by another session */
	WHOLE_CUT,  /* not whole: not the message its token was made for */
	WHOLE_GOT,
};

/* A session with the mailbox, over POP3 or IMAP (box_pop3, box_imap). */
struct box {
	const struct box_ops *ops;
	const struct mailbox_target *t;
	struct pop3_session pop3;
	struct imap_session imap;
	bool unexpunged; /* IMAP without UIDPLUS: the probe stays \Deleted */
};

struct box_ops {
	/*
	 * Log in; the first session of a trip judges the certificate and
	 * counts the messages.  0, or -1 after a problem in r.
	 */
	int (*open)(struct box *b, struct probe_trip *trip, bool first,
		    const struct run_ctx *ctx, struct result *r);
	/* The messages to look at, oldest first, into msgs: 0, or -1. */
	int (*list)(struct box *b, struct box_msg *msgs, size_t max, size_t *n);
	/*
	 * The header section into text: 1 when it came whole and the
	 * message is small enough to be a probe, 0 when not, -1.
	 */
	int (*header)(struct box *b, struct box_msg *m, struct buf *text);
	int (*whole)(struct box *b, const struct box_msg *m, struct buf *text,
		     enum whole *w);
	/* 1 when removed, 0 when not (said in r), -1 on failure. */
	int (*remove)(struct box *b, const struct box_msg *m, const char *what,
		      struct result *r);
	/*
	 * Let the session see what arrived since it began (IMAP: NOOP): 0,
	 * or -1.  NULL when a session cannot (a POP3 session sees the
	 * maildrop as it was at login): each look is a session of its own.
	 */
	int (*refresh)(struct box *b);
	/* End the session, committing what it removed: 0, or -1. */
	int (*commit)(struct box *b);
	void (*close)(struct box *b, const struct run_ctx *ctx,
		      struct result *r);
	const char *(*peer)(const struct box *b);
	const char *(*error)(const struct box *b);
};

/* POP3: UIDL and LIST, TOP and RETR, DELE, committed by QUIT. */

static int
pop3_box_open(struct box *b, struct probe_trip *trip, bool first,
	      const struct run_ctx *ctx, struct result *r)
{
	struct pop3_session *ps = &b->pop3;

	if (pop3_check_open(ps, b->t, ctx, r) == -1)
		return -1;
	/* The first session's certificate counts (--ca-file, expiry). */
	if (first && ps->tls)
		tls_check_judge(&b->t->cert, &ps->tls_info, ps->pop3.conn.peer,
				r);
	if (first &&
	    pop3_check_stat(ps, &trip->messages, &trip->octets, ctx, r) == -1)
		return -1;
	return 0;
}

static int
pop3_box_list(struct box *b, struct box_msg *msgs, size_t max, size_t *n)
{
	struct pop3_msg *pm = calloc(max, sizeof(*pm));
	int rc = -1;

	if (pm != NULL && pop3_uidl(&b->pop3.pop3, pm, max, n) == 0 &&
	    (*n == 0 || pop3_list(&b->pop3.pop3, pm, *n) == 0)) {
		for (size_t i = 0; i < *n; i++) {
			msgs[i].num = pm[i].num;
			msgs[i].size = pm[i].size;
			memcpy(msgs[i].uid, pm[i].uid, sizeof(msgs[i].uid));
		}
		rc = 0;
	}
	free(pm);
	return rc;
}

/* LIST's size spares us TOP for what is too large to be a probe. */
static int
pop3_box_header(struct box *b, struct box_msg *m, struct buf *text)
{
	struct pop3 *s = &b->pop3.pop3;

	if (m->size > PROBE_MESSAGE_MAX)
		return 0;
	if (pop3_top(s, m->num, 0, text) == -1)
		return -1;
	return s->ok && !s->cut;
}

static int
pop3_box_whole(struct box *b, const struct box_msg *m, struct buf *text,
	       enum whole *w)
{
	struct pop3 *s = &b->pop3.pop3;

	if (pop3_retr(s, m->num, text) == -1)
		return -1;
	*w = !s->ok ? WHOLE_GONE : s->cut ? WHOLE_CUT : WHOLE_GOT;
	return 0;
}

/*
 * DELE one of our probes.  A -ERR leaves it in the mailbox, which the
 * result must say: the next run finds it again as a stale probe.
 */
static int
pop3_box_remove(struct box *b, const struct box_msg *m, const char *what,
		struct result *r)
{
	struct pop3 *s = &b->pop3.pop3;

	if (pop3_command(s, "DELE %lu", m->num) == -1)
		return -1;
	if (!s->ok)
		result_problem(r, STATE_WARNING,
			       "%s could not be deleted: -ERR %s", what,
			       s->text);
	return s->ok;
}

static int
pop3_box_commit(struct box *b)
{
	return pop3_quit(&b->pop3.pop3);
}

static void
pop3_box_close(struct box *b, const struct run_ctx *ctx, struct result *r)
{
	pop3_check_close(&b->pop3, ctx, r);
}

static const char *
pop3_box_peer(const struct box *b)
{
	return b->pop3.pop3.conn.peer;
}

static const char *
pop3_box_error(const struct box *b)
{
	return b->pop3.pop3.error;
}

static const struct box_ops box_pop3 = {
    .open = pop3_box_open,
    .list = pop3_box_list,
    .header = pop3_box_header,
    .whole = pop3_box_whole,
    .remove = pop3_box_remove,
    .refresh = NULL,
    .commit = pop3_box_commit,
    .close = pop3_box_close,
    .peer = pop3_box_peer,
    .error = pop3_box_error,
};

/*
 * IMAP: SELECT INBOX; the messages that carry a token header found by
 * UID SEARCH HEADER (without UIDPLUS only the undeleted ones: ours that
 * are flagged \Deleted already wait for the user's client to expunge
 * them); the header with RFC822.SIZE, then BODY.PEEK[]; UID STORE
 * \Deleted and UID EXPUNGE of that UID alone, or nothing expunged at all
 * without UIDPLUS: EXPUNGE would take the user's own \Deleted messages.
 */

static int
imap_box_open(struct box *b, struct probe_trip *trip, bool first,
	      const struct run_ctx *ctx, struct result *r)
{
	struct imap_session *is = &b->imap;

	if (imap_check_open(is, b->t, ctx, r) == -1)
		return -1;
	if (first && is->tls)
		tls_check_judge(&b->t->cert, &is->tls_info, is->imap.conn.peer,
				r);
	if (imap_check_inbox(is, false, ctx, r) == -1)
		return -1;
	if (first)
		trip->messages = is->imap.box.exists;
	return 0;
}

static int
imap_box_list(struct box *b, struct box_msg *msgs, size_t max, size_t *n)
{
	struct imap *i = &b->imap.imap;

	*n = 0;
	if (imap_search_header(i, PROBE_HEADER, "", !i->caps.uidplus) == -1)
		return -1;
	if (i->status != IMAP_OK)
		return errorf(i->error, sizeof(i->error),
			      "UID SEARCH refused: %s %s",
			      imap_status_name(i->status), i->text);
	for (size_t k = 0; k < i->nsearch && *n < max; k++) {
		struct box_msg *m = &msgs[(*n)++];

		m->num = i->search[k];
		m->size = 0;
		snprintf(m->uid, sizeof(m->uid), "%lu", m->num);
	}
	/* oldest first, as for POP3: the scan goes newest first */
	for (size_t k = 1; k < *n; k++)
		for (size_t j = k; j > 0 && msgs[j - 1].num > msgs[j].num;
		     j--) {
			struct box_msg tmp = msgs[j];

			msgs[j] = msgs[j - 1];
			msgs[j - 1] = tmp;
		}
	return 0;
}

static int
imap_box_header(struct box *b, struct box_msg *m, struct buf *text)
{
	struct imap *i = &b->imap.imap;

	if (imap_fetch_header(i, m->num, text) == -1)
		return -1;
	if (i->fetch_have_size)
		m->size = i->fetch_size;
	return i->status == IMAP_OK && i->fetched && !i->fetch_cut &&
	       m->size <= PROBE_MESSAGE_MAX;
}

static int
imap_box_whole(struct box *b, const struct box_msg *m, struct buf *text,
	       enum whole *w)
{
	struct imap *i = &b->imap.imap;

	if (imap_fetch_message(i, m->num, text) == -1)
		return -1;
	*w = i->status != IMAP_OK || !i->fetched ? WHOLE_GONE
	     : i->fetch_cut			 ? WHOLE_CUT
						 : WHOLE_GOT;
	return 0;
}

static int
imap_box_remove(struct box *b, const struct box_msg *m, const char *what,
		struct result *r)
{
	struct imap *i = &b->imap.imap;

	if (imap_store_deleted(i, m->num) == -1)
		return -1;
	if (i->status != IMAP_OK) {
		result_problem(r, STATE_WARNING,
			       "%s could not be flagged \\Deleted: %s %s", what,
			       imap_status_name(i->status), i->text);
		return 0;
	}
	if (!i->caps.uidplus) {
		b->unexpunged = true;
		return 0;
	}
	if (imap_uid_expunge(i, m->num) == -1)
		return -1;
	if (i->status != IMAP_OK)
		result_problem(r, STATE_WARNING,
			       "%s could not be expunged: %s %s", what,
			       imap_status_name(i->status), i->text);
	return i->status == IMAP_OK;
}

/* NOOP: the server tells of the messages that came meanwhile. */
static int
imap_box_refresh(struct box *b)
{
	struct imap *i = &b->imap.imap;

	if (imap_command(i, "NOOP") == -1)
		return -1;
	if (i->bye || i->status != IMAP_OK)
		return errorf(i->error, sizeof(i->error), "NOOP answered %s %s",
			      imap_status_name(i->status), i->text);
	return 0;
}

/* Nothing waits for the end: UID EXPUNGE took effect when answered. */
static int
imap_box_commit(struct box *b)
{
	(void)b;
	return 0;
}

static void
imap_box_close(struct box *b, const struct run_ctx *ctx, struct result *r)
{
	imap_check_close(&b->imap, ctx, r);
}

static const char *
imap_box_peer(const struct box *b)
{
	return b->imap.imap.conn.peer;
}

static const char *
imap_box_error(const struct box *b)
{
	return b->imap.imap.error;
}

static const struct box_ops box_imap = {
    .open = imap_box_open,
    .list = imap_box_list,
    .header = imap_box_header,
    .whole = imap_box_whole,
    .remove = imap_box_remove,
    .refresh = imap_box_refresh,
    .commit = imap_box_commit,
    .close = imap_box_close,
    .peer = imap_box_peer,
    .error = imap_box_error,
};

/*
 * The whole message m whose headers (in text) claimed it: its verdict.
 * A message that comes back cut is not the one its token was made for.
 */
static int
fetch(struct probe_trip *trip, struct box *b, const struct box_msg *m,
      struct probe_headers *h, struct probe_token *tk, struct buf *text,
      enum probe_verdict *v)
{
	enum whole w;

	if (b->ops->whole(b, m, text, &w) == -1)
		return -1;
	*v = w == WHOLE_GONE  ? PROBE_NONE
	     : w == WHOLE_CUT ? PROBE_FOREIGN
			      : probe_verify_message(text->data, text->len,
						     trip->key, h, tk);
	return 0;
}

/*
 * Look at one message: 1 when it is the probe (deleted unless altered), 0
 * when not, -1 when the session failed.  Anything larger than a probe can
 * be, or whose headers carry no token, is never fetched whole.
 */
static int
look(struct probe_trip *trip, struct box *b, struct box_msg *m,
     struct seen *seen, struct buf *text, struct result *r)
{
	struct probe_headers h;
	struct probe_token tk;
	enum probe_verdict v = PROBE_NONE;
	enum claim c = CLAIM_NONE;
	int rc, removed;

	if ((rc = b->ops->header(b, m, text)) == -1)
		return -1;
	if (rc == 1 && probe_parse_headers(text->data, text->len, &h) == 0 &&
	    probe_token_parse(h.token, &tk) == 0)
		c = claim(trip, &tk);
	if (c != CLAIM_NONE) {
		if (fetch(trip, b, m, &h, &tk, text, &v) == -1)
			return -1;
		c = v == PROBE_NONE ? CLAIM_NONE : claim(trip, &tk);
	}
	if (c == CLAIM_NONE || !settle(trip, c, v, &h, r)) {
		if (c != CLAIM_MINE)
			seen_add(seen, m->uid); /* not ours: never touched */
		return c == CLAIM_MINE;
	}
	if ((removed = b->ops->remove(
		 b, m, c == CLAIM_MINE ? "the probe" : "a stale probe of ours",
		 r)) == -1)
		return -1;
	if (c == CLAIM_MINE)
		return 1;
	trip->swept += (size_t)removed;
	if (removed)
		result_line(r, STATE_OK,
			    "deleted a stale probe of ours from %lld (its run "
			    "ended at %lld)",
			    tk.time, tk.end);
	seen_add(seen, m->uid);
	return 0;
}

/*
 * One session: every message not looked at yet, newest first, on past the
 * probe too, so that stale probes of ours are swept whatever their age.
 * Returns 1 when the probe was found, 0 when not, -1 on failure.
 */
static int
scan(struct probe_trip *trip, struct box *b, struct seen *seen,
     struct result *r)
{
	struct box_msg *msgs = calloc(PROBE_SCAN_MAX, sizeof(*msgs));
	struct buf text = BUF_INIT(PROBE_MESSAGE_MAX);
	size_t n = 0;
	int rc = -1, found = 0;

	if (msgs == NULL || b->ops->list(b, msgs, PROBE_SCAN_MAX, &n) == -1)
		goto done;
	for (size_t i = n; i-- > 0;) {
		if (seen_has(seen, msgs[i].uid))
			continue;
		if ((rc = look(trip, b, &msgs[i], seen, &text, r)) == -1)
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

/* A session with the mailbox t: 0, or -1 after a problem (closed). */
static int
box_start(struct box *b, struct probe_trip *trip,
	  const struct mailbox_target *t, bool first, const struct run_ctx *ctx,
	  struct result *r)
{
	*b = (struct box){
	    .ops = t->proto == MAILBOX_IMAP ? &box_imap : &box_pop3, .t = t};
	trip->sessions++;
	if (b->ops->open(b, trip, first, ctx, r) == -1) {
		b->ops->close(b, ctx, r);
		return -1;
	}
	return 0;
}

/*
 * One look into an open session (refreshed first when again): 1 found,
 * 0 not, -1 failed (the problem said, the session closed).
 */
static int
box_look(struct box *b, struct probe_trip *trip, struct seen *seen, bool again,
	 const struct run_ctx *ctx, struct result *r)
{
	int found =
	    again && b->ops->refresh(b) == -1 ? -1 : scan(trip, b, seen, r);

	if (found == -1) {
		result_problem(
		    r, run_expired(ctx) ? ctx->timeout_state : STATE_CRITICAL,
		    "%s failed while reading the mailbox: %s", b->ops->peer(b),
		    b->ops->error(b));
		b->ops->close(b, ctx, r);
	}
	return found;
}

/* The end of a session that looked (found: whether it found the probe). */
static void
box_end(struct box *b, struct probe_trip *trip, int found,
	const struct run_ctx *ctx, struct result *r)
{
	/* POP3's QUIT commits the deletions; a failed QUIT loses them. */
	if (b->ops->commit(b) == -1 && found == 1)
		result_problem(r, STATE_WARNING,
			       "the probe could not be deleted (QUIT failed)");
	trip->unexpunged |= b->unexpunged;
	b->ops->close(b, ctx, r);
}

/* One session: open, look, close.  1 found, 0 not, -1 failed. */
static int
session(struct probe_trip *trip, const struct mailbox_target *t,
	struct seen *seen, bool first, const struct run_ctx *ctx,
	struct result *r)
{
	struct box b;
	int found;

	if (box_start(&b, trip, t, first, ctx, r) == -1)
		return -1;
	if ((found = box_look(&b, trip, seen, false, ctx, r)) != -1)
		box_end(&b, trip, found, ctx, r);
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
	struct box b;
	bool open = false;
	unsigned looks = 0;
	int found = 0;

	if (seen.uid == NULL) {
		result_problem(r, STATE_UNKNOWN, "out of memory");
		return -1;
	}
	/*
	 * Look after look, each in a session of its own (POP3), or all in
	 * one that a refresh brings up to date (IMAP: one login).
	 */
	while (!run_expired(ctx)) {
		double started = mono_now();
		bool again = open;

		if (!open && box_start(&b, trip, t, false, ctx, r) == -1) {
			found = -1;
			break;
		}
		open = true;
		if ((found = box_look(&b, trip, &seen, again, ctx, r)) == -1) {
			open = false;
			break;
		}
		if (found == 1 || b.ops->refresh == NULL) {
			box_end(&b, trip, found, ctx, r);
			open = false;
		}
		if (found == 1)
			break;
		pause_briefly(ctx, ++looks);
		/*
		 * A look that cannot end before the deadline would only turn
		 * "the probe did not arrive" into "the login timed out".
		 */
		if (deadline_left(&ctx->deadline) < 2 * (mono_now() - started))
			break;
	}
	if (open)
		box_end(&b, trip, found, ctx, r);
	free(seen.uid);
	if (found == 1) {
		trip->found = true;
		trip->delivery = mono_now() - trip->sent;
	}
	if (trip->unexpunged)
		result_problem(
		    r, STATE_WARNING,
		    "the probe is flagged \\Deleted but not expunged: "
		    "the server has no UIDPLUS, and EXPUNGE would "
		    "remove the user's own \\Deleted messages too "
		    "(the user's client will expunge it)");
	return found == -1 ? -1 : 0;
}

double
probe_check_round_trip(const struct smtp_target *smtp,
		       const struct mailbox_target *t, const char *from,
		       const char *rcpt, const struct run_ctx *ctx,
		       struct result *r)
{
	struct probe_trip trip;

	if (probe_check_new(&trip, t, ctx, r) == -1 ||
	    probe_check_send(&trip, smtp, from, rcpt, ctx, r) == -1 ||
	    probe_check_wait(&trip, t, ctx, r) == -1)
		return NAN;
	if (trip.swept > 0)
		result_line(r, STATE_OK, "%zu stale probes of ours deleted",
			    trip.swept);
	if (!trip.found) {
		result_problem(r, ctx->timeout_state,
			       "the probe to <%s> did not arrive within %g s",
			       rcpt, ctx->timeout);
		return NAN;
	}
	result_summary(r, "; probe delivered to <%s> in %.2f s", rcpt,
		       trip.delivery);
	return trip.delivery;
}

int
delivery_check_validate(struct delivery_check *d,
			const struct mailbox_target *t, char *err,
			size_t errlen)
{
	d->smtp.source = t->source; /* one --source for both */
	if (d->rcpt != NULL && d->smtp.host == NULL)
		return errorf(err, errlen, "--rcpt needs --smtp HOST[:PORT]");
	if (d->round_trip &&
	    (d->rcpt == NULL || d->smtp.host == NULL || t->user == NULL))
		return errorf(err, errlen,
			      "--round-trip needs --smtp, --rcpt and -u");
	return 0;
}

double
delivery_check_run(const struct delivery_check *d,
		   const struct mailbox_target *t, const struct run_ctx *ctx,
		   struct result *r)
{
	const char *from = d->from ? d->from : d->rcpt;

	if (d->round_trip)
		return probe_check_round_trip(&d->smtp, t, from, d->rcpt, ctx,
					      r);
	if (d->rcpt != NULL)
		smtp_check_accepts(&d->smtp, from, d->rcpt, ctx, r);
	return NAN;
}

const struct opt delivery_check_opts[] = {
    {"smtp", 0, "HOST[:PORT]", "the mail service (SMTP)",
     OPT_HOSTPORT_AT(struct delivery_check, smtp.host, smtp.port)},
    {"rcpt", 0, "ADDR", "a local mailbox the service must accept over SMTP",
     OPT_STRING_AT(struct delivery_check, rcpt), .check = &opt_mail_address},
    {"from", 'f', "ADDR", "the probe's sender (default: the --rcpt)",
     OPT_STRING_AT(struct delivery_check, from), .check = &opt_mail_address},
    {"round-trip", 0, NULL,
     "send a probe to --rcpt through --smtp and wait for it in the mailbox",
     OPT_FLAG_AT(struct delivery_check, round_trip)},
    OPT_END,
};
