/*
 * tls_check.c - judging the certificate of a TLS session.
 */
#include <stdio.h>
#include <stdlib.h>

#include "steps/tls_check.h"

#include "core/diag.h"

const struct opt tls_check_opts[] = {
    {"certificate-days", 0, "W[,C]",
     "warning (and critical) when the certificate expires within so many "
     "days",
     OPT_LIMITS_AT(struct tls_check, days, opt_parse_days)},
    {"ca-file", 0, "FILE",
     "verify the certificate against these CAs (default: SSL_CERT_FILE, "
     "SSL_CERT_DIR or the system's)",
     OPT_STRING_AT(struct tls_check, ca_file), .check = &opt_regular_file},
    {"no-verify", 0, NULL,
     "require TLS but do not judge the certificate's chain and name",
     OPT_FLAG_AT(struct tls_check, no_verify)},
    OPT_END,
};

struct tls_opts
tls_check_tls_opts(const struct tls_check *tc)
{
	return (struct tls_opts){.ca_file = tc->ca_file,
				 .no_verify = tc->no_verify};
}

int
tls_check_handshake(struct conn *c, const struct tls_check *tc,
		    struct tls_info *info, const char *peer,
		    const struct run_ctx *ctx, struct result *r,
		    enum net_status *net)
{
	struct tls_opts o = tls_check_tls_opts(tc);
	enum net_status st = tls_start(c, &o, info);

	if (st == NET_OK)
		return 0;
	*net = st;
	result_problem(r, run_failure_state(ctx, st == NET_TIMEOUT),
		       "%s failed at the TLS handshake: %s", peer,
		       c->error[0] ? c->error : net_status_name(st));
	return -1;
}

bool
tls_check_days(const struct tls_check *tc, const struct tls_info *ti,
	       struct result *r)
{
	if (!isnan(tc->days.crit) && ti->days_left < tc->days.crit)
		result_problem(r, STATE_CRITICAL,
			       "certificate for %s expires in %.1f days "
			       "(critical under %g)",
			       ti->subject, ti->days_left, tc->days.crit);
	else if (!isnan(tc->days.warn) && ti->days_left < tc->days.warn)
		result_problem(r, STATE_WARNING,
			       "certificate for %s expires in %.1f days "
			       "(warning under %g)",
			       ti->subject, ti->days_left, tc->days.warn);
	else
		return false;
	return true;
}

void
tls_check_judge(const struct tls_check *tc, const struct tls_info *ti,
		const char *peer, struct result *r)
{
	if (!ti->has_cert)
		result_problem(r, STATE_CRITICAL, "%s sent no certificate",
			       peer);
	else if (ti->expired || ti->days_left < 0)
		result_problem(r, STATE_CRITICAL,
			       "certificate for %s expired %.0f days ago",
			       ti->subject, -ti->days_left);
	else if (!ti->verified && !tc->no_verify)
		result_problem(r, STATE_CRITICAL,
			       "certificate for %s not verified: %s",
			       ti->subject, ti->verify_error);
	else if (!tls_check_days(tc, ti, r))
		result_line(r, STATE_OK,
			    "%s %s, certificate for %s valid %.0f days%s",
			    ti->version, ti->cipher, ti->subject, ti->days_left,
			    ti->verified ? "" : " (not verified)");
}

void
tls_check_perf(const struct tls_info *ti, struct result *r)
{
	if (ti->has_cert)
		result_perf(r, "cert_days", round(ti->days_left * 100) / 100,
			    "", NULL, NULL, NAN, NAN);
}
