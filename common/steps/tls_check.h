/*
 * tls_check.h - the certificate a TLS session showed, judged the same way
 * by every plugin: expiry, chain and name verification, and the
 * --certificate-days thresholds; with the options that steer it.
 */
#ifndef IMSCHECK_TLS_CHECK_H
#define IMSCHECK_TLS_CHECK_H

#include <math.h>
#include <stdbool.h>

#include "core/options.h"
#include "core/result.h"
#include "core/run.h"

#include "proto/tls.h"

struct tls_check {
	const char *ca_file; /* NULL: the system's trust store */
	bool no_verify;	     /* TLS must work; chain and name are not judged */
	struct opt_limits days; /* --certificate-days W[,C] */
};

#define TLS_CHECK_INIT                                                         \
	{                                                                      \
		NULL, false, OPT_LIMITS_INIT                                   \
	}

/* The certificate options, for a table: TLS_CHECK_AT(struct conf, cert). */
extern const struct opt tls_check_opts[];
#define TLS_CHECK_AT(s, f) OPT_GROUP_AT(struct tls_check, s, f, tls_check_opts)

/* What TLS must do for this judgement: the CAs to load, or none. */
struct tls_opts tls_check_tls_opts(const struct tls_check *tc);

/*
 * Implicit TLS (SMTPS, POP3S, IMAPS) on a new connection: 0, or -1 after a
 * problem "PEER failed at the TLS handshake: WHY" with *net set.
 */
int tls_check_handshake(struct conn *c, const struct tls_check *tc,
			struct tls_info *info, const char *peer,
			const struct run_ctx *ctx, struct result *r,
			enum net_status *net);

/* Judge the certificate of a session with peer; problems go into r. */
void tls_check_judge(const struct tls_check *tc, const struct tls_info *ti,
		     const char *peer, struct result *r);

/*
 * The --certificate-days thresholds alone: true after a problem in r,
 * false when the certificate has more days left than both.
 */
bool tls_check_days(const struct tls_check *tc, const struct tls_info *ti,
		    struct result *r);

/* The cert_days perfdata. */
void tls_check_perf(const struct tls_info *ti, struct result *r);

#endif
