/*
 * tls_check.h - the certificate a TLS session showed, judged the same way
 * by every plugin: expiry, chain and name verification, and the
 * --certificate-days thresholds; with the options that steer it.
 */
#ifndef IMSCHECK_TLS_CHECK_H
#define IMSCHECK_TLS_CHECK_H

#include <math.h>
#include <stdbool.h>

#include "core/plugin.h"
#include "core/run.h"
#include "core/result.h"
#include "proto/tls.h"

struct tls_check {
	const char *ca_file; /* NULL: the system's trust store */
	bool no_verify;	     /* TLS must work; chain and name are not judged */
	double warn_days;    /* NAN when not given */
	double crit_days;
};

#define TLS_CHECK_INIT                                                         \
	{                                                                      \
		NULL, false, NAN, NAN                                          \
	}

enum {
	TLS_KEY_CERT_DAYS = PLUGIN_KEY_LONG + 200,
	TLS_KEY_CA_FILE,
	TLS_KEY_NO_VERIFY,
};

/* Option table entries for the certificate options. */
#define TLS_CHECK_OPTS                                                         \
	{"certificate-days", TLS_KEY_CERT_DAYS, "W[,C]",                       \
	 "warning (and critical) when the certificate expires within so "      \
	 "many days",                                                          \
	 false},                                                               \
	    {"ca-file", TLS_KEY_CA_FILE, "FILE",                               \
	     "verify the certificate against these CAs (default: the "         \
	     "system's)",                                                      \
	     false},                                                           \
	{                                                                      \
		"no-verify", TLS_KEY_NO_VERIFY, NULL,                          \
		    "require TLS but do not judge the certificate's chain "    \
		    "and name",                                                \
		    false                                                      \
	}

/*
 * Apply one certificate option: 0 applied, -1 bad value (err says why),
 * 1 when key is not one of them.
 */
int tls_check_set(struct tls_check *tc, int key, const char *arg, char *err,
		  size_t errlen);

/* Judge the certificate of a session with peer; problems go into r. */
void tls_check_judge(const struct tls_check *tc, const struct tls_info *ti,
		     const char *peer, struct result *r);

/* The cert_days perfdata. */
void tls_check_perf(const struct tls_info *ti, struct result *r);

#endif
