/*
 * step_tcpip.c - checklist step 6: "TCP/IP: host name, domain, DNS server
 * search order", verified on the mail host itself.
 *
 * The host name comes from the kernel, the domain and the nameservers from
 * resolv.conf as the C library reads it (resolvconf.c).  Every nameserver
 * in use is asked for the FQDN at once, one c-ares channel each, so that a
 * silent one is named; the first that answers decides where the FQDN
 * points.  With --smtp the local service must greet with the FQDN.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include "steps/step_tcpip.h"

#include "core/addr.h"
#include "core/diag.h"

#include "proto/resolvconf.h"

#include "steps/smtp_check.h"

#define SHOW_ADDRS 4   /* addresses of the FQDN in the status line */
#define LIST_MAX   256 /* a list of servers or addresses, as text */

/* What one nameserver said. */
struct server {
	const char *addr; /* canonical, in the resolv.conf entry */
	unsigned line;
	int required; /* its place among the -s servers, from 1; 0: extra */
	struct dns_query a;
	struct dns_query aaaa;
	struct dns_query ptr;
	const struct dns_query *failed; /* the first query without answer */
};

struct run {
	const struct step_tcpip_conf *conf;
	const struct run_ctx *ctx;
	struct result *r;
	const char *file;
	struct resolvconf rc;
	bool rc_read;
	char kernel[256]; /* the kernel's host name, as it is */
	char host[64];	  /* its first label */
	char domain[DNS_NAME_MAX + 1];
	char fqdn[DNS_NAME_MAX + 1];
	struct deadline dns_deadline;
	struct dns *dns;
	struct server server[RESOLVCONF_MAXNS];
	size_t nserver;
	const struct server *first; /* the first server that answered */
	bool in_order;
	double started;
};

/* The host name from the kernel; the domain from resolv.conf or from it. */
static void
identify(struct run *run)
{
	const char *dot;
	struct utsname u;

	if (uname(&u) == 0)
		snprintf(run->kernel, sizeof(run->kernel), "%s", u.nodename);
	dot = strchr(run->kernel, '.');
	snprintf(run->host, sizeof(run->host), "%.*s",
		 dot ? (int)(dot - run->kernel) : (int)strlen(run->kernel),
		 run->kernel);
	if (run->rc.domain[0] != '\0')
		snprintf(run->domain, sizeof(run->domain), "%s",
			 run->rc.domain);
	else if (dot != NULL && dot[1] != '\0')
		snprintf(run->domain, sizeof(run->domain), "%s", dot + 1);
	if (run->host[0] != '\0' && run->domain[0] != '\0' &&
	    snprintf(run->fqdn, sizeof(run->fqdn), "%s.%s", run->host,
		     run->domain) >= (int)sizeof(run->fqdn))
		run->fqdn[0] = '\0'; /* too long for a name: judged so */
}

/* Every line the C library skips or reads otherwise than meant. */
static void
judge_file(struct run *run)
{
	const struct resolvconf *rc = &run->rc;

	for (size_t i = 0; i < rc->nproblem; i++)
		result_problem(run->r, STATE_WARNING, "%s:%u: %s", run->file,
			       rc->problem[i].line, rc->problem[i].text);
	if (rc->problems_dropped > 0)
		result_line(run->r, STATE_WARNING,
			    "%s: %zu more problems not shown", run->file,
			    rc->problems_dropped);
	if (rc->nns == 0)
		result_problem(run->r, STATE_CRITICAL,
			       "%s has no nameserver in use: resolvers fall "
			       "back to 127.0.0.1",
			       run->file);
	if (rc->rotate && run->conf->ndns > 1)
		result_problem(run->r, STATE_WARNING,
			       "%s has options rotate: its servers are asked "
			       "in turn, not in order",
			       run->file);
}

static void
judge_names(struct run *run)
{
	const struct step_tcpip_conf *conf = run->conf;
	const char *dot = strchr(run->kernel, '.'), *have;

	if (run->kernel[0] == '\0') {
		result_problem(run->r, STATE_CRITICAL, "no host name");
		return;
	}
	/* A dotted -n is compared with the FQDN, or the kernel's name. */
	have = conf->hostname == NULL	      ? NULL
	       : !strchr(conf->hostname, '.') ? run->host
	       : run->fqdn[0] != '\0'	      ? run->fqdn
					      : run->kernel;
	if (have != NULL && !addr_same_name(conf->hostname, have))
		result_problem(run->r, STATE_CRITICAL,
			       "host name is %s, not %s", have, conf->hostname);
	if (run->domain[0] == '\0') {
		result_problem(run->r, STATE_CRITICAL,
			       "no domain: %s%s%sthe host name %s has no dot",
			       run->rc_read ? run->file : "",
			       run->rc_read ? " has no domain or search line"
					    : "",
			       run->rc_read ? " and " : "", run->kernel);
		return;
	}
	if (conf->domain != NULL && !addr_same_name(conf->domain, run->domain))
		result_problem(run->r, STATE_CRITICAL, "domain is %s, not %s",
			       run->domain, conf->domain);
	if (dot != NULL && run->rc.domain[0] != '\0' &&
	    !addr_same_name(dot + 1, run->rc.domain))
		result_problem(run->r, STATE_WARNING,
			       "the host name %s is not in the domain %s of "
			       "%s:%u",
			       run->kernel, run->rc.domain, run->file,
			       run->rc.domain_line);
}

static void
list_append(char *list, size_t size, const char *item)
{
	size_t len = strlen(list);

	snprintf(list + len, size - len, "%s%s", len ? " " : "", item);
}

/*
 * The required servers must all be in use and come first, in the given
 * order; extra servers may follow them.
 */
static void
judge_order(struct run *run)
{
	const struct step_tcpip_conf *conf = run->conf;
	char have[LIST_MAX] = "", want[LIST_MAX] = "";
	size_t present = 0;

	run->in_order = true;
	for (size_t i = 0; i < conf->ndns; i++) {
		size_t k;

		for (k = 0; k < run->nserver; k++)
			if (strcmp(run->server[k].addr, conf->dns_canon[i]) ==
			    0)
				break;
		if (k == run->nserver) {
			result_problem(run->r, STATE_CRITICAL,
				       "required DNS server %s missing from %s",
				       conf->dns_canon[i], run->file);
			continue;
		}
		run->server[k].required = (int)i + 1;
		list_append(want, sizeof(want), conf->dns_canon[i]);
		present++;
	}
	for (size_t k = 0; k < run->nserver; k++)
		list_append(have, sizeof(have), run->server[k].addr);
	for (size_t k = 0; k < present; k++)
		if (run->server[k].required == 0 ||
		    (k > 0 &&
		     run->server[k].required < run->server[k - 1].required))
			run->in_order = false;
	if (!run->in_order)
		result_problem(run->r, STATE_WARNING,
			       "DNS servers in the wrong order: %s has %s, "
			       "expected %s first",
			       run->file, have, want);
	/* "in order" on the status line: every required server, in order. */
	run->in_order = run->in_order && present == conf->ndns;
}

/* Ask every server in use for the FQDN, and the PTR of --address. */
static int
ask(struct run *run)
{
	const char *names[RESOLVCONF_MAXNS];
	char err[256];
	int family = run->ctx->family;

	for (size_t i = 0; i < run->nserver; i++)
		names[i] = run->server[i].addr;
	run->dns =
	    dns_open(names, run->nserver, &run->dns_deadline, err, sizeof(err));
	if (run->dns == NULL) {
		result_problem(run->r, STATE_UNKNOWN, "%s", err);
		return -1;
	}
	for (size_t i = 0; i < run->nserver; i++) {
		struct server *s = &run->server[i];

		if (family != AF_INET6 &&
		    dns_query_init(&s->a, run->fqdn, DNS_T_A) == 0)
			dns_submit(run->dns, i, &s->a);
		if (family != AF_INET &&
		    dns_query_init(&s->aaaa, run->fqdn, DNS_T_AAAA) == 0)
			dns_submit(run->dns, i, &s->aaaa);
		if (run->conf->naddress > 0 &&
		    dns_query_init(&s->ptr, run->conf->address_canon,
				   DNS_T_PTR) == 0)
			dns_submit(run->dns, i, &s->ptr);
	}
	dns_wait(run->dns);
	return 0;
}

static bool
answered(const struct dns_query *q)
{
	return q->status == DNS_ANSWER || q->status == DNS_NODATA ||
	       q->status == DNS_NXDOMAIN;
}

/* A silent or failing server: CRITICAL when required, else WARNING. */
static void
judge_servers(struct run *run)
{
	for (size_t i = 0; i < run->nserver; i++) {
		struct server *s = &run->server[i];
		const struct dns_query *q[] = {&s->a, &s->aaaa, &s->ptr};
		enum state st = s->required ? STATE_CRITICAL : STATE_WARNING;
		const char *what =
		    s->required ? "required DNS server" : "DNS server";

		for (size_t k = 0; k < 3 && s->failed == NULL; k++)
			if (q[k]->status != DNS_UNASKED && !answered(q[k]))
				s->failed = q[k];
		if (run->first == NULL &&
		    (answered(&s->a) || answered(&s->aaaa)))
			run->first = s;
		if (s->failed == NULL)
			continue;
		if (s->failed->status == DNS_TIMEOUT ||
		    s->failed->status == DNS_PENDING)
			result_problem(run->r, st,
				       "%s %s is silent (no answer to %s %s "
				       "in %.1f s)",
				       what, s->addr,
				       dns_type_name(s->failed->type),
				       s->failed->name, s->failed->seconds);
		else
			result_problem(
			    run->r, st, "%s %s answered %s to %s %s", what,
			    s->addr, dns_status_name(s->failed->status),
			    dns_type_name(s->failed->type), s->failed->name);
	}
}

static bool
has_rr(const struct dns_query *q, const char *text)
{
	for (size_t i = 0; q->status == DNS_ANSWER && i < q->nrr; i++)
		if (q->type == DNS_T_PTR ? addr_same_name(q->rr[i].text, text)
					 : strcmp(q->rr[i].text, text) == 0)
			return true;
	return false;
}

/* The FQDN's addresses, as the first server that answered gives them. */
static size_t
fqdn_addrs(const struct run *run, const char **out, size_t max)
{
	size_t n = 0;

	if (run->first == NULL)
		return 0;
	for (size_t i = 0; run->first->a.status == DNS_ANSWER &&
			   i < run->first->a.nrr && n < max;
	     i++)
		out[n++] = run->first->a.rr[i].text;
	for (size_t i = 0; run->first->aaaa.status == DNS_ANSWER &&
			   i < run->first->aaaa.nrr && n < max;
	     i++)
		out[n++] = run->first->aaaa.rr[i].text;
	return n;
}

static void
judge_address(struct run *run)
{
	const char *addrs[2 * DNS_RR_MAX];
	size_t n = fqdn_addrs(run, addrs, 2 * DNS_RR_MAX);
	const struct server *f = run->first;
	const char *want = run->conf->address_canon;
	char list[LIST_MAX] = "";

	if (f == NULL) {
		result_problem(run->r, STATE_CRITICAL,
			       "%s does not resolve: no nameserver answered",
			       run->fqdn);
		return;
	}
	if (n == 0) {
		result_problem(run->r, STATE_CRITICAL,
			       "%s does not resolve (%s from %s)", run->fqdn,
			       f->a.status == DNS_NXDOMAIN ||
				       f->aaaa.status == DNS_NXDOMAIN
				   ? "NXDOMAIN"
				   : "no address",
			       f->addr);
		return;
	}
	if (run->conf->naddress == 0 || has_rr(&f->a, want) ||
	    has_rr(&f->aaaa, want))
		return;
	for (size_t i = 0; i < n && i < SHOW_ADDRS; i++)
		list_append(list, sizeof(list), addrs[i]);
	result_problem(run->r, STATE_CRITICAL,
		       "%s resolves to %s%s, not %s (%s)", run->fqdn, list,
		       n > SHOW_ADDRS ? " ..." : "", want, f->addr);
}

/* The PTR of --address, from the first server that answered, must be
 * the FQDN. */
static void
judge_ptr(struct run *run)
{
	const struct dns_query *q;

	if (run->first == NULL || run->conf->naddress == 0)
		return;
	q = &run->first->ptr;
	if (has_rr(q, run->fqdn))
		return;
	if (q->status == DNS_ANSWER)
		result_problem(run->r, STATE_WARNING, "PTR of %s is %s, not %s",
			       q->addr, q->rr[0].text, run->fqdn);
	else if (q->status == DNS_NXDOMAIN || q->status == DNS_NODATA)
		result_problem(run->r, STATE_WARNING, "no PTR for %s", q->addr);
	else
		result_problem(run->r, STATE_WARNING,
			       "PTR of %s not known: %s from %s", q->addr,
			       dns_status_name(q->status), run->first->addr);
}

static void
check_dns(struct run *run)
{
	run->nserver = run->rc.nns;
	for (size_t i = 0; i < run->nserver; i++) {
		run->server[i].addr = run->rc.ns[i].addr;
		run->server[i].line = run->rc.ns[i].line;
	}
	judge_order(run);
	if (run->nserver == 0 || run->fqdn[0] == '\0')
		return;
	/* A silent server must not eat the time the greeting needs. */
	run->dns_deadline =
	    run_share(run->ctx, run->conf->smtp_host != NULL ? 0.5 : 1);
	if (ask(run) == -1)
		return;
	judge_servers(run);
	judge_address(run);
	judge_ptr(run);
}

/* Greeting and EHLO of the local service; both must name the FQDN. */
static void
check_greeting(struct run *run, char *greets, size_t size)
{
	const struct step_tcpip_conf *conf = run->conf;
	const struct smtp_target t = {
	    .host = conf->smtp_host,
	    .port = conf->smtp_port,
	    .ehlo = run->fqdn[0] ? run->fqdn : run->kernel,
	    .cert = TLS_CHECK_INIT,
	};
	struct smtp_session ss = {0};
	const struct smtp *s = &ss.smtp;

	if (smtp_check_open(&ss, &t, run->ctx, run->r) == -1)
		goto done;
	snprintf(greets, size, "%s", s->greeting_name);
	if (run->fqdn[0] == '\0')
		goto done; /* judged with the names */
	if (!addr_same_name(s->greeting_name, run->fqdn) &&
	    strcmp(s->greeting_name, s->ehlo_name) == 0)
		result_problem(run->r, STATE_WARNING,
			       "%s greets as %s (220 and %s), not %s",
			       s->conn.peer, s->greeting_name,
			       s->helo ? "HELO" : "EHLO", run->fqdn);
	else if (!addr_same_name(s->greeting_name, run->fqdn))
		result_problem(run->r, STATE_WARNING,
			       "%s greets as %s (220), not %s", s->conn.peer,
			       s->greeting_name, run->fqdn);
	if (!addr_same_name(s->ehlo_name, run->fqdn) &&
	    strcmp(s->greeting_name, s->ehlo_name) != 0)
		result_problem(run->r, STATE_WARNING,
			       "%s answers %s as %s, not %s", s->conn.peer,
			       s->helo ? "HELO" : "EHLO", s->ehlo_name,
			       run->fqdn);
done:
	smtp_check_close(&ss, run->ctx, run->r);
}

static void
summarise(struct run *run, const char *greets)
{
	const char *addrs[SHOW_ADDRS + 1];
	size_t n = fqdn_addrs(run, addrs, SHOW_ADDRS + 1);
	struct result *r = run->r;

	result_subject(r, "%s", run->fqdn[0] ? run->fqdn : run->kernel);
	result_summary(r, "host name %s", run->host);
	if (run->domain[0] != '\0')
		result_summary(r, ", domain %s", run->domain);
	if (run->nserver > 0) {
		result_summary(r, ", DNS");
		for (size_t i = 0; i < run->nserver; i++)
			result_summary(r, " %s", run->server[i].addr);
		if (run->conf->ndns > 0 && run->in_order)
			result_summary(r, " in order");
	}
	if (n > 0) {
		result_summary(r, ", resolves to");
		for (size_t i = 0; i < n && i < SHOW_ADDRS; i++)
			result_summary(r, " %s", addrs[i]);
		if (n > SHOW_ADDRS)
			result_summary(r, " ...");
	}
	if (n > 0 && run->conf->naddress > 0 &&
	    has_rr(&run->first->ptr, run->fqdn))
		result_summary(r, ", PTR ok");
	if (greets[0] != '\0')
		result_summary(r, ", greets as %s", greets);
}

/* One query's answer for the long output: "A 192.0.2.25" */
static void
describe(const struct dns_query *q, char *out, size_t size)
{
	size_t len = (size_t)snprintf(out, size, "%s", dns_type_name(q->type));

	if (q->status != DNS_ANSWER) {
		snprintf(out + len, size - len, " %s",
			 dns_status_name(q->status));
		return;
	}
	for (size_t i = 0; i < q->nrr && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, " %s",
					q->rr[i].text);
}

static void
detail(struct run *run)
{
	const struct resolvconf *rc = &run->rc;
	char a[LIST_MAX], aaaa[LIST_MAX], ptr[LIST_MAX], search[LIST_MAX] = "";
	char opts[64] = "";

	for (size_t i = 0; i < run->nserver; i++) {
		const struct server *s = &run->server[i];
		enum state st = s->failed == NULL ? STATE_OK
				: s->required	  ? STATE_CRITICAL
						  : STATE_WARNING;
		double secs =
		    fmax(fmax(s->a.seconds, s->aaaa.seconds), s->ptr.seconds);

		a[0] = aaaa[0] = ptr[0] = '\0';
		if (s->a.status != DNS_UNASKED)
			describe(&s->a, a, sizeof(a));
		if (s->aaaa.status != DNS_UNASKED)
			describe(&s->aaaa, aaaa, sizeof(aaaa));
		if (s->ptr.status != DNS_UNASKED)
			describe(&s->ptr, ptr, sizeof(ptr));
		if (s->a.status == DNS_UNASKED &&
		    s->aaaa.status == DNS_UNASKED) {
			result_line(run->r, st,
				    "nameserver %s (%s:%u%s): not asked",
				    s->addr, run->file, s->line,
				    s->required ? ", required" : "");
			continue;
		}
		result_line(run->r, st,
			    "nameserver %s (%s:%u%s): %s%s%s%s%s in %.1f ms",
			    s->addr, run->file, s->line,
			    s->required ? ", required" : "", a,
			    a[0] && aaaa[0] ? ", " : "", aaaa,
			    ptr[0] ? ", " : "", ptr, secs * 1000);
	}
	for (size_t i = 0; i < rc->nsearch; i++)
		list_append(search, sizeof(search), rc->search[i]);
	if (rc->timeout != -1)
		snprintf(opts, sizeof(opts), ", timeout:%d", rc->timeout);
	if (rc->attempts != -1)
		snprintf(opts + strlen(opts), sizeof(opts) - strlen(opts),
			 ", attempts:%d", rc->attempts);
	if (run->rc_read)
		result_line(run->r, STATE_OK,
			    "%s: %u lines, domain %s, search %s%s%s", run->file,
			    rc->lines, rc->domain[0] ? rc->domain : "-",
			    search[0] ? search : "-", opts,
			    rc->rotate ? ", rotate" : "");
	result_line(run->r, STATE_OK, "kernel host name %s", run->kernel);
}

static void
perfdata(struct run *run)
{
	double seconds = mono_now() - run->started;
	char label[PERF_LABEL_MAX];

	run_judge_time(run->ctx, run->r, "time", "", seconds);
	for (size_t i = 0; run->dns != NULL && i < run->nserver; i++) {
		const struct server *sv = &run->server[i];

		snprintf(label, sizeof(label), "time_%s", sv->addr);
		result_perf(run->r, label,
			    fmax(fmax(sv->a.seconds, sv->aaaa.seconds),
				 sv->ptr.seconds),
			    "s", NULL, NULL, 0, NAN);
	}
}

static void
run_free(struct run *run)
{
	for (size_t i = 0; i < run->nserver; i++) {
		dns_query_free(&run->server[i].a);
		dns_query_free(&run->server[i].aaaa);
		dns_query_free(&run->server[i].ptr);
	}
	dns_close(run->dns);
}

void
step_tcpip_run(const struct step_tcpip_conf *conf, const struct run_ctx *ctx,
	       struct result *r)
{
	struct run run = {
	    .conf = conf, .ctx = ctx, .r = r, .started = mono_now()};
	char err[256], greets[256] = "";

	run.file =
	    conf->resolv_conf ? conf->resolv_conf : STEP_TCPIP_RESOLV_CONF;
	if (resolvconf_read(&run.rc, run.file, err, sizeof(err)) == -1)
		result_problem(r, STATE_CRITICAL, "%s", err);
	else
		run.rc_read = true;
	identify(&run);
	judge_names(&run);
	if (run.rc_read) {
		judge_file(&run);
		check_dns(&run);
	}
	if (conf->smtp_host != NULL)
		check_greeting(&run, greets, sizeof(greets));
	perfdata(&run);
	summarise(&run, greets);
	detail(&run);
	run_free(&run);
}

int
step_tcpip_validate(struct step_tcpip_conf *conf, char *err, size_t errlen)
{
	char tmp[ADDR_SERVER_MAX];

	for (size_t i = 0; i < conf->ndns; i++) {
		if (addr_canon(conf->dns[i], conf->dns_canon[i],
			       sizeof(conf->dns_canon[i])) != -1)
			continue;
		if (addr_server(conf->dns[i], tmp, sizeof(tmp)) == 0)
			return errorf(err, errlen,
				      "--dns: '%.100s' has a port; resolv.conf "
				      "takes none",
				      conf->dns[i]);
		return errorf(err, errlen,
			      "--dns: '%.100s' is not an IP address",
			      conf->dns[i]);
	}
	if (conf->naddress > 0)
		addr_canon(conf->address[0], conf->address_canon,
			   sizeof(conf->address_canon));
	return 0;
}
