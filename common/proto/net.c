/*
 * net.c - TCP connections under the deadline.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto/net.h"

#include "core/diag.h"

#include "proto/dns.h"

#define NET_IN_MAX (2 * NET_LINE_MAX) /* a reader never buffers more */

const char *
net_status_name(enum net_status s)
{
	switch (s) {
	case NET_OK:
		return "ok";
	case NET_TIMEOUT:
		return "timeout";
	case NET_CLOSED:
		return "connection closed";
	case NET_TOOLONG:
		return "line too long";
	case NET_ERROR:
		break;
	}
	return "error";
}

void
net_why(const struct conn *c, enum net_status st, char *out, size_t size)
{
	if (st == NET_ERROR && c->error[0] != '\0')
		snprintf(out, size, "%s", c->error);
	else if (st == NET_TOOLONG)
		snprintf(out, size, "a line longer than %d bytes",
			 NET_LINE_MAX);
	else
		snprintf(out, size, "%s", net_status_name(st));
}

enum net_status
net_wait(struct conn *c, bool in)
{
	struct pollfd p = {.fd = c->fd, .events = in ? POLLIN : POLLOUT};

	for (;;) {
		int ms = deadline_poll_ms(c->deadline);
		int n;

		if (ms == 0)
			return NET_TIMEOUT;
		n = poll(&p, 1, ms);
		if (n > 0)
			return NET_OK; /* errors and hangups show on the call */
		if (n == 0)
			return NET_TIMEOUT;
		if (errno != EINTR) {
			errorf(c->error, sizeof(c->error), "poll: %s",
			       strerror(errno));
			return NET_ERROR;
		}
	}
}

static enum net_status
plain_recv(struct conn *c, void *data, size_t len, size_t *got)
{
	enum net_status st;
	ssize_t n;

	*got = 0;
	if ((st = net_wait(c, true)) != NET_OK)
		return st;
	n = recv(c->fd, data, len, 0);
	if (n > 0) {
		*got = (size_t)n;
		return NET_OK;
	}
	if (n == 0)
		return NET_CLOSED;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return NET_OK;
	errorf(c->error, sizeof(c->error), "recv: %s", strerror(errno));
	return NET_ERROR;
}

static enum net_status
plain_send(struct conn *c, const void *data, size_t len, size_t *sent)
{
	enum net_status st;
	ssize_t n;

	*sent = 0;
	if ((st = net_wait(c, false)) != NET_OK)
		return st;
	n = send(c->fd, data, len, MSG_NOSIGNAL);
	if (n >= 0) {
		*sent = (size_t)n;
		return NET_OK;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return NET_OK;
	errorf(c->error, sizeof(c->error), "send: %s", strerror(errno));
	return errno == EPIPE || errno == ECONNRESET ? NET_CLOSED : NET_ERROR;
}

static const struct conn_io plain_io = {plain_recv, plain_send, NULL};

/* Fill a sockaddr from an address text and port. */
static socklen_t
sockaddr_of(const char *addr, unsigned port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		return sizeof(*in4);
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		return sizeof(*in6);
	}
	return 0;
}

/*
 * One TCP handshake, given until limit (monotonic seconds).  Returns the
 * socket, or -1 with the reason in why.
 */
static int
connect_one(const char *addr, unsigned port, const char *source, double limit,
	    char *why, size_t whylen)
{
	struct sockaddr_storage ss, src;
	socklen_t len = sockaddr_of(addr, port, &ss), srclen = 0;
	struct deadline d = {mono_now(), limit};
	int fd, soerr = 0;
	socklen_t soerrlen = sizeof(soerr);
	struct pollfd p;

	if (source != NULL) {
		srclen = sockaddr_of(source, 0, &src);
		if (src.ss_family != ss.ss_family)
			return errorf(why, whylen, "source %s is not IPv%c",
				      source,
				      ss.ss_family == AF_INET ? '4' : '6');
	}
	fd =
	    socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return errorf(why, whylen, "socket: %s", strerror(errno));
	if (source != NULL && bind(fd, (struct sockaddr *)&src, srclen) == -1) {
		errorf(why, whylen, "bind to %s: %s", source, strerror(errno));
		goto fail;
	}
	if (connect(fd, (struct sockaddr *)&ss, len) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		errorf(why, whylen, "%s", strerror(errno));
		goto fail;
	}
	p = (struct pollfd){.fd = fd, .events = POLLOUT};
	for (;;) {
		int n = poll(&p, 1, deadline_poll_ms(&d));

		if (n == 0) {
			errorf(why, whylen, "no answer to the TCP handshake");
			goto fail;
		}
		if (n > 0)
			break;
		if (errno != EINTR) {
			errorf(why, whylen, "poll: %s", strerror(errno));
			goto fail;
		}
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &soerrlen) == -1 ||
	    soerr != 0) {
		errorf(why, whylen, "%s", strerror(soerr ? soerr : errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static void
peer_name(struct conn *c, unsigned port)
{
	snprintf(c->peer, sizeof(c->peer),
		 strchr(c->addr, ':') ? "[%s]:%u" : "%s:%u", c->addr, port);
}

enum net_status
net_connect(struct conn *c, const char *host, unsigned port,
	    const struct net_opts *opts, const struct deadline *deadline)
{
	char addrs[NET_ADDRS_MAX][ADDR_TEXT_MAX], why[256];
	double started = mono_now();
	size_t used = 0;
	int n;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->io = &plain_io;
	c->deadline = deadline;
	buf_init(&c->in, NET_IN_MAX);
	snprintf(c->host, sizeof(c->host), "%s", host);
	n = dns_host_addrs(host, opts->family, deadline, addrs, NET_ADDRS_MAX,
			   why, sizeof(why));
	if (n == -1) {
		errorf(c->error, sizeof(c->error), "%s", why);
		return deadline_expired(deadline) ? NET_TIMEOUT : NET_ERROR;
	}
	for (int i = 0; i < n; i++) {
		/* Each address gets an equal share of the time that is left. */
		double limit = mono_now() + deadline_left(deadline) / (n - i);

		memcpy(c->addr, addrs[i], sizeof(c->addr));
		peer_name(c, port);
		c->fd = connect_one(addrs[i], port, opts->source, limit, why,
				    sizeof(why));
		if (c->fd != -1) {
			c->connect_seconds = mono_now() - started;
			return NET_OK;
		}
		if (used < sizeof(c->error))
			used += (size_t)snprintf(
			    c->error + used, sizeof(c->error) - used,
			    "%s%s: %s", used ? "; " : "", c->peer, why);
	}
	return deadline_expired(deadline) ? NET_TIMEOUT : NET_ERROR;
}

/* Receive what is there (waiting for it under the deadline). */
static enum net_status
fill(struct conn *c)
{
	char chunk[4096];
	size_t room = c->in.max - c->in.len, got = 0;
	enum net_status st;

	if (room == 0)
		return NET_TOOLONG;
	if (room > sizeof(chunk))
		room = sizeof(chunk);
	st = c->io->recv(c, chunk, room, &got);
	if (st == NET_OK && got > 0)
		buf_append(&c->in, chunk, got);
	return st;
}

enum net_status
net_read_line(struct conn *c, char *line, size_t size, size_t *len)
{
	enum net_status st;

	for (;;) {
		char *nl =
		    c->in.len ? memchr(c->in.data, '\n', c->in.len) : NULL;

		if (nl != NULL) {
			size_t n = (size_t)(nl - c->in.data), take = n + 1;

			if (n > 0 && nl[-1] == '\r')
				n--;
			if (n >= size || n > NET_LINE_MAX)
				return NET_TOOLONG;
			memcpy(line, c->in.data, n);
			line[n] = '\0';
			*len = n;
			memmove(c->in.data, c->in.data + take,
				c->in.len - take);
			c->in.len -= take;
			c->in.data[c->in.len] = '\0';
			return NET_OK;
		}
		if (c->in.len > NET_LINE_MAX || c->in.len >= size)
			return NET_TOOLONG;
		if ((st = fill(c)) != NET_OK)
			return st;
	}
}

enum net_status
net_skip_line(struct conn *c, size_t max, size_t *dropped)
{
	enum net_status st;

	*dropped = 0;
	for (;;) {
		char *nl =
		    c->in.len ? memchr(c->in.data, '\n', c->in.len) : NULL;
		size_t take = nl ? (size_t)(nl - c->in.data) + 1 : c->in.len;

		*dropped += take;
		memmove(c->in.data, c->in.data + take, c->in.len - take);
		c->in.len -= take;
		if (c->in.data != NULL)
			c->in.data[c->in.len] = '\0';
		if (nl != NULL)
			return NET_OK;
		if (*dropped > max)
			return NET_TOOLONG;
		if ((st = fill(c)) != NET_OK)
			return st;
	}
}

enum net_status
net_read_bytes(struct conn *c, size_t n, struct buf *out)
{
	enum net_status st;
	bool cut = false;

	while (n > 0) {
		size_t take = c->in.len < n ? c->in.len : n;

		if (take > 0) {
			if (out != NULL && !cut &&
			    buf_append_cut(out, c->in.data, take) != 0)
				cut = true;
			memmove(c->in.data, c->in.data + take,
				c->in.len - take);
			c->in.len -= take;
			c->in.data[c->in.len] = '\0';
			n -= take;
		} else if ((st = fill(c)) != NET_OK) {
			return st;
		}
	}
	return cut ? NET_TOOLONG : NET_OK;
}

enum net_status
net_write(struct conn *c, const void *data, size_t len)
{
	const char *p = data;
	enum net_status st;

	while (len > 0) {
		size_t sent = 0;

		if ((st = c->io->send(c, p, len, &sent)) != NET_OK)
			return st;
		p += sent;
		len -= sent;
	}
	return NET_OK;
}

size_t
net_buffered(const struct conn *c)
{
	return c->in.len;
}

void
net_discard(struct conn *c)
{
	buf_reset(&c->in);
}

void
net_uninstall(struct conn *c)
{
	c->io = &plain_io;
	c->io_state = NULL;
}

void
net_close(struct conn *c)
{
	if (c->io != NULL && c->io->end != NULL)
		c->io->end(c);
	c->io = &plain_io;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	buf_free(&c->in);
}
