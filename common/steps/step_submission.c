/*
 * step_submission.c - step 8: the port mail clients submit on.
 *
 * On 587 STARTTLS is required and AUTH must come after it; on 465 TLS
 * starts at once (RFC 8314).  With TLS running and the certificate
 * verified, AUTH PLAIN (or LOGIN), then MAIL FROM and RCPT TO must be
 * accepted; RSET, QUIT, never DATA.  The password is never sent in
 * cleartext nor to a server whose certificate did not verify.  With
 * --relay-test the same session first offers the external recipient
 * without AUTH: it must be refused.
 */
#include <stdio.h>
#include <string.h>

#include "steps/step_submission.h"

#include "core/diag.h"
#include "core/password.h"

#define SUBMISSION_PORT	 587
#define SUBMISSIONS_PORT 465 /* implicit TLS, RFC 8314 */

/* What the session showed, for the summary. */
struct outcome {
	const char *over;      /* "after STARTTLS" or "over TLS" */
	unsigned mech;	       /* the mechanism used, 0 when none */
	double auth_seconds;   /* how long AUTH took */
	char relay_stage[300]; /* the command refused without AUTH */
};

static const char *
peer(const struct smtp_session *ss)
{
	return ss->smtp.conn.peer;
}

/*
 * What the EHLO said before TLS: AUTH there invites clients to send their
 * password unencrypted; on a port without TLS, PLAIN and LOGIN alone make
 * that the only way.
 */
static void
judge_plaintext(const struct smtp_session *ss, struct result *r)
{
	const struct smtp_caps *c = &ss->plain_caps;

	if (c->auth_mechs == 0)
		return;
	if (c->starttls)
		result_problem(r, STATE_WARNING,
			       "%s offers AUTH %s before STARTTLS: clients may "
			       "send their password in cleartext",
			       peer(ss), c->auth);
	else if ((c->auth_mechs & ~(SMTP_AUTH_PLAIN | SMTP_AUTH_LOGIN)) == 0)
		result_problem(r, STATE_WARNING,
			       "%s offers only AUTH %s without TLS: passwords "
			       "would travel in cleartext",
			       peer(ss), c->auth);
}

/* A session that failed on the port of the other way to start TLS. */
static void
hint_port(const struct smtp_target *t, struct result *r)
{
	if (!t->tls && t->port == SUBMISSIONS_PORT)
		result_problem(r, r->state,
			       "port %d is for implicit TLS (RFC 8314): give "
			       "--tls",
			       SUBMISSIONS_PORT);
	else if (t->tls && t->port == SUBMISSION_PORT)
		result_problem(r, r->state,
			       "port %d is for STARTTLS: leave out --tls",
			       SUBMISSION_PORT);
}

/*
 * Without AUTH, the external recipient must be refused, at MAIL or at
 * RCPT; then RSET.  0 when the session goes on, -1 after a failure.
 */
static int
relay_test(struct smtp_session *ss, const struct step_submission_conf *conf,
	   const struct run_ctx *ctx, struct result *r, struct outcome *o)
{
	struct smtp *s = &ss->smtp;
	char reply[256];
	int rc, class;

	snprintf(o->relay_stage, sizeof(o->relay_stage), "MAIL FROM:<%.256s>",
		 conf->from);
	if ((rc = smtp_command(s, "%s", o->relay_stage)) == 0 &&
	    smtp_class(s) == 2) {
		snprintf(o->relay_stage, sizeof(o->relay_stage),
			 "RCPT TO:<%.256s>", conf->rcpt);
		rc = smtp_command(s, "%s", o->relay_stage);
	}
	class = smtp_class(s);
	smtp_reply_line(&s->reply, reply, sizeof(reply));
	if (rc == -1 || smtp_command(s, "RSET") == -1) {
		smtp_check_refused(ss, ctx, r, "the relay test", -1);
		return -1;
	}
	if (class == 2)
		result_problem(r, STATE_CRITICAL,
			       "%s relays without AUTH: it accepted RCPT "
			       "TO:<%s> from a client that did not log in",
			       peer(ss), conf->rcpt);
	else if (class == 4)
		result_problem(r, STATE_WARNING,
			       "%s deferred %s without AUTH (%s): the relay "
			       "test needs a refusal",
			       peer(ss), o->relay_stage, reply);
	else
		result_line(r, STATE_OK, "without AUTH, %s refused %s: %s",
			    peer(ss), o->relay_stage, reply);
	if (class != 5)
		o->relay_stage[0] = '\0';
	return 0;
}

/* The mechanism to use, PLAIN else LOGIN; 0 after a problem in r. */
static unsigned
mechanism(const struct smtp_session *ss, struct result *r)
{
	const struct smtp_caps *c = &ss->smtp.caps;

	if (c->auth_mechs & SMTP_AUTH_PLAIN)
		return SMTP_AUTH_PLAIN;
	if (c->auth_mechs & SMTP_AUTH_LOGIN)
		return SMTP_AUTH_LOGIN;
	result_problem(r, STATE_UNKNOWN,
		       "%s offers AUTH %s only: this check speaks PLAIN and "
		       "LOGIN",
		       peer(ss), c->auth);
	return 0;
}

/* AUTH, timed; 0, or -1 after a problem in r. */
static int
authenticate(struct smtp_session *ss, const struct step_submission_conf *conf,
	     const char *password, const struct run_ctx *ctx, struct result *r,
	     unsigned mech, double *seconds)
{
	struct smtp *s = &ss->smtp;
	double started = mono_now();
	char what[300];
	int rc;

	snprintf(what, sizeof(what), "AUTH %s as %.256s", smtp_auth_name(mech),
		 conf->user);
	if ((rc = smtp_auth(s, mech, conf->user, password)) == -1 ||
	    smtp_class(s) != 2) {
		smtp_check_refused(ss, ctx, r, what, rc);
		return -1;
	}
	*seconds = mono_now() - started;
	return 0;
}

/*
 * Log in, and offer the envelope as the user: MAIL FROM, RCPT TO, RSET.
 * 0 with the mechanism and its time in o, or -1 after a problem in r.
 */
static int
login(struct smtp_session *ss, const struct step_submission_conf *conf,
      const char *password, const struct run_ctx *ctx, struct result *r,
      struct outcome *o)
{
	unsigned mech;

	if (!ss->tls_info.verified && !conf->target.cert.no_verify) {
		result_problem(r, STATE_CRITICAL,
			       "AUTH not tried: the password goes only to a "
			       "server whose certificate verifies "
			       "(--no-verify sends it anyway)");
		return -1;
	}
	if ((mech = mechanism(ss, r)) == 0 ||
	    authenticate(ss, conf, password, ctx, r, mech, &o->auth_seconds) ==
		-1 ||
	    smtp_check_envelope(ss, ctx, r, conf->from, conf->rcpt) == -1)
		return -1;
	smtp_command(&ss->smtp, "RSET");
	o->mech = mech;
	return 0;
}

static void
summary(const struct smtp_session *ss, const struct step_submission_conf *conf,
	const struct outcome *o, struct result *r)
{
	if (o->mech != 0)
		result_summary(
		    r,
		    "%s accepted AUTH %s as %s %s, MAIL "
		    "FROM:<%s>%s%s%s",
		    peer(ss), smtp_auth_name(o->mech), conf->user, o->over,
		    conf->from, conf->rcpt ? " and RCPT TO:<" : "",
		    conf->rcpt ? conf->rcpt : "", conf->rcpt ? ">" : "");
	else
		result_summary(r, "%s offers AUTH %s %s", peer(ss),
			       ss->smtp.caps.auth, o->over);
	if (o->relay_stage[0] != '\0')
		result_summary(r, "; refused %s without AUTH", o->relay_stage);
}

/* Over TLS: the certificate, the relay test, AUTH and the envelope. */
static void
submit(struct smtp_session *ss, const struct step_submission_conf *conf,
       const char *password, const struct run_ctx *ctx, struct result *r,
       struct outcome *o)
{
	smtp_check_cert(ss, &conf->target, r);
	if (conf->relay_test && relay_test(ss, conf, ctx, r, o) == -1)
		return;
	if (ss->smtp.caps.auth_mechs == 0) {
		result_problem(r, STATE_CRITICAL, "%s does not offer AUTH %s",
			       peer(ss), o->over);
		return;
	}
	if (conf->user != NULL && login(ss, conf, password, ctx, r, o) == -1)
		return;
	summary(ss, conf, o, r);
}

void
step_submission_run(const struct step_submission_conf *conf,
		    const struct run_ctx *ctx, struct result *r)
{
	struct smtp_session ss = {0};
	struct outcome o = {.over = conf->target.tls ? "over TLS"
						     : "after STARTTLS"};
	char password[PASSWORD_MAX] = "";

	if (conf->user != NULL &&
	    password_load(conf->password_file, password, r) == -1)
		goto done;
	if (smtp_check_open(&ss, &conf->target, ctx, r) == 0)
		submit(&ss, conf, password, ctx, r, &o);
	else if (ss.smtp.connected)
		hint_port(&conf->target, r);
	judge_plaintext(&ss, r);
	smtp_check_perf(&ss, ctx, r);
	if (o.mech != 0)
		result_perf(r, "auth", o.auth_seconds, "s", NULL, NULL, 0, NAN);
	smtp_check_close(&ss, ctx, r);
done:
	explicit_bzero(password, sizeof(password));
}

int
step_submission_validate(struct step_submission_conf *conf, char *err,
			 size_t errlen)
{
	struct smtp_target *t = &conf->target;

	if (t->port == 0)
		t->port = t->tls ? SUBMISSIONS_PORT : SUBMISSION_PORT;
	t->starttls = !t->tls;
	if (conf->user != NULL && strlen(conf->user) > SMTP_AUTH_FIELD_MAX)
		return errorf(err, errlen, "--user: longer than %d bytes",
			      SMTP_AUTH_FIELD_MAX);
	if (conf->password_file != NULL && conf->user == NULL)
		return errorf(err, errlen, "--password-file needs -u/--user");
	if (conf->relay_test && conf->rcpt == NULL)
		return errorf(err, errlen,
			      "--relay-test needs -r/--rcpt (an external "
			      "recipient)");
	if (conf->from == NULL && conf->user != NULL &&
	    opt_mail_address.valid(conf->user))
		conf->from = conf->user;
	if (conf->from == NULL && (conf->user != NULL || conf->relay_test))
		return errorf(err, errlen,
			      "-f/--from is required (the sender%s)",
			      conf->user ? "; the user name is not a mail "
					   "address"
					 : " of the relay test");
	return 0;
}
