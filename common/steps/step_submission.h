/*
 * step_submission.h - step 8: mail clients submit on 587 (STARTTLS, then
 * AUTH) or 465 (implicit TLS); no AUTH in cleartext; no relay without
 * AUTH.
 */
#ifndef IMSCHECK_STEP_SUBMISSION_H
#define IMSCHECK_STEP_SUBMISSION_H

#include "steps/smtp_check.h"

struct step_submission_conf {
	struct smtp_target target; /* port 0: 587, or 465 with --tls */
	const char *user;	   /* AUTH as this user; NULL: none tried */
	const char *password_file; /* NULL: IMSCHECK_PASSWORD */
	const char *from;	   /* default: the user, a mail address */
	const char *rcpt;	   /* an external recipient */
	bool relay_test; /* without AUTH, that recipient must be refused */
};

/* The default port, STARTTLS unless --tls, and what needs what. */
int step_submission_validate(struct step_submission_conf *conf, char *err,
			     size_t errlen);
void step_submission_run(const struct step_submission_conf *conf,
			 const struct run_ctx *ctx, struct result *r);

#endif
