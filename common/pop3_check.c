/*
 * pop3_check.c - the POP3 session the steps share.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pop3_check.h"

static enum state
failure_state(const struct pop3_session *ps, const struct plugin *p)
{
	if (ps->pop3.net == NET_TIMEOUT || plugin_timed_out(p))
		return p->timeout_state;
	return STATE_CRITICAL;
}

int
pop3_check_password(struct pop3_target *t, struct result *r)
{
	const char *env = getenv("IMSCHECK_PASSWORD");
	struct stat st;
	ssize_t n;
	int fd;

	if (t->password_file == NULL) {
		if (env == NULL) {
			result_problem(r, STATE_UNKNOWN,
				       "no password: give --password-file or "
				       "set IMSCHECK_PASSWORD");
			return -1;
		}
		snprintf(t->password, sizeof(t->password), "%s", env);
		return 0;
	}
	if ((fd = open(t->password_file, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		result_problem(r, STATE_UNKNOWN, "password file %s: %s",
			       t->password_file, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	n = read(fd, t->password, sizeof(t->password) - 1);
	close(fd);
	if (n < 0) {
		result_problem(r, STATE_UNKNOWN, "password file %s: %s",
			       t->password_file, strerror(errno));
		return -1;
	}
	t->password[n] = '\0';
	t->password[strcspn(t->password, "\r\n")] = '\0'; /* the first line */
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		result_problem(r, STATE_WARNING,
			       "password file %s may be read by others "
			       "(mode %03o)",
			       t->password_file, (unsigned)(st.st_mode & 0777));
	return 0;
}

static const char *
peer(const struct pop3_session *ps, const struct pop3_target *t)
{
	return ps->pop3.conn.peer[0] ? ps->pop3.conn.peer : t->host;
}

static int
start_stls(struct pop3_session *ps, const struct pop3_target *t,
	   const struct plugin *p, struct result *r)
{
	struct tls_opts o = {.ca_file = t->cert.ca_file,
			     .no_verify = t->cert.no_verify};
	struct pop3 *s = &ps->pop3;

	if (!s->caps.stls) {
		result_problem(r, STATE_CRITICAL, "%s does not offer STLS%s",
			       peer(ps, t),
			       s->caps.capa ? "" : " (it refused CAPA)");
		return -1;
	}
	if (pop3_stls(s, &o, &ps->tls_info) == -1) {
		result_problem(r, failure_state(ps, p), "%s failed at STLS: %s",
			       peer(ps, t), s->error);
		return -1;
	}
	if (s->conn.tls == NULL) {
		result_problem(r, STATE_CRITICAL, "%s refused STLS: -ERR %s",
			       peer(ps, t), s->text);
		return -1;
	}
	ps->tls = true;
	return 0;
}

int
pop3_check_open(struct pop3_session *ps, const struct pop3_target *t,
		const struct plugin *p, struct result *r)
{
	struct net_opts no = {.family = p->family, .source = t->source};
	struct tls_opts o = {.ca_file = t->cert.ca_file,
			     .no_verify = t->cert.no_verify};
	unsigned port = t->port ? t->port : t->tls ? 995 : 110;
	struct pop3 *s = &ps->pop3;

	s->transcript_on = p->verbose >= 3;
	if (pop3_connect(s, t->host, port, &no, &p->deadline) == -1) {
		result_problem(r, failure_state(ps, p),
			       "no connection to %s: %s", peer(ps, t),
			       s->error);
		return -1;
	}
	if (t->tls) {
		enum net_status st = tls_start(&s->conn, &o, &ps->tls_info);

		if (st != NET_OK) {
			s->net = st;
			result_problem(r, failure_state(ps, p),
				       "%s failed at the TLS handshake: %s",
				       peer(ps, t),
				       s->conn.error[0] ? s->conn.error
							: net_status_name(st));
			return -1;
		}
		ps->tls = true;
	}
	if (pop3_greeting(s) == -1) {
		result_problem(r, failure_state(ps, p),
			       "%s failed at the greeting: %s", peer(ps, t),
			       s->error);
		return -1;
	}
	if (!s->ok) {
		result_problem(r, STATE_CRITICAL, "%s greeted with -ERR %s",
			       peer(ps, t), s->text);
		return -1;
	}
	if (pop3_capa(s) == -1) {
		result_problem(r, failure_state(ps, p), "%s failed at CAPA: %s",
			       peer(ps, t), s->error);
		return -1;
	}
	if (t->stls && start_stls(ps, t, p, r) == -1)
		return -1;
	if (t->user == NULL)
		return 0;
	if (pop3_login(s, t->user, t->password) == -1) {
		result_problem(r, failure_state(ps, p),
			       "%s failed at login: %s", peer(ps, t), s->error);
		return -1;
	}
	if (!s->ok) {
		result_problem(r, STATE_CRITICAL,
			       "%s refused the login of %s: -ERR %s",
			       peer(ps, t), t->user, s->text);
		return -1;
	}
	return 0;
}

int
pop3_check_stat(struct pop3_session *ps, unsigned long *count,
		unsigned long *octets, const struct plugin *p, struct result *r)
{
	struct pop3 *s = &ps->pop3;

	if (pop3_stat(s, count, octets) == -1) {
		result_problem(r, failure_state(ps, p), "%s failed at STAT: %s",
			       s->conn.peer, s->error);
		return -1;
	}
	/* A mailbox that cannot be counted is not an empty one. */
	if (!s->ok) {
		result_problem(r, STATE_CRITICAL, "%s refused STAT: -ERR %s",
			       s->conn.peer, s->text);
		return -1;
	}
	return 0;
}

void
pop3_check_close(struct pop3_session *ps, const struct plugin *p,
		 struct result *r)
{
	const char *t, *nl;

	pop3_quit(&ps->pop3);
	for (t = buf_str(&ps->pop3.transcript); p->verbose >= 3 && *t;
	     t = nl + 1) {
		if ((nl = strchr(t, '\n')) == NULL)
			break;
		result_line(r, STATE_OK, "%.*s", (int)(nl - t), t);
	}
	pop3_free(&ps->pop3);
}

int
pop3_check_set(struct pop3_target *t, int key, const char *arg, char *err,
	       size_t errlen)
{
	switch (key) {
	case POP3_KEY_TLS:
		t->tls = true;
		return 0;
	case POP3_KEY_STLS:
		t->stls = true;
		return 0;
	case 'u':
		t->user = arg;
		return 0;
	case POP3_KEY_PASSWORD_FILE:
		t->password_file = arg;
		return 0;
	}
	return tls_check_set(&t->cert, key, arg, err, errlen);
}
