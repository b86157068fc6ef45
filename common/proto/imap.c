/*
 * imap.c - the IMAP client side of a checker: responses classified by
 * imap_parse_line, read whole (literals and the lines that go on after
 * them), untagged data kept in struct imap as it comes.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/imap.h"

#include "core/diag.h"

#include "proto/sasl.h"

#define LOGOUT_WAIT_S 2.0
#define MASK	      "********"
#define WIRE_MAX      (4 * IMAP_ARG_MAX + 256) /* a command's line */

/* Status words, as they start a response's text (any case: RFC 3501 9). */
static const struct {
	const char *word;
	enum imap_status status;
	bool tagged; /* may end a command */
} status_words[] = {
    {"OK", IMAP_OK, true},
    {"NO", IMAP_NO, true},
    {"BAD", IMAP_BAD, true},
    {"BYE", IMAP_BYE, false},
    {"PREAUTH", IMAP_PREAUTH, false},
};

const char *
imap_status_name(enum imap_status s)
{
	for (size_t k = 0; k < sizeof(status_words) / sizeof(*status_words);
	     k++)
		if (status_words[k].status == s)
			return status_words[k].word;
	return "none";
}

int
imap_literal_at_end(const char *line, size_t len, size_t *n, bool *plus)
{
	size_t end, start;
	unsigned long long v = 0;

	*plus = false;
	if (len < 2 || line[len - 1] != '}')
		return 0;
	end = len - 1;
	if (line[end - 1] == '+') {
		*plus = true;
		end--;
	}
	for (start = end;
	     start > 0 && line[start - 1] >= '0' && line[start - 1] <= '9';
	     start--)
		;
	if (start == 0 || line[start - 1] != '{')
		return 0;
	if (start == end || end - start > 10)
		return -1;
	for (size_t k = start; k < end; k++)
		v = v * 10 + (unsigned long long)(line[k] - '0');
	if (v > 4294967295ULL)
		return -1;
	*n = (size_t)v;
	return 1;
}

/* A status word at the start of text, followed by a space or the end. */
static int
status_word(const char *text, size_t len, enum imap_status *st, size_t *used)
{
	for (size_t k = 0; k < sizeof(status_words) / sizeof(*status_words);
	     k++) {
		size_t wl = strlen(status_words[k].word);

		if (len >= wl &&
		    strncasecmp(text, status_words[k].word, wl) == 0 &&
		    (len == wl || text[wl] == ' ')) {
			*st = status_words[k].status;
			*used = len == wl ? wl : wl + 1;
			return status_words[k].tagged ? 1 : 0;
		}
	}
	return -1;
}

/* A tag: ASTRING-CHARs but "+" (RFC 3501 9). */
static size_t
tag_length(const char *line, size_t len)
{
	size_t n = 0;

	while (n < len && line[n] > 0x20 && line[n] < 0x7f &&
	       strchr("(){%*\"\\+", line[n]) == NULL)
		n++;
	return n;
}

int
imap_parse_line(const char *line, size_t len, struct imap_line *l)
{
	size_t used = 0;
	int tagged;

	memset(l, 0, sizeof(*l));
	if (len >= 2 && line[0] == '*' && line[1] == ' ') {
		l->kind = IMAP_UNTAGGED;
		line += 2;
		len -= 2;
		if (len == 0)
			return -1;
		if (status_word(line, len, &l->status, &used) == -1) {
			l->status = IMAP_NONE;
			used = 0;
		}
	} else if (len >= 1 && line[0] == '+') {
		l->kind = IMAP_CONTINUE;
		if (len > 1 && line[1] != ' ')
			return -1;
		used = len > 1 ? 2 : 1;
	} else {
		size_t tl = tag_length(line, len);

		if (tl == 0 || tl >= len || line[tl] != ' ')
			return -1;
		l->kind = IMAP_TAGGED;
		l->tag = line;
		l->taglen = tl;
		line += tl + 1;
		len -= tl + 1;
		if ((tagged = status_word(line, len, &l->status, &used)) != 1)
			return -1;
	}
	l->text = line + used;
	l->textlen = len - used;
	tagged = imap_literal_at_end(l->text, l->textlen, &l->literal_len,
				     &l->literal_plus);
	if (tagged == -1)
		return -1;
	l->literal = tagged == 1;
	return 0;
}

/* Whether the len bytes at p are word, in any case, then the end or a space. */
static bool
is_word(const char *p, size_t len, const char *word)
{
	size_t wl = strlen(word);

	return len >= wl && strncasecmp(p, word, wl) == 0 &&
	       (len == wl || p[wl] == ' ' || p[wl] == ']' || p[wl] == ')');
}

void
imap_caps_parse(const char *text, size_t len, struct imap_caps *c)
{
	const char *p = text, *end = text + len;

	memset(c, 0, sizeof(*c));
	while (p < end) {
		size_t wl = 0;

		while (p + wl < end && p[wl] != ' ' && p[wl] != ']')
			wl++;
		c->imap4rev1 |= is_word(p, wl, "IMAP4rev1");
		c->starttls |= is_word(p, wl, "STARTTLS");
		c->logindisabled |= is_word(p, wl, "LOGINDISABLED");
		c->auth_plain |= is_word(p, wl, "AUTH=PLAIN");
		c->sasl_ir |= is_word(p, wl, "SASL-IR");
		c->uidplus |= is_word(p, wl, "UIDPLUS");
		c->quota |= is_word(p, wl, "QUOTA");
		c->literal_plus |= is_word(p, wl, "LITERAL+");
		if (p + wl < end && p[wl] == ']')
			break;
		p += wl + 1;
	}
}

/* A cursor over a response's text: digits, words, spaces. */
struct scan {
	const char *p, *end;
};

static bool
scan_word(struct scan *s, const char *word)
{
	size_t left = (size_t)(s->end - s->p), wl = strlen(word);

	if (!is_word(s->p, left, word))
		return false;
	s->p += wl;
	return true;
}

static bool
scan_char(struct scan *s, char c)
{
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return true;
	}
	return false;
}

/* A decimal number of at least one digit that fits 64 bits. */
static bool
scan_number(struct scan *s, unsigned long long *v)
{
	const char *start = s->p;

	*v = 0;
	for (; s->p < s->end && *s->p >= '0' && *s->p <= '9'; s->p++) {
		unsigned digit = (unsigned)(*s->p - '0');

		if (*v > (ULLONG_MAX - digit) / 10)
			return false;
		*v = *v * 10 + digit;
	}
	return s->p > start;
}

static bool
scan_ulong(struct scan *s, unsigned long *v)
{
	unsigned long long n;

	if (!scan_number(s, &n) || n > ULONG_MAX)
		return false;
	*v = (unsigned long)n;
	return true;
}

/* An astring (atom, quoted or literal placeholder "{n}"), skipped. */
static bool
scan_astring(struct scan *s)
{
	const char *start = s->p;

	if (scan_char(s, '"')) {
		for (; s->p < s->end && *s->p != '"'; s->p++)
			if (*s->p == '\\' && s->p + 1 < s->end)
				s->p++;
		return scan_char(s, '"');
	}
	if (scan_char(s, '{')) {
		while (s->p < s->end && *s->p != '}')
			s->p++;
		return scan_char(s, '}');
	}
	while (s->p < s->end && *s->p != ' ' && *s->p != '(' && *s->p != ')')
		s->p++;
	return s->p > start;
}

static void
transcript(struct imap *i, const char *who, const char *line, size_t len)
{
	if (i->transcript_on)
		buf_append_line(&i->transcript, who, line, len);
}

static int
net_failed(struct imap *i, enum net_status st)
{
	i->net = st;
	net_why(&i->conn, st, i->error, sizeof(i->error));
	return -1;
}

/* A response code at the start of a status response's text. */
static void
resp_code(struct imap *i, const char *text, size_t len)
{
	struct scan s = {text, text + len};

	if (!scan_char(&s, '['))
		return;
	if (scan_word(&s, "CAPABILITY")) {
		imap_caps_parse(s.p, (size_t)(s.end - s.p), &i->caps);
		i->caps_known = true;
	} else if (scan_word(&s, "UIDVALIDITY") && scan_char(&s, ' ')) {
		i->box.have_uidvalidity = scan_ulong(&s, &i->box.uidvalidity);
	} else if (scan_word(&s, "UIDNEXT") && scan_char(&s, ' ')) {
		i->box.have_uidnext = scan_ulong(&s, &i->box.uidnext);
	} else if (scan_word(&s, "READ-WRITE")) {
		i->box.read_write = true;
	} else if (scan_word(&s, "READ-ONLY")) {
		i->box.read_write = false;
	}
}

/* "SEARCH 2 84 882" (RFC 3501 7.2.5). */
static void
untagged_search(struct imap *i, struct scan *s)
{
	unsigned long uid;

	while (scan_char(s, ' ') && scan_ulong(s, &uid)) {
		size_t low = 0;

		i->search_total++;
		if (i->nsearch < IMAP_SEARCH_MAX) {
			i->search[i->nsearch++] = uid;
			continue;
		}
		/* full: the newest (highest) UIDs are kept */
		for (size_t k = 1; k < i->nsearch; k++)
			if (i->search[k] < i->search[low])
				low = k;
		if (uid > i->search[low])
			i->search[low] = uid;
	}
}

/* "STATUS mailbox (MESSAGES 3 UIDNEXT 9 UIDVALIDITY 1)" (7.2.4). */
static void
untagged_status(struct imap *i, struct scan *s)
{
	unsigned long v;

	if (!scan_char(s, ' ') || !scan_astring(s) || !scan_char(s, ' ') ||
	    !scan_char(s, '('))
		return;
	while (s->p < s->end && *s->p != ')') {
		bool messages = scan_word(s, "MESSAGES"),
		     next = !messages && scan_word(s, "UIDNEXT"),
		     validity =
			 !messages && !next && scan_word(s, "UIDVALIDITY");

		if (!messages && !next && !validity && !scan_astring(s))
			return;
		if (!scan_char(s, ' ') || !scan_ulong(s, &v))
			return;
		if (messages)
			i->box.exists = v, i->box.have_exists = true;
		else if (next)
			i->box.uidnext = v, i->box.have_uidnext = true;
		else if (validity)
			i->box.uidvalidity = v, i->box.have_uidvalidity = true;
		scan_char(s, ' ');
	}
}

/* "QUOTA root (STORAGE 10 512 MESSAGE 3 1000)" (RFC 9208 5.1). */
static void
untagged_quota(struct imap *i, struct scan *s)
{
	unsigned long long used, limit;

	if (!scan_char(s, ' ') || !scan_astring(s) || !scan_char(s, ' ') ||
	    !scan_char(s, '('))
		return;
	while (s->p < s->end && *s->p != ')') {
		bool storage = scan_word(s, "STORAGE");

		if ((!storage && !scan_astring(s)) || !scan_char(s, ' ') ||
		    !scan_number(s, &used) || !scan_char(s, ' ') ||
		    !scan_number(s, &limit))
			return;
		if (storage) {
			i->quota.have_storage = true;
			i->quota.storage_used = used;
			i->quota.storage_limit = limit;
		}
		scan_char(s, ' ');
	}
}

/*
 * "N FETCH (UID u RFC822.SIZE z BODY[HEADER] {n})": the literal (in lit)
 * is the section asked for when u is the UID asked for.
 */
static void
untagged_fetch(struct imap *i, struct scan *s, const struct buf *lit)
{
	unsigned long uid = 0, size = 0;
	bool have_uid = false, have_size = false;

	if (!scan_char(s, ' ') || !scan_char(s, '('))
		return;
	for (; s->p < s->end; s->p++) {
		if (s->p[-1] != '(' && s->p[-1] != ' ')
			continue;
		if (scan_word(s, "UID") && scan_char(s, ' '))
			have_uid = scan_ulong(s, &uid);
		else if (scan_word(s, "RFC822.SIZE") && scan_char(s, ' '))
			have_size = scan_ulong(s, &size);
		if (s->p >= s->end)
			break;
	}
	if (i->fetch_out == NULL || !have_uid || uid != i->fetch_uid)
		return;
	if (have_size) {
		i->fetch_size = size;
		i->fetch_have_size = true;
	}
	if (lit == NULL)
		return;
	buf_reset(i->fetch_out);
	i->fetch_cut = buf_append_cut(i->fetch_out, lit->data ? lit->data : "",
				      lit->len) != 0 ||
		       i->literal_cut ||
		       (!i->fetch_whole && lit->len >= IMAP_HEADER_MAX);
	i->fetched = true;
}

/* Untagged data (the text after "* "), kept where it belongs. */
static void
untagged(struct imap *i, const char *text, size_t len, const struct buf *lit)
{
	struct scan s = {text, text + len};
	unsigned long n;

	if (scan_word(&s, "CAPABILITY")) {
		imap_caps_parse(s.p, (size_t)(s.end - s.p), &i->caps);
		i->caps_known = true;
	} else if (scan_word(&s, "SEARCH")) {
		untagged_search(i, &s);
	} else if (scan_word(&s, "STATUS")) {
		untagged_status(i, &s);
	} else if (scan_word(&s, "QUOTA")) {
		untagged_quota(i, &s);
	} else if (scan_ulong(&s, &n) && scan_char(&s, ' ')) {
		if (scan_word(&s, "EXISTS"))
			i->box.exists = n, i->box.have_exists = true;
		else if (scan_word(&s, "FETCH"))
			untagged_fetch(i, &s, lit);
	}
}

/*
 * Whether the literal that ends seg is the section a UID FETCH asked for:
 * "BODY[HEADER]<0> {n}" (or without the origin), or "BODY[] {n}" for the
 * whole message.
 */
static bool
header_literal(const struct imap *i, const char *seg, size_t len)
{
	const char *body = i->fetch_whole ? "BODY[]" : "BODY[HEADER]";
	size_t at = len, blen = strlen(body);

	if (i->fetch_out == NULL)
		return false;
	while (at > 0 && seg[at - 1] != '{')
		at--;
	/* at: just after the brace, which follows a space */
	if (at < 2 || seg[at - 2] != ' ')
		return false;
	at -= 2;
	if (at > 0 && seg[at - 1] == '>') { /* the origin octet: "<0>" */
		while (at > 0 && seg[at - 1] != '<')
			at--;
		if (at == 0)
			return false;
		at--;
	}
	return at >= blen && strncasecmp(seg + at - blen, body, blen) == 0;
}

/*
 * The literals that end seg and the lines that follow each, appended to
 * resp (literals left out: the "{n}" stays as their place); the header a
 * FETCH asked for goes into lit.
 */
static int
read_literals(struct imap *i, char *seg, size_t len, struct buf *resp,
	      struct buf *lit, bool *header)
{
	size_t n, count = 0;
	bool plus;
	enum net_status st;
	char note[64];
	int rc;

	while ((rc = imap_literal_at_end(seg, len, &n, &plus)) == 1) {
		bool keep = header_literal(i, seg, len);

		*header |= keep;

		if (n > IMAP_LITERAL_MAX)
			return errorf(i->error, sizeof(i->error),
				      "the server announced a literal of %zu "
				      "bytes (more than %d)",
				      n, IMAP_LITERAL_MAX);
		if (++count > IMAP_LITERALS_MAX)
			return errorf(i->error, sizeof(i->error),
				      "more than %d literals in one response",
				      IMAP_LITERALS_MAX);
		st = net_read_bytes(&i->conn, n, keep ? lit : NULL);
		if (st != NET_OK && st != NET_TOOLONG)
			return net_failed(i, st);
		i->literal_cut |= keep && st == NET_TOOLONG;
		snprintf(note, sizeof(note), "(literal, %zu bytes%s)", n,
			 st == NET_TOOLONG ? "; not kept whole" : "");
		transcript(i, "S: ", note, strlen(note));
		if ((st = net_read_line(&i->conn, seg, NET_LINE_MAX + 1,
					&len)) != NET_OK)
			return net_failed(i, st);
		transcript(i, "S: ", seg, len);
		if (buf_append(resp, seg, len) == -1)
			return errorf(i->error, sizeof(i->error),
				      "a response longer than %d bytes",
				      IMAP_RESPONSE_MAX);
	}
	return rc == -1 ? errorf(i->error, sizeof(i->error),
				 "a malformed literal announcement")
			: 0;
}

/*
 * One response, whole, into resp (l points into it); the header a FETCH
 * asked for into lit.
 */
static int
read_response(struct imap *i, struct buf *resp, struct buf *lit,
	      struct imap_line *l, bool *header)
{
	char line[NET_LINE_MAX + 1];
	enum net_status st;
	size_t len;

	buf_reset(resp);
	buf_reset(lit);
	*header = false;
	i->literal_cut = false;
	if ((st = net_read_line(&i->conn, line, sizeof(line), &len)) != NET_OK)
		return net_failed(i, st);
	transcript(i, "S: ", line, len);
	if (imap_parse_line(line, len, l) == -1)
		return errorf(i->error, sizeof(i->error),
			      "not an IMAP response line");
	if (buf_append(resp, line, len) == -1)
		return errorf(i->error, sizeof(i->error),
			      "a response too long");
	if (l->kind == IMAP_UNTAGGED && l->literal &&
	    read_literals(i, line, len, resp, lit, header) == -1)
		return -1;
	/* parsed again over the whole response, so l points into resp */
	if (imap_parse_line(buf_str(resp), resp->len, l) == -1)
		return errorf(i->error, sizeof(i->error),
			      "not an IMAP response line");
	return 0;
}

/* The end of a command, tagged or BYE, into i->status and i->text. */
static void
keep_status(struct imap *i, const struct imap_line *l)
{
	i->status = l->status;
	snprintf(i->text, sizeof(i->text), "%.*s", (int)l->textlen, l->text);
	if (l->status == IMAP_OK || l->status == IMAP_NO ||
	    l->status == IMAP_PREAUTH)
		resp_code(i, l->text, l->textlen);
}

enum await {
	AWAIT_TAGGED,	/* a "+" is a protocol error */
	AWAIT_CONTINUE, /* a "+" answers too: 1 */
	AWAIT_LOGOUT,	/* BYE does not end it */
};

/*
 * Responses up to the one tagged tag (0), a BYE (0: i->bye), or a "+"
 * when asked to (1).  Untagged data on the way is kept.
 */
static int
await(struct imap *i, const char *tag, enum await how)
{
	struct buf resp = BUF_INIT(IMAP_RESPONSE_MAX);
	struct buf lit = BUF_INIT(i->fetch_out ? i->fetch_out->max : 0);
	struct imap_line l;
	size_t untagged_n = 0;
	bool header;
	int rc = -1;

	for (;;) {
		if (read_response(i, &resp, &lit, &l, &header) == -1)
			goto done;
		if (l.kind == IMAP_TAGGED) {
			if (l.taglen != strlen(tag) ||
			    memcmp(l.tag, tag, l.taglen) != 0) {
				errorf(i->error, sizeof(i->error),
				       "a response tagged %.*s to %s",
				       (int)(l.taglen > 16 ? 16 : l.taglen),
				       l.tag, tag);
				goto done;
			}
			keep_status(i, &l);
			rc = 0;
			goto done;
		}
		if (l.kind == IMAP_CONTINUE) {
			if (how == AWAIT_CONTINUE) {
				snprintf(i->text, sizeof(i->text), "%.*s",
					 (int)l.textlen, l.text);
				rc = 1;
			} else {
				errorf(i->error, sizeof(i->error),
				       "a continuation no command asked for");
			}
			goto done;
		}
		if (l.status == IMAP_BYE) {
			i->bye = true;
			keep_status(i, &l);
			if (how != AWAIT_LOGOUT) {
				rc = 0;
				goto done;
			}
		} else if (l.status != IMAP_NONE) {
			resp_code(i, l.text, l.textlen);
		} else {
			untagged(i, l.text, l.textlen, header ? &lit : NULL);
		}
		if (++untagged_n > IMAP_UNTAGGED_MAX) {
			errorf(i->error, sizeof(i->error),
			       "more than %d untagged responses to one command",
			       IMAP_UNTAGGED_MAX);
			goto done;
		}
	}
done:
	/* Out of step with the server: nothing more is sent, not even LOGOUT.
	 */
	i->broken |= rc == -1;
	buf_free(&resp);
	buf_free(&lit);
	return rc;
}

int
imap_connect(struct imap *i, const char *host, unsigned port,
	     const struct net_opts *opts, const struct deadline *deadline)
{
	enum net_status st;

	buf_init(&i->transcript, IMAP_TRANSCRIPT_MAX);
	if ((st = net_connect(&i->conn, host, port, opts, deadline)) !=
	    NET_OK) {
		i->net = st;
		return errorf(i->error, sizeof(i->error), "%s",
			      i->conn.error[0] ? i->conn.error : "timeout");
	}
	i->connected = true;
	return 0;
}

int
imap_greeting(struct imap *i)
{
	struct buf resp = BUF_INIT(IMAP_RESPONSE_MAX), lit = BUF_INIT(0);
	double started = mono_now();
	struct imap_line l;
	bool header;
	int rc = read_response(i, &resp, &lit, &l, &header);

	i->greeting_seconds = mono_now() - started;
	if (rc == 0 && (l.kind != IMAP_UNTAGGED ||
			(l.status != IMAP_OK && l.status != IMAP_PREAUTH &&
			 l.status != IMAP_BYE)))
		rc = errorf(i->error, sizeof(i->error), "not an IMAP greeting");
	if (rc == 0) {
		keep_status(i, &l);
		i->bye = l.status == IMAP_BYE;
	}
	i->broken |= rc == -1;
	buf_free(&resp);
	buf_free(&lit);
	return rc;
}

/*
 * A command being built: what goes out, what the transcript shows.  On
 * the stack, never reallocated: the wire copy may hold a password, and is
 * wiped (cmd_end) before the function that built it returns.
 */
struct cmd {
	char tag[16];
	char wire[WIRE_MAX];
	size_t wlen;
	char shown[WIRE_MAX];
	size_t slen;
};

static int
cmd_put(char *to, size_t *len, const char *data, size_t n)
{
	if (n + 2 > WIRE_MAX - *len) /* room for the CRLF */
		return -1;
	memcpy(to + *len, data, n);
	*len += n;
	to[*len] = '\0';
	return 0;
}

/* Append to the wire and to what the transcript shows. */
static int
cmd_add(struct imap *i, struct cmd *c, const char *wire, size_t wl,
	const char *shown)
{
	if (cmd_put(c->wire, &c->wlen, wire, wl) == -1 ||
	    cmd_put(c->shown, &c->slen, shown, strlen(shown)) == -1)
		return errorf(i->error, sizeof(i->error),
			      "a command too long to send");
	return 0;
}

static void
cmd_end(struct cmd *c)
{
	explicit_bzero(c->wire, sizeof(c->wire));
}

/* The tag and a verb (no CR or LF), into c. */
static int
cmd_start(struct imap *i, struct cmd *c, const char *verb)
{
	c->wlen = c->slen = 0;
	c->wire[0] = c->shown[0] = '\0';
	if (!i->connected)
		return errorf(i->error, sizeof(i->error), "not connected");
	if (i->bye)
		return errorf(i->error, sizeof(i->error),
			      "the server ended the session (BYE)");
	if (i->broken)
		return errorf(i->error, sizeof(i->error),
			      "the session is out of step with the server");
	if (strpbrk(verb, "\r\n"))
		return errorf(i->error, sizeof(i->error),
			      "refusing to send a malformed command");
	snprintf(c->tag, sizeof(c->tag), "A%03u", ++i->tagno);
	if (cmd_add(i, c, c->tag, strlen(c->tag), c->tag) == -1 ||
	    cmd_add(i, c, " ", 1, " ") == -1)
		return -1;
	return cmd_add(i, c, verb, strlen(verb), verb);
}

/* Send what was built, with CRLF, and start the next line afresh. */
static int
cmd_flush(struct imap *i, struct cmd *c)
{
	enum net_status st;

	memcpy(c->wire + c->wlen, "\r\n", 2); /* cmd_put left room */
	transcript(i, "C: ", c->shown, c->slen);
	st = net_write(&i->conn, c->wire, c->wlen + 2);
	explicit_bzero(c->wire, sizeof(c->wire));
	c->wlen = c->slen = 0;
	c->shown[0] = '\0';
	return st == NET_OK ? 0 : net_failed(i, st);
}

/* The bytes a quoted string may hold without a backslash. */
static bool
quotable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
			return false;
	return true;
}

/*
 * A string argument: quoted, or a literal (RFC 3501 4.3) when it holds a
 * quote, a backslash, a control or an 8-bit byte, sent after the server's
 * "+" (at once with LITERAL+).  0 to go on, 1 when the server answered
 * the command instead of "+", -1.
 */
static int
cmd_string(struct imap *i, struct cmd *c, const char *s, bool secret)
{
	size_t len = strlen(s);
	char head[32];
	int rc;

	if (len > IMAP_ARG_MAX)
		return errorf(i->error, sizeof(i->error),
			      "an argument longer than %d bytes", IMAP_ARG_MAX);
	if (quotable(s))
		return cmd_add(i, c, " \"", 2, secret ? " " : " \"") == -1 ||
			       cmd_add(i, c, s, len, secret ? MASK : s) == -1 ||
			       cmd_add(i, c, "\"", 1, secret ? "" : "\"") == -1
			   ? -1
			   : 0;
	snprintf(head, sizeof(head), " {%zu%s}", len,
		 i->caps.literal_plus ? "+" : "");
	if (cmd_add(i, c, head, strlen(head), secret ? " {" MASK "}" : head) ==
		-1 ||
	    cmd_flush(i, c) == -1)
		return -1;
	if (!i->caps.literal_plus &&
	    (rc = await(i, c->tag, AWAIT_CONTINUE)) != 1)
		return rc == 0 ? 1 : -1;
	return cmd_add(i, c, s, len, secret ? MASK : "(literal)");
}

/* The last line, and the answer. */
static int
cmd_finish(struct imap *i, struct cmd *c)
{
	if (cmd_flush(i, c) == -1)
		return -1;
	return await(i, c->tag, AWAIT_TAGGED);
}

int
imap_command(struct imap *i, const char *fmt, ...)
{
	char line[600];
	struct cmd c;
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return errorf(i->error, sizeof(i->error),
			      "refusing to send a malformed command");
	rc = cmd_start(i, &c, line);
	if (rc == 0)
		rc = cmd_finish(i, &c);
	cmd_end(&c);
	return rc;
}

int
imap_capability(struct imap *i)
{
	memset(&i->caps, 0, sizeof(i->caps));
	i->caps_known = false;
	return imap_command(i, "CAPABILITY");
}

int
imap_starttls(struct imap *i, const struct tls_opts *o, struct tls_info *info)
{
	enum net_status st;

	i->injected = 0;
	if (imap_command(i, "STARTTLS") == -1)
		return -1;
	if (i->status != IMAP_OK)
		return 0;
	/* RFC 3501 6.2.1: nothing said before the handshake may be trusted. */
	i->injected = net_buffered(&i->conn);
	net_discard(&i->conn);
	if ((st = tls_start(&i->conn, o, info)) != NET_OK)
		return net_failed(i, st);
	transcript(i, "-- ", "TLS started", 11);
	return imap_capability(i);
}

/*
 * A command of string arguments (secret[k]: masked in the transcript),
 * then tail (no CR or LF).
 */
static int
strings_command(struct imap *i, const char *verb, const char *const *args,
		const bool *secret, size_t n, const char *tail)
{
	struct cmd c;
	int rc = cmd_start(i, &c, verb);

	for (size_t k = 0; k < n && rc == 0; k++)
		rc = cmd_string(i, &c, args[k], secret[k]);
	if (rc == 0 && tail != NULL)
		rc = cmd_add(i, &c, tail, strlen(tail), tail);
	if (rc == 0)
		rc = cmd_finish(i, &c);
	cmd_end(&c);
	return rc == 1 ? 0 : rc;
}

int
imap_login(struct imap *i, const char *user, const char *password)
{
	const char *args[] = {user, password};
	const bool secret[] = {false, true};

	if (i->caps.logindisabled)
		return errorf(i->error, sizeof(i->error),
			      "the server says LOGINDISABLED: LOGIN not sent");
	return strings_command(i, "LOGIN", args, secret, 2, NULL);
}

/* 1 when the server asked for more than PLAIN's one answer. */
static int
plain_exchange(struct imap *i, struct cmd *c, const char *answer)
{
	size_t al = strlen(answer);
	int rc = -1;

	if (i->caps.sasl_ir && cmd_add(i, c, " ", 1, " ") == -1)
		return -1;
	if (i->caps.sasl_ir && cmd_add(i, c, answer, al, MASK) == -1)
		return -1;
	if (cmd_flush(i, c) == -1 ||
	    (rc = await(i, c->tag, AWAIT_CONTINUE)) != 1 || i->caps.sasl_ir)
		return rc;
	if (cmd_add(i, c, answer, al, MASK) == -1 || cmd_flush(i, c) == -1)
		return -1;
	return await(i, c->tag, AWAIT_CONTINUE);
}

int
imap_authenticate_plain(struct imap *i, const char *user, const char *password)
{
	char answer[SASL_ANSWER_MAX];
	struct cmd c;
	int rc;

	if (sasl_plain(answer, user, password) == -1)
		return errorf(i->error, sizeof(i->error),
			      "user name or password longer than %d bytes",
			      SASL_FIELD_MAX);
	rc = cmd_start(i, &c, "AUTHENTICATE PLAIN");
	if (rc == 0)
		rc = plain_exchange(i, &c, answer);
	if (rc == 1) {
		/* More than PLAIN has to say: cancel (RFC 3501 6.2.2). */
		if (cmd_add(i, &c, "*", 1, "*") == 0 && cmd_flush(i, &c) == 0)
			await(i, c.tag, AWAIT_TAGGED);
		rc = errorf(i->error, sizeof(i->error),
			    "the server asked for more than the PLAIN answer");
	}
	cmd_end(&c);
	explicit_bzero(answer, sizeof(answer));
	return rc;
}

int
imap_select(struct imap *i, const char *mailbox, bool read_only)
{
	memset(&i->box, 0, sizeof(i->box));
	return strings_command(i, read_only ? "EXAMINE" : "SELECT", &mailbox,
			       &(bool){false}, 1, NULL);
}

int
imap_status(struct imap *i, const char *mailbox)
{
	memset(&i->box, 0, sizeof(i->box));
	return strings_command(i, "STATUS", &mailbox, &(bool){false}, 1,
			       " (MESSAGES UIDNEXT UIDVALIDITY)");
}

int
imap_getquotaroot(struct imap *i, const char *mailbox)
{
	memset(&i->quota, 0, sizeof(i->quota));
	return strings_command(i, "GETQUOTAROOT", &mailbox, &(bool){false}, 1,
			       NULL);
}

int
imap_search_header(struct imap *i, const char *name, const char *value,
		   bool undeleted)
{
	const char *args[] = {name, value};
	const bool secret[] = {false, false};

	i->nsearch = 0;
	i->search_total = 0;
	return strings_command(
	    i, undeleted ? "UID SEARCH UNDELETED HEADER" : "UID SEARCH HEADER",
	    args, secret, 2, NULL);
}

static int
fetch(struct imap *i, unsigned long uid, bool whole, struct buf *out)
{
	int rc;

	buf_reset(out);
	i->fetch_out = out;
	i->fetch_uid = uid;
	i->fetch_whole = whole;
	i->fetched = false;
	i->fetch_cut = false;
	i->fetch_have_size = false;
	i->fetch_size = 0;
	/* a header section is never asked for whole: a literal past the cap
	   would end the session */
	rc = whole ? imap_command(i, "UID FETCH %lu BODY.PEEK[]", uid)
		   : imap_command(i,
				  "UID FETCH %lu (RFC822.SIZE "
				  "BODY.PEEK[HEADER]<0.%d>)",
				  uid, IMAP_HEADER_MAX);
	i->fetch_out = NULL;
	return rc;
}

int
imap_fetch_header(struct imap *i, unsigned long uid, struct buf *out)
{
	return fetch(i, uid, false, out);
}

int
imap_fetch_message(struct imap *i, unsigned long uid, struct buf *out)
{
	return fetch(i, uid, true, out);
}

int
imap_store_deleted(struct imap *i, unsigned long uid)
{
	return imap_command(i, "UID STORE %lu +FLAGS.SILENT (\\Deleted)", uid);
}

int
imap_uid_expunge(struct imap *i, unsigned long uid)
{
	/* EXPUNGE alone would remove every \Deleted message of the user's. */
	if (!i->caps.uidplus)
		return errorf(
		    i->error, sizeof(i->error),
		    "the server has no UIDPLUS: UID EXPUNGE not sent");
	return imap_command(i, "UID EXPUNGE %lu", uid);
}

int
imap_logout(struct imap *i)
{
	const struct deadline *saved = i->conn.deadline;
	struct deadline wait;
	struct cmd c;
	int rc = -1;

	if (i->connected && i->net == NET_OK && !i->bye && !i->broken &&
	    cmd_start(i, &c, "LOGOUT") == 0) {
		/* The answer is polite, not needed: wait briefly. */
		deadline_start(&wait, deadline_left(saved) < LOGOUT_WAIT_S
					  ? deadline_left(saved)
					  : LOGOUT_WAIT_S);
		i->conn.deadline = &wait;
		if (cmd_flush(i, &c) == 0 &&
		    await(i, c.tag, AWAIT_LOGOUT) == 0 && i->status == IMAP_OK)
			rc = 0;
		i->conn.deadline = saved;
	}
	if (i->connected)
		net_close(&i->conn);
	i->connected = false;
	return rc;
}

void
imap_free(struct imap *i)
{
	if (i->connected)
		net_close(&i->conn);
	i->connected = false;
	buf_free(&i->transcript);
}
