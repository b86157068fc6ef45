/*
 * step_pop3.c - checklist step 3: "verify that the Reroute incoming SMTP
 * mail (required for POP3 support) option is selected".
 *
 * Seen from outside: the POP3 server greets, offers STLS when required and
 * lets the user in; the mail service accepts the local mailbox as a
 * recipient; and with --round-trip a probe sent to it over SMTP really
 * lands in the POP3 mailbox, where it is found and deleted.
 */
#include <stdio.h>
#include <string.h>

#include "steps/step_pop3.h"

#include "core/addr.h"
#include "core/diag.h"

#include "steps/probe_check.h"

/* The mailbox as it is: greeting, STLS, login, STAT; the certificate. */
static int
mailbox(const struct mailbox_target *t, const struct run_ctx *ctx,
	struct result *r, unsigned long *count, unsigned long *octets,
	struct tls_info *ti)
{
	struct pop3_session ps = {0};
	int open = pop3_check_open(&ps, t, ctx, r), rc = -1;

	if (ps.tls) /* a login refused over it: cert_days all the same */
		*ti = ps.tls_info;
	if (open == 0) {
		if (ps.tls)
			tls_check_judge(&t->cert, &ps.tls_info,
					ps.pop3.conn.peer, r);
		if (t->user == NULL ||
		    pop3_check_stat(&ps, count, octets, ctx, r) == 0)
			rc = 0;
		if (rc == 0)
			mailbox_check_summary(t, ps.pop3.conn.peer, ps.tls, r);
	}
	pop3_check_close(&ps, ctx, r);
	return rc;
}

void
step_pop3_run(const struct step_pop3_conf *conf, const struct run_ctx *ctx,
	      struct result *r)
{
	struct mailbox_target t = conf->pop3; /* with the password loaded */
	unsigned long count = 0, octets = 0;
	double started = mono_now(), delivery = NAN, total;
	struct tls_info ti = {0};

	if (t.user != NULL && mailbox_check_password(&t, r) == -1)
		return;
	if (mailbox(&t, ctx, r, &count, &octets, &ti) == 0)
		delivery = delivery_check_run(&conf->delivery, &t, ctx, r);
	total = mono_now() - started;
	run_judge_time(ctx, r, "time", "", total);
	if (t.user != NULL) {
		result_perf(r, "messages", (double)count, "", NULL, NULL, 0,
			    NAN);
		result_perf(r, "octets", (double)octets, "B", NULL, NULL, 0,
			    NAN);
	}
	if (!isnan(delivery))
		result_perf(r, "delivery", delivery, "s", NULL, NULL, 0, NAN);
	tls_check_perf(&ti, r);
	explicit_bzero(t.password, sizeof(t.password));
}

int
step_pop3_validate(struct step_pop3_conf *conf, char *err, size_t errlen)
{
	conf->pop3.proto = MAILBOX_POP3;
	return delivery_check_validate(&conf->delivery, &conf->pop3, err,
				       errlen);
}
