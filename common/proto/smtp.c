/*
 * smtp.c - the SMTP client side of a checker.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "proto/smtp.h"

#include "core/diag.h"

#define QUIT_WAIT_S	1.0  /* how long QUIT's answer is awaited at most */
#define LINE_MAX_OUT	1024 /* a command line we send, CRLF included */
#define AUTH_MASK	"********"
#define AUTH_ANSWER_MAX SASL_ANSWER_MAX

void
smtp_reply_clear(struct smtp_reply *r)
{
	r->code = 0;
	r->nlines = 0;
	r->done = false;
	r->text[0] = '\0';
	r->textlen = 0;
}

/* Keep a line's text, joined to the previous ones by LF, cut at the cap. */
static void
reply_keep(struct smtp_reply *r, const char *text, size_t len)
{
	size_t room = sizeof(r->text) - 1 - r->textlen;

	if (r->nlines > 1 && room > 0) {
		r->text[r->textlen++] = '\n';
		room--;
	}
	if (len > room)
		len = room;
	memcpy(r->text + r->textlen, text, len);
	r->textlen += len;
	r->text[r->textlen] = '\0';
}

int
smtp_reply_feed(struct smtp_reply *r, const char *line, size_t len, char *err,
		size_t errlen)
{
	int code;

	if (r->done)
		smtp_reply_clear(r);
	/* Reply-code: %x32-35 %x30-35 %x30-39 (RFC 5321 4.2) */
	if (len < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' ||
	    line[1] > '5' || line[2] < '0' || line[2] > '9')
		return errorf(err, errlen, "not an SMTP reply line");
	if (len > 3 && line[3] != ' ' && line[3] != '-')
		return errorf(err, errlen, "not an SMTP reply line");
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	if (r->code != 0 && code != r->code)
		return errorf(err, errlen,
			      "mixed codes in one reply (%d, then %d)", r->code,
			      code);
	if (++r->nlines > SMTP_REPLY_LINES_MAX)
		return errorf(err, errlen, "reply longer than %d lines",
			      SMTP_REPLY_LINES_MAX);
	r->code = code;
	reply_keep(r, len > 4 ? line + 4 : "", len > 4 ? len - 4 : 0);
	r->done = len == 3 || line[3] == ' ';
	return r->done ? 1 : 0;
}

void
smtp_reply_line(const struct smtp_reply *r, char *out, size_t size)
{
	const char *nl = strchr(r->text, '\n');
	int n = nl ? (int)(nl - r->text) : (int)r->textlen;

	if (r->code == 0)
		snprintf(out, size, "no reply");
	else
		snprintf(out, size, "%d%s%.*s", r->code, n ? " " : "", n,
			 r->text);
}

/* Does the keyword start this capability line (case-insensitive)? */
static bool
cap_is(const char *line, size_t len, const char *kw, const char **param)
{
	size_t n = strlen(kw);

	if (len < n || strncasecmp(line, kw, n) != 0 ||
	    (len > n && line[n] != ' ' && line[n] != '='))
		return false;
	*param = len > n ? line + n + 1 : line + len;
	return true;
}

void
smtp_caps_parse(const struct smtp_reply *r, struct smtp_caps *caps)
{
	const char *line = r->text, *end = r->text + r->textlen, *param;

	memset(caps, 0, sizeof(*caps));
	caps->esmtp = true;
	/* The first line is the server's name and greeting. */
	line = memchr(line, '\n', (size_t)(end - line));
	while (line != NULL && line < end) {
		const char *next;
		size_t len;

		line++;
		next = memchr(line, '\n', (size_t)(end - line));
		len = (size_t)((next ? next : end) - line);
		if (cap_is(line, len, "STARTTLS", &param))
			caps->starttls = true;
		else if (cap_is(line, len, "PIPELINING", &param))
			caps->pipelining = true;
		else if (cap_is(line, len, "8BITMIME", &param))
			caps->eightbitmime = true;
		else if (cap_is(line, len, "SMTPUTF8", &param))
			caps->smtputf8 = true;
		else if (cap_is(line, len, "ENHANCEDSTATUSCODES", &param))
			caps->enhanced = true;
		else if (cap_is(line, len, "SIZE", &param)) {
			caps->size_given = true;
			caps->size = strtoul(param, NULL, 10);
		} else if (cap_is(line, len, "AUTH", &param)) {
			size_t n = len - (size_t)(param - line);

			snprintf(caps->auth, sizeof(caps->auth), "%.*s", (int)n,
				 param);
			caps->auth_mechs |= smtp_auth_mechs(param, n);
		}
		line = next;
	}
}

unsigned
smtp_auth_mechs(const char *list, size_t len)
{
	const char *p = list, *end = list + len;
	unsigned mechs = 0;

	while (p < end) {
		const char *word = p;
		size_t n;

		while (p < end && *p != ' ')
			p++;
		n = (size_t)(p - word);
		if (n == 5 && strncasecmp(word, "PLAIN", 5) == 0)
			mechs |= SMTP_AUTH_PLAIN;
		else if (n == 5 && strncasecmp(word, "LOGIN", 5) == 0)
			mechs |= SMTP_AUTH_LOGIN;
		else if (n > 0)
			mechs |= SMTP_AUTH_OTHER;
		while (p < end && *p == ' ')
			p++;
	}
	return mechs;
}

const char *
smtp_auth_name(unsigned mech)
{
	return mech == SMTP_AUTH_PLAIN	 ? "PLAIN"
	       : mech == SMTP_AUTH_LOGIN ? "LOGIN"
					 : "?";
}

static void
transcript(struct smtp *s, const char *who, const char *line, size_t len)
{
	if (s->transcript_on)
		buf_append_line(&s->transcript, who, line, len);
}

/* Why the connection failed, as a phrase: "timeout", "connection closed". */
static int
net_failed(struct smtp *s, enum net_status st)
{
	s->net = st;
	net_why(&s->conn, st, s->error, sizeof(s->error));
	return -1;
}

static int
read_reply(struct smtp *s)
{
	char line[NET_LINE_MAX + 1], why[128];
	enum net_status st;
	size_t len;
	int rc;

	smtp_reply_clear(&s->reply);
	do {
		if ((st = net_read_line(&s->conn, line, sizeof(line), &len)) !=
		    NET_OK)
			return net_failed(s, st);
		transcript(s, "S: ", line, len);
		if ((rc = smtp_reply_feed(&s->reply, line, len, why,
					  sizeof(why))) == -1)
			return errorf(s->error, sizeof(s->error), "%s", why);
	} while (rc == 0);
	return 0;
}

int
smtp_connect(struct smtp *s, const char *host, unsigned port,
	     const struct net_opts *opts, const struct deadline *deadline)
{
	enum net_status st;

	smtp_reply_clear(&s->reply);
	buf_init(&s->transcript, SMTP_TRANSCRIPT_MAX);
	if ((st = net_connect(&s->conn, host, port, opts, deadline)) !=
	    NET_OK) {
		s->net = st;
		return errorf(s->error, sizeof(s->error), "%s",
			      st == NET_TIMEOUT && s->conn.error[0] == '\0'
				  ? "connect: timeout"
				  : s->conn.error);
	}
	s->connected = true;
	return 0;
}

/* The first word of a reply's first line: the name a server gives. */
static void
reply_name(const struct smtp_reply *reply, char *out, size_t size)
{
	size_t len = strcspn(reply->text, " \n");

	snprintf(out, size, "%.*s", (int)len, reply->text);
}

int
smtp_greeting(struct smtp *s)
{
	double started = mono_now();
	int rc = read_reply(s);

	s->greeting_seconds = mono_now() - started;
	if (rc == 0)
		reply_name(&s->reply, s->greeting_name,
			   sizeof(s->greeting_name));
	return rc;
}

/*
 * Send one command line (no CR or LF in it) and read the reply; the
 * transcript shows shown, which hides what must not be seen.  The copy
 * that went out is wiped: it may hold credentials.
 */
static int
send_command(struct smtp *s, const char *line, const char *shown)
{
	char out[LINE_MAX_OUT];
	size_t n = strlen(line);
	enum net_status st;

	if (n + 2 > sizeof(out) || strpbrk(line, "\r\n"))
		return errorf(s->error, sizeof(s->error),
			      "refusing to send a malformed command");
	transcript(s, "C: ", shown, strlen(shown));
	memcpy(out, line, n);
	memcpy(out + n, "\r\n", 2);
	st = net_write(&s->conn, out, n + 2);
	explicit_bzero(out, n + 2);
	if (st != NET_OK)
		return net_failed(s, st);
	return read_reply(s);
}

int
smtp_command(struct smtp *s, const char *fmt, ...)
{
	char line[LINE_MAX_OUT];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return errorf(s->error, sizeof(s->error),
			      "refusing to send a malformed command");
	return send_command(s, line, line);
}

int
smtp_ehlo(struct smtp *s, const char *name)
{
	memset(&s->caps, 0, sizeof(s->caps));
	s->helo = false;
	if (smtp_command(s, "EHLO %s", name) == -1)
		return -1;
	if (s->reply.code == 250) {
		smtp_caps_parse(&s->reply, &s->caps);
		reply_name(&s->reply, s->ehlo_name, sizeof(s->ehlo_name));
		return 0;
	}
	if (s->reply.code != 500 && s->reply.code != 502)
		return 0;
	s->helo = true;
	if (smtp_command(s, "HELO %s", name) == -1)
		return -1;
	reply_name(&s->reply, s->ehlo_name, sizeof(s->ehlo_name));
	return 0;
}

int
smtp_starttls(struct smtp *s, const char *ehlo, const struct tls_opts *o,
	      struct tls_info *info, size_t *injected)
{
	enum net_status st;

	*injected = 0;
	if (smtp_command(s, "STARTTLS") == -1)
		return -1;
	if (s->reply.code != 220)
		return 0;
	/* RFC 3207 5: nothing said before the handshake may be trusted. */
	*injected = net_buffered(&s->conn);
	net_discard(&s->conn);
	if ((st = tls_start(&s->conn, o, info)) != NET_OK)
		return net_failed(s, st);
	transcript(s, "-- ", "TLS started", 11);
	return smtp_ehlo(s, ehlo);
}

/*
 * What mech answers, in order, base64-encoded: PLAIN one initial
 * response (sasl_plain), LOGIN the user name and the password.  The
 * number of answers.
 */
static size_t
auth_answers(unsigned mech, const char *user, const char *password,
	     char answers[2][AUTH_ANSWER_MAX])
{
	if (mech == SMTP_AUTH_LOGIN) {
		sasl_base64(answers[0], user, strlen(user));
		sasl_base64(answers[1], password, strlen(password));
		return 2;
	}
	sasl_plain(answers[0], user, password);
	return 1;
}

int
smtp_auth(struct smtp *s, unsigned mech, const char *user, const char *password)
{
	char answers[2][AUTH_ANSWER_MAX], line[AUTH_ANSWER_MAX + 16];
	size_t n, next = 0;
	int rc;

	if (mech != SMTP_AUTH_PLAIN && mech != SMTP_AUTH_LOGIN)
		return errorf(s->error, sizeof(s->error),
			      "no such AUTH mechanism");
	if (strlen(user) > SMTP_AUTH_FIELD_MAX ||
	    strlen(password) > SMTP_AUTH_FIELD_MAX)
		return errorf(s->error, sizeof(s->error),
			      "user name or password longer than %d bytes",
			      SMTP_AUTH_FIELD_MAX);
	n = auth_answers(mech, user, password, answers);
	if (mech == SMTP_AUTH_PLAIN) {
		snprintf(line, sizeof(line), "AUTH PLAIN %.*s",
			 AUTH_ANSWER_MAX - 1, answers[next++]);
		rc = send_command(s, line, "AUTH PLAIN " AUTH_MASK);
	} else
		rc = send_command(s, "AUTH LOGIN", "AUTH LOGIN");
	while (rc == 0 && s->reply.code == 334 && next < n)
		rc = send_command(s, answers[next++], AUTH_MASK);
	if (rc == 0 && s->reply.code == 334) {
		/* More than the mechanism has to say: cancel the exchange. */
		send_command(s, "*", "*");
		rc = errorf(s->error, sizeof(s->error),
			    "the server asked for more than the "
			    "user name and password (334 after %zu answer%s)",
			    n, n == 1 ? "" : "s");
	}
	explicit_bzero(answers, sizeof(answers));
	explicit_bzero(line, sizeof(line));
	return rc;
}

int
smtp_data(struct smtp *s, const char *message, size_t len)
{
	struct buf out = BUF_INIT(2 * len + 8);
	const char *p = message, *end = message + len;
	enum net_status st;
	int rc = -1;

	if (smtp_command(s, "DATA") == -1)
		return -1;
	if (s->reply.code != 354)
		return 0;
	/* RFC 5321 4.5.2: a line that begins with a dot gets another. */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl + 1 : end) - p);

		if ((*p == '.' && buf_append(&out, ".", 1) == -1) ||
		    buf_append(&out, p, n) == -1)
			goto toolarge;
		p += n;
	}
	if ((out.len >= 2 && memcmp(out.data + out.len - 2, "\r\n", 2) != 0 &&
	     buf_append(&out, "\r\n", 2) == -1) ||
	    buf_append(&out, ".\r\n", 3) == -1)
		goto toolarge;
	transcript(s, "C: ", "(message)", 9);
	if ((st = net_write(&s->conn, out.data, out.len)) != NET_OK) {
		net_failed(s, st);
		goto done;
	}
	rc = read_reply(s);
	goto done;
toolarge:
	errorf(s->error, sizeof(s->error), "message too large");
done:
	buf_free(&out);
	return rc;
}

void
smtp_close(struct smtp *s)
{
	struct deadline quit;
	const struct deadline *saved = s->conn.deadline;

	if (s->connected && s->net == NET_OK) {
		/* The answer to QUIT is polite, not needed: wait briefly. */
		deadline_start(&quit, deadline_left(saved) < QUIT_WAIT_S
					  ? deadline_left(saved)
					  : QUIT_WAIT_S);
		s->conn.deadline = &quit;
		smtp_command(s, "QUIT");
		s->conn.deadline = saved;
	}
	if (s->connected)
		net_close(&s->conn);
	s->connected = false;
}

void
smtp_free(struct smtp *s)
{
	smtp_close(s);
	buf_free(&s->transcript);
}

void
smtp_default_ehlo(char *out, size_t size, const char *domain)
{
	char host[256] = "localhost";

	if (gethostname(host, sizeof(host) - 1) == -1 || host[0] == '\0')
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	if (strchr(host, '.') == NULL && domain != NULL && domain[0] != '\0')
		snprintf(out, size, "%s.%s", host, domain);
	else
		snprintf(out, size, "%s", host);
}

int
smtp_class(const struct smtp *s)
{
	return s->reply.code / 100;
}
