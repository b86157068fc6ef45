/*
 * step_smarthost.c - checklist step 2: "Request the IP address of their
 * SendMail server and of their DNS server; forward all messages to host."
 *
 * The relay must take our mail: greeting, EHLO, STARTTLS when required,
 * MAIL FROM (and RCPT TO when given), then RSET and QUIT.  No DATA is ever
 * sent.  Every ISP DNS server given must answer for the site's domain.
 */
#include <stdio.h>
#include <string.h>

#include "steps/step_smarthost.h"

#include "core/addr.h"
#include "core/deadline.h"
#include "core/diag.h"

/* Each ISP DNS server must answer the domain's MX question. */
static void
check_isp_dns(const struct step_smarthost_conf *conf, const struct run_ctx *ctx,
	      struct result *r)
{
	const char *domain = conf->target.domain;
	struct dns_query q[DNS_SERVERS_MAX];
	/*
	 * A silent ISP DNS server must not eat the time the relay needs: it
	 * would be blamed for a greeting timeout it did not cause.
	 */
	struct deadline half = run_share(ctx, 0.5);
	char err[256];
	struct dns *dns;

	if ((dns = dns_open(conf->dns, conf->ndns, &half, err, sizeof(err))) ==
	    NULL) {
		result_problem(r, STATE_UNKNOWN, "ISP DNS: %s", err);
		return;
	}
	for (size_t i = 0; i < conf->ndns; i++) {
		dns_query_init(&q[i], domain, DNS_T_MX);
		dns_submit(dns, i, &q[i]);
	}
	dns_wait(dns);
	for (size_t i = 0; i < conf->ndns; i++) {
		const char *name = dns_channel_name(dns, i);

		switch (q[i].status) {
		case DNS_ANSWER:
		case DNS_NODATA:
			result_line(r, STATE_OK,
				    "ISP DNS %s answers for %s (%zu MX, "
				    "%.1f ms)",
				    name, domain, q[i].nrr,
				    q[i].seconds * 1000);
			break;
		case DNS_NXDOMAIN:
			result_problem(r, STATE_CRITICAL,
				       "ISP DNS %s says %s does not exist",
				       name, domain);
			break;
		case DNS_TIMEOUT:
			result_problem(r, ctx->timeout_state,
				       "ISP DNS %s did not answer for %s", name,
				       domain);
			break;
		default:
			result_problem(r, STATE_CRITICAL,
				       "ISP DNS %s answered %s for %s%s%s",
				       name, dns_status_name(q[i].status),
				       domain, q[i].error[0] ? ": " : "",
				       q[i].error);
			break;
		}
		dns_query_free(&q[i]);
	}
	dns_close(dns);
}

/* MAIL FROM, RCPT TO when asked, RSET: the relay must take our mail. */
static void
transaction(struct smtp_session *ss, const struct step_smarthost_conf *conf,
	    const char *from, const struct run_ctx *ctx, struct result *r)
{
	struct smtp *s = &ss->smtp;

	if (smtp_check_envelope(ss, ctx, r, from, conf->rcpt) == -1)
		return;
	smtp_command(s, "RSET");
	result_summary(r, "%s accepted MAIL FROM:<%s>%s%s%s%s", s->conn.peer,
		       from, conf->rcpt ? " and RCPT TO:<" : "",
		       conf->rcpt ? conf->rcpt : "", conf->rcpt ? ">" : "",
		       ss->tls ? " over TLS" : "");
}

void
step_smarthost_run(const struct step_smarthost_conf *conf,
		   const struct run_ctx *ctx, struct result *r)
{
	struct smtp_session ss = {0};
	char from[300];

	if (conf->from != NULL)
		snprintf(from, sizeof(from), "%s", conf->from);
	else
		snprintf(from, sizeof(from), "postmaster@%s",
			 conf->target.domain);
	if (conf->ndns > 0)
		check_isp_dns(conf, ctx, r);
	if (!conf->allow_name && !addr_is_literal(conf->target.host))
		result_problem(r, STATE_WARNING,
			       "relay %s given by name, not by IP address",
			       conf->target.host);
	if (smtp_check_open(&ss, &conf->target, ctx, r) == 0) {
		smtp_check_cert(&ss, &conf->target, r);
		transaction(&ss, conf, from, ctx, r);
	}
	smtp_check_perf(&ss, ctx, r);
	smtp_check_close(&ss, ctx, r);
}

int
step_smarthost_validate(struct step_smarthost_conf *conf, char *err,
			size_t errlen)
{
	if (conf->target.domain == NULL &&
	    (conf->from == NULL || conf->ndns > 0))
		return errorf(err, errlen,
			      "-D/--domain is required (for the sender%s)",
			      conf->ndns > 0 ? " and --dns" : "");
	return 0;
}
