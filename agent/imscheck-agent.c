/*
 * imscheck-agent - publish the results of imscheck's checks (and of any
 * Nagios plugin) to an NMS: a net-snmp AgentX subagent serving IMSCHECK-MIB
 * from its own schedule and from the spool the plugins write to.
 *
 * One thread, one loop: the SNMP sockets, the running checks' pipes and a
 * signal pipe are polled together, so no answer ever waits for a check.
 * Started as root, it drops to its user once its sockets are open.
 */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <math.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "core/deadline.h"
#include "core/diag.h"

#include "agent.h"
#include "mib.h"

#define DEFAULT_PROFILE "/etc/imscheck/imscheck.conf"
#define DEFAULT_USER	"imscheck"
#define POLL_MAX	1024 /* SNMP sockets, the signal pipe, running checks */
/*
 * A spool scan goes in slices this long, SNMP served in between: a spool
 * of 100,000 records takes a few hundred milliseconds to look at.
 */
#define SCAN_SLICE_S 0.005

static int signal_pipe[2] = {-1, -1};
static volatile sig_atomic_t got_hup, got_term;

struct options {
	const char *profile;
	const char *socket;
	bool foreground;
	bool test; /* -t: check the profile and exit */
};

/* The agent's log lines go through net-snmp's log (stderr or syslog). */
static void
log_to_snmp(int priority, const char *line)
{
	snmp_log(priority, "%s\n", line);
}

static void
usage(FILE *fp)
{
	fprintf(fp,
		"Usage: %s [-f] [-C FILE] [-x AGENTX-SOCKET]\n"
		"       %s -t [-C FILE]\n"
		"Publish imscheck results over SNMP (an AgentX subagent).\n"
		"  -C FILE    the site profile (default %s)\n"
		"  -f         stay in the foreground and log to stderr\n"
		"  -t         check the profile, say what it schedules, exit\n"
		"  -x SOCKET  the master agent's AgentX socket (default: the\n"
		"             profile's agent.agentx-socket, else net-snmp's)\n"
		"  -h, -V     this help, the version\n"
		"See imscheck-agent(8).\n",
		AGENT_NAME, AGENT_NAME, DEFAULT_PROFILE);
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	int c;

	o->profile = DEFAULT_PROFILE;
	while ((c = getopt(argc, argv, "C:ftx:hV")) != -1)
		switch (c) {
		case 'C':
			o->profile = optarg;
			break;
		case 'f':
			o->foreground = true;
			break;
		case 't':
			o->test = true;
			break;
		case 'x':
			o->socket = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("%s %s\n", AGENT_NAME, IMSCHECK_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", AGENT_NAME,
			argv[optind]);
		return -1;
	}
	return 0;
}

static void
on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGTERM || sig == SIGINT)
		got_term = 1;
	/* Wake the loop; SIGCHLD alone just wakes it to reap. */
	(void)!write(signal_pipe[1], "", 1);
	errno = saved;
}

static int
signals_init(void)
{
	struct sigaction sa;

	if (pipe(signal_pipe) == -1)
		return -1;
	for (int i = 0; i < 2; i++)
		if (fcntl(signal_pipe[i], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(signal_pipe[i], F_SETFD, FD_CLOEXEC) == -1)
			return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGHUP, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGCHLD, &sa, NULL) == -1)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* The master's socket is connected: nothing needs root any more. */
static int
drop_privileges(const struct agent_conf *conf)
{
	const char *user = conf->user ? conf->user : DEFAULT_USER;
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		diag_log(LOG_ERR,
			 "user %s does not exist: create it (adduser --system "
			 "%s) or name another in agent.user",
			 user, user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		diag_log(LOG_ERR, "agent.user %s is root: name another", user);
		return -1;
	}
	/*
	 * The user's supplementary groups too (initgroups, before the uid
	 * goes): a spool or password file may be readable through one.
	 */
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1 ||
	    setuid(0) != -1) {
		diag_log(LOG_ERR, "cannot become %s: %s", user,
			 strerror(errno));
		return -1;
	}
	diag_log(LOG_INFO, "running as %s", user);
	return 0;
}

/*
 * The checks inherit our environment: make it the small, known one a
 * daemon's children should get, whatever started us (a root shell's
 * variables, a password in IMSCHECK_PASSWORD), keeping only the locale and
 * the time zone.
 */
static int
reset_environment(void)
{
	static const char *const kept[] = {"LANG", "LC_ALL", "TZ"};
	char *value[3];
	struct passwd *pw = getpwuid(getuid());
	int rc = 0;

	for (size_t i = 0; i < 3; i++)
		value[i] = getenv(kept[i]) ? strdup(getenv(kept[i])) : NULL;
	if (clearenv() != 0 ||
	    setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1) == -1)
		rc = -1;
	if (rc == 0 && pw != NULL &&
	    (setenv("HOME", pw->pw_dir, 1) == -1 ||
	     setenv("USER", pw->pw_name, 1) == -1 ||
	     setenv("LOGNAME", pw->pw_name, 1) == -1))
		rc = -1;
	for (size_t i = 0; i < 3; i++) {
		if (rc == 0 && value[i] != NULL &&
		    setenv(kept[i], value[i], 1) == -1)
			rc = -1;
		free(value[i]);
	}
	return rc;
}

static int
snmp_start(const struct options *o, const struct agent_conf *conf,
	   const struct table *t)
{
	const char *sock = o->socket ? o->socket : conf->agentx_socket;

	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE,
			       1);
	if (sock != NULL)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
				      NETSNMP_DS_AGENT_X_SOCKET, sock);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	/* Alarms (the AgentX ping and reconnect) run from our loop. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	/* The agent reads no MIB files: it serves numbers. */
	setenv("MIBS", "", 1);
	if (init_agent(AGENT_NAME) != 0)
		return -1;
	/* init_agent() set the ping interval to 15 s: ours is shorter. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
			   NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
			   conf->ping_interval);
	/*
	 * A hung master must not freeze our loop for long: with net-snmp's
	 * defaults a request to it blocks about 14 s.
	 */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
			   NETSNMP_DS_AGENT_AGENTX_TIMEOUT, ONE_SEC);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
			   NETSNMP_DS_AGENT_AGENTX_RETRIES, 0);
	if (mib_register(t) == -1)
		return -1;
	init_snmp(AGENT_NAME);
	return 0;
}

/* SIGHUP: the new profile, or the old one kept with the reason logged. */
static void
reload(const char *path, struct agent_conf *conf, struct runner *run,
       struct table *t)
{
	struct agent_conf fresh;
	char err[1024];

	if (agent_conf_load(&fresh, path, err, sizeof(err)) == -1) {
		diag_log(LOG_ERR,
			 "reload refused, the profile in force is kept: "
			 "%s",
			 err);
		return;
	}
	runner_sync(run, t, &fresh);
	/* The spool may be another one: the next scan begins afresh. */
	spool_scan_end(t);
	agent_conf_free(conf);
	*conf = fresh;
	run->conf = conf;
	mib_reloaded();
	diag_log(LOG_NOTICE, "reloaded %s: %zu scheduled check%s", path,
		 conf->nchecks, conf->nchecks == 1 ? "" : "s");
}

/*
 * Poll the SNMP sockets, the signal pipe and the checks' pipes until the
 * earliest of net-snmp's timeout, the runner's next event and the next
 * spool scan (at once while a scan is under way), then serve whatever is
 * ready and go on with the scan for one slice.
 */
static void
loop_once(struct runner *run, struct table *t, const struct agent_conf *conf,
	  double *next_scan)
{
	struct pollfd pfd[POLL_MAX];
	netsnmp_large_fd_set fds, ready;
	struct timeval tv = {0, 0};
	int numfds = 0, block = 1, timeout_ms;
	size_t n = 0, nsnmp;
	double now = mono_now(), wake = runner_next_event(run);

	netsnmp_large_fd_set_init(&fds, FD_SETSIZE);
	netsnmp_large_fd_set_init(&ready, FD_SETSIZE);
	snmp_select_info2(&numfds, &fds, &tv, &block);
	for (int fd = 0; fd < numfds && n < POLL_MAX - 1; fd++)
		if (NETSNMP_LARGE_FD_ISSET(fd, &fds))
			pfd[n++] = (struct pollfd){fd, POLLIN, 0};
	nsnmp = n;
	pfd[n++] = (struct pollfd){signal_pipe[0], POLLIN, 0};
	n += runner_pollfds(run, pfd + n, POLL_MAX - n);
	if (conf->spool != NULL && t->walk != NULL)
		wake = now;
	else if (conf->spool != NULL && *next_scan < wake)
		wake = *next_scan;
	if (!block && now + (double)tv.tv_sec + tv.tv_usec / 1e6 < wake)
		wake = now + (double)tv.tv_sec + tv.tv_usec / 1e6;
	timeout_ms = isinf(wake)	   ? -1
		     : wake <= now	   ? 0
		     : wake - now > 3600.0 ? 3600000
					   : (int)ceil((wake - now) * 1000.0);
	if (poll(pfd, n, timeout_ms) > 0) {
		bool any = false;

		for (size_t i = 0; i < nsnmp; i++)
			if (pfd[i].revents != 0) {
				NETSNMP_LARGE_FD_SET(pfd[i].fd, &ready);
				any = true;
			}
		if (any)
			snmp_read2(&ready);
		if (pfd[nsnmp].revents != 0) {
			char drain[64];

			while (read(signal_pipe[0], drain, sizeof(drain)) > 0)
				;
		}
	}
	snmp_timeout();
	run_alarms();
	now = mono_now();
	runner_service(run, t, now);
	if (conf->spool != NULL && (t->walk != NULL || now >= *next_scan) &&
	    spool_scan_step(t, conf->spool, mib_notify, SCAN_SLICE_S))
		*next_scan = mono_now() + conf->spool_scan;
	netsnmp_large_fd_set_cleanup(&fds);
	netsnmp_large_fd_set_cleanup(&ready);
}

int
main(int argc, char **argv)
{
	struct options o = {0};
	struct agent_conf conf;
	struct runner run;
	struct table t;
	char err[1024];
	double next_scan = 0;

	if (parse_options(argc, argv, &o) == -1)
		return 2;
	if (agent_conf_load(&conf, o.profile, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", AGENT_NAME, err);
		return 1;
	}
	if (o.test) {
		printf("%s: %s is good: %zu scheduled check%s, spool %s\n",
		       AGENT_NAME, o.profile, conf.nchecks,
		       conf.nchecks == 1 ? "" : "s",
		       conf.spool ? conf.spool : "(none)");
		agent_conf_free(&conf);
		return 0;
	}
	if (!o.foreground && daemon(0, 0) == -1) {
		fprintf(stderr, "%s: daemon: %s\n", AGENT_NAME,
			strerror(errno));
		return 1;
	}
	snmp_disable_log();
	if (o.foreground)
		snmp_enable_stderrlog();
	else
		snmp_enable_syslog_ident(AGENT_NAME, LOG_DAEMON);
	diag_set_sink(log_to_snmp);
	table_init(&t);
	runner_init(&run, mib_notify);
	if (signals_init() == -1) {
		diag_log(LOG_ERR, "signals: %s", strerror(errno));
		return 1;
	}
	if (snmp_start(&o, &conf, &t) == -1) {
		diag_log(LOG_ERR, "cannot register IMSCHECK-MIB with net-snmp");
		return 1;
	}
	if (drop_privileges(&conf) == -1)
		return 1;
	if (reset_environment() == -1) {
		diag_log(LOG_ERR, "environment: %s", strerror(errno));
		return 1;
	}
	runner_sync(&run, &t, &conf);
	diag_log(LOG_NOTICE, "%s %s started: %zu scheduled check%s%s%s",
		 AGENT_NAME, IMSCHECK_VERSION, conf.nchecks,
		 conf.nchecks == 1 ? "" : "s", conf.spool ? ", spool " : "",
		 conf.spool ? conf.spool : "");
	while (!got_term) {
		if (got_hup) {
			got_hup = 0;
			reload(o.profile, &conf, &run, &t);
		}
		loop_once(&run, &t, &conf, &next_scan);
	}
	diag_log(LOG_NOTICE, "stopping");
	runner_free(&run, &t);
	snmp_shutdown(AGENT_NAME);
	table_free(&t);
	agent_conf_free(&conf);
	return 0;
}
