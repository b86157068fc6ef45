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
