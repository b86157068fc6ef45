/*
 * dns.h - DNS queries on c-ares 1.18, driven by our own poll loop under
 * the check's deadline.
 *
 * A struct dns holds one c-ares channel per server to be asked: c-ares
 * treats the servers of one channel as fallbacks, while a check must hear
 * each of them.  Without servers it holds one channel on the system's
 * resolver configuration.  Queries submitted to any channel run in
 * parallel; dns_wait() returns when all are answered or the deadline has
 * passed.  Each query keeps the rcode and AA flag of its answer, because
 * a checker must tell "no such domain" from "server failure".
 *
 * With q.dnssec a query carries EDNS0 with the DO bit (c-ares 1.18 sets
 * none, so dns.c builds the query and sends it with ares_send()); the
 * answer's AD flag and the RRSIGs of its answer section are kept.  The
 * resolver is trusted to validate: AD means what it says only from a
 * validating resolver on a secured path (localhost), as for Postfix's DANE.
 * A SERVFAIL to such a query is asked again with CD under the same
 * deadline; when that answers, the first was a validation failure and
 * the query ends DNS_BOGUS (the re-ask's records are not kept).
 */
#ifndef IMSCHECK_DNS_H
#define IMSCHECK_DNS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/addr.h"
#include "core/deadline.h"

#define DNS_NAME_MAX	255 /* text form, without the final dot */
#define DNS_RR_MAX	100 /* records kept from one answer */
#define DNS_SERVERS_MAX 8

enum dns_type {
	DNS_T_A = 1,
	DNS_T_PTR = 12,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
	DNS_T_RRSIG = 46,
	DNS_T_DNSKEY = 48, /* asked for its AD only: not kept */
	DNS_T_TLSA = 52,
};

enum dns_status {
	DNS_UNASKED,  /* initialised, never submitted */
	DNS_PENDING,  /* submitted, not answered (yet) */
	DNS_ANSWER,   /* NOERROR with records of the type asked */
	DNS_NODATA,   /* NOERROR without such records */
	DNS_NXDOMAIN, /* the name does not exist */
	DNS_SERVFAIL,
	DNS_REFUSED,
	DNS_TIMEOUT,  /* no answer: every try timed out, or the deadline */
	DNS_BADREPLY, /* FORMERR, another rcode, or an unparsable answer */
	DNS_FAILED,   /* could not ask at all */
	DNS_BOGUS,    /* dnssec: SERVFAIL, but answered with CD (validation) */
};

/*
 * One TXT record: its character-strings joined (RFC 7208 3.3), as bytes
 * (a record may hold a NUL), NUL-terminated for convenience.
 */
struct dns_txt {
	char *text;
	size_t len;
};

/* One record: an MX (pref, host), an address, or a PTR name. */
struct dns_rr {
	unsigned pref;
	char text[DNS_NAME_MAX + 1];
};

/* TLSA certificate usages (RFC 7218 names). */
enum dns_tlsa_usage {
	DNS_TLSA_PKIX_TA = 0,
	DNS_TLSA_PKIX_EE = 1,
	DNS_TLSA_DANE_TA = 2,
	DNS_TLSA_DANE_EE = 3,
};

/* One TLSA record (RFC 6698 2.1): usage, selector, matching type, data. */
struct dns_tlsa {
	unsigned usage, selector, mtype;
	unsigned char *data;
	size_t len;
};

/* One RRSIG record (RFC 4034 3.1), without its signature. */
struct dns_rrsig {
	enum dns_type covered; /* the type covered, as a number */
	unsigned algorithm, labels;
	unsigned long original_ttl;
	long long expiration, inception; /* Unix time (RFC 4034 3.1.5) */
	unsigned key_tag;
	char signer[DNS_NAME_MAX + 1];
};

struct dns_query {
	/* What to ask. */
	char name[DNS_NAME_MAX + 1];
	enum dns_type type;
	char addr[ADDR_TEXT_MAX]; /* for PTR: the address asked about */
	bool dnssec;		  /* EDNS0 OPT (payload 1232) with the DO bit */
	bool cd;		  /* checking disabled */

	/* What came back. */
	enum dns_status status;
	int rcode;
	bool aa;		      /* authoritative answer */
	bool ad;		      /* authenticated data */
	char cname[DNS_NAME_MAX + 1]; /* the owner after CNAMEs, "" if none */
	struct dns_rr *rr; /* sorted: MX by preference, others by text */
	size_t nrr;
	size_t dropped;	     /* records beyond DNS_RR_MAX */
	double seconds;	     /* from submit to answer */
	char error[96];	     /* what went wrong, for BADREPLY and FAILED */
	struct dns_txt *txt; /* DNS_T_TXT: the records, in answer order */
	size_t ntxt;
	struct dns_tlsa *tlsa; /* DNS_T_TLSA: the records, in answer order */
	size_t ntlsa;
	struct dns_rrsig *rrsig; /* the answer section's RRSIGs */
	size_t nrrsig;

	/* Private to dns.c. */
	struct dns *dns;
	size_t channel;
	double sent;
	bool reasked; /* the CD re-ask of a SERVFAIL is under way or done */
};

/*
 * Open channels for servers ("IP[:PORT]" forms, see addr_server()), or the
 * system resolver when nservers is 0.  Tries and timeouts come from the
 * deadline.  Returns NULL with the reason in err.
 */
struct dns *dns_open(const char *const *servers, size_t nservers,
		     const struct deadline *deadline, char *err, size_t errlen);
void dns_close(struct dns *dns);

size_t dns_channels(const struct dns *dns);
/* "127.0.0.1:53", or "system resolver" */
const char *dns_channel_name(const struct dns *dns, size_t channel);

/* Prepare a query; for DNS_T_PTR, name is the address.  0 or -1. */
int dns_query_init(struct dns_query *q, const char *name, enum dns_type type);
/* Release the records of a query (it can be initialised again). */
void dns_query_free(struct dns_query *q);

void dns_submit(struct dns *dns, size_t channel, struct dns_query *q);
/* Run until every submitted query is done or the deadline has passed. */
void dns_wait(struct dns *dns);

const char *dns_type_name(enum dns_type type);
/* An MX record of RFC 7505's null MX: the exchange "." (c-ares: ""). */
bool dns_rr_is_null_mx(const struct dns_rr *rr);
const char *dns_status_name(enum dns_status status);

/*
 * The addresses of a host to connect to, as getaddrinfo() finds them
 * (/etc/hosts, then the system resolver) but under the deadline: an
 * address literal as it is, else A and AAAA (only one with family
 * AF_INET or AF_INET6).  Returns the number of addresses put in addrs,
 * or -1 with the reason in err.
 */
int dns_host_addrs(const char *host, int family,
		   const struct deadline *deadline, char addrs[][ADDR_TEXT_MAX],
		   size_t max, char *err, size_t errlen);

/*
 * A memo of answers for evaluators that ask many questions one after the
 * other, each depending on the last (SPF: a record, its includes, their
 * MX hosts), and ask the same ones again for several addresses.  Each
 * name and type is asked once, on one channel of an open struct dns, and
 * waited for under its deadline; dns_memo_prefetch() asks ahead so that
 * independent questions travel in parallel.  A memo opened on no struct
 * dns answers only what was put in it with dns_memo_put() (unit tests),
 * and NXDOMAIN for anything else.
 */
struct dns_memo;

struct dns_memo *dns_memo_open(struct dns *dns, size_t channel);
void dns_memo_close(struct dns_memo *m);
/* The answer to NAME TYPE (never NULL; its status says what came back). */
const struct dns_query *dns_memo_ask(struct dns_memo *m, const char *name,
				     enum dns_type type);
/* Send the question now, to be read by a later dns_memo_ask(). */
void dns_memo_prefetch(struct dns_memo *m, const char *name,
		       enum dns_type type);
/*
 * Put an answer: status, and n records (TXT texts, addresses, PTR
 * names, or MX as "PREF HOST"); len gives each TXT text's length (a TXT
 * record may hold a NUL), NULL their strlen.  0, or -1 when out of memory.
 */
int dns_memo_put(struct dns_memo *m, const char *name, enum dns_type type,
		 enum dns_status status, const char *const *rr,
		 const size_t *len, size_t n);
/* Questions sent to the server so far. */
size_t dns_memo_sent(const struct dns_memo *m);

/* dns_parse.c: every use of c-ares's parsers lives there. */
int dns_parse_answer(struct dns_query *q, const unsigned char *abuf,
		     size_t alen);
/* Release a query's TXT records. */
void dns_txt_free(struct dns_query *q);
/* Release a query's TLSA and RRSIG records. */
void dns_sec_free(struct dns_query *q);
/*
 * The query for q in wire form (header with RD, and CD when q->cd; the
 * question; with q->dnssec an OPT RR with the DO bit): its length, or -1
 * when the name does not fit in len bytes or has an empty or long label.
 */
int dns_build_query(const struct dns_query *q, unsigned char *buf, size_t len);

#endif
