/*
 * imap.h - the client side of IMAP4rev1 (RFC 3501) as a checker needs it:
 * CAPABILITY, STARTTLS (CAPABILITY again after TLS), LOGIN (never when
 * LOGINDISABLED), AUTHENTICATE PLAIN (SASL-IR, RFC 4959, when listed),
 * SELECT/EXAMINE, STATUS, GETQUOTAROOT (RFC 9208), UID SEARCH HEADER,
 * UID FETCH BODY.PEEK[HEADER], UID STORE, UID EXPUNGE (UIDPLUS, RFC 4315)
 * and LOGOUT.
 *
 * A response line is classified by a function over bytes (imap_parse_line,
 * with imap_literal_at_end for the "{n}" that may end it), for tests and
 * fuzzing.  A literal announced larger than IMAP_LITERAL_MAX is an error
 * at once: it is never read, nothing is allocated for it.
 */
#ifndef IMSCHECK_IMAP_H
#define IMSCHECK_IMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#include "proto/net.h"
#include "proto/tls.h"

#define IMAP_LITERAL_MAX    (1024 * 1024) /* the largest literal read */
#define IMAP_LITERALS_MAX   16		  /* literals in one response */
#define IMAP_UNTAGGED_MAX   10000 /* untagged responses to one command */
#define IMAP_RESPONSE_MAX   16384 /* a response's lines, literals left out */
#define IMAP_SEARCH_MAX	    64	  /* UIDs of a SEARCH kept */
#define IMAP_HEADER_MAX	    65536 /* of a header section, what is fetched */
#define IMAP_TEXT_MAX	    (NET_LINE_MAX + 1)
#define IMAP_TRANSCRIPT_MAX 16384
#define IMAP_ARG_MAX	    1024 /* a string argument we send */

enum imap_kind {
	IMAP_TAGGED,   /* "A001 OK ..." */
	IMAP_UNTAGGED, /* "* ..." */
	IMAP_CONTINUE, /* "+ ..." */
};

/* The status of a tagged response, or of an untagged status response. */
enum imap_status {
	IMAP_NONE = 0, /* untagged data: "* 3 EXISTS", "* CAPABILITY ..." */
	IMAP_OK,
	IMAP_NO,
	IMAP_BAD,
	IMAP_BYE,
	IMAP_PREAUTH,
};

struct imap_line {
	enum imap_kind kind;
	const char *tag; /* of a tagged response, not NUL-terminated */
	size_t taglen;
	enum imap_status status;
	/*
	 * After the status and its space (a status response), after "* "
	 * (untagged data) or after "+" and its space (a continuation); up to
	 * the end of the line, a literal's announcement included.
	 */
	const char *text;
	size_t textlen;
	bool literal;	    /* the line ends with "{n}" or "{n+}" */
	bool literal_plus;  /* "{n+}" (RFC 7888) */
	size_t literal_len; /* n, at most 4294967295 (RFC 3501 number) */
};

/*
 * Classify one line (without CRLF): 0, or -1 when it is no IMAP response
 * (no tag, a tagged line without OK/NO/BAD, a malformed literal).
 */
int imap_parse_line(const char *line, size_t len, struct imap_line *out);

/*
 * Whether line ends with a literal's announcement "{n}" or "{n+}": 1 (n
 * in *n), 0 when not, -1 when it looks like one but n is no number or
 * does not fit 32 bits.
 */
int imap_literal_at_end(const char *line, size_t len, size_t *n, bool *plus);

struct imap_caps {
	bool imap4rev1;
	bool starttls;
	bool logindisabled;
	bool auth_plain;
	bool sasl_ir;
	bool uidplus;
	bool quota;
	bool literal_plus; /* LITERAL+ (RFC 7888): literals need no "+" */
};

/* Parse a capability list ("IMAP4rev1 STARTTLS AUTH=PLAIN ...") into c. */
void imap_caps_parse(const char *text, size_t len, struct imap_caps *c);

/* What SELECT, EXAMINE or STATUS told of a mailbox. */
struct imap_mailbox {
	bool read_write; /* [READ-WRITE] */
	bool have_exists, have_uidvalidity, have_uidnext;
	unsigned long exists, uidvalidity, uidnext;
};

struct imap_quota {
	bool have_storage;
	unsigned long long storage_used, storage_limit; /* KiB */
};

struct imap {
	struct conn conn;
	bool connected;
	unsigned tagno; /* the last tag sent, A001 the first */
	/* The last command's answer: its tagged status, or BYE. */
	enum imap_status status;
	char text[IMAP_TEXT_MAX]; /* its text */
	bool bye;		  /* the server said BYE: the session is over */
	bool broken; /* a response failed: nothing more is sent, not LOGOUT */
	struct imap_caps caps;
	bool caps_known; /* a CAPABILITY response (or code) was seen */
	struct imap_mailbox box;
	struct imap_quota quota;
	unsigned long search[IMAP_SEARCH_MAX]; /* UIDs a SEARCH answered */
	size_t nsearch;			       /* kept in search[] */
	size_t search_total;		       /* answered */
	struct buf *fetch_out; /* where UID FETCH puts the header */
	unsigned long fetch_uid;
	bool fetch_whole;     /* BODY[], not BODY[HEADER] */
	bool fetched;	      /* the literal for fetch_uid came */
	bool fetch_cut;	      /* but not whole: over fetch_out's cap */
	bool literal_cut;     /* the literal kept in a response was cut */
	bool fetch_have_size; /* RFC822.SIZE came for fetch_uid */
	unsigned long fetch_size;
	size_t injected; /* bytes after STARTTLS's OK, before TLS: dropped */
	bool transcript_on;
	struct buf transcript;
	char error[512];
	enum net_status net;
	double greeting_seconds;
};

/*
 * Each call returns 0 when the command's answer was read (see i->status
 * and i->text: OK, NO, BAD, or BYE), -1 when the connection or the
 * protocol failed or a command was refused before it was sent (i->error).
 */
int imap_connect(struct imap *i, const char *host, unsigned port,
		 const struct net_opts *opts, const struct deadline *deadline);
/* The greeting: OK, PREAUTH or BYE into i->status. */
int imap_greeting(struct imap *i);
/* A command line (no CR, LF or literal in it) with its tag. */
int imap_command(struct imap *i, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int imap_capability(struct imap *i);
/* STARTTLS, the handshake, and CAPABILITY again (i->injected counted). */
int imap_starttls(struct imap *i, const struct tls_opts *o,
		  struct tls_info *info);
/*
 * LOGIN with both strings quoted, or sent as literals when they hold a
 * CR, LF, control or 8-bit byte; refused when the server said
 * LOGINDISABLED.  The transcript shows the password as "********".
 */
int imap_login(struct imap *i, const char *user, const char *password);
/* AUTHENTICATE PLAIN: the answer on the line with SASL-IR, else after "+". */
int imap_authenticate_plain(struct imap *i, const char *user,
			    const char *password);
/* SELECT (or EXAMINE when read_only) into i->box. */
int imap_select(struct imap *i, const char *mailbox, bool read_only);
/* STATUS (MESSAGES UIDNEXT UIDVALIDITY) into i->box. */
int imap_status(struct imap *i, const char *mailbox);
/* GETQUOTAROOT into i->quota (STORAGE, in KiB). */
int imap_getquotaroot(struct imap *i, const char *mailbox);
/*
 * UID SEARCH HEADER name value (UNDELETED too, when asked) into
 * i->search: the highest IMAP_SEARCH_MAX UIDs, the newest messages.
 */
int imap_search_header(struct imap *i, const char *name, const char *value,
		       bool undeleted);
/*
 * UID FETCH uid (RFC822.SIZE BODY.PEEK[HEADER]<0.IMAP_HEADER_MAX>) into
 * out (cut at its cap): i->fetched says whether the server sent it,
 * i->fetch_cut whether it is not whole (a header section of
 * IMAP_HEADER_MAX or more counts as cut: no larger literal is asked
 * for), i->fetch_have_size whether it said the message's size
 * (i->fetch_size).
 */
int imap_fetch_header(struct imap *i, unsigned long uid, struct buf *out);
/* UID FETCH uid BODY.PEEK[]: the whole message, as imap_fetch_header. */
int imap_fetch_message(struct imap *i, unsigned long uid, struct buf *out);
/* UID STORE uid +FLAGS.SILENT (\Deleted). */
int imap_store_deleted(struct imap *i, unsigned long uid);
/* UID EXPUNGE uid; refused without UIDPLUS. */
int imap_uid_expunge(struct imap *i, unsigned long uid);
/* LOGOUT (a bounded wait) and close. */
int imap_logout(struct imap *i);
/* Close without LOGOUT.  Frees. */
void imap_free(struct imap *i);

const char *imap_status_name(enum imap_status s);

#endif
