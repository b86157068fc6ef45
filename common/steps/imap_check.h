/*
 * imap_check.h - what the IMAP-reading steps share: opening a session
 * with a mailbox (steps/mailbox_check.h): greeting, CAPABILITY, STARTTLS,
 * the login the server allows, with every failure reported in the result;
 * and closing it with the -vvv transcript.
 */
#ifndef IMSCHECK_IMAP_CHECK_H
#define IMSCHECK_IMAP_CHECK_H

#include "core/options.h"
#include "core/result.h"
#include "core/run.h"

#include "proto/imap.h"

#include "steps/mailbox_check.h"
#include "steps/tls_check.h"

/*
 * The mailbox's options for a table, but -H and -p: --tls or
 * -S/--starttls, -u, --password-file, and the certificate options.
 */
extern const struct opt imap_mailbox_opts[];
#define IMAP_MAILBOX_AT(s, f)                                                  \
	OPT_GROUP_AT(struct mailbox_target, s, f, imap_mailbox_opts)

struct imap_session {
	struct imap imap;
	struct tls_info tls_info;
	bool tls;
	/* Before TLS, the server let LOGIN through: no LOGINDISABLED. */
	bool login_in_clear;
};

/*
 * Connect, start TLS as asked, read the greeting, CAPABILITY, STARTTLS,
 * and log in when a user is given: AUTHENTICATE PLAIN when the server
 * lists AUTH=PLAIN, else LOGIN, never LOGIN after LOGINDISABLED.  A
 * certificate met on the way is not judged here (tls_check_judge).  0, or
 * -1 after a problem in r.
 */
int imap_check_open(struct imap_session *is, const struct mailbox_target *t,
		    const struct run_ctx *ctx, struct result *r);

/*
 * SELECT INBOX (EXAMINE when read_only): 0, or -1 after a problem
 * (CRITICAL when it is refused: INBOX is not selectable).
 */
int imap_check_inbox(struct imap_session *is, bool read_only,
		     const struct run_ctx *ctx, struct result *r);

/*
 * After a command that returned -1 or did not answer OK: the problem
 * "PEER failed at WHAT: why" or "PEER refused WHAT: NO text" in r.
 */
void imap_check_refused(struct imap_session *is, const struct run_ctx *ctx,
			struct result *r, const char *what, int rc);

/* LOGOUT, the transcript for -vvv, and free. */
void imap_check_close(struct imap_session *is, const struct run_ctx *ctx,
		      struct result *r);

#endif
