/*
 * net.h - TCP connections under the check's deadline: a non-blocking
 * connect to every address of a name in turn, optionally bound to a source
 * address, and a line reader with a length cap that never waits past the
 * deadline.  A connection carries the functions that move its bytes:
 * plain TCP here; a layer above, such as TLS (tls.h), installs its own, and
 * the same calls then read and write through it (Postfix tls_stream).
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

struct conn;

/* How a connection moves its bytes, each call waiting under the deadline. */
struct conn_io {
	/* Receive up to len bytes; *got may be 0 when nothing came yet. */
	enum net_status (*recv)(struct conn *c, void *data, size_t len,
				size_t *got);
	/* Send some of data; *sent says how much. */
	enum net_status (*send)(struct conn *c, const void *data, size_t len,
				size_t *sent);
	/* Before the socket is closed; may be NULL. */
	void (*end)(struct conn *c);
};

struct conn {
	int fd;
	const struct conn_io *io; /* net_connect() sets plain TCP */
	void *io_state;		  /* the installed layer's own */
	struct buf in;		  /* received and not yet taken */
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

/*
 * After NET_TOOLONG: drop the rest of that line, through its LF, so that
 * the next read starts at the next line; *dropped counts the bytes.
 * NET_TOOLONG again when more than max bytes went without a LF.
 */
enum net_status net_skip_line(struct conn *c, size_t max, size_t *dropped);

/*
 * Read exactly n bytes (an IMAP literal): appended to out when out is not
 * NULL (what fits its cap: NET_TOOLONG, the rest still read, when some
 * did not), dropped otherwise.  NET_CLOSED when the peer closed before n came.
 */
enum net_status net_read_bytes(struct conn *c, size_t n, struct buf *out);

/* Write all of data. */
enum net_status net_write(struct conn *c, const void *data, size_t len);

/* Bytes received but not yet read: after STARTTLS they must be none. */
size_t net_buffered(const struct conn *c);
void net_discard(struct conn *c);

/*
 * Wait until the socket is readable (in) or writable (!in), for a layer's
 * I/O functions.
 */
enum net_status net_wait(struct conn *c, bool in);

/* Back to plain TCP, without calling the installed layer's end. */
void net_uninstall(struct conn *c);

void net_close(struct conn *c);

const char *net_status_name(enum net_status s);

/*
 * Why a call on c ended in st, as a phrase for a status line: the
 * connection's own error, "a line longer than 4096 bytes", "timeout",
 * "connection closed".
 */
void net_why(const struct conn *c, enum net_status st, char *out, size_t size);

#endif
