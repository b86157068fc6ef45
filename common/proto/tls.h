/*
 * tls.h - TLS on a connection (OpenSSL, initialised only when a check uses
 * TLS): the client handshake under the deadline, with SNI, verification of
 * the chain against the system store or a CA file, the host name check,
 * and what a checker reports of the certificate.
 *
 * The handshake itself never fails for a bad certificate: verification
 * runs, its result is kept in struct tls_info, and the caller decides what
 * it means, so that "expired 3 days ago" can be told from "untrusted".
 */
#ifndef IMSCHECK_TLS_H
#define IMSCHECK_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "proto/dns.h"
#include "proto/net.h"

struct tls_opts {
	/*
	 * NULL: OpenSSL's default paths, SSL_CERT_DIR (else the system's
	 * directory) and SSL_CERT_FILE when set.  Each trust store gets one
	 * context per process, made on first use.
	 */
	const char *ca_file;
	bool no_verify; /* the chain will not be judged: load no CAs */
	/* The name for SNI and the name check; NULL: the connection's host. */
	const char *name;
	/*
	 * DANE (RFC 7672): the TLSA records of the server, from a secure
	 * answer.  Usages 2 (DANE-TA) and 3 (DANE-EE) are used, 0 and 1 are
	 * not (RFC 7672 3.1.3); a DANE-EE match judges neither names nor
	 * dates.  With no usable record the chain is judged by PKIX as
	 * without records.
	 */
	const struct dns_tlsa *tlsa;
	size_t ntlsa;
};

struct tls_info {
	char version[16]; /* "TLSv1.3" */
	char cipher[64];
	bool verified;		/* chain and name both good (or DANE matched) */
	char verify_error[128]; /* why not, from OpenSSL */
	/* the chain and name by the trust store alone (as verified without
	 * TLSA records; MTA-STS wants it whatever DANE says) */
	bool pkix_verified;
	char pkix_error[128];
	size_t dane_usable; /* TLSA records OpenSSL took */
	bool dane_matched;  /* one of them matched the peer's chain */
	unsigned dane_usage, dane_selector, dane_mtype; /* the one that did */
	bool expired;
	bool has_cert;
	double days_left; /* until notAfter; negative once expired */
	char subject[128];
};

/*
 * Start TLS as the client on c.  The server name for SNI and the name
 * check is opts->name, else c->host, or its address when c->host is an
 * address literal.  Safe to call from several threads at once.
 * Returns NET_OK, NET_TIMEOUT, NET_CLOSED or NET_ERROR (c->error says why).
 */
enum net_status tls_start(struct conn *c, const struct tls_opts *opts,
			  struct tls_info *info);

/*
 * Make the context for opts' trust store now rather than at the first
 * handshake (it costs milliseconds of CPU): while a check waits for DNS
 * answers, say.  0, or -1 with the reason in err (tls_start() would fail
 * the same way).
 */
int tls_prepare(const struct tls_opts *opts, char *err, size_t errlen);

/*
 * Whether TLS runs on c.  tls_start() installs TLS as the connection's I/O
 * (net.h); net_close() sends close_notify, without waiting for the answer.
 */
bool tls_active(const struct conn *c);

#endif
