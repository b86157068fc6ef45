/*
 * pop3.h - the client side of POP3 (RFC 1939) as a checker needs it, with
 * CAPA (RFC 2449), STLS (RFC 2595, only when CAPA lists it, CAPA again
 * after TLS) and implicit TLS: USER/PASS, STAT, UIDL, LIST, TOP, RETR
 * with dot-unstuffing and a size cap, DELE and QUIT.
 *
 * The status line and the multi-line parsers are functions over bytes
 * (pop3_status, pop3_multi_feed), for tests and fuzzing.
 */
#ifndef IMSCHECK_POP3_H
#define IMSCHECK_POP3_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#include "proto/net.h"
#include "proto/tls.h"

#define POP3_TEXT_MAX	    512
#define POP3_TRANSCRIPT_MAX 16384
#define POP3_LINES_MAX	    100000 /* lines of one multi-line response */

/*
 * A status line: 1 for "+OK", 0 for "-ERR" (each alone or followed by a
 * space and text, which *text points to), -1 for anything else.
 */
int pop3_status(const char *line, size_t len, const char **text);

/* A multi-line response being read: lines until the lone ".". */
struct pop3_multi {
	size_t lines;
	size_t bytes; /* of the unstuffed lines, CRLF counted as 2 */
	size_t max_bytes;
	bool done;
};

/*
 * Take one line (without CRLF) of a multi-line response: returns 1 for the
 * terminating ".", 0 for a data line (dot-unstuffed in place, *len
 * adjusted), -1 when the response exceeds its caps.
 */
int pop3_multi_feed(struct pop3_multi *m, char *line, size_t *len);

struct pop3_caps {
	bool capa; /* the server answered CAPA */
	bool stls;
	bool top;
	bool uidl;
	bool user;
	bool pipelining;
};

struct pop3 {
	struct conn conn;
	bool connected;
	bool ok;		  /* the last response was +OK */
	char text[POP3_TEXT_MAX]; /* its text */
	struct pop3_caps caps;
	bool transcript_on;
	struct buf transcript;
	char error[512];
	enum net_status net;
	double greeting_seconds;
};

/* A message as STAT, LIST or UIDL tells of it. */
struct pop3_msg {
	unsigned long num;
	unsigned long size;
	char uid[72];
};

/*
 * Each call returns 0 when a response was read (+OK or -ERR: see p->ok and
 * p->text), -1 when the connection or the protocol failed (p->error).
 */
int pop3_connect(struct pop3 *p, const char *host, unsigned port,
		 const struct net_opts *opts, const struct deadline *deadline);
int pop3_greeting(struct pop3 *p);
int pop3_command(struct pop3 *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* CAPA into p->caps; a -ERR leaves the caps empty. */
int pop3_capa(struct pop3 *p);
/* STLS, the handshake, and CAPA again. */
int pop3_stls(struct pop3 *p, const struct tls_opts *o, struct tls_info *info);
/* USER and PASS; the transcript shows PASS masked. */
int pop3_login(struct pop3 *p, const char *user, const char *password);
/*
 * STAT's text after "+OK": two decimal numbers (nothing signed, nothing
 * that does not fit), maybe more after a space.  0, or -1 when malformed.
 */
int pop3_parse_stat(const char *text, unsigned long *count,
		    unsigned long *octets);
int pop3_stat(struct pop3 *p, unsigned long *count, unsigned long *octets);
/* UIDL of every message into msgs (at most max); *n messages. */
int pop3_uidl(struct pop3 *p, struct pop3_msg *msgs, size_t max, size_t *n);
/* TOP n 0 or RETR n into out (headers and body, unstuffed, LF-ended). */
int pop3_top(struct pop3 *p, unsigned long num, unsigned lines,
	     struct buf *out);
int pop3_retr(struct pop3 *p, unsigned long num, struct buf *out);
/* QUIT (a bounded wait: deletions commit here) and close. */
int pop3_quit(struct pop3 *p);
/* Close without QUIT: deletions are not committed.  Frees. */
void pop3_free(struct pop3 *p);

#endif
