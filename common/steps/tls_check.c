/*
 * tls_check.c - judging the certificate of a TLS session.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/diag.h"
#include "steps/tls_check.h"

/* "W[,C]" days, C <= W. */
static int
parse_days(const char *arg, double *warn, double *crit, char *err,
	   size_t errlen)
{
	char *end;

	*warn = strtod(arg, &end);
	if (end == arg || *warn < 0 || (*end != '\0' && *end != ','))
		return errorf(err, errlen,
			      "--certificate-days: '%s' is not DAYS[,DAYS]",
			      arg);
	*crit = NAN;
	if (*end == ',') {
		const char *c = end + 1;

		*crit = strtod(c, &end);
		if (end == c || *end != '\0' || *crit < 0 || *crit > *warn)
			return errorf(err, errlen,
				      "--certificate-days: '%s' is not "
				      "WARN[,CRIT] with CRIT <= WARN",
				      arg);
	}
	return 0;
}

int
tls_check_set(struct tls_check *tc, int key, const char *arg, char *err,
	      size_t errlen)
{
	switch (key) {
	case TLS_KEY_CERT_DAYS:
		return parse_days(arg, &tc->warn_days, &tc->crit_days, err,
				  errlen);
	case TLS_KEY_CA_FILE:
		tc->ca_file = arg;
		return 0;
	case TLS_KEY_NO_VERIFY:
		tc->no_verify = true;
		return 0;
	}
	return 1;
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
	else if (!isnan(tc->crit_days) && ti->days_left < tc->crit_days)
		result_problem(r, STATE_CRITICAL,
			       "certificate for %s expires in %.1f days "
			       "(critical under %g)",
			       ti->subject, ti->days_left, tc->crit_days);
	else if (!isnan(tc->warn_days) && ti->days_left < tc->warn_days)
		result_problem(r, STATE_WARNING,
			       "certificate for %s expires in %.1f days "
			       "(warning under %g)",
			       ti->subject, ti->days_left, tc->warn_days);
	else
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
