/*
 * pop3.c - the POP3 client side of a checker.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/pop3.h"

#include "core/diag.h"

#define QUIT_WAIT_S 2.0

int
pop3_status(const char *line, size_t len, const char **text)
{
	static const char ok[] = "+OK", err[] = "-ERR";
	int rc;
	size_t n;

	if (len >= 3 && memcmp(line, ok, 3) == 0) {
		rc = 1;
		n = 3;
	} else if (len >= 4 && memcmp(line, err, 4) == 0) {
		rc = 0;
		n = 4;
	} else {
		return -1;
	}
	if (len > n && line[n] != ' ')
		return -1;
	*text = len > n ? line + n + 1 : line + len;
	return rc;
}

int
pop3_multi_feed(struct pop3_multi *m, char *line, size_t *len)
{
	if (*len == 1 && line[0] == '.') {
		m->done = true;
		return 1;
	}
	if (*len > 0 && line[0] == '.') { /* RFC 1939 3: byte-stuffed */
		memmove(line, line + 1, *len - 1);
		(*len)--;
		line[*len] = '\0';
	}
	m->lines++;
	m->bytes += *len + 2;
	if (m->lines > POP3_LINES_MAX ||
	    (m->max_bytes && m->bytes > m->max_bytes))
		return -1;
	return 0;
}

static void
transcript(struct pop3 *p, const char *who, const char *line, size_t len)
{
	if (p->transcript_on)
		buf_append_line(&p->transcript, who, line, len);
}

static int
net_failed(struct pop3 *p, enum net_status st)
{
	p->net = st;
	net_why(&p->conn, st, p->error, sizeof(p->error));
	return -1;
}

/* One status line into p->ok and p->text. */
static int
read_status(struct pop3 *p)
{
	char line[NET_LINE_MAX + 1];
	const char *text;
	enum net_status st;
	size_t len;
	int rc;

	if ((st = net_read_line(&p->conn, line, sizeof(line), &len)) != NET_OK)
		return net_failed(p, st);
	transcript(p, "S: ", line, len);
	if ((rc = pop3_status(line, len, &text)) == -1)
		return errorf(p->error, sizeof(p->error),
			      "not a POP3 status line");
	p->ok = rc == 1;
	snprintf(p->text, sizeof(p->text), "%s", text);
	return 0;
}

/*
 * The lines of a multi-line response: each is handed to fn (which may
 * return -1 to reject it), or appended to out with LF when fn is NULL.
 */
static int
read_multi(struct pop3 *p, struct buf *out, size_t max_bytes,
	   int (*fn)(void *, const char *, size_t), void *ctx)
{
	struct pop3_multi m = {.max_bytes = max_bytes};
	char line[NET_LINE_MAX + 1];
	enum net_status st;
	size_t len;
	int rc;

	for (;;) {
		if ((st = net_read_line(&p->conn, line, sizeof(line), &len)) !=
		    NET_OK)
			return net_failed(p, st);
		if ((rc = pop3_multi_feed(&m, line, &len)) == 1)
			break;
		if (rc == -1)
			return errorf(p->error, sizeof(p->error),
				      "response longer than %zu bytes",
				      max_bytes ? max_bytes
						: (size_t)POP3_LINES_MAX);
		if (fn != NULL && fn(ctx, line, len) == -1)
			return errorf(p->error, sizeof(p->error),
				      "malformed response line");
		if (out != NULL && (buf_append(out, line, len) == -1 ||
				    buf_append(out, "\n", 1) == -1))
			return errorf(p->error, sizeof(p->error),
				      "message larger than %zu bytes",
				      out->max);
	}
	if (p->transcript_on) {
		char note[64];

		snprintf(note, sizeof(note), "(%zu lines, %zu bytes)", m.lines,
			 m.bytes);
		transcript(p, "S: ", note, strlen(note));
	}
	return 0;
}

int
pop3_connect(struct pop3 *p, const char *host, unsigned port,
	     const struct net_opts *opts, const struct deadline *deadline)
{
	enum net_status st;

	buf_init(&p->transcript, POP3_TRANSCRIPT_MAX);
	if ((st = net_connect(&p->conn, host, port, opts, deadline)) !=
	    NET_OK) {
		p->net = st;
		return errorf(p->error, sizeof(p->error), "%s",
			      p->conn.error[0] ? p->conn.error : "timeout");
	}
	p->connected = true;
	return 0;
}

int
pop3_greeting(struct pop3 *p)
{
	double started = mono_now();
	int rc = read_status(p);

	p->greeting_seconds = mono_now() - started;
	return rc;
}

/* Send a command line; shown is what the transcript records. */
static int
send_line(struct pop3 *p, const char *line, size_t len, const char *shown)
{
	char out[600];
	enum net_status st;

	if (len + 2 > sizeof(out) || memchr(line, '\r', len) ||
	    memchr(line, '\n', len))
		return errorf(p->error, sizeof(p->error),
			      "refusing to send a malformed command");
	transcript(p, "C: ", shown, strlen(shown));
	memcpy(out, line, len);
	memcpy(out + len, "\r\n", 2);
	if ((st = net_write(&p->conn, out, len + 2)) != NET_OK)
		return net_failed(p, st);
	return 0;
}

int
pop3_command(struct pop3 *p, const char *fmt, ...)
{
	char line[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return errorf(p->error, sizeof(p->error),
			      "refusing to send a malformed command");
	if (send_line(p, line, (size_t)n, line) == -1)
		return -1;
	return read_status(p);
}

static int
capa_line(void *ctx, const char *line, size_t len)
{
	struct pop3_caps *c = ctx;
	size_t word = strcspn(line, " ");

	(void)len;
	if (word == 4 && strncasecmp(line, "STLS", 4) == 0)
		c->stls = true;
	else if (word == 3 && strncasecmp(line, "TOP", 3) == 0)
		c->top = true;
	else if (word == 4 && strncasecmp(line, "UIDL", 4) == 0)
		c->uidl = true;
	else if (word == 4 && strncasecmp(line, "USER", 4) == 0)
		c->user = true;
	else if (word == 10 && strncasecmp(line, "PIPELINING", 10) == 0)
		c->pipelining = true;
	return 0;
}

int
pop3_capa(struct pop3 *p)
{
	memset(&p->caps, 0, sizeof(p->caps));
	if (pop3_command(p, "CAPA") == -1)
		return -1;
	if (!p->ok)
		return 0;
	p->caps.capa = true;
	return read_multi(p, NULL, 64 * 1024, capa_line, &p->caps);
}

int
pop3_stls(struct pop3 *p, const struct tls_opts *o, struct tls_info *info)
{
	enum net_status st;

	if (pop3_command(p, "STLS") == -1)
		return -1;
	if (!p->ok)
		return 0;
	/* RFC 2595 4: nothing said before the handshake may be trusted. */
	net_discard(&p->conn);
	if ((st = tls_start(&p->conn, o, info)) != NET_OK)
		return net_failed(p, st);
	transcript(p, "-- ", "TLS started", 11);
	return pop3_capa(p);
}

int
pop3_login(struct pop3 *p, const char *user, const char *password)
{
	char line[600];
	int n;

	if (pop3_command(p, "USER %s", user) == -1)
		return -1;
	if (!p->ok)
		return 0;
	n = snprintf(line, sizeof(line), "PASS %s", password);
	if (n < 0 || (size_t)n >= sizeof(line))
		return errorf(p->error, sizeof(p->error), "password too long");
	if (send_line(p, line, (size_t)n, "PASS ********") == -1) {
		explicit_bzero(line, sizeof(line));
		return -1;
	}
	explicit_bzero(line, sizeof(line));
	return read_status(p);
}

/*
 * A decimal number of at least one digit; sscanf's %lu would take "-5" as
 * 2^64 - 5 and a number too large as ULONG_MAX.
 */
static const char *
parse_count(const char *s, unsigned long *v)
{
	const char *start = s;

	*v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned long digit = (unsigned long)(*s - '0');

		if (*v > (ULONG_MAX - digit) / 10)
			return NULL;
		*v = *v * 10 + digit;
	}
	return s > start ? s : NULL;
}

int
pop3_parse_stat(const char *text, unsigned long *count, unsigned long *octets)
{
	const char *p = parse_count(text, count);

	/* RFC 1939 5: "nn mm", and whatever may follow after a space. */
	if (p == NULL || *p != ' ' || (p = parse_count(p + 1, octets)) == NULL)
		return -1;
	return *p == '\0' || *p == ' ' ? 0 : -1;
}

int
pop3_stat(struct pop3 *p, unsigned long *count, unsigned long *octets)
{
	if (pop3_command(p, "STAT") == -1)
		return -1;
	if (p->ok && pop3_parse_stat(p->text, count, octets) == -1)
		return errorf(p->error, sizeof(p->error),
			      "malformed STAT answer");
	return 0;
}

struct uidl_ctx {
	struct pop3_msg *msgs;
	size_t max;
	size_t n;
};

static int
uidl_line(void *arg, const char *line, size_t len)
{
	struct uidl_ctx *u = arg;
	struct pop3_msg *m;
	const char *rest;
	char uid[72];
	int used = 0;

	(void)len;
	if (u->n == u->max)
		return 0; /* more messages than we look at */
	m = &u->msgs[u->n];
	if ((rest = parse_count(line, &m->num)) == NULL || *rest != ' ' ||
	    sscanf(rest + 1, "%71s%n", uid, &used) != 1 ||
	    rest[1 + used] != '\0')
		return -1;
	memcpy(m->uid, uid, sizeof(m->uid));
	u->n++;
	return 0;
}

int
pop3_uidl(struct pop3 *p, struct pop3_msg *msgs, size_t max, size_t *n)
{
	struct uidl_ctx u = {msgs, max, 0};

	*n = 0;
	if (pop3_command(p, "UIDL") == -1)
		return -1;
	if (!p->ok)
		return 0;
	if (read_multi(p, NULL, 0, uidl_line, &u) == -1)
		return -1;
	*n = u.n;
	return 0;
}

int
pop3_top(struct pop3 *p, unsigned long num, unsigned lines, struct buf *out)
{
	buf_reset(out);
	if (pop3_command(p, "TOP %lu %u", num, lines) == -1)
		return -1;
	return p->ok ? read_multi(p, out, out->max, NULL, NULL) : 0;
}

int
pop3_retr(struct pop3 *p, unsigned long num, struct buf *out)
{
	buf_reset(out);
	if (pop3_command(p, "RETR %lu", num) == -1)
		return -1;
	return p->ok ? read_multi(p, out, out->max, NULL, NULL) : 0;
}

int
pop3_quit(struct pop3 *p)
{
	const struct deadline *saved = p->conn.deadline;
	struct deadline quit;
	int rc = -1;

	if (p->connected && p->net == NET_OK) {
		deadline_start(&quit, deadline_left(saved) < QUIT_WAIT_S
					  ? deadline_left(saved)
					  : QUIT_WAIT_S);
		p->conn.deadline = &quit;
		rc = pop3_command(p, "QUIT") == 0 && p->ok ? 0 : -1;
		p->conn.deadline = saved;
	}
	if (p->connected)
		net_close(&p->conn);
	p->connected = false;
	return rc;
}

void
pop3_free(struct pop3 *p)
{
	if (p->connected)
		net_close(&p->conn);
	p->connected = false;
	buf_free(&p->transcript);
}
