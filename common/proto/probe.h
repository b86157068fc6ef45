/*
 * probe.h - end-to-end probes: a message carrying a token that a check
 * sends, finds again in a mailbox (over POP3 or IMAP: nothing here knows
 * which), and deletes; and the parsing of what the delivered headers say
 * about the route it took.
 *
 * A probe's token is "v2 TIME END NONCE MAC": made at TIME by a run that
 * ends by END (Unix seconds, its deadline rounded up), NONCE 128 random
 * bits, MAC an HMAC-SHA256 keyed with the mailbox's password over the
 * rest and over the message it was made for: that message's Message-ID
 * and the digest of its body.  So a message is one of our probes only
 * when its token verifies with the Message-ID and body it came with (a
 * copy of the header in another message verifies nowhere), and a probe
 * is stale, ours to sweep, only once the run that sent it has ended.
 */
#ifndef IMSCHECK_PROBE_H
#define IMSCHECK_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#define PROBE_HEADER	   "X-Imscheck-Probe"
#define PROBE_FIELD_MAX	   256
#define PROBE_RECEIVED_MAX 16
#define PROBE_RCPT_MAX	   8
#define PROBE_MESSAGE_MAX  (1024 * 1024) /* a probe, delivered, at most */
#define PROBE_DIGEST_LEN   32		 /* SHA-256 of a body */
#define PROBE_HEX_LEN	   32		 /* the nonce's and the MAC's digits */

struct probe_token {
	long long time;		       /* Unix seconds when it was made */
	long long end;		       /* when the run that made it ends */
	char nonce[PROBE_HEX_LEN + 1]; /* 128 random bits in hex */
	char mac[PROBE_HEX_LEN + 1];   /* 128 bits of the HMAC in hex */
};

struct probe {
	struct probe_token tk;
	char message_id[PROBE_FIELD_MAX]; /* as probe_message() wrote them */
	char token[128];		  /* the header's value */
};

/* Make a probe for a run that ends by end (Unix seconds). */
int probe_new(struct probe *pr, long long end);

/*
 * The message to send (headers and body, CRLF line ends, ready for DATA),
 * its Message-ID and its token (in pr), the token keyed with key: the
 * secret of the mailbox it is meant for.
 */
int probe_message(struct probe *pr, const char *key, const char *from,
		  const char *to, const char *domain, struct buf *out);

/*
 * A token header's value taken apart (white space after it ignored): 0,
 * or -1 when it is not one.
 */
int probe_token_parse(const char *value, struct probe_token *tk);

/* Whether the run that made tk has ended by now (Unix seconds). */
bool probe_token_ended(const struct probe_token *tk, double now);

/*
 * The digest of a message body as the token binds it: SHA-256 over the
 * body in the "simple" canonical form of DKIM (RFC 6376 3.4.3: CRLF line
 * ends, trailing empty lines dropped), so that a body fetched with LF
 * lines (POP3, unstuffed here) or CRLF (IMAP) digests alike.
 */
void probe_body_digest(const char *body, size_t len,
		       unsigned char digest[PROBE_DIGEST_LEN]);

/*
 * Whether tk was made with key for the message with this Message-ID (the
 * header's value; surrounding white space ignored) and body digest.
 */
bool probe_verify(const struct probe_token *tk, const char *key,
		  const char *message_id,
		  const unsigned char digest[PROBE_DIGEST_LEN]);

/*
 * One Received header, taken apart.  The sending host's address comes
 * from wherever its MTA writes it: "from [192.0.2.1]" (Exim without host
 * lookups), "(name [192.0.2.1])" (Postfix, Sendmail, OpenSMTPD; "IPv6:"
 * before an IPv6 address), "(192.0.2.1)" (Exchange, qmail), "([addr])"
 * (Exim, Sendmail without a name); addresses in canonical form, without
 * brackets and prefixes.
 */
struct received {
	char from[PROBE_FIELD_MAX];	 /* as written: a name or "[addr]" */
	char from_name[PROBE_FIELD_MAX]; /* the name beside the address */
	char from_helo[PROBE_FIELD_MAX]; /* "helo=" (Exim), "HELO" (qmail) */
	char from_ip[48];
	char by[PROBE_FIELD_MAX];
	char by_ip[48];		    /* "by name (addr)" (Exchange) */
	char for_[PROBE_FIELD_MAX]; /* without the angle brackets */
};

/* What the delivered headers say, top (last hop) first. */
struct probe_headers {
	char token[PROBE_FIELD_MAX];	  /* the first token header's value */
	char message_id[PROBE_FIELD_MAX]; /* the first Message-ID's */
	char delivered_to[PROBE_RCPT_MAX][PROBE_FIELD_MAX];
	size_t ndelivered_to;
	char original_to[PROBE_RCPT_MAX][PROBE_FIELD_MAX];
	size_t noriginal_to;
	struct received received[PROBE_RECEIVED_MAX];
	size_t nreceived;
	size_t body; /* where the body begins in the message parsed */
};

/*
 * Parse the header section of a message (up to the first empty line;
 * folded lines unfolded).  Returns 0, or -1 when there is no header
 * section at all.
 */
int probe_parse_headers(const char *msg, size_t len, struct probe_headers *h);

/*
 * Parse one Received header's value (up to the ";" before its date):
 * 0, or -1 when it ends inside a comment, a literal, an <address> or a
 * quoted string (what was read before is kept).
 */
int probe_parse_received(const char *value, struct received *r);

/*
 * Whether a hop names host (a name, without case and a final dot, or an
 * address in any form) as its receiver (by, or by's address) or as its
 * sender: the from name, the name beside the address, the HELO name, or
 * the address.
 */
bool probe_hop_names(const struct received *r, const char *host);

/* What a whole message (headers, empty line, body) is to a key's owner. */
enum probe_verdict {
	PROBE_NONE,    /* it carries no token */
	PROBE_FOREIGN, /* a token not made with the key for this message */
	PROBE_OURS,    /* a token made with the key for this very message */
};

/*
 * Judge a whole message, CRLF or LF lines: its headers into h, its token
 * (when it parses) into tk.
 */
enum probe_verdict probe_verify_message(const char *msg, size_t len,
					const char *key,
					struct probe_headers *h,
					struct probe_token *tk);

#endif
