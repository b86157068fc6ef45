/*
 * mailbox_check.c - what a mailbox needs whatever reads it.
 */
#include "steps/mailbox_check.h"

int
mailbox_check_password(struct mailbox_target *t, struct result *r)
{
	return password_load(t->password_file, t->password, r);
}
