/*
 * memconn.h - a connection over memory for unit tests and fuzz targets:
 * what the client reads comes from a script, what it writes is kept, and
 * the end of the script is the peer closing.  It plugs in as any layer
 * does, by the connection's I/O functions (proto/net.h).
 */
#ifndef IMSCHECK_MEMCONN_H
#define IMSCHECK_MEMCONN_H

#include <stdio.h>
#include <string.h>

#include "core/buf.h"

#include "proto/net.h"

#define MEMCONN_MAX (64 * 1024) /* what the client may write, and read */

struct memconn {
	const char *in; /* the script not read yet */
	size_t left;
	struct buf out; /* everything the client wrote */
};

static enum net_status
memconn_recv(struct conn *c, void *data, size_t len, size_t *got)
{
	struct memconn *m = c->io_state;

	if (m->left == 0)
		return NET_CLOSED;
	*got = len < m->left ? len : m->left;
	memcpy(data, m->in, *got);
	m->in += *got;
	m->left -= *got;
	return NET_OK;
}

static enum net_status
memconn_send(struct conn *c, const void *data, size_t len, size_t *sent)
{
	struct memconn *m = c->io_state;

	if (buf_append(&m->out, data, len) == -1)
		return NET_ERROR;
	*sent = len;
	return NET_OK;
}

static const struct conn_io memconn_io = {memconn_recv, memconn_send, NULL};

/* c reads script (len bytes) and writes into m->out, under deadline. */
static inline void
memconn_open(struct conn *c, struct memconn *m, const char *script, size_t len,
	     const struct deadline *deadline)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->io = &memconn_io;
	c->io_state = m;
	c->deadline = deadline;
	buf_init(&c->in, MEMCONN_MAX);
	snprintf(c->peer, sizeof(c->peer), "memory");
	m->in = script;
	m->left = len;
	buf_init(&m->out, MEMCONN_MAX);
}

#endif
