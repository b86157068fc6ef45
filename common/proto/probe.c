/*
 * probe.c - probe tokens bound to their messages, probe messages, and
 * delivered headers.
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

#define TOKEN_VERSION "v2"

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

/* s (len bytes) without the white space around it. */
static const char *
trim(const char *s, size_t *len)
{
	while (*len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*len)--;
	}
	while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
		(*len)--;
	return s;
}

/*
 * The MAC of a token for a message, in hex: HMAC-SHA256 keyed with key over
 * "v2 TIME END NONCE", the Message-ID and the body's digest, a line each.
 */
static int
mac(const char *key, const struct probe_token *tk, const char *message_id,
    const unsigned char digest[PROBE_DIGEST_LEN], char out[PROBE_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char msg[PROBE_FIELD_MAX + 160], dhex[2 * PROBE_DIGEST_LEN + 1];
	size_t idlen = strlen(message_id);
	const char *id = trim(message_id, &idlen);
	unsigned int mdlen = 0;
	int n;

	hex(dhex, digest, PROBE_DIGEST_LEN);
	n = snprintf(msg, sizeof(msg), "%s %lld %lld %s\n%.*s\n%s",
		     TOKEN_VERSION, tk->time, tk->end, tk->nonce, (int)idlen,
		     id, dhex);
	if (n < 0 || (size_t)n >= sizeof(msg) ||
	    HMAC(EVP_sha256(), key, (int)strlen(key), (unsigned char *)msg,
		 (size_t)n, md, &mdlen) == NULL ||
	    mdlen < PROBE_HEX_LEN / 2)
		return -1;
	hex(out, md, PROBE_HEX_LEN / 2);
	return 0;
}

int
probe_new(struct probe *pr, long long end)
{
	unsigned char rnd[PROBE_HEX_LEN / 2];

	memset(pr, 0, sizeof(*pr));
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -1;
	pr->tk.time = (long long)time(NULL);
	pr->tk.end = end > pr->tk.time ? end : pr->tk.time;
	hex(pr->tk.nonce, rnd, sizeof(rnd));
	return 0;
}

/* A decimal of 1 to 18 digits at *p, no sign: 0 and *p past it, or -1. */
static int
decimal(const char **p, long long *v)
{
	size_t n = 0;

	*v = 0;
	while (isdigit((unsigned char)(*p)[n]) && n < 18)
		*v = *v * 10 + ((*p)[n++] - '0');
	if (n == 0 || isdigit((unsigned char)(*p)[n]))
		return -1;
	*p += n;
	return 0;
}

/* PROBE_HEX_LEN lowercase hex digits at *p into out: 0, or -1. */
static int
hex_field(const char **p, char out[PROBE_HEX_LEN + 1])
{
	size_t n = strspn(*p, "0123456789abcdef");

	if (n != PROBE_HEX_LEN)
		return -1;
	memcpy(out, *p, n);
	out[n] = '\0';
	*p += n;
	return 0;
}

/* One space at *p: 0 and *p past it, or -1. */
static int
space(const char **p)
{
	return **p == ' ' ? ((*p)++, 0) : -1;
}

int
probe_token_parse(const char *value, struct probe_token *tk)
{
	const char *p = value;
	size_t vlen = strlen(TOKEN_VERSION);

	memset(tk, 0, sizeof(*tk));
	if (strncmp(p, TOKEN_VERSION, vlen) != 0)
		return -1;
	p += vlen;
	if (space(&p) == -1 || decimal(&p, &tk->time) == -1 ||
	    space(&p) == -1 || decimal(&p, &tk->end) == -1 || space(&p) == -1 ||
	    hex_field(&p, tk->nonce) == -1 || space(&p) == -1 ||
	    hex_field(&p, tk->mac) == -1 || p[strspn(p, " \t")] != '\0' ||
	    tk->end < tk->time) {
		memset(tk, 0, sizeof(*tk));
		return -1;
	}
	return 0;
}

bool
probe_token_ended(const struct probe_token *tk, double now)
{
	return now > (double)tk->end;
}

/* The digest's input: one line of the canonical body (RFC 6376 3.4.3). */
static void
digest_line(EVP_MD_CTX *md, const char *line, size_t len, size_t *empty)
{
	if (len == 0) { /* held back: empty lines at the end do not count */
		(*empty)++;
		return;
	}
	for (; *empty > 0; (*empty)--)
		EVP_DigestUpdate(md, "\r\n", 2);
	EVP_DigestUpdate(md, line, len);
	EVP_DigestUpdate(md, "\r\n", 2);
}

void
probe_body_digest(const char *body, size_t len,
		  unsigned char digest[PROBE_DIGEST_LEN])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	const char *p = body, *end = body + len;
	size_t empty = 0, n;
	unsigned int dlen = 0;
	bool any = false;

	memset(digest, 0, PROBE_DIGEST_LEN);
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		goto done;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		n = (size_t)((nl ? nl : end) - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		digest_line(md, p, n, &empty);
		any = any || n > 0;
		p = nl ? nl + 1 : end;
	}
	if (!any) /* an empty body is one CRLF */
		EVP_DigestUpdate(md, "\r\n", 2);
	EVP_DigestFinal_ex(md, digest, &dlen);
done:
	EVP_MD_CTX_free(md);
}

bool
probe_verify(const struct probe_token *tk, const char *key,
	     const char *message_id,
	     const unsigned char digest[PROBE_DIGEST_LEN])
{
	char want[PROBE_HEX_LEN + 1];

	return tk->nonce[0] != '\0' &&
	       mac(key, tk, message_id, digest, want) == 0 &&
	       CRYPTO_memcmp(tk->mac, want, PROBE_HEX_LEN) == 0;
}

/* The probe's body: what the digest in its token covers. */
static int
probe_body(const struct probe *pr, struct buf *out)
{
	/*
	 * The last line begins with a dot on purpose: it travels dot-stuffed
	 * in SMTP DATA and again in POP3 RETR, and a body that was not
	 * unstuffed right does not verify.
	 */
	return buf_printf(
	    out,
	    "This message was sent by imscheck to verify a mail route.\r\n"
	    "The check that sent it deletes it when it arrives.\r\n"
	    ".Token: %s\r\n",
	    pr->tk.nonce);
}

int
probe_message(struct probe *pr, const char *key, const char *from,
	      const char *to, const char *domain, struct buf *out)
{
	struct buf body = BUF_INIT(1024);
	unsigned char digest[PROBE_DIGEST_LEN];
	char date[64];
	time_t now = (time_t)pr->tk.time;
	struct tm tm;
	int rc = -1;

	snprintf(pr->message_id, sizeof(pr->message_id),
		 "<imscheck.%lld.%s@%.128s>", pr->tk.time, pr->tk.nonce,
		 domain);
	if (probe_body(pr, &body) == -1)
		goto done;
	probe_body_digest(body.data, body.len, digest);
	if (mac(key, &pr->tk, pr->message_id, digest, pr->tk.mac) == -1)
		goto done;
	snprintf(pr->token, sizeof(pr->token), "%s %lld %lld %s %s",
		 TOKEN_VERSION, pr->tk.time, pr->tk.end, pr->tk.nonce,
		 pr->tk.mac);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_reset(out);
	rc = buf_printf(out,
			"From: <%s>\r\n"
			"To: <%s>\r\n"
			"Subject: imscheck probe %.8s\r\n"
			"Date: %s\r\n"
			"Message-ID: %s\r\n"
			"%s: %s\r\n"
			"MIME-Version: 1.0\r\n"
			"Content-Type: text/plain; charset=us-ascii\r\n"
			"Auto-Submitted: auto-generated\r\n"
			"\r\n",
			from, to, pr->tk.nonce, date, pr->message_id,
			PROBE_HEADER, pr->token) == -1 ||
		     buf_append(out, body.data, body.len) == -1
		 ? -1
		 : 0;
done:
	buf_free(&body);
	return rc;
}

/* Copy a word of at most size-1 bytes; returns where the next one starts. */
static const char *
word(const char *p, char *out, size_t size)
{
	size_t n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '(' &&
	       *p != ';') {
		if (n + 1 < size)
			out[n++] = *p;
		p++;
	}
	out[n] = '\0';
	return p;
}

/* Skip a comment (nested parentheses), keeping an [address] found in it. */
static const char *
comment(const char *p, char *ip, size_t ipsize)
{
	int depth = 0;

	do {
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		else if (*p == '[' && ip != NULL && ip[0] == '\0') {
			size_t n = strcspn(p + 1, "]");

			if (p[1 + n] == ']' && n < ipsize)
				snprintf(ip, ipsize, "%.*s", (int)n, p + 1);
		}
		p++;
	} while (*p != '\0' && depth > 0);
	return p;
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

void
probe_parse_received(const char *value, struct received *r)
{
	const char *p = value;
	char kw[16], *target;
	size_t size;

	memset(r, 0, sizeof(*r));
	while (*p != '\0' && *p != ';') {
		if (*p == '(') {
			p = comment(p,
				    r->from[0] && !r->by[0] ? r->from_ip : NULL,
				    sizeof(r->from_ip));
			continue;
		}
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		p = word(p, kw, sizeof(kw));
		target = NULL;
		size = PROBE_FIELD_MAX;
		if (strcasecmp(kw, "from") == 0)
			target = r->from;
		else if (strcasecmp(kw, "by") == 0)
			target = r->by;
		else if (strcasecmp(kw, "for") == 0)
			target = r->for_;
		if (target != NULL && target[0] == '\0') {
			p = word(p, target, size);
			if (target == r->for_)
				strip_angles(r->for_);
		}
	}
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
	else if ((v = field(line, "Message-ID")) != NULL &&
		 h->message_id[0] == '\0')
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
		if (n == 0) { /* the end of the header section */
			p = nl ? nl + 1 : end;
			break;
		}
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
	h->body = (size_t)(p - msg);
	buf_free(&line);
	return any ? 0 : -1;
}

enum probe_verdict
probe_verify_message(const char *msg, size_t len, const char *key,
		     struct probe_headers *h, struct probe_token *tk)
{
	unsigned char digest[PROBE_DIGEST_LEN];

	if (probe_parse_headers(msg, len, h) == -1 ||
	    probe_token_parse(h->token, tk) == -1)
		return PROBE_NONE;
	probe_body_digest(msg + h->body, len - h->body, digest);
	return probe_verify(tk, key, h->message_id, digest) ? PROBE_OURS
							    : PROBE_FOREIGN;
}
