/*
 * pop3_check.h - what the POP3-reading steps share: opening a session
 * with a mailbox (steps/mailbox_check.h) with every failure reported in
 * the result, and closing it with the -vvv transcript.
 */
#ifndef IMSCHECK_POP3_CHECK_H
#define IMSCHECK_POP3_CHECK_H

#include "core/options.h"
#include "core/result.h"
#include "core/run.h"

#include "proto/pop3.h"

#include "steps/mailbox_check.h"
#include "steps/tls_check.h"

/*
 * The mailbox's options for a table, but -H and -p, which each plugin
 * says in its own words: --tls or --stls, -u, --password-file, and the
 * certificate options.
 */
extern const struct opt pop3_mailbox_opts[];
#define POP3_MAILBOX_AT(s, f)                                                  \
	OPT_GROUP_AT(struct mailbox_target, s, f, pop3_mailbox_opts)

struct pop3_session {
	struct pop3 pop3;
	struct tls_info tls_info;
	bool tls;
};

/*
 * Connect, start TLS as asked, read the greeting, CAPA, STLS, and log in
 * when a user is given.  0, or -1 after a problem in r.
 */
int pop3_check_open(struct pop3_session *ps, const struct mailbox_target *t,
		    const struct run_ctx *ctx, struct result *r);

/*
 * STAT into count and octets; a failure or a -ERR is a problem in r.  0,
 * or -1 after a problem.
 */
int pop3_check_stat(struct pop3_session *ps, unsigned long *count,
		    unsigned long *octets, const struct run_ctx *ctx,
		    struct result *r);

/* QUIT (committing deletions), the transcript for -vvv, and free. */
void pop3_check_close(struct pop3_session *ps, const struct run_ctx *ctx,
		      struct result *r);

#endif
