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
	DNS_T_AAAA = 28,
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
};

/* One record: an MX (pref, host), an address, or a PTR name. */
struct dns_rr {
	unsigned pref;
	char text[DNS_NAME_MAX + 1];
};

struct dns_query {
	/* What to ask. */
	char name[DNS_NAME_MAX + 1];
	enum dns_type type;
	char addr[ADDR_TEXT_MAX]; /* for PTR: the address asked about */

	/* What came back. */
	enum dns_status status;
	int rcode;
	bool aa;		      /* authoritative answer */
	char cname[DNS_NAME_MAX + 1]; /* the owner after CNAMEs, "" if none */
	struct dns_rr *rr; /* sorted: MX by preference, others by text */
	size_t nrr;
	size_t dropped; /* records beyond DNS_RR_MAX */
	double seconds; /* from submit to answer */
	char error[96]; /* what went wrong, for BADREPLY and FAILED */

	/* Private to dns.c. */
	struct dns *dns;
	size_t channel;
	double sent;
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

/* dns_parse.c: every use of c-ares's parsers lives there. */
int dns_parse_answer(struct dns_query *q, const unsigned char *abuf,
		     size_t alen);

#endif
