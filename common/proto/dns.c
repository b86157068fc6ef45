/*
 * dns.c - c-ares channels driven by a poll loop under the deadline.
 *
 * c-ares tells us which sockets to watch through the socket-state callback;
 * we poll them and hand readiness back with ares_process_fd().  Nothing
 * here blocks past the deadline: when it passes, the queries still pending
 * are cancelled and end as DNS_TIMEOUT.
 *
 * A DNSSEC query (q.dnssec) is built by dns_build_query() and sent with
 * ares_send() on the same channel, since c-ares 1.18 sets no DO bit.  Its
 * SERVFAIL is asked once more with CD, as part of the same wait: a
 * validating resolver that answers then has found the data bogus.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/select.h> /* before ares.h under strict feature macros */
#include <sys/socket.h>
#include <ares.h>

#include "proto/dns.h"

#include "core/diag.h"

#define DNS_TRIES   3
#define DNS_FDS_MAX (4 * DNS_SERVERS_MAX)

struct dns_channel {
	ares_channel ares;
	char name[128];
};

struct dns_fd {
	ares_socket_t fd;
	size_t channel;
	bool readable;
	bool writable;
};

/* The socket-state callback's data: which channel of which struct dns. */
struct dns_cbdata {
	struct dns *dns;
	size_t channel;
};

struct dns {
	const struct deadline *deadline;
	struct dns_channel chan[DNS_SERVERS_MAX];
	struct dns_cbdata cbdata[DNS_SERVERS_MAX];
	size_t nchan;
	struct dns_fd fds[DNS_FDS_MAX];
	size_t nfds;
	size_t pending;
};

static void
sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct dns_cbdata *cb = data;
	struct dns *dns = cb->dns;
	size_t i;

	for (i = 0; i < dns->nfds; i++)
		if (dns->fds[i].fd == fd)
			break;
	if (!readable && !writable) { /* c-ares closed it */
		if (i < dns->nfds)
			dns->fds[i] = dns->fds[--dns->nfds];
		return;
	}
	if (i == dns->nfds) {
		if (dns->nfds == DNS_FDS_MAX)
			return; /* cannot happen: a few sockets per server */
		dns->nfds++;
	}
	dns->fds[i] =
	    (struct dns_fd){fd, cb->channel, readable != 0, writable != 0};
}

/* Name the system resolver by the servers c-ares took from resolv.conf. */
static void
name_system(struct dns_channel *c)
{
	struct ares_addr_port_node *servers = NULL, *s;
	size_t n = 0;
	char ip[ADDR_TEXT_MAX];

	n = (size_t)snprintf(c->name, sizeof(c->name), "system resolver");
	if (ares_get_servers_ports(c->ares, &servers) != ARES_SUCCESS)
		return;
	for (s = servers; s != NULL && n < sizeof(c->name); s = s->next) {
		if (ares_inet_ntop(s->family, &s->addr, ip, sizeof(ip)) == NULL)
			continue;
		n += (size_t)snprintf(c->name + n, sizeof(c->name) - n, "%s%s",
				      s == servers ? " " : ",", ip);
	}
	ares_free_data(servers);
}

/* Channel lookups: DNS only, or /etc/hosts first as for connecting. */
#define LOOKUPS_DNS   "b"
#define LOOKUPS_HOSTS "fb"

static int
channel_open(struct dns *dns, const char *server, const char *lookups,
	     char *err, size_t errlen)
{
	struct dns_channel *c = &dns->chan[dns->nchan];
	struct ares_options opts;
	int optmask, rc, ms;
	char csv[ADDR_SERVER_MAX];

	/* c-ares 1.18 doubles the timeout each round: t + 2t + 4t = 7t. */
	ms = (int)(deadline_left(dns->deadline) * 1000 / 7);
	memset(&opts, 0, sizeof(opts));
	opts.flags =
	    ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
	opts.timeout = ms > 20 ? ms : 20;
	opts.tries = DNS_TRIES;
	opts.lookups = (char *)lookups;
	dns->cbdata[dns->nchan] = (struct dns_cbdata){dns, dns->nchan};
	opts.sock_state_cb = sock_state;
	opts.sock_state_cb_data = &dns->cbdata[dns->nchan];
	optmask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
		  ARES_OPT_LOOKUPS | ARES_OPT_SOCK_STATE_CB;
	if ((rc = ares_init_options(&c->ares, &opts, optmask)) !=
	    ARES_SUCCESS) {
		errorf(err, errlen, "cannot start the resolver: %s",
		       ares_strerror(rc));
		return -1;
	}
	dns->nchan++;
	if (server == NULL) {
		name_system(c);
		return 0;
	}
	if (addr_server(server, csv, sizeof(csv)) == -1) {
		errorf(err, errlen, "'%.100s' is not IP[:PORT]", server);
		return -1;
	}
	if ((rc = ares_set_servers_ports_csv(c->ares, csv)) != ARES_SUCCESS) {
		errorf(err, errlen, "server %s: %s", csv, ares_strerror(rc));
		return -1;
	}
	snprintf(c->name, sizeof(c->name), "%s", csv);
	return 0;
}

static struct dns *
dns_open_lookups(const char *const *servers, size_t nservers,
		 const char *lookups, const struct deadline *deadline,
		 char *err, size_t errlen)
{
	struct dns *dns;
	int rc;

	if (nservers > DNS_SERVERS_MAX) {
		errorf(err, errlen, "at most %d DNS servers", DNS_SERVERS_MAX);
		return NULL;
	}
	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		errorf(err, errlen, "c-ares: %s", ares_strerror(rc));
		return NULL;
	}
	if ((dns = calloc(1, sizeof(*dns))) == NULL) {
		errorf(err, errlen, "out of memory");
		ares_library_cleanup();
		return NULL;
	}
	dns->deadline = deadline;
	for (size_t i = 0; i < (nservers ? nservers : 1); i++) {
		if (channel_open(dns, nservers ? servers[i] : NULL, lookups,
				 err, errlen) == -1) {
			dns_close(dns);
			return NULL;
		}
	}
	return dns;
}

struct dns *
dns_open(const char *const *servers, size_t nservers,
	 const struct deadline *deadline, char *err, size_t errlen)
{
	return dns_open_lookups(servers, nservers, LOOKUPS_DNS, deadline, err,
				errlen);
}

void
dns_close(struct dns *dns)
{
	if (dns == NULL)
		return;
	for (size_t i = 0; i < dns->nchan; i++)
		ares_destroy(dns->chan[i].ares);
	free(dns);
	ares_library_cleanup();
}

size_t
dns_channels(const struct dns *dns)
{
	return dns->nchan;
}

const char *
dns_channel_name(const struct dns *dns, size_t channel)
{
	return dns->chan[channel].name;
}

int
dns_query_init(struct dns_query *q, const char *name, enum dns_type type)
{
	memset(q, 0, sizeof(*q));
	q->type = type;
	if (type == DNS_T_PTR) {
		if (addr_canon(name, q->addr, sizeof(q->addr)) == -1 ||
		    addr_reverse_name(q->addr, q->name, sizeof(q->name)) == -1)
			return -1;
		return 0;
	}
	if (strlen(name) > DNS_NAME_MAX)
		return -1;
	strcpy(q->name, name);
	return 0;
}

void
dns_query_free(struct dns_query *q)
{
	free(q->rr);
	q->rr = NULL;
	q->nrr = 0;
	dns_txt_free(q);
	dns_sec_free(q);
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf,
		      int alen);

/* A query in wire form with ares_send(): 0, or -1 if it cannot be built. */
static int
send_built(struct dns *dns, size_t channel, struct dns_query *q, bool cd,
	   ares_callback cb)
{
	unsigned char buf[512];
	struct dns_query wire = *q;
	int len;

	wire.cd = cd;
	if ((len = dns_build_query(&wire, buf, sizeof(buf))) == -1)
		return -1;
	dns->pending++;
	ares_send(dns->chan[channel].ares, buf, len, cb, q);
	return 0;
}

/*
 * The CD re-ask of a DNSSEC query's SERVFAIL: an answer (NOERROR or
 * NXDOMAIN) means the resolver failed validation; its data is not used.
 */
static void
on_reask(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct dns_query *q = arg;

	(void)timeouts;
	q->seconds = mono_now() - q->sent;
	q->dns->pending--;
	q->status = DNS_SERVFAIL;
	if (status == ARES_SUCCESS || status == ARES_ENODATA ||
	    status == ARES_ENOTFOUND) {
		struct dns_query cd = {.type = q->type};

		snprintf(cd.name, sizeof(cd.name), "%s", q->name);
		snprintf(cd.addr, sizeof(cd.addr), "%s", q->addr);
		if (abuf != NULL && alen > 0)
			dns_parse_answer(&cd, abuf, (size_t)alen);
		if (cd.rcode == 0 || cd.status == DNS_NXDOMAIN) {
			q->status = DNS_BOGUS;
			snprintf(q->error, sizeof(q->error),
				 "SERVFAIL, but answered with CD: "
				 "DNSSEC validation failed");
		}
		dns_query_free(&cd);
	}
}

static void
on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct dns_query *q = arg;

	q->seconds = mono_now() - q->sent;
	q->dns->pending--;
	switch (status) {
	case ARES_ETIMEOUT:
		q->status = DNS_TIMEOUT;
		snprintf(q->error, sizeof(q->error), "after %d tries",
			 timeouts);
		return;
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		q->status = DNS_TIMEOUT;
		snprintf(q->error, sizeof(q->error), "before the deadline");
		return;
	}
	if (abuf != NULL && alen > 0) {
		dns_parse_answer(q, abuf, (size_t)alen);
		if (q->dnssec && !q->cd && !q->reasked &&
		    q->status == DNS_SERVFAIL &&
		    !deadline_expired(q->dns->deadline)) {
			q->reasked = true;
			if (send_built(q->dns, q->channel, q, true, on_reask) ==
			    0)
				q->status = DNS_PENDING;
		}
		return;
	}
	q->status = DNS_FAILED;
	snprintf(q->error, sizeof(q->error), "%s", ares_strerror(status));
}

void
dns_submit(struct dns *dns, size_t channel, struct dns_query *q)
{
	q->dns = dns;
	q->channel = channel;
	q->status = DNS_PENDING;
	q->sent = mono_now();
	q->reasked = false;
	if (q->dnssec || q->cd) {
		if (send_built(dns, channel, q, q->cd, on_answer) == -1) {
			q->status = DNS_FAILED;
			snprintf(q->error, sizeof(q->error),
				 "cannot build a query for '%.60s'", q->name);
		}
		return;
	}
	dns->pending++;
	ares_query(dns->chan[channel].ares, q->name, 1 /* IN */, (int)q->type,
		   on_answer, q);
}

/* Milliseconds until the next c-ares retransmission or the deadline. */
static int
wait_ms(struct dns *dns)
{
	int ms = deadline_poll_ms(dns->deadline);
	struct timeval tv, *tvp;

	for (size_t i = 0; i < dns->nchan; i++) {
		if ((tvp = ares_timeout(dns->chan[i].ares, NULL, &tv)) == NULL)
			continue;
		long t = (long)tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000;
		if (t < ms)
			ms = (int)t;
	}
	return ms;
}

void
dns_wait(struct dns *dns)
{
	struct pollfd pfd[DNS_FDS_MAX];
	size_t chan[DNS_FDS_MAX];

	while (dns->pending > 0) {
		size_t n = dns->nfds;
		int ready;

		if (deadline_expired(dns->deadline)) {
			for (size_t i = 0; i < dns->nchan; i++)
				ares_cancel(dns->chan[i].ares);
			break;
		}
		for (size_t i = 0; i < n; i++) {
			pfd[i].fd = dns->fds[i].fd;
			pfd[i].events =
			    (short)((dns->fds[i].readable ? POLLIN : 0) |
				    (dns->fds[i].writable ? POLLOUT : 0));
			pfd[i].revents = 0;
			chan[i] = dns->fds[i].channel;
		}
		ready = poll(pfd, (nfds_t)n, wait_ms(dns));
		if (ready == -1 && errno != EINTR)
			break;
		for (size_t i = 0; ready > 0 && i < n; i++) {
			short ev = pfd[i].revents;

			if (ev == 0)
				continue;
			ares_process_fd(
			    dns->chan[chan[i]].ares,
			    ev & (POLLIN | POLLERR | POLLHUP) ? pfd[i].fd
							      : ARES_SOCKET_BAD,
			    ev & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD);
		}
		/* Retransmissions and c-ares's own timeouts. */
		for (size_t i = 0; i < dns->nchan; i++)
			ares_process_fd(dns->chan[i].ares, ARES_SOCKET_BAD,
					ARES_SOCKET_BAD);
	}
}

bool
dns_rr_is_null_mx(const struct dns_rr *rr)
{
	return rr->text[0] == '\0' || strcmp(rr->text, ".") == 0;
}

const char *
dns_type_name(enum dns_type type)
{
	switch (type) {
	case DNS_T_A:
		return "A";
	case DNS_T_AAAA:
		return "AAAA";
	case DNS_T_MX:
		return "MX";
	case DNS_T_PTR:
		return "PTR";
	case DNS_T_TXT:
		return "TXT";
	case DNS_T_RRSIG:
		return "RRSIG";
	case DNS_T_DNSKEY:
		return "DNSKEY";
	case DNS_T_TLSA:
		return "TLSA";
	}
	return "?";
}

const char *
dns_status_name(enum dns_status status)
{
	static const char *const names[] = {
	    [DNS_UNASKED] = "not asked",  [DNS_PENDING] = "pending",
	    [DNS_ANSWER] = "answer",	  [DNS_NODATA] = "no data",
	    [DNS_NXDOMAIN] = "NXDOMAIN",  [DNS_SERVFAIL] = "SERVFAIL",
	    [DNS_REFUSED] = "REFUSED",	  [DNS_TIMEOUT] = "timeout",
	    [DNS_BADREPLY] = "bad reply", [DNS_FAILED] = "failed",
	    [DNS_BOGUS] = "bogus",
	};

	return (unsigned)status < sizeof(names) / sizeof(names[0])
		   ? names[status]
		   : "?";
}

/* What dns_host_addrs() collects from ares_getaddrinfo(). */
struct host_lookup {
	struct dns *dns;
	char (*addrs)[ADDR_TEXT_MAX];
	size_t max;
	size_t n;
	int status;
	bool done;
};

static void
on_host(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
	struct host_lookup *h = arg;
	struct ares_addrinfo_node *node;

	(void)timeouts;
	h->dns->pending--;
	h->done = true;
	h->status = status;
	for (node = ai ? ai->nodes : NULL; node != NULL && h->n < h->max;
	     node = node->ai_next) {
		const void *a;

		if (node->ai_family == AF_INET)
			a = &((struct sockaddr_in *)(void *)node->ai_addr)
				 ->sin_addr;
		else
			a = &((struct sockaddr_in6 *)(void *)node->ai_addr)
				 ->sin6_addr;
		if (ares_inet_ntop(node->ai_family, a, h->addrs[h->n],
				   ADDR_TEXT_MAX) != NULL)
			h->n++;
	}
	if (ai != NULL)
		ares_freeaddrinfo(ai);
}

int
dns_host_addrs(const char *host, int family, const struct deadline *deadline,
	       char addrs[][ADDR_TEXT_MAX], size_t max, char *err,
	       size_t errlen)
{
	struct ares_addrinfo_hints hints = {0};
	struct host_lookup h = {.addrs = addrs, .max = max};
	int literal;

	if (max == 0)
		return 0;
	if ((literal = addr_canon(host, addrs[0], ADDR_TEXT_MAX)) != -1) {
		if (family != AF_UNSPEC && family != literal)
			return errorf(err, errlen, "%s is not an IPv%c address",
				      host, family == AF_INET ? '4' : '6');
		return 1;
	}
	h.dns = dns_open_lookups(NULL, 0, LOOKUPS_HOSTS, deadline, err, errlen);
	if (h.dns == NULL)
		return -1;
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	h.dns->pending++;
	ares_getaddrinfo(h.dns->chan[0].ares, host, NULL, &hints, on_host, &h);
	dns_wait(h.dns);
	dns_close(h.dns);
	if (!h.done || h.status == ARES_ECANCELLED ||
	    h.status == ARES_ETIMEOUT || h.status == ARES_EDESTRUCTION)
		return errorf(err, errlen, "cannot resolve %s: no answer",
			      host);
	if (h.status != ARES_SUCCESS || h.n == 0)
		return errorf(err, errlen, "cannot resolve %s: %s", host,
			      h.status == ARES_SUCCESS
				  ? "no address"
				  : ares_strerror(h.status));
	return (int)h.n;
}
