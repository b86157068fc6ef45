/*
 * probe.h - end-to-end probes: a message carrying a unique token that a
 * check sends, finds again in a POP3 mailbox, and deletes; and the
 * parsing of what the delivered headers say about the route it took.
 *
 * A probe's token is "v1 TIME NONCE MAC", the MAC an HMAC-SHA256 of the
 * rest keyed with the mailbox's password: a check can prove that a stale
 * probe left by an earlier run is its own, and deletes nothing whose MAC
 * does not verify, whatever its headers look like.
 */
#ifndef IMSCHECK_PROBE_H
#define IMSCHECK_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#include "proto/pop3.h"

#define PROBE_HEADER	   "X-Imscheck-Probe"
#define PROBE_FIELD_MAX	   256
#define PROBE_RECEIVED_MAX 16
#define PROBE_RCPT_MAX	   8
#define PROBE_MESSAGE_MAX  (1024 * 1024) /* RETR of a probe at most */
#define PROBE_HEADERS_MAX  (64 * 1024)	 /* TOP n 0 at most */

struct probe {
	long long time;	 /* Unix seconds when it was made */
	char nonce[33];	 /* 128 random bits in hex */
	char token[128]; /* the header's value */
};

/* Make a probe; key is the secret of the mailbox it is meant for. */
int probe_new(struct probe *pr, const char *key);
/*
 * Check a header value: 1 when it is a token made with key (its time and
 * nonce then in *time and nonce[33]), 0 when it is not.
 */
int probe_verify(const char *value, const char *key, long long *time,
		 char *nonce);

/* The message to send: headers and body, CRLF line ends, ready for DATA. */
int probe_message(const struct probe *pr, const char *from, const char *to,
		  const char *domain, struct buf *out);

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
	char token[PROBE_FIELD_MAX];
	char message_id[PROBE_FIELD_MAX];
	char delivered_to[PROBE_RCPT_MAX][PROBE_FIELD_MAX];
	size_t ndelivered_to;
	char original_to[PROBE_RCPT_MAX][PROBE_FIELD_MAX];
	size_t noriginal_to;
	struct received received[PROBE_RECEIVED_MAX];
	size_t nreceived;
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

#endif
