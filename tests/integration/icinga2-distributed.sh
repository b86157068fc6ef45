#!/bin/bash
# icinga2-distributed.sh - a distributed Icinga 2 for real: a master and
# the mail host's agent, two icinga2 daemons from Debian, set up the way
# the README's distributed section says, and the master's REST API shows
# for every service the state, status line and perfdata that the plugin
# gives when run by hand on the node that ran it.
#
# Each node has its own config, data, cache, log and spool folders under
# the lab's folder, mounted on Icinga's own paths (/etc/icinga2,
# /var/lib/icinga2, ...) in a mount namespace of its own, so that the
# README's commands (icinga2 node setup, pki save-cert, pki ticket,
# daemon) run as an administrator types them and nothing of the
# machine's Icinga is touched; its own UTS namespace gives it its host
# name, and the agent's mount namespace has the mail host's resolv.conf
# (tests/integration/tcpip/ok.conf) on /etc/resolv.conf.  Both run as
# root (ICINGA2_USER: the build folder may be closed to Debian's user
# nagios), in the suite's network namespace:
#
#   master.lab.test    127.56.0.1:5665  zone master, the checker and the API
#   mail.ok.lab.test   127.56.0.2:5666  zone mail.ok.lab.test, child of master
#
# The master is set up by `node setup --master` (CA, certificate, ApiUser
# root); the agent gets its certificate from the master with a ticket
# (`pki ticket` on the master, `pki save-cert` and `node setup --ticket`
# on the agent) and accepts config and commands.  The master's zones.d
# has contrib's imscheck-commands.conf and Debian's templates.conf in the
# global zone global-templates (synced to the agent), and in the zone
# master contrib's imscheck-services.example.conf as it is shipped with
# the lab's Hosts, whose variables turn on step 1 (check_ims_dns, run on
# the master against the lab's nsd) and step 6 (check_ims_tcpip, run on
# the agent by command_endpoint), plus a few services of this test that
# break them (WARNING, CRITICAL).  Once the agent has the commands and is
# connected, every service is rescheduled and the test waits (at most
# WAIT_SECONDS) for results newer than that from /v1/objects/services;
# each must have run on the node meant (check_source), with the command
# line meant, and agree with the plugin run by hand in that node's
# namespaces (numbers masked).  One PASS or FAIL line per stage and per
# service; icinga2 missing is a FAIL, never a skip.
set -u
# shellcheck source=/dev/null
. "$LABENV"
dir=$(dirname "$LABENV")/icinga2
top=$PWD
WAIT_SECONDS=90
MASTER=master.lab.test MASTER_ADDR=127.56.0.1 MASTER_PORT=5665
AGENT=mail.ok.lab.test AGENT_ADDR=127.56.0.2 AGENT_PORT=5666
PYTHON=/usr/bin/python3
rm -rf "$dir"

pass() { echo "PASS icinga2-distributed/$1"; }
fail() {
	echo "FAIL icinga2-distributed/$1"
	shift
	local f
	for f in "$@"; do
		if [ -f "$f" ]; then
			tail -n 20 "$f" | sed 's/^/    /'
		else
			printf '    %s\n' "$f"
		fi
	done
}
# stage NAME CMD...: CMD must succeed, else a FAIL line and the end
stage() {
	local name=$1 rc
	shift
	"$@" >"$dir/$name.log" 2>&1
	rc=$?
	[ $rc -ne 0 ] || return 0
	fail "$name" "exited $rc: $*" "$dir/$name.log"
	exit 0
}

if ! command -v icinga2 >/dev/null; then
	fail start "icinga2 is not installed (scripts/deps installs icinga2-bin)"
	exit 0
fi

# node master|agent CMD...: CMD as that node sees the machine: its folders
# on Icinga's paths, its host name, and for the agent the mail host's
# resolv.conf.  With PIDFILE set, CMD's pid is written there (CMD is
# exec'd: it is the daemon to stop).
node() {
	local n=$1 host resolv=""
	shift
	case $n in
	master) host=master ;;
	agent) host=mail resolv=$dir/agent/resolv.conf ;;
	esac
	# shellcheck disable=SC2016 # expanded by the inner bash
	ICINGA2_USER=root ICINGA2_GROUP=root unshare --mount --uts -- bash -c '
		d=$1 host=$2 resolv=$3
		shift 3
		for p in etc:/etc/icinga2 lib:/var/lib/icinga2 cache:/var/cache/icinga2 \
			log:/var/log/icinga2 spool:/var/spool/icinga2; do
			mount --bind "$d/${p%%:*}" "${p#*:}" || exit 1
		done
		[ -z "$resolv" ] || mount --bind "$resolv" /etc/resolv.conf || exit 1
		[ -z "${PIDFILE:-}" ] || echo $$ >"$PIDFILE"
		hostname "$host" && exec "$@"' "node-$n" "$dir/$n" "$host" "$resolv" "$@"
}

# A node's folders, its configuration starting as Debian's.
for n in master agent; do
	mkdir -p "$dir/$n/lib" "$dir/$n/cache" "$dir/$n/log" "$dir/$n/spool" "$dir/$n/run"
	cp -a /etc/icinga2 "$dir/$n/etc"
done
cp tests/integration/tcpip/ok.conf "$dir/agent/resolv.conf"

# plugindir NODE: the node's PluginDir, as `make install PREFIX=/usr`
# would make /usr/lib/nagios/plugins
plugindir() {
	sed -i "s|^const PluginDir = .*|const PluginDir = \"$top/plugins\"|" \
		"$dir/$1/etc/constants.conf"
}

# --- the master: node setup --master, the agent's zone, the checks
stage master-setup node master icinga2 node setup --master --cn "$MASTER" \
	--zone master --listen "$MASTER_ADDR,$MASTER_PORT" --disable-confd
plugindir master
etc=$dir/master/etc
cat >>"$etc/zones.conf" <<CONF

/* the mail host's agent (tests/integration/icinga2-distributed.sh) */
object Endpoint "$AGENT" {
	host = "$AGENT_ADDR"
	port = $AGENT_PORT
}

object Zone "$AGENT" {
	endpoints = [ "$AGENT" ]
	parent = "master"
}
CONF
mkdir -p "$etc/zones.d/global-templates" "$etc/zones.d/master"
cp contrib/icinga2/imscheck-commands.conf "$etc/conf.d/templates.conf" \
	"$etc/zones.d/global-templates/"
cp contrib/icinga2/imscheck-services.example.conf \
	"$etc/zones.d/master/imscheck-services.conf"
cat >"$etc/zones.d/master/lab.conf" <<CONF
/* the lab's mail sites (tests/integration/icinga2-distributed.sh); the
 * lab's 192.0.2.25 is DNS data only, so the hosts' own check is dummy */
template Host "lab-host" {
	import "generic-host"
	check_command = "dummy"
}

object Host "$AGENT" {
	import "lab-host"
	address = "192.0.2.25"
	vars.mail_domain = "ok.lab.test"
	vars.mail_mx = [ "mail.ok.lab.test" ]
	vars.mail_dns_server = [ "$LAB_DNS1", "$LAB_DNS2" ]
	vars.mail_isp_dns = [ "127.54.0.1", "127.54.0.2" ]
	vars.mail_agent = true
}

/* the servers disagree: WARNING */
object Host "disagree.lab.test" {
	import "lab-host"
	address = "192.0.2.25"
	vars.mail_domain = "disagree.lab.test"
	vars.mail_dns_server = [ "$LAB_DNS1", "$LAB_DNS2" ]
}

/* the MX is elsewhere: CRITICAL */
object Host "wrongip.lab.test" {
	import "lab-host"
	address = "192.0.2.25"
	vars.mail_domain = "wrongip.lab.test"
	vars.mail_dns_server = [ "$LAB_DNS1", "$LAB_DNS2" ]
}

/* step 6 on the agent again, expecting what the mail host does not
 * have: the DNS servers the other way round (WARNING), another domain
 * (CRITICAL) */
object Service "ims-6-tcpip-order" {
	import "generic-service"
	host_name = "$AGENT"
	check_command = "ims_tcpip"
	command_endpoint = host_name
	vars.ims_tcpip_hostname = host_name
	vars.ims_tcpip_domain = "ok.lab.test"
	vars.ims_tcpip_dns = [ "127.54.0.2", "127.54.0.1" ]
}

object Service "ims-6-tcpip-domain" {
	import "generic-service"
	host_name = "$AGENT"
	check_command = "ims_tcpip"
	command_endpoint = host_name
	vars.ims_tcpip_hostname = host_name
	vars.ims_tcpip_domain = "lab.test"
}
CONF
stage master-validate node master icinga2 daemon -C
salt=$(sed -n 's/^const TicketSalt = "\(.*\)"$/\1/p' "$etc/constants.conf")
ticket=$(node master icinga2 pki ticket --cn "$AGENT" --salt "$salt" 2>"$dir/ticket.log")
if [ -z "$salt" ] || [ -z "$ticket" ]; then
	fail master-setup "no ticket salt or no ticket" "$dir/ticket.log"
	exit 0
fi
password=$(sed -n 's/^ *password = "\(.*\)"$/\1/p' "$etc/conf.d/api-users.conf")

# stop: the daemons started, by the pids their start wrote
stop() {
	local n pid i
	for n in agent master; do
		pid=$(cat "$dir/$n/daemon.pid" 2>/dev/null) || continue
		kill -TERM "$pid" 2>/dev/null
		for i in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		rm -f "$dir/$n/daemon.pid"
	done
	wait
}
trap stop EXIT
trap 'exit 1' HUP INT TERM

# api METHOD PATH [JSON]: the master's REST API, its certificate verified
# against the master's CA
api() {
	curl -sS --max-time 10 --cacert "$dir/master/lib/ca/ca.crt" \
		--resolve "$MASTER:$MASTER_PORT:$MASTER_ADDR" -u "root:$password" \
		-H 'Accept: application/json' -X "$1" ${3:+-d "$3"} \
		"https://$MASTER:$MASTER_PORT$2"
}
# Wait up to $1 seconds for the shell condition $2 to hold.
wait_for() {
	local end=$((SECONDS + $1))
	until eval "$2"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.5
	done
}

t0=$(date +%s%N)
PIDFILE=$dir/master/daemon.pid node master icinga2 daemon \
	-DConfiguration.InitRunDir="$dir/master/run" >"$dir/master.out" 2>&1 &
if ! wait_for 30 'api GET /v1/status/IcingaApplication 2>/dev/null | grep -q "\"node_name\":\"$MASTER\""'; then
	fail master-start "the master's API did not answer in 30 s" "$dir/master.out"
	exit 0
fi
pass "master-start (node setup --master, daemon and API up in $((($(date +%s%N) - t0) / 1000000)) ms)"

# --- the agent: its certificate through the ticket, then node setup
mkdir -p "$dir/agent/lib/certs"
trusted=/var/lib/icinga2/certs/trusted-parent.crt
stage agent-save-cert node agent icinga2 pki save-cert --host "$MASTER_ADDR" \
	--port "$MASTER_PORT" --trustedcert "$trusted"
stage agent-setup node agent icinga2 node setup --cn "$AGENT" --zone "$AGENT" \
	--endpoint "$MASTER,$MASTER_ADDR,$MASTER_PORT" \
	--parent_host "$MASTER_ADDR,$MASTER_PORT" --parent_zone master \
	--listen "$AGENT_ADDR,$AGENT_PORT" --ticket "$ticket" --trustedcert "$trusted" \
	--accept-config --accept-commands --disable-confd
plugindir agent
if ! openssl verify -CAfile "$dir/master/lib/ca/ca.crt" \
	"$dir/agent/lib/certs/$AGENT.crt" >"$dir/agent-cert.log" 2>&1; then
	fail agent-setup "the agent's certificate is not signed by the master's CA" \
		"$dir/agent-cert.log"
	exit 0
fi
t0=$(date +%s%N)
PIDFILE=$dir/agent/daemon.pid node agent icinga2 daemon \
	-DConfiguration.InitRunDir="$dir/agent/run" >"$dir/agent.out" 2>&1 &
# connected, with the commands synced from global-templates and loaded
connected() {
	api GET "/v1/objects/endpoints/$AGENT?attrs=connected" 2>/dev/null |
		grep -q '"connected":true'
}
synced() {
	node agent icinga2 object list --type CheckCommand --name ims_tcpip 2>/dev/null |
		grep -q "Object 'ims_tcpip' of type 'CheckCommand'"
}
if ! wait_for 60 'synced && connected'; then
	fail agent-start "the agent did not connect with ims_tcpip loaded in 60 s" \
		"$dir/agent/log/icinga2.log"
	exit 0
fi
pass "agent-start (certificate signed by the master through a ticket; ims_tcpip synced, connected in $((($(date +%s%N) - t0) / 1000000)) ms)"

# --- every service now, then the results newer than that

# The services: host, name, the node that must run it, the exit code
# meant, and the same check as a command line (arguments in the order
# Icinga 2 puts them: by key).
svc_host=() svc_name=() svc_node=() svc_want=() svc_argv=()
# service HOST NAME NODE EXIT -- PLUGIN ARGS...
service() {
	svc_host+=("$1")
	svc_name+=("$2")
	svc_node+=("$3")
	svc_want+=("$4")
	shift 5
	svc_argv+=("$(printf '%q ' "$top/plugins/$1" "${@:2}")")
}
service "$AGENT" ims-1-dns master 0 -- check_ims_dns -D ok.lab.test \
	-M mail.ok.lab.test -a 192.0.2.25 -s "$LAB_DNS1" -s "$LAB_DNS2"
service disagree.lab.test ims-1-dns master 1 -- check_ims_dns \
	-D disagree.lab.test -a 192.0.2.25 -s "$LAB_DNS1" -s "$LAB_DNS2"
service wrongip.lab.test ims-1-dns master 2 -- check_ims_dns \
	-D wrongip.lab.test -a 192.0.2.25 -s "$LAB_DNS1" -s "$LAB_DNS2"
service "$AGENT" ims-6-tcpip agent 0 -- check_ims_tcpip -D ok.lab.test \
	-a 192.0.2.25 -n "$AGENT" -s 127.54.0.1 -s 127.54.0.2
service "$AGENT" ims-6-tcpip-order agent 1 -- check_ims_tcpip -D ok.lab.test \
	-n "$AGENT" -s 127.54.0.2 -s 127.54.0.1
service "$AGENT" ims-6-tcpip-domain agent 2 -- check_ims_tcpip -D lab.test \
	-n "$AGENT"

# results: one line per service of /v1/objects/services, fields separated
# by US: host, name, state, check_source, execution_start (whole seconds),
# output (newlines as \n), perfdata (space-separated), command (shell
# words; empty when no plugin ran: "not connected", "does not exist")
results() {
	api GET '/v1/objects/services?attrs=host_name&attrs=name&attrs=last_check_result' |
		"$PYTHON" -c '
import json, shlex, sys
for r in json.load(sys.stdin)["results"]:
	a = r["attrs"]
	c = a.get("last_check_result") or {}
	print("\037".join([a["host_name"], a["name"], str(c.get("state", "")),
		c.get("check_source", ""), str(int(c.get("execution_start", 0))),
		c.get("output", "").replace("\n", "\\n"),
		" ".join(c.get("performance_data") or []),
		" ".join(shlex.quote(w) for w in c.get("command") or [])]))'
}
# pending: the number of services without a plugin's result since t_start
pending() {
	results >"$dir/results.tsv" 2>"$dir/results.err" || return 1
	[ -s "$dir/results.tsv" ] || return 1
	awk -F '\037' -v t="$t_start" '$5 < t || $8 == ""' "$dir/results.tsv" | wc -l
}

t_start=$(date +%s)
t0=$(date +%s%N)
deadline=$((SECONDS + WAIT_SECONDS))
left=""
while [ "$SECONDS" -lt "$deadline" ]; do
	# (again while some are pending: a result of "not connected" or
	# "command does not exist" comes from an agent still reloading the
	# synced config)
	api POST /v1/actions/reschedule-check \
		'{"type": "Service", "filter": "true", "force": true}' \
		>"$dir/reschedule.json" 2>&1
	for i in 1 2 3 4; do
		left=$(pending) && [ "$left" = 0 ] && break 2
		sleep 0.5
	done
done
ms=$((($(date +%s%N) - t0) / 1000000))
if [ "$left" != 0 ]; then
	fail checks-run "${left:-all} of ${#svc_name[@]} services without a plugin's result after $WAIT_SECONDS s" \
		"$dir/results.tsv" "$dir/results.err"
	exit 0
fi
n=$(grep -c . "$dir/results.tsv")
if [ "$n" = "${#svc_name[@]}" ]; then
	pass "checks-run (every service rescheduled and run in $ms ms)"
else
	fail checks-run "the master has $n services, the test expects ${#svc_name[@]}" \
		"$(cut -d $'\037' -f 1,2 "$dir/results.tsv" | tr '\037' '!')"
fi
stop

# indent PREFIX TEXT: TEXT's lines, each after four blanks and PREFIX
indent() {
	local line
	while IFS= read -r line; do
		printf '    %s%s\n' "$1" "$line"
	done <<<"$2"
}
# mask TEXT: numbers become N, and blanks at line ends go, so two runs
# of a check compare equal
mask() {
	sed -E 's/[0-9]+(\.[0-9]+)?/N/g; s/[[:space:]]+$//' <<<"$1"
}

# every service: the master's view against the plugin run here, by hand,
# in the namespaces of the node that ran it
for i in "${!svc_name[@]}"; do
	name="icinga2-distributed/${svc_node[i]}/${svc_host[i]}!${svc_name[i]}"
	row=$(awk -F '\037' -v h="${svc_host[i]}" -v s="${svc_name[i]}" \
		'$1 == h && $2 == s' "$dir/results.tsv")
	IFS=$'\037' read -r _ _ i_state i_source _ i_output i_perf i_command <<<"$row"
	i_output=${i_output//\\n/$'\n'}
	# shellcheck disable=SC2016 # expanded by the inner bash
	out=$(node "${svc_node[i]}" bash -c 'eval "exec $0"' "${svc_argv[i]}" \
		</dev/null 2>&1)
	d_state=$?
	first=$(head -n 1 <<<"$out")
	d_output=${first%%|*}
	d_long=$(tail -n +2 <<<"$out")
	[ -z "$d_long" ] || d_output=$d_output$'\n'$d_long
	d_perf=""
	[[ $first != *"|"* ]] || d_perf=${first#*| }
	case ${svc_node[i]} in
	master) want_source=$MASTER ;;
	agent) want_source=$AGENT ;;
	esac
	why=""
	[ -n "$row" ] || why="$why; no such service on the master"
	[ "$i_source" = "$want_source" ] ||
		why="$why; ran on ${i_source:-nothing}, not on $want_source"
	[ "$i_command " = "${svc_argv[i]}" ] ||
		why="$why; Icinga ran another command line"
	[ "$i_state" = "$d_state" ] ||
		why="$why; Icinga has state $i_state, the plugin exited $d_state"
	[ "$d_state" = "${svc_want[i]}" ] ||
		why="$why; expected state ${svc_want[i]}"
	[ "$(mask "$i_output")" = "$(mask "$d_output")" ] ||
		why="$why; outputs differ"
	[ "$(mask "$i_perf")" = "$(mask "$d_perf")" ] ||
		why="$why; perfdata differ"
	if [ -z "$why" ]; then
		echo "PASS $name: state $i_state on $i_source, ${i_output%% - *}"
	else
		echo "FAIL $name: ${why#; }"
		echo "    icinga| \$ $i_command"
		indent 'icinga| ' "$i_output"
		echo "    icinga| perfdata $i_perf"
		echo "    \$ ${svc_argv[i]}"
		indent 'plugin| ' "$out"
	fi
done
