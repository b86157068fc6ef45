/*
 * smtp.h - the client side of RFC 5321 as a checker needs it: replies,
 * EHLO with the HELO fallback, capabilities, STARTTLS (RFC 3207), AUTH
 * (RFC 4954: PLAIN, RFC 4616, and LOGIN), MAIL, RCPT, RSET and QUIT, with
 * a transcript for -vvv that never shows credentials; and DATA, which only
 * the end-to-end probes use (the relay, smarthost and submission checks
 * never do).
 *
 * The reply parser is a function over bytes (smtp_reply_feed), so that it
 * can be tested and fuzzed without a server.
 */
#ifndef IMSCHECK_SMTP_H
#define IMSCHECK_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#include "proto/net.h"
#include "proto/sasl.h"
#include "proto/tls.h"

#define SMTP_REPLY_LINES_MAX 100  /* lines of one multi-line reply */
#define SMTP_TEXT_MAX	     2048 /* reply text kept, lines joined by LF */
#define SMTP_TRANSCRIPT_MAX  16384

struct smtp_reply {
	int code; /* 0 until the first line */
	size_t nlines;
	bool done;
	char text[SMTP_TEXT_MAX]; /* each line's text after the code */
	size_t textlen;
};

/*
 * Add one reply line (without CRLF) to r.  Returns 1 when the reply is
 * complete, 0 when another line must follow, -1 when the line breaks
 * RFC 5321 (no code, mixed codes, too many lines), with the reason in err.
 */
int smtp_reply_feed(struct smtp_reply *r, const char *line, size_t len,
		    char *err, size_t errlen);
void smtp_reply_clear(struct smtp_reply *r);
/* The first line of the reply: "550 5.7.1 <x>: Sender address rejected". */
void smtp_reply_line(const struct smtp_reply *r, char *out, size_t size);

/* SASL mechanisms an AUTH capability lists (smtp_caps.auth_mechs). */
enum {
	SMTP_AUTH_PLAIN = 1 << 0, /* RFC 4616 */
	SMTP_AUTH_LOGIN = 1 << 1, /* draft-murchison-sasl-login */
	SMTP_AUTH_OTHER = 1 << 2, /* any other: CRAM-MD5, SCRAM-SHA-256, ... */
};

/* The longest user name or password smtp_auth() sends. */
#define SMTP_AUTH_FIELD_MAX SASL_FIELD_MAX

struct smtp_caps {
	bool esmtp; /* the server answered EHLO */
	bool starttls;
	bool pipelining;
	bool eightbitmime;
	bool smtputf8;
	bool enhanced; /* ENHANCEDSTATUSCODES */
	bool size_given;
	unsigned long size;
	char auth[128];	     /* the AUTH mechanisms, "" if none */
	unsigned auth_mechs; /* the same as SMTP_AUTH_* bits, 0 if none */
};

/* The capabilities in an EHLO reply (every line after the first). */
void smtp_caps_parse(const struct smtp_reply *r, struct smtp_caps *caps);

/* The SMTP_AUTH_* bits of a mechanism list: "PLAIN LOGIN CRAM-MD5". */
unsigned smtp_auth_mechs(const char *list, size_t len);

/* "PLAIN" or "LOGIN": the name of one SMTP_AUTH_* bit. */
const char *smtp_auth_name(unsigned mech);

struct smtp {
	struct conn conn;
	bool connected;
	struct smtp_reply reply; /* the last reply */
	struct smtp_caps caps;
	bool helo; /* EHLO was refused and HELO said instead */
	bool transcript_on;
	struct buf transcript; /* "C: ..." and "S: ..." lines */
	char error[512];       /* why the last call returned -1 */
	enum net_status net;   /* how the connection ended, if it did */
	double greeting_seconds;
	char greeting_name[256]; /* the 220's first word: the name it gives */
	char ehlo_name[256];	 /* the same of the EHLO (or HELO) reply */
};

/*
 * Every call below returns 0 when a reply was read (whatever its code;
 * see s->reply), or -1 when the connection or the protocol failed, with
 * the reason in s->error.
 */
int smtp_connect(struct smtp *s, const char *host, unsigned port,
		 const struct net_opts *opts, const struct deadline *deadline);
/* Read the greeting (after smtp_connect, or after implicit TLS). */
int smtp_greeting(struct smtp *s);
/* Send one command line (no CR or LF in it) and read the reply. */
int smtp_command(struct smtp *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* EHLO, and HELO when EHLO is answered 500 or 502; fills s->caps. */
int smtp_ehlo(struct smtp *s, const char *name);
/*
 * STARTTLS: the command, the handshake, and EHLO again.  Bytes the server
 * sent in plaintext after its 220 are dropped, and counted in *injected.
 * Returns 0 with s->reply holding a non-220 answer to STARTTLS, or with
 * TLS running and s->reply the new EHLO reply; -1 when anything failed.
 */
int smtp_starttls(struct smtp *s, const char *ehlo, const struct tls_opts *o,
		  struct tls_info *info, size_t *injected);
/*
 * AUTH with one mechanism: SMTP_AUTH_PLAIN (the credentials as the initial
 * response, RFC 4616) or SMTP_AUTH_LOGIN (the user name, then the
 * password, each the answer to a 334).  Base64 is no encryption: call it
 * only once TLS runs.  The transcript shows every answer as "********".
 * Returns 0 with s->reply the server's verdict (235: authenticated; 535:
 * refused; ...), or -1 when the connection failed, a field is longer than
 * SMTP_AUTH_FIELD_MAX, or the server asked for more than the mechanism
 * has to say (the exchange is then cancelled with "*", RFC 4954 4).
 */
int smtp_auth(struct smtp *s, unsigned mech, const char *user,
	      const char *password);
/*
 * DATA, the message (CRLF line ends; dot-stuffed here) and the final dot.
 * s->reply is the answer to the DATA command when it was not 354, else the
 * answer to the message.
 */
int smtp_data(struct smtp *s, const char *message, size_t len);

/* QUIT, a bounded wait for its answer, and close; also after failures. */
void smtp_close(struct smtp *s);
/* Close if still open, and free the transcript. */
void smtp_free(struct smtp *s);

/*
 * The name to greet with when none is given: the host name, with the
 * domain appended when the host name has no dot.
 */
void smtp_default_ehlo(char *out, size_t size, const char *domain);

/* 2 for 2xx and so on; 0 when there is no reply. */
int smtp_class(const struct smtp *s);

#endif
