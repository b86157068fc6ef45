/*
 * net.h - TCP connections under the check's deadline: a non-blocking
 * connect to every address of a name in turn, optionally bound to a source
 * address, and a line reader with a length cap that never waits past the
 * deadline.  Once TLS is started on a connection (tls.h) the same calls
 * read and write through it.
 */
#ifndef IMSCHECK_NET_H
#define IMSCHECK_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/addr.h"
#include "core/buf.h"
#include "core/deadline.h"

#define NET_LINE_MAX  4096 /* longest line a reader accepts */
#define NET_ADDRS_MAX 8	   /* addresses of one name tried */

enum net_status {
	NET_OK = 0,
	NET_TIMEOUT, /* the deadline passed */
	NET_CLOSED,  /* the peer closed the connection */
	NET_TOOLONG, /* a line longer than the cap */
	NET_ERROR,   /* anything else; the connection's error says what */
};

struct net_opts {
	int family;	    /* AF_UNSPEC, AF_INET or AF_INET6 */
	const char *source; /* local address to bind to, or NULL */
};

struct tls_session;

struct conn {
	int fd;
	struct tls_session *tls; /* set while TLS runs on the connection */
	struct buf in;		 /* received and not yet taken */
	const struct deadline *deadline;
	char host[256];		    /* as given, for TLS name checks */
	char addr[ADDR_TEXT_MAX];   /* the address connected to */
	char peer[ADDR_SERVER_MAX]; /* "IP:PORT" or "[IPv6]:PORT" */
	double connect_seconds;	    /* name lookup and TCP handshake */
	char error[512];	    /* why the last call failed */
};

/*
 * Connect to host:port: an address literal, or every address of the name
 * in turn until one answers.  Returns NET_OK, NET_TIMEOUT or NET_ERROR;
 * c->error names each address tried and why it failed.
 */
enum net_status net_connect(struct conn *c, const char *host, unsigned port,
			    const struct net_opts *opts,
			    const struct deadline *deadline);

/*
 * Read one line, without its CRLF (or bare LF), into line (NUL-terminated,
 * size bytes).  NET_TOOLONG when the line does not fit or exceeds
 * NET_LINE_MAX; NET_CLOSED when the peer closed before a line ended.
 */
enum net_status net_read_line(struct conn *c, char *line, size_t size,
			      size_t *len);

/* Write all of data. */
enum net_status net_write(struct conn *c, const void *data, size_t len);

/* Bytes received but not yet read: after STARTTLS they must be none. */
size_t net_buffered(const struct conn *c);
void net_discard(struct conn *c);

/* Wait until the socket is readable (in) or writable (!in); for tls.c. */
enum net_status net_wait(struct conn *c, bool in);

void net_close(struct conn *c);

const char *net_status_name(enum net_status s);

#endif
