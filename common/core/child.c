/*
 * child.c - running a plugin as a child process and reading its output.
 */
#define _GNU_SOURCE /* close_range() */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/child.h"

#include "core/nagios.h"

int
child_start(struct child *c, const char *path, char *const argv[])
{
	int fds[2];

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	buf_init(&c->out, CHILD_OUTPUT_MAX);
	if (pipe(fds) == -1) {
		snprintf(c->error, sizeof(c->error), "pipe: %s",
			 strerror(errno));
		return -1;
	}
	if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(fds[0], F_SETFL, O_NONBLOCK) == -1 ||
	    (c->pid = fork()) == -1) {
		snprintf(c->error, sizeof(c->error), "fork: %s",
			 strerror(errno));
		c->pid = 0;
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (c->pid == 0) {
		int null = open("/dev/null", O_RDWR);
		sigset_t none;

		/* The parent may block signals it handles in its loop. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		setpgid(0, 0);
		dup2(null, STDIN_FILENO);
		dup2(fds[1], STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		/* Nothing of ours (sockets, pipes) reaches the plugin. */
		close_range(3, ~0U, 0);
		execv(path, argv);
		dprintf(STDOUT_FILENO, "%s UNKNOWN - cannot run %s: %s\n",
			argv[0], path, strerror(errno));
		_exit(STATE_UNKNOWN);
	}
	/* Also here, so that a kill right after the fork finds the group. */
	setpgid(c->pid, c->pid);
	close(fds[1]);
	c->fd = fds[0];
	return 0;
}

int
child_read(struct child *c)
{
	char chunk[4096];
	ssize_t got;

	while (c->fd != -1) {
		got = read(c->fd, chunk, sizeof(chunk));
		if (got > 0) {
			buf_append_cut(&c->out, chunk, (size_t)got);
			continue;
		}
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1 && errno == EAGAIN)
			return 0;
		close(c->fd);
		c->fd = -1;
	}
	return 1;
}

void
child_kill(struct child *c)
{
	if (c->pid > 0 && !c->reaped) {
		kill(-c->pid, SIGKILL);
		kill(c->pid, SIGKILL); /* had it no group of its own yet */
		c->killed = true;
	}
	/* Its output is of no use now, and a grandchild may hold the pipe. */
	if (c->fd != -1) {
		close(c->fd);
		c->fd = -1;
	}
}

int
child_reap(struct child *c, bool block)
{
	pid_t got;

	if (c->pid <= 0 || c->reaped)
		return 1;
	do
		got = waitpid(c->pid, &c->status, block ? 0 : WNOHANG);
	while (got == -1 && errno == EINTR);
	if (got == 0)
		return 0;
	c->reaped = true;
	if (got == -1) /* not our child any more: nothing to wait for */
		c->status = STATE_UNKNOWN << 8;
	return 1;
}

void
child_result(const struct child *c, enum state fail, struct result *r)
{
	if (c->error[0] != '\0')
		result_fail(r, fail, "%s", c->error);
	else if (c->killed)
		result_fail(r, fail, "did not end before its deadline");
	else if (WIFSIGNALED(c->status))
		result_fail(r, fail, "killed by signal %d (%s)",
			    WTERMSIG(c->status),
			    strsignal(WTERMSIG(c->status)));
	else
		nagios_parse(c->out.data ? c->out.data : "", c->out.len,
			     WEXITSTATUS(c->status), r);
}

void
child_free(struct child *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	buf_free(&c->out);
}
