/*
 * mailbox_check.c - what a mailbox needs whatever reads it.
 */
#include "steps/mailbox_check.h"

int
mailbox_check_password(struct mailbox_target *t, struct result *r)
{
	return password_load(t->password_file, t->password, r);
}

bool
mailbox_check_may_log_in(const struct mailbox_target *t, bool tls,
			 const struct tls_info *ti, const char *peer,
			 struct result *r)
{
	if (!tls || ti->verified || t->cert.no_verify)
		return true;
	tls_check_judge(&t->cert, ti, peer, r);
	result_problem(r, STATE_CRITICAL,
		       "%s: login not tried: the password goes only to a "
		       "server whose certificate verifies (--no-verify sends "
		       "it anyway)",
		       peer);
	return false;
}

void
mailbox_check_summary(const struct mailbox_target *t, const char *peer,
		      bool tls, struct result *r)
{
	result_summary(r, "%s%s %s%s", peer, tls ? " over TLS" : "",
		       t->user ? "logged in as " : "greeted",
		       t->user ? t->user : "");
}
