/*
 * mailbox_check.c - what a mailbox needs whatever reads it.
 */
#include "steps/mailbox_check.h"

int
mailbox_check_password(struct mailbox_target *t, struct result *r)
{
	return password_load(t->password_file, t->password, r);
}

void
mailbox_check_summary(const struct mailbox_target *t, const char *peer,
		      bool tls, struct result *r)
{
	result_summary(r, "%s%s %s%s", peer, tls ? " over TLS" : "",
		       t->user ? "logged in as " : "greeted",
		       t->user ? t->user : "");
}
