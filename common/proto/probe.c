/*
 * probe.c - probe tokens, probe messages, and delivered headers.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "proto/probe.h"

#include "core/addr.h"

#define MAC_HEX 32 /* 128 bits of the HMAC are enough */

static void
hex(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/* The MAC of "v1 TIME NONCE", in hex. */
static int
mac(const char *key, long long t, const char *nonce, char out[MAC_HEX + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char msg[80];
	int n = snprintf(msg, sizeof(msg), "v1 %lld %s", t, nonce);

	if (n < 0 || (size_t)n >= sizeof(msg) ||
	    HMAC(EVP_sha256(), key, (int)strlen(key), (unsigned char *)msg,
		 (size_t)n, md, &mdlen) == NULL ||
	    mdlen < MAC_HEX / 2)
		return -1;
	hex(out, md, MAC_HEX / 2);
	return 0;
}

int
probe_new(struct probe *pr, const char *key)
{
	unsigned char rnd[16];
	char m[MAC_HEX + 1];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -1;
	pr->time = (long long)time(NULL);
	hex(pr->nonce, rnd, sizeof(rnd));
	if (mac(key, pr->time, pr->nonce, m) == -1)
		return -1;
	snprintf(pr->token, sizeof(pr->token), "v1 %lld %s %s", pr->time,
		 pr->nonce, m);
	return 0;
}

int
probe_verify(const char *value, const char *key, long long *t, char *nonce)
{
	char n[33], got[MAC_HEX + 1], want[MAC_HEX + 1];
	long long when;
	int used = 0;

	if (sscanf(value, "v1 %lld %32[0-9a-f] %32[0-9a-f]%n", &when, n, got,
		   &used) != 3 ||
	    value[used] != '\0' || strlen(n) != 32 || strlen(got) != MAC_HEX)
		return 0;
	if (mac(key, when, n, want) == -1 ||
	    CRYPTO_memcmp(got, want, MAC_HEX) != 0)
		return 0;
	*t = when;
	memcpy(nonce, n, sizeof(n));
	return 1;
}

int
probe_message(const struct probe *pr, const char *from, const char *to,
	      const char *domain, struct buf *out)
{
	char date[64];
	time_t now = (time_t)pr->time;
	struct tm tm;

	/*
	 * The last line begins with a dot on purpose: it travels dot-stuffed
	 * in SMTP DATA and again in POP3 RETR, and the check verifies that it
	 * arrived whole.
	 */
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_reset(out);
	return buf_printf(
	    out,
	    "From: <%s>\r\n"
	    "To: <%s>\r\n"
	    "Subject: imscheck probe %.8s\r\n"
	    "Date: %s\r\n"
	    "Message-ID: <imscheck.%lld.%s@%s>\r\n"
	    "%s: %s\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=us-ascii\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "\r\n"
	    "This message was sent by imscheck to verify a mail route.\r\n"
	    "The check that sent it deletes it when it arrives.\r\n"
	    ".Token: %s\r\n",
	    from, to, pr->nonce, date, pr->time, pr->nonce, domain,
	    PROBE_HEADER, pr->token, pr->nonce);
}

/*
 * A Received header is read as tokens (RFC 5322 3.2, as MTAs write them):
 * words, comments and domain literals, each taken whole by a cursor that
 * fails when the input ends inside one.
 */
enum rtok_kind { RTOK_END, RTOK_WORD, RTOK_COMMENT, RTOK_LITERAL, RTOK_SEMI };

struct rtok {
	enum rtok_kind kind;
	const char *p; /* a comment or literal without its brackets */
	size_t len;
};

static bool
is_space(uint8_t b)
{
	return b == ' ' || b == '\t' || b == '\r' || b == '\n';
}

/* Past the close that matches an open already taken; -1 if none comes. */
static int
take_closing(struct cursor *c, uint8_t open, uint8_t close)
{
	int depth = 1;
	uint8_t b;

	while (depth > 0) {
		if (cursor_u8(c, &b) == -1)
			return -1;
		if (b == '\\' && cursor_u8(c, &b) == -1) /* a quoted pair */
			return -1;
		else if (b == open && open != close)
			depth++;
		else if (b == close)
			depth--;
	}
	return 0;
}

static bool
is_special(uint8_t b)
{
	return memchr("()[];", b, 5) != NULL;
}

/*
 * A word: its first byte whatever it is (a stray ")" or "]" too, so that
 * every token moves on), then up to a space or a special; <...> and "..."
 * taken whole.
 */
static int
take_word(struct cursor *c)
{
	uint8_t b;

	do {
		if (cursor_u8(c, &b) == -1 ||
		    (b == '<' && take_closing(c, '<', '>') == -1) ||
		    (b == '"' && take_closing(c, '"', '"') == -1))
			return -1;
	} while (cursor_peek(c, &b) == 0 && !is_space(b) && !is_special(b));
	return 0;
}

static int
rtok_next(struct cursor *c, struct rtok *t)
{
	uint8_t b;

	while (cursor_peek(c, &b) == 0 && is_space(b))
		cursor_u8(c, &b);
	t->p = (const char *)c->p;
	if (cursor_peek(c, &b) == -1) {
		t->kind = RTOK_END;
		return 0;
	}
	if (b == ';' || b == '(' || b == '[') {
		cursor_u8(c, &b);
		t->kind = b == ';'   ? RTOK_SEMI
			  : b == '(' ? RTOK_COMMENT
				     : RTOK_LITERAL;
		if (b != ';' && take_closing(c, b, b == '(' ? ')' : ']') == -1)
			return -1;
		t->p += b != ';';
		t->len = (size_t)((const char *)c->p - t->p) - (b != ';');
		return 0;
	}
	t->kind = RTOK_WORD;
	if (take_word(c) == -1)
		return -1;
	t->len = (size_t)((const char *)c->p - t->p);
	return 0;
}

static bool
tok_is(const struct rtok *t, const char *word)
{
	return t->kind == RTOK_WORD && t->len == strlen(word) &&
	       strncasecmp(t->p, word, t->len) == 0;
}

static void
copy(char *out, size_t size, const char *p, size_t len)
{
	snprintf(out, size, "%.*s", (int)(len < size ? len : size - 1), p);
}

/* A token's text, a literal with its brackets. */
static void
tok_text(const struct rtok *t, char *out, size_t size)
{
	size_t lit = t->kind == RTOK_LITERAL;

	copy(out, size, t->p - lit, t->len + 2 * lit);
}

/*
 * An address as MTAs write one: "192.0.2.1", "IPv6:2001:db8::1" (Postfix,
 * Sendmail, OpenSMTPD), "::ffff:192.0.2.1" (qmail's IPv6 patches), "[...]"
 * once more (an OpenSMTPD that brackets twice), "ident@192.0.2.1"
 * (qmail); into out in canonical form.
 */
static bool
take_address(const char *p, size_t len, char *out, size_t size)
{
	char text[PROBE_FIELD_MAX], canon[ADDR_TEXT_MAX];
	const char *at, *a = text;

	copy(text, sizeof(text), p, len);
	if ((at = strrchr(a, '@')) != NULL)
		a = at + 1;
	if (a[0] == '[' && a[strlen(a) - 1] == ']') {
		a++;
		text[strlen(text) - 1] = '\0';
	}
	if (strncasecmp(a, "IPv6:", 5) == 0 || strncasecmp(a, "IPv4:", 5) == 0)
		a += 5;
	if (addr_canon(a, canon, sizeof(canon)) == -1)
		return false;
	if (strncmp(canon, "::ffff:", 7) == 0 && strchr(canon + 7, '.'))
		memmove(canon, canon + 7, strlen(canon + 7) + 1);
	snprintf(out, size, "%s", canon);
	return true;
}

/* A host name a comment gives beside the address, "unknown" is none. */
static void
take_name(const struct rtok *t, char *out, size_t size)
{
	char name[PROBE_FIELD_MAX];
	const char *at, *n = name;

	copy(name, sizeof(name), t->p, t->len);
	if ((at = strrchr(name, '@')) != NULL) /* Sendmail's ident@name */
		n = at + 1;
	if (strcasecmp(n, "unknown") != 0 && addr_valid_name(n) &&
	    strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789.-_") == strlen(n) &&
	    !addr_is_literal(n))
		snprintf(out, size, "%s", n);
}

/*
 * A comment of the from clause: the sending host's address, the name
 * beside it, and its HELO name (Exim's "helo=", qmail's "HELO name").
 */
static int
from_comment(const char *p, size_t len, struct received *r)
{
	struct rtok t, prev = {RTOK_END, NULL, 0};
	struct cursor c;
	char addr[sizeof(r->from_ip)];

	cursor_init(&c, p, len);
	for (; rtok_next(&c, &t) == 0 && t.kind != RTOK_END; prev = t) {
		if (t.kind == RTOK_COMMENT && t.len == 13 &&
		    strncasecmp(t.p, "may be forged", 13) == 0)
			r->from_name[0] = '\0'; /* Sendmail: not confirmed */
		else if (tok_is(&prev, "HELO") || tok_is(&prev, "helo="))
			tok_text(&t, r->from_helo, sizeof(r->from_helo));
		else if (t.kind == RTOK_WORD && t.len > 5 &&
			 strncasecmp(t.p, "helo=", 5) == 0)
			copy(r->from_helo, sizeof(r->from_helo), t.p + 5,
			     t.len - 5);
		else if (t.kind != RTOK_COMMENT && r->from_ip[0] == '\0' &&
			 take_address(t.p, t.len, addr, sizeof(addr))) {
			snprintf(r->from_ip, sizeof(r->from_ip), "%s", addr);
			if (t.kind == RTOK_LITERAL && prev.kind == RTOK_WORD)
				take_name(&prev, r->from_name,
					  sizeof(r->from_name));
		}
	}
	return c.left == 0 ? 0 : -1;
}
static void
strip_angles(char *s)
{
	size_t len = strlen(s);

	if (len >= 2 && s[0] == '<' && s[len - 1] == '>') {
		memmove(s, s + 1, len - 2);
		s[len - 2] = '\0';
	}
}

enum clause { CL_NONE, CL_FROM, CL_BY, CL_FOR, CL_OTHER };

static enum clause
clause_of(const struct rtok *t)
{
	static const char *const other[] = {"via", "with", "id"};

	if (tok_is(t, "from"))
		return CL_FROM;
	if (tok_is(t, "by"))
		return CL_BY;
	if (tok_is(t, "for"))
		return CL_FOR;
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (tok_is(t, other[i]))
			return CL_OTHER;
	return CL_NONE;
}

/* The first word or literal after a clause's keyword. */
static void
clause_value(enum clause cl, const struct rtok *t, struct received *r)
{
	char *out = cl == CL_FROM ? r->from : cl == CL_BY ? r->by : r->for_;

	if (cl == CL_OTHER || out[0] != '\0')
		return;
	tok_text(t, out, PROBE_FIELD_MAX);
	if (cl == CL_FOR)
		strip_angles(r->for_);
	else if (t->kind == RTOK_LITERAL) /* Exim: "from [192.0.2.1]" */
		take_address(t->p, t->len,
			     cl == CL_FROM ? r->from_ip : r->by_ip,
			     sizeof(r->from_ip));
}

/* A comment after a clause's value: the from clause's, or by's address. */
static int
clause_comment(enum clause cl, const struct rtok *t, struct received *r)
{
	struct rtok first;
	struct cursor c;

	if (cl == CL_FROM || (cl == CL_NONE && r->by[0] == '\0'))
		return from_comment(t->p, t->len, r);
	cursor_init(&c, t->p, t->len);
	/* Exchange: "by host (10.0.0.2)" */
	if (cl == CL_BY && rtok_next(&c, &first) == 0 && r->by_ip[0] == '\0' &&
	    first.kind != RTOK_COMMENT)
		take_address(first.p, first.len, r->by_ip, sizeof(r->by_ip));
	return 0;
}

int
probe_parse_received(const char *value, struct received *r)
{
	enum clause cl = CL_NONE;
	bool value_next = false;
	struct cursor c;
	struct rtok t;

	memset(r, 0, sizeof(*r));
	cursor_init(&c, value, strlen(value));
	for (;;) {
		if (rtok_next(&c, &t) == -1)
			return -1;
		if (t.kind == RTOK_END || t.kind == RTOK_SEMI)
			return 0;
		if (t.kind == RTOK_COMMENT) {
			if (clause_comment(cl, &t, r) == -1)
				return -1;
		} else if (value_next) {
			clause_value(cl, &t, r);
			value_next = false;
		} else if (clause_of(&t) != CL_NONE) {
			cl = clause_of(&t);
			value_next = true;
		}
	}
}

/* Names compare without case and without a final dot. */
static bool
same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	la -= la > 0 && a[la - 1] == '.';
	lb -= lb > 0 && b[lb - 1] == '.';
	return la > 0 && la == lb && strncasecmp(a, b, la) == 0;
}

bool
probe_hop_names(const struct received *r, const char *host)
{
	char addr[ADDR_TEXT_MAX];

	if (take_address(host, strlen(host), addr, sizeof(addr)))
		return strcmp(addr, r->from_ip) == 0 ||
		       strcmp(addr, r->by_ip) == 0;
	return same_name(r->by, host) || same_name(r->from, host) ||
	       same_name(r->from_name, host) || same_name(r->from_helo, host);
}

/* The value of "Name: value" when the line's name is name, else NULL. */
static const char *
field(const char *line, const char *name)
{
	size_t n = strlen(name);

	if (strncasecmp(line, name, n) != 0 || line[n] != ':')
		return NULL;
	line += n + 1;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

static void
add_rcpt(char (*list)[PROBE_FIELD_MAX], size_t *n, const char *value)
{
	if (*n == PROBE_RCPT_MAX)
		return;
	snprintf(list[*n], PROBE_FIELD_MAX, "%s", value);
	strip_angles(list[*n]);
	(*n)++;
}

/* One unfolded header line. */
static void
header_line(const char *line, struct probe_headers *h)
{
	const char *v;

	if ((v = field(line, PROBE_HEADER)) != NULL && h->token[0] == '\0')
		snprintf(h->token, sizeof(h->token), "%s", v);
	else if ((v = field(line, "Message-ID")) != NULL)
		snprintf(h->message_id, sizeof(h->message_id), "%s", v);
	else if ((v = field(line, "Delivered-To")) != NULL)
		add_rcpt(h->delivered_to, &h->ndelivered_to, v);
	else if ((v = field(line, "X-Original-To")) != NULL)
		add_rcpt(h->original_to, &h->noriginal_to, v);
	else if ((v = field(line, "Received")) != NULL &&
		 h->nreceived < PROBE_RECEIVED_MAX)
		probe_parse_received(v, &h->received[h->nreceived++]);
}

int
probe_parse_headers(const char *msg, size_t len, struct probe_headers *h)
{
	struct buf line = BUF_INIT(8192);
	const char *p = msg, *end = msg + len;
	bool any = false;

	memset(h, 0, sizeof(*h));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0) /* the end of the header section */
			break;
		if ((*p == ' ' || *p == '\t') && line.len > 0) {
			buf_append_cut(&line, " ", 1); /* unfold */
		} else {
			if (line.len > 0)
				header_line(buf_str(&line), h);
			buf_reset(&line);
			any = true;
		}
		buf_append_cut(&line, p, n);
		p = nl ? nl + 1 : end;
	}
	if (line.len > 0)
		header_line(buf_str(&line), h);
	buf_free(&line);
	return any ? 0 : -1;
}
