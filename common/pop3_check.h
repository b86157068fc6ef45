/*
 * pop3_check.h - what the POP3-reading steps share: the mailbox to read
 * (server, TLS, user, password from a file or the environment), opening a
 * session with every failure reported in the result, and closing it with
 * the -vvv transcript.
 */
#ifndef IMSCHECK_POP3_CHECK_H
#define IMSCHECK_POP3_CHECK_H

#include "plugin.h"
#include "pop3.h"
#include "result.h"
#include "tls_check.h"

#define POP3_PASSWORD_MAX 256

struct pop3_target {
	const char *host;
	unsigned port; /* 0: 110, or 995 with implicit TLS */
	const char *source;
	bool tls;  /* implicit TLS */
	bool stls; /* STLS required */
	struct tls_check cert;
	const char *user;
	const char *password_file;
	char password[POP3_PASSWORD_MAX]; /* from pop3_check_password() */
};

/* Keys of the shared long-only options. */
enum {
	POP3_KEY_TLS = PLUGIN_KEY_LONG + 300,
	POP3_KEY_STLS,
	POP3_KEY_PASSWORD_FILE,
};

/* Option table entries for the mailbox, shared by the POP3 plugins. */
#define POP3_MAILBOX_OPTS                                                      \
	{"tls", POP3_KEY_TLS, NULL, "POP3 over implicit TLS (port 995)",       \
	 false},                                                               \
	    {"stls", POP3_KEY_STLS, NULL, "STLS is required", false},          \
	    {"user", 'u', "USER", "the mailbox's user name", false},           \
	    {"password-file", POP3_KEY_PASSWORD_FILE, "FILE",                  \
	     "the password's file (or set IMSCHECK_PASSWORD)", false},         \
	    TLS_CHECK_OPTS

/*
 * Apply one of the shared options: 0 applied, -1 bad value (err says
 * why), 1 when key is not one of them.
 */
int pop3_check_set(struct pop3_target *t, int key, const char *arg, char *err,
		   size_t errlen);

struct pop3_session {
	struct pop3 pop3;
	struct tls_info tls_info;
	bool tls;
};

/*
 * Load the password from --password-file or IMSCHECK_PASSWORD.  A file
 * that others may read is a WARNING problem.  0, or -1 after a problem.
 */
int pop3_check_password(struct pop3_target *t, struct result *r);

/*
 * Connect, start TLS as asked, read the greeting, CAPA, STLS, and log in
 * when a user is given.  0, or -1 after a problem in r.
 */
int pop3_check_open(struct pop3_session *ps, const struct pop3_target *t,
		    const struct plugin *p, struct result *r);

/*
 * STAT into count and octets; a failure or a -ERR is a problem in r.  0,
 * or -1 after a problem.
 */
int pop3_check_stat(struct pop3_session *ps, unsigned long *count,
		    unsigned long *octets, const struct plugin *p,
		    struct result *r);

/* QUIT (committing deletions), the transcript for -vvv, and free. */
void pop3_check_close(struct pop3_session *ps, const struct plugin *p,
		      struct result *r);

#endif
