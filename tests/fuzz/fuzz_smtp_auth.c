/*
 * fuzz_smtp_auth.c - an AUTH exchange against whatever a server answers:
 * the first byte picks LOGIN ('L') or PLAIN (anything else), the rest is
 * the server's side.  It must end after a bounded number of lines, and
 * no line the transcript shows as ours may hold the password or its
 * base64 (what a server echoes is another matter: its own text).
 */
#include <stdlib.h>
#include <string.h>

#include "proto/smtp.h"

#include "../unit/memconn.h"
#include "fuzz.h"

#define USER	 "fuzz@lab.test"
#define PASSWORD "fuzz-secret-Zm9v"
/* base64 of PASSWORD alone (LOGIN) and of NUL USER NUL PASSWORD (PLAIN) */
#define PASSWORD_B64 "ZnV6ei1zZWNyZXQtWm05dg=="
#define PLAIN_B64    "AGZ1enpAbGFiLnRlc3QAZnV6ei1zZWNyZXQtWm05dg=="

static size_t
lines_sent(const struct buf *out)
{
	size_t n = 0;

	for (size_t i = 0; i < out->len; i++)
		n += out->data[i] == '\n';
	return n;
}

/* Whether a "C: " line of the transcript t shows secret. */
static bool
ours_show(const char *t, const char *secret)
{
	for (const char *p = strstr(t, secret); p; p = strstr(p + 1, secret)) {
		const char *line = p;

		while (line > t && line[-1] != '\n')
			line--;
		if (strncmp(line, "C: ", 3) == 0)
			return true;
	}
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned mech =
	    size > 0 && data[0] == 'L' ? SMTP_AUTH_LOGIN : SMTP_AUTH_PLAIN;
	const char *t;
	struct deadline d;
	struct memconn m;
	struct smtp s = {0};

	if (size > 0) {
		data++;
		size--;
	}
	deadline_start(&d, 5);
	memconn_open(&s.conn, &m, (const char *)data, size, &d);
	s.connected = true;
	s.transcript_on = true;
	buf_init(&s.transcript, SMTP_TRANSCRIPT_MAX);
	smtp_auth(&s, mech, USER, PASSWORD);
	t = buf_str(&s.transcript);
	/* the command, the answers, then at most one "*" */
	if (lines_sent(&m.out) > 4 || ours_show(t, PASSWORD) ||
	    ours_show(t, PASSWORD_B64) || ours_show(t, PLAIN_B64))
		abort();
	net_close(&s.conn);
	buf_free(&s.transcript);
	buf_free(&m.out);
	return 0;
}
