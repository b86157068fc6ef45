/*
 * fuzz_imap.c - IMAP responses: every line through imap_parse_line, then
 * the same bytes as a server's side of a session (greeting, CAPABILITY,
 * LOGIN with a password sent as a literal, SELECT, SEARCH, FETCH of a
 * header, GETQUOTAROOT, LOGOUT) on a connection over memory.  It must end,
 * keep no literal past its caps, and no line the transcript shows as ours
 * may hold the password.
 */
#include <stdlib.h>
#include <string.h>

#include "proto/imap.h"

#include "../unit/memconn.h"
#include "fuzz.h"

#define USER	 "fuzz@lab.test"
#define PASSWORD "fuzz\"secret" /* a quote: sent as a literal */

static void
parse_lines(const char *p, const char *end)
{
	struct imap_line l;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);

		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (imap_parse_line(p, len, &l) == 0 &&
		    (l.text < p || l.text + l.textlen > p + len ||
		     (l.literal && l.literal_len > 4294967295u)))
			abort();
		p = nl ? nl + 1 : end;
	}
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

static void
session(const char *data, size_t size)
{
	struct buf header = BUF_INIT(4096);
	struct deadline d;
	struct memconn m;
	struct imap i = {0};

	deadline_start(&d, 5);
	memconn_open(&i.conn, &m, data, size, &d);
	i.connected = true;
	i.transcript_on = true;
	buf_init(&i.transcript, IMAP_TRANSCRIPT_MAX);
	if (imap_greeting(&i) == 0 && imap_capability(&i) == 0) {
		i.caps.logindisabled = false;
		if (imap_login(&i, USER, PASSWORD) == 0 &&
		    imap_select(&i, "INBOX", false) == 0 &&
		    imap_search_header(&i, "X-Imscheck-Probe", "t\xe9", true) ==
			0 &&
		    imap_fetch_header(&i, i.nsearch ? i.search[0] : 1,
				      &header) == 0 &&
		    imap_fetch_message(&i, i.nsearch ? i.search[0] : 1,
				       &header) == 0)
			imap_getquotaroot(&i, "INBOX");
	}
	if (header.len > header.max || i.nsearch > IMAP_SEARCH_MAX ||
	    ours_show(buf_str(&i.transcript), PASSWORD))
		abort();
	imap_logout(&i);
	imap_free(&i);
	buf_free(&header);
	buf_free(&m.out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;

	parse_lines(p, p + size);
	session(p, size);
	return 0;
}
