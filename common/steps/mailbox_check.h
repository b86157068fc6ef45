/*
 * mailbox_check.h - a mailbox the steps read, over POP3 or IMAP: the
 * server, its TLS, the user and the password (from a file or the
 * environment).  The probe's round trip (steps/probe_check.h) reads
 * either through it; pop3_check and imap_check open the sessions.
 */
#ifndef IMSCHECK_MAILBOX_CHECK_H
#define IMSCHECK_MAILBOX_CHECK_H

#include <stdbool.h>

#include "core/password.h"
#include "core/result.h"

#include "steps/tls_check.h"

enum mailbox_proto {
	MAILBOX_POP3,
	MAILBOX_IMAP,
};

struct mailbox_target {
	enum mailbox_proto proto;
	const char *host;
	unsigned port; /* 0: the protocol's, 995 or 993 with implicit TLS */
	const char *source;
	bool tls;      /* implicit TLS */
	bool starttls; /* STLS (POP3) or STARTTLS (IMAP) required */
	struct tls_check cert;
	const char *user;
	const char *password_file;
	char password[PASSWORD_MAX]; /* from mailbox_check_password() */
};

/*
 * Load the password from --password-file or IMSCHECK_PASSWORD.  A file
 * that others may read is a WARNING problem.  0, or -1 after a problem.
 */
int mailbox_check_password(struct mailbox_target *t, struct result *r);

/*
 * Whether the password may go to a session with peer: not over TLS whose
 * certificate did not verify, unless --no-verify says so (the password
 * would go to whoever holds the name).  When not, the certificate's
 * problems and the login not tried are CRITICAL problems in r.  Without
 * TLS the password goes as the user chose (no --stls, -S or --tls).
 */
bool mailbox_check_may_log_in(const struct mailbox_target *t, bool tls,
			      const struct tls_info *ti, const char *peer,
			      struct result *r);

/*
 * "PEER over TLS logged in as USER", or "PEER greeted" without a user:
 * what a mailbox session that worked puts in the summary.
 */
void mailbox_check_summary(const struct mailbox_target *t, const char *peer,
			   bool tls, struct result *r);

#endif
