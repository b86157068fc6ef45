/*
 * bare_cares - the floor for the check_ims_dns benchmark.
 *
 * Usage: bare_cares SERVER DOMAIN      (SERVER is IP:PORT or [IPv6]:PORT)
 *
 * Does exactly the lookups check_ims_dns does in the benchmark case
 * (--no-reverse), with nothing else around them: one c-ares channel bound to
 * one server, an MX query for DOMAIN, then A and AAAA queries (class IN) for
 * every MX host, all in flight at once, driven by a poll() loop fed by the
 * socket-state callback and ares_process_fd().  Prints one line:
 *
 *   DOMAIN MX 10 mail.example 192.0.2.25 2001:db8::25, 20 mx2.example
 * 192.0.2.26
 *
 * Exit 0 when the MX query answered and every MX host has an address,
 * 1 when a lookup failed, 2 on a usage or set-up error.
 */
#define _POSIX_C_SOURCE 200809L

#include <sys/select.h> /* before ares.h: see PITFALLS.md */
#include <ares.h>

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FDS	  16
#define MAX_ADDRS 16

struct fdset {
	struct pollfd pfd[MAX_FDS];
	int n;
	int overflow;
};

struct mxhost {
	char *name;
	unsigned short prio;
	char addr[2 * MAX_ADDRS][INET6_ADDRSTRLEN];
	int naddr;
};

struct state {
	ares_channel channel;
	const char *domain;
	struct mxhost *hosts;
	size_t nhosts;
	int failed;
};

/* Called by c-ares whenever it opens, closes or changes interest in a socket.
 */
static void
sock_state_cb(void *data, ares_socket_t fd, int readable, int writable)
{
	struct fdset *set = data;
	int i;

	for (i = 0; i < set->n; i++)
		if (set->pfd[i].fd == fd)
			break;
	if (!readable && !writable) {
		if (i < set->n)
			set->pfd[i] = set->pfd[--set->n];
		return;
	}
	if (i == set->n) {
		if (set->n == MAX_FDS) {
			set->overflow = 1;
			return;
		}
		set->n++;
	}
	set->pfd[i].fd = fd;
	set->pfd[i].events =
	    (short)((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));
	set->pfd[i].revents = 0;
}

static void
add_addrs(struct mxhost *h, int family, const unsigned char *abuf, int alen)
{
	int n = MAX_ADDRS, i;

	if (family == AF_INET) {
		struct ares_addrttl ttl[MAX_ADDRS];
		if (ares_parse_a_reply(abuf, alen, NULL, ttl, &n) !=
		    ARES_SUCCESS)
			return;
		for (i = 0; i < n && h->naddr < 2 * MAX_ADDRS; i++)
			inet_ntop(AF_INET, &ttl[i].ipaddr, h->addr[h->naddr++],
				  INET6_ADDRSTRLEN);
	} else {
		struct ares_addr6ttl ttl[MAX_ADDRS];
		if (ares_parse_aaaa_reply(abuf, alen, NULL, ttl, &n) !=
		    ARES_SUCCESS)
			return;
		for (i = 0; i < n && h->naddr < 2 * MAX_ADDRS; i++)
			inet_ntop(AF_INET6, &ttl[i].ip6addr,
				  h->addr[h->naddr++], INET6_ADDRSTRLEN);
	}
}

/*
 * A and AAAA answers.  NODATA (ENODATA) and NXDOMAIN (ENOTFOUND) are answers,
 * not failures: the "no address at all" test is made once both are in.
 */
static void
addr_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen,
	int family)
{
	struct mxhost *h = arg;

	(void)timeouts;
	if (status == ARES_SUCCESS)
		add_addrs(h, family, abuf, alen);
	else if (status != ARES_ENODATA && status != ARES_ENOTFOUND &&
		 status != ARES_EDESTRUCTION)
		fprintf(stderr, "bare_cares: %s %s: %s\n", h->name,
			family == AF_INET ? "A" : "AAAA",
			ares_strerror(status));
}

static void
a_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	addr_cb(arg, status, timeouts, abuf, alen, AF_INET);
}

static void
aaaa_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	addr_cb(arg, status, timeouts, abuf, alen, AF_INET6);
}

static int
by_prio(const void *a, const void *b)
{
	const struct mxhost *x = a, *y = b;

	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Copies the MX targets into st->hosts, sorted by preference. */
static int
mx_hosts_store(struct state *st, struct ares_mx_reply *mx)
{
	struct ares_mx_reply *m;
	size_t n = 0;

	for (m = mx; m; m = m->next)
		n++;
	st->hosts = calloc(n ? n : 1, sizeof *st->hosts);
	if (!st->hosts)
		return -1;
	for (m = mx; m; m = m->next) {
		st->hosts[st->nhosts].name = strdup(m->host);
		if (!st->hosts[st->nhosts].name)
			return -1;
		st->hosts[st->nhosts++].prio = m->priority;
	}
	/* ares_parse_mx_reply does not sort by preference. */
	qsort(st->hosts, st->nhosts, sizeof *st->hosts, by_prio);
	return 0;
}

static void
mx_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct state *st = arg;
	struct ares_mx_reply *mx = NULL;
	size_t i;

	(void)timeouts;
	if (status == ARES_SUCCESS)
		status = ares_parse_mx_reply(abuf, alen, &mx);
	if (status != ARES_SUCCESS) {
		if (status != ARES_EDESTRUCTION)
			fprintf(stderr, "bare_cares: %s MX: %s\n", st->domain,
				ares_strerror(status));
		st->failed = 1;
		return;
	}
	if (mx_hosts_store(st, mx) != 0 || st->nhosts == 0)
		st->failed = 1;
	ares_free_data(mx);
	/* All A and AAAA queries go out at once on the same channel. */
	for (i = 0; i < st->nhosts; i++) {
		ares_query(st->channel, st->hosts[i].name, ns_c_in, ns_t_a,
			   a_cb, &st->hosts[i]);
		ares_query(st->channel, st->hosts[i].name, ns_c_in, ns_t_aaaa,
			   aaaa_cb, &st->hosts[i]);
	}
}

static void
run_loop(ares_channel channel, struct fdset *set)
{
	struct pollfd pfd[MAX_FDS];
	struct timeval tv, *tvp;
	int i, n, ms, rc;

	for (;;) {
		tvp = ares_timeout(channel, NULL, &tv);
		if (!tvp)
			break; /* no query pending */
		ms = tvp ? (int)(tvp->tv_sec * 1000 +
				 (tvp->tv_usec + 999) / 1000)
			 : -1;
		/* Work on a copy: ares_process_fd() may change the set through
		 * the callback. */
		n = set->n;
		memcpy(pfd, set->pfd, (size_t)n * sizeof pfd[0]);
		rc = poll(pfd, (nfds_t)n, ms);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			perror("bare_cares: poll");
			return;
		}
		if (rc == 0) {
			ares_process_fd(channel, ARES_SOCKET_BAD,
					ARES_SOCKET_BAD); /* timeouts */
			continue;
		}
		for (i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			ares_process_fd(
			    channel,
			    pfd[i].revents & (POLLIN | POLLERR | POLLHUP)
				? pfd[i].fd
				: ARES_SOCKET_BAD,
			    pfd[i].revents & POLLOUT ? pfd[i].fd
						     : ARES_SOCKET_BAD);
		}
	}
}

static int
channel_open(struct state *st, struct fdset *set, const char *server)
{
	struct ares_options opts;
	int rc;

	rc = ares_library_init(ARES_LIB_INIT_ALL);
	if (rc != ARES_SUCCESS)
		goto fail;
	memset(&opts, 0, sizeof opts);
	opts.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH;
	opts.lookups = (char *)"b"; /* keep /etc/hosts out */
	opts.sock_state_cb = sock_state_cb;
	opts.sock_state_cb_data = set;
	opts.timeout = 2000; /* ms: bounded, like a check (default 5 s x 4) */
	opts.tries = 2;
	rc = ares_init_options(&st->channel, &opts,
			       ARES_OPT_FLAGS | ARES_OPT_LOOKUPS |
				   ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS |
				   ARES_OPT_TRIES);
	if (rc != ARES_SUCCESS)
		goto fail;
	rc = ares_set_servers_ports_csv(st->channel, server);
	if (rc == ARES_SUCCESS)
		return 0;
	ares_destroy(st->channel);
fail:
	fprintf(stderr, "bare_cares: set-up for server '%s': %s\n", server,
		ares_strerror(rc));
	return -1;
}

static void
print_result(struct state *st)
{
	size_t i;
	int j;

	printf("%s MX", st->domain);
	for (i = 0; i < st->nhosts; i++) {
		printf("%s %u %s", i ? "," : "", st->hosts[i].prio,
		       st->hosts[i].name);
		for (j = 0; j < st->hosts[i].naddr; j++)
			printf(" %s", st->hosts[i].addr[j]);
		if (st->hosts[i].naddr == 0) {
			printf(" (no address)");
			st->failed = 1;
		}
	}
	printf("\n");
}

int
main(int argc, char **argv)
{
	struct fdset set;
	struct state st;
	size_t i;

	if (argc != 3) {
		fprintf(stderr, "usage: bare_cares SERVER DOMAIN"
				"   (SERVER is IP:PORT)\n");
		return 2;
	}
	memset(&set, 0, sizeof set);
	memset(&st, 0, sizeof st);
	st.domain = argv[2];
	if (channel_open(&st, &set, argv[1]) != 0)
		return 2;

	ares_query(st.channel, st.domain, ns_c_in, ns_t_mx, mx_cb, &st);
	run_loop(st.channel, &set);
	if (set.overflow) {
		fprintf(stderr, "bare_cares: more than %d sockets\n", MAX_FDS);
		st.failed = 1;
	}
	if (!st.failed)
		print_result(&st);

	ares_destroy(st.channel);
	for (i = 0; i < st.nhosts; i++)
		free(st.hosts[i].name);
	free(st.hosts);
	ares_library_cleanup();
	return st.failed ? 1 : 0;
}
