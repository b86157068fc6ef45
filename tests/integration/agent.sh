#!/bin/bash
# agent.sh - imscheck-agent against the lab's real snmpd (AgentX master) and
# snmptrapd: the tables say what the plugins printed, a state change gives
# one notification, a hanging check is killed while GETs stay fast, a
# crashing one is UNKNOWN, a cut spool record is skipped, the agent comes
# back after snmpd restarts, SIGHUP with a broken profile keeps the old
# one, SIGTERM ends it cleanly, 10,000 checks walk in order, and valgrind
# finds no leak per request; an agent started before snmpd connects once
# snmpd is up; and the checks get a clean environment.
set -u
# shellcheck source=/dev/null
. "$LABENV"
# shellcheck source=/dev/null
. "$LAB_SNMPENV"

AGENT=agent/imscheck-agent
ROOT=.1.3.6.1.4.1.8072.9999.9999.1
CHECKS=$ROOT.1.1.3.0 # imsAgentChecks
RELOAD=$ROOT.1.1.4.0 # imsAgentLastReload
ENTRY=$ROOT.1.2.1    # imsCheckEntry
PERF=$ROOT.1.3.1     # imsPerfEntry
work=$(dirname "$LABENV")/agent
rm -rf "$work"
mkdir -p "$work/bin" "$work/spool"

pass() { echo "PASS agent/$1"; }
fail() {
	echo "FAIL agent/$1"
	shift
	[ $# -eq 0 ] || printf '    %s\n' "$@"
}

get() { snmpget -v2c -c public -r 0 -t 2 -Oqvt -On "$LAB_SNMP" "$@" 2>&1; }
walk() { snmpbulkwalk -v2c -c public -r 0 -t 5 -Cr50 -On "$LAB_SNMP" "$@" 2>&1; }
# The value of column $1 in the row of check id $2 (from a walk of imsCheckId).
index_of() {
	walk "$ENTRY.2" | sed -n "s/^$ENTRY\\.2\\.\\([0-9]*\\) = STRING: \"$1\"\$/\\1/p"
}
# Wait up to $1 seconds for the shell condition $2 to hold.
wait_for() {
	local end=$((SECONDS + $1))
	until eval "$2"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

# Checks the agent runs as nobody: copies of our plugins and small scripts.
cp plugins/check_ims_dns "$work/bin/"
cat >"$work/bin/flip" <<SCRIPT
#!/bin/sh
if [ -e $work/flip.critical ]; then
	echo "FLIP CRITICAL - down"
	exit 2
fi
echo "FLIP OK - up | t=0.25s;1;2;0"
SCRIPT
printf '#!/bin/sh\nsleep 60\n' >"$work/bin/hang"
printf '#!/bin/sh\nkill -SEGV $$\n' >"$work/bin/crash"
chmod 755 "$work/bin/"*

# The profile: dns and flip, then the checks given as arguments.
profile() {
	local more="" c
	for c in "$@"; do
		more+=$',\n    '"$c"
	done
	cat <<PROFILE
spool = "$work/spool";
agent = {
  user = "nobody";
  plugindir = "$work/bin";
  ping-interval = 1;
  spool-scan = 0.5;
  checks = (
    { id = "dns"; command = ["check_ims_dns", "-D", "ok.lab.test",
      "-s", "$LAB_DNS1", "-t", "5"]; interval = 60; timeout = 8; },
    { id = "flip"; command = ["flip"]; interval = 1; timeout = 5; step = 2; }$more
  );
};
PROFILE
}
HANG='{ id = "hang"; command = ["hang"]; interval = 60; timeout = 2; }'
CRASH='{ id = "crash"; command = ["crash"]; interval = 60; }'
profile "$HANG" "$CRASH" >"$work/agent.conf"
chmod -R a+rX "$work"

start_agent() {
	"$@" -f -C "$work/agent.conf" -x "$LAB_AGENTX" >"$work/agent.log" 2>&1 &
	agent_pid=$!
}
start_agent "$AGENT"

# --- start-up, privileges
if wait_for 5 'test "$(get $CHECKS)" = 4' &&
	[ "$(ps -o user= -p "$agent_pid")" = nobody ]; then
	pass starts-and-drops-root
else
	fail starts-and-drops-root "imsAgentChecks: $(get $CHECKS)" \
		"user: $(ps -o user= -p "$agent_pid")" "$(cat "$work/agent.log")"
fi

# --- a GET while a check hangs, then the kill at its timeout
hang=$(index_of hang)
t0=$(date +%s%N)
state=$(get "$ENTRY.4.$hang")
ms=$((($(date +%s%N) - t0) / 1000000))
if [ "$state" = 3 ] && [ "$ms" -lt 100 ] && pgrep -f "$work/bin/hang" >/dev/null; then
	pass "get-during-hang (${ms} ms)"
else
	fail get-during-hang "state $state after ${ms} ms (want 3, < 100 ms, hang running)"
fi
if wait_for 4 'test "$(get "$ENTRY.9.$hang")" = 1' &&
	[ "$(get "$ENTRY.5.$hang")" = '"UNKNOWN - killed at its timeout of 2 s"' ] &&
	[ "$(get "$ENTRY.8.$hang")" -ge 2000 ] && [ "$(get "$ENTRY.8.$hang")" -lt 3000 ] &&
	! pgrep -f "$work/bin/hang" >/dev/null; then
	pass hang-killed-at-timeout
else
	fail hang-killed-at-timeout "$(walk "$ENTRY" | grep "\\.$hang = ")"
fi

crash=$(index_of crash)
if wait_for 3 'test "$(get "$ENTRY.9.$crash")" = 1' &&
	[ "$(get "$ENTRY.4.$crash")" = 3 ] &&
	get "$ENTRY.5.$crash" | grep -q 'UNKNOWN - killed by signal 11'; then
	pass crash-is-unknown
else
	fail crash-is-unknown "$(walk "$ENTRY" | grep "\\.$crash = ")"
fi

# --- the tables say what the plugin printed
dns=$(index_of dns)
direct=$(plugins/check_ims_dns -D ok.lab.test -s "$LAB_DNS1" -t 5 | head -n 1)
want_line=$(sed 's/ *|.*//' <<<"$direct")
# (times differ from run to run: only the other values are compared)
want_perf=$(sed -n 's/^[^|]*| *//p' <<<"$direct" | tr ' ' '\n' |
	sed 's/=\([0-9.]*\)[^;]*.*/=\1/' | grep -v '^time')
if wait_for 5 'test "$(get "$ENTRY.9.$dns")" -ge 1 2>/dev/null'; then
	got_line=$(get "$ENTRY.5.$dns" | sed 's/^"//; s/"$//')
	labels=$(walk "$PERF.2.$dns" | sed 's/.*STRING: "\(.*\)"/\1/')
	values=$(walk "$PERF.3.$dns" | sed 's/.*STRING: "\(.*\)"/\1/')
	got_perf=$(paste -d= <(echo "$labels") <(echo "$values") | grep -v '^time')
	milli=$(walk "$PERF.4.$dns" | sed -n '1s/.*INTEGER: //p')
	first=$(head -n 1 <<<"$values")
fi
if [ "${got_line:-}" = "$want_line" ] && [ "${got_perf:-}" = "$want_perf" ] &&
	[ -n "$want_perf" ] &&
	[ "${milli:-}" = "$(awk -v v="$first" 'BEGIN { printf "%d", v * 1000 + 0.5 }')" ]; then
	pass scheduled-check-matches-plugin
else
	fail scheduled-check-matches-plugin "plugin: $direct" \
		"agent:  ${got_line:-none}" "perf:   ${got_perf:-none} milli ${milli:-}" \
		"want:   $want_perf"
fi

# A result that Nagios had a plugin write to the spool.
out=$(plugins/check_ims_smarthost -H "$LAB_SMART_HOST" -p "$LAB_SMART_PORT" -D lab.test \
	-t 5 --spool "$work/spool" --id smarthost@lab | head -n 1)
want_line=$(sed 's/ *|.*//' <<<"$out")
if wait_for 3 'test -n "$(index_of smarthost@lab)"'; then
	smart=$(index_of smarthost@lab)
	got_line=$(get "$ENTRY.5.$smart" | sed 's/^"//; s/"$//')
	step=$(get "$ENTRY.3.$smart")
fi
if [ "${got_line:-}" = "$want_line" ] && [ "${step:-}" = 2 ]; then
	pass spool-record-matches-plugin
else
	fail spool-record-matches-plugin "plugin: $out" "agent:  ${got_line:-none} step ${step:-}"
fi

# A record cut in half is skipped, with a log line, and never served.
printf 'imscheck-spool 1\nid: half\nlabel: DNS\nstate: 0\n' >"$work/spool/half"
if wait_for 3 'grep -q "spool record half: record cut short (no end line); skipped" \
	"$work/agent.log"' && [ -z "$(index_of half)" ] &&
	[ "$(grep -c 'spool record half' "$work/agent.log")" = 1 ]; then
	pass cut-spool-record-skipped
else
	fail cut-spool-record-skipped "$(grep half "$work/agent.log")"
fi

# --- one notification per change, with the right varbinds
flip=$(index_of flip)
touch "$work/flip.critical"
wait_for 5 'test "$(get "$ENTRY.4.$flip")" = 2'
sleep 2.5 # two more runs, still CRITICAL: no more notifications
traps=$(grep -F "$ENTRY.2.$flip = STRING: \"flip\"" "$LAB_TRAPLOG")
want="OID: $ROOT.0.1, $ENTRY.2.$flip = STRING: \"flip\", $ENTRY.3.$flip = INTEGER: 2, $ENTRY.4.$flip = INTEGER: 2, $ENTRY.5.$flip = STRING: \"FLIP CRITICAL - down\""
if [ "$(grep -c . <<<"$traps")" = 1 ] && grep -qF "$want" <<<"$traps"; then
	pass one-notification-per-change
else
	fail one-notification-per-change "got: $traps" "want: $want"
fi
rm -f "$work/flip.critical"

# --- snmpd goes away and comes back: the rows are back within two pings
tests/lab/snmp-lab restart-snmpd "$(dirname "$LAB_AGENTX")" >/dev/null
t0=$(date +%s%N)
if wait_for 5 'test "$(get "$ENTRY.2.$flip")" = "\"flip\""'; then
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ "$ms" -le 2500 ]; then
		pass "reconnects-after-snmpd-restart (${ms} ms)"
	else
		fail reconnects-after-snmpd-restart "${ms} ms, want <= 2 ping intervals (2 s) + 0.5 s"
	fi
else
	fail reconnects-after-snmpd-restart "no rows 5 s after the restart" "$(tail -n 5 "$work/agent.log")"
fi

# --- SIGHUP: a broken profile is refused, a good one taken
printf 'agent = { checks = ( { id = "x"; } ); };\n' >"$work/agent.conf"
kill -HUP "$agent_pid"
if wait_for 3 'grep -q "reload refused, the profile in force is kept: .*agent.conf:1: command must be a list" \
	"$work/agent.log"' && [ "$(get $RELOAD)" = 0 ] && [ "$(get $CHECKS)" = 5 ]; then
	pass sighup-broken-profile-kept
else
	fail sighup-broken-profile-kept "$(tail -n 3 "$work/agent.log")" "lastReload $(get $RELOAD)"
fi
# a profile that became a directory, then a FIFO: refused, within the
# second, and the agent goes on serving (libconfig would end the process,
# a FIFO would block it for ever)
rm -f "$work/agent.conf"
for kind in directory FIFO; do
	if [ $kind = directory ]; then mkdir "$work/agent.conf"; else mkfifo "$work/agent.conf"; fi
	lines=$(wc -l <"$work/agent.log")
	kill -HUP "$agent_pid"
	if wait_for 3 'tail -n +$((lines + 1)) "$work/agent.log" | grep -q "reload refused, the profile in force is kept: .*agent.conf: not a regular file (a $kind)"' &&
		kill -0 "$agent_pid" 2>/dev/null && [ "$(get $CHECKS)" = 5 ]; then
		pass "sighup-profile-became-a-$kind"
	else
		fail "sighup-profile-became-a-$kind" "$(tail -n 3 "$work/agent.log")" "imsAgentChecks $(get $CHECKS)"
	fi
	rm -rf "$work/agent.conf"
done
profile >"$work/agent.conf"
kill -HUP "$agent_pid"
if wait_for 3 'test "$(get $CHECKS)" = 3' && [ "$(get $RELOAD)" -gt 0 ] &&
	[ "$(index_of flip)" = "$flip" ] && [ -z "$(index_of hang)" ]; then
	pass sighup-reloads
else
	fail sighup-reloads "imsAgentChecks $(get $CHECKS), lastReload $(get $RELOAD)" "$(tail -n 3 "$work/agent.log")"
fi

# --- no secret of the lab reaches SNMP
secrets=$(grep -h '_PASSWORD=' "$LABENV" | sed 's/^[^=]*=//' | grep -v '/')
leak=""
for s in $secrets; do
	walk "$ROOT" | grep -qF -- "$s" && leak="$leak $s"
done
if [ -z "$leak" ] && [ -n "$secrets" ]; then
	pass no-secret-over-snmp
else
	fail no-secret-over-snmp "leaked:$leak"
fi

# --- SIGTERM: a clean end, with the running checks killed
profile '{ id = "hang2"; command = ["hang"]; interval = 60; timeout = 30; }' >"$work/agent.conf"
kill -HUP "$agent_pid"
wait_for 3 'pgrep -f "$work/bin/hang" >/dev/null'
kill -TERM "$agent_pid"
wait "$agent_pid"
rc=$?
if [ $rc -eq 0 ] && ! pgrep -f "$work/bin/hang" >/dev/null &&
	grep -q stopping "$work/agent.log"; then
	pass sigterm-clean
else
	fail sigterm-clean "exit $rc, hang running: $(pgrep -f "$work/bin/hang")" "$(tail -n 3 "$work/agent.log")"
fi

# --- 10,000 configured checks walk in order
{
	echo "agent = { user = \"nobody\"; spread = 86400; checks = ("
	for i in $(seq -w 1 10000); do
		printf '{ id = "c%s"; command = ["/bin/true"]; interval = 86400; },\n' "$i"
	done | sed '$ s/,$//'
	echo "); };"
} >"$work/agent.conf"
start_agent "$AGENT"
if wait_for 10 'test "$(get $CHECKS)" = 10000'; then
	t0=$(date +%s%N)
	ids=$(walk "$ENTRY.2")
	ms=$((($(date +%s%N) - t0) / 1000000))
	want=$(seq -w 1 10000 | sed 's/^/c/' | md5sum)
	got=$(sed 's/.*STRING: "\(.*\)"/\1/' <<<"$ids" | md5sum)
	indexes=$(sed 's/ = .*//; s/.*\.//' <<<"$ids" | tr '\n' ' ' | md5sum)
fi
if [ "${got:-}" = "$want" ] &&
	[ "${indexes:-}" = "$(seq 1 10000 | tr '\n' ' ' | md5sum)" ]; then
	pass "10000-checks-walk (imsCheckId column in ${ms} ms)"
else
	fail 10000-checks-walk "imsAgentChecks $(get $CHECKS), rows walked $(grep -c . <<<"${ids:-}")"
fi
kill -TERM "$agent_pid"
wait "$agent_pid"

# --- valgrind: no memory lost per request
if nm "$AGENT" 2>/dev/null | grep -q __asan_init; then
	pass "valgrind-no-leak-per-request: not run in the ASan build (LeakSanitizer checked sigterm-clean's exit instead)"
else
	HANG='{ id = "hang"; command = ["hang"]; interval = 60; timeout = 2; }'
CRASH='{ id = "crash"; command = ["crash"]; interval = 60; }'
profile "$HANG" "$CRASH" >"$work/agent.conf"
	start_agent valgrind --leak-check=full --errors-for-leak-kinds=definite \
		--error-exitcode=99 --log-file="$work/valgrind.log" "$AGENT"
	wait_for 20 'test "$(get $CHECKS)" = 4'
	for i in $(seq 20); do
		walk "$ROOT" >/dev/null
	done
	kill -TERM "$agent_pid"
	wait "$agent_pid"
	rc=$?
	lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$work/valgrind.log")
	if [ $rc -eq 0 ] && [ "${lost:-0}" = 0 ]; then
		pass "valgrind-no-leak-per-request (20 walks, definitely lost: ${lost:-0})"
	else
		fail valgrind-no-leak-per-request "exit $rc" "$(grep -A12 'definitely lost in' "$work/valgrind.log" | head -40)"
	fi
fi

# --- started before snmpd: it keeps trying, and serves once snmpd is up
tests/lab/snmp-lab kill-snmpd "$(dirname "$LAB_AGENTX")"
profile >"$work/agent.conf"
start_agent "$AGENT"
sleep 1.5
tests/lab/snmp-lab restart-snmpd "$(dirname "$LAB_AGENTX")" >/dev/null
if wait_for 3 'test -n "$(index_of flip)"' && kill -0 "$agent_pid"; then
	pass starts-before-snmpd
else
	fail starts-before-snmpd "$(tail -n 3 "$work/agent.log")"
fi
kill -TERM "$agent_pid"
wait "$agent_pid"

# --- the checks get a small, known environment, not the agent's
cat >"$work/bin/env" <<'SCRIPT'
#!/bin/sh
echo "ENV OK - $(env | cut -d= -f1 | sort | tr '\n' ' ')"
SCRIPT
chmod 755 "$work/bin/env"
cat >"$work/agent.conf" <<PROFILE
agent = { user = "nobody"; plugindir = "$work/bin";
  checks = ( { id = "env"; command = ["env"]; } ); };
PROFILE
IMSCHECK_PASSWORD=lab-secret LANG=C.UTF-8 start_agent "$AGENT"
if wait_for 5 'test -n "$(index_of env)"' &&
	wait_for 3 'get "$ENTRY.5.$(index_of env)" | grep -q "ENV OK"'; then
	vars=$(get "$ENTRY.5.$(index_of env)")
fi
if [ "${vars:-}" = '"ENV OK - HOME LANG LOGNAME PATH PWD USER"' ]; then
	pass checks-get-a-clean-environment
else
	fail checks-get-a-clean-environment "got: ${vars:-nothing}" \
		'want: "ENV OK - HOME LANG LOGNAME PATH PWD USER"'
fi
kill -TERM "$agent_pid"
wait "$agent_pid"

# --- the agent's user keeps its supplementary groups: a spool readable
# only through a group is read (in a mount namespace of the agent's own,
# /etc/group is a copy that makes nobody a member of a lab group)
gid=64123
while getent group "$gid" >/dev/null; do gid=$((gid + 1)); done
{ cat /etc/group; echo "imschecklab:x:$gid:nobody"; } >"$work/group"
mkdir -p "$work/group-spool"
plugins/check_ims_smarthost -H "$LAB_SMART_HOST" -p "$LAB_SMART_PORT" -D lab.test \
	-t 5 --spool "$work/group-spool" --id grouped >/dev/null
chown -R "root:$gid" "$work/group-spool"
chmod 750 "$work/group-spool"
chmod 640 "$work/group-spool/grouped"
cat >"$work/agent.conf" <<PROFILE
spool = "$work/group-spool";
agent = { user = "nobody"; spool-scan = 0.5; checks = (); };
PROFILE
# shellcheck disable=SC2016 # expanded by the inner sh
start_agent unshare --mount -- sh -c 'mount --bind "$0" /etc/group && exec "$@"' \
	"$work/group" "$AGENT"
if wait_for 5 'test -n "$(index_of grouped)"'; then
	groups=$(sed -n 's/^Groups:\s*//p' "/proc/$agent_pid/status")
fi
if [ -n "$(index_of grouped)" ] && [[ " ${groups:-} " == *" $gid "* ]]; then
	pass "keeps-supplementary-groups (groups ${groups% })"
else
	fail keeps-supplementary-groups "row: $(index_of grouped), groups: ${groups:-?}" \
		"$(grep -i spool "$work/agent.log" | tail -n 2)"
fi
kill -TERM "$agent_pid"
wait "$agent_pid"

# --- 100,000 spool records that do not parse: every GET answered at once,
# while the first scan reads and refuses them all and while later scans
# look at them again (each refused record is logged once)
junk=$work/junk
mkdir -p "$junk"
(cd "$junk" && seq -f 'junk%06g' 1 100000 | xargs touch)
chmod -R a+rX "$junk"
cat >"$work/agent.conf" <<PROFILE
spool = "$junk";
agent = { user = "nobody"; spool-scan = 0.5; checks = (); };
PROFILE
start_agent "$AGENT"
wait_for 5 'test "$(get $CHECKS)" = 0'
slow="" lost=0 worst=0 rounds=0
# GETs until every record was refused once and two more scans went by
# (at most 60 s), 0.1 s apart
end=$((SECONDS + 60)) done_at=""
while [ $SECONDS -lt $end ]; do
	t0=$(date +%s%N)
	answer=$(get "$CHECKS")
	ms=$((($(date +%s%N) - t0) / 1000000))
	rounds=$((rounds + 1))
	if [ "$answer" != 0 ]; then
		lost=$((lost + 1))
	elif [ $ms -gt 250 ]; then
		slow="$slow $ms"
	fi
	[ $ms -le $worst ] || worst=$ms
	if [ -z "$done_at" ] &&
		[ "$(grep -c '^spool record junk.*; skipped$' "$work/agent.log")" -ge 100000 ]; then
		done_at=$SECONDS
	fi
	[ -n "$done_at" ] && [ $SECONDS -ge $((done_at + 2)) ] && break
	sleep 0.1
done
logged=$(grep -c '^spool record junk.*; skipped$' "$work/agent.log")
if [ -n "$done_at" ] && [ $lost -eq 0 ] && [ -z "$slow" ] && [ "$logged" -eq 100000 ]; then
	pass "junk-spool-never-stalls-gets ($rounds GETs, the slowest in $worst ms)"
else
	fail junk-spool-never-stalls-gets "$rounds GETs: $lost not answered in 2 s, over 250 ms:${slow:- none}" \
		"records refused and logged: $logged of 100000 (each once)"
fi
# (an agent stuck in a scan would not see SIGTERM for minutes)
kill -TERM "$agent_pid"
wait_for 5 '! kill -0 "$agent_pid" 2>/dev/null' || kill -KILL "$agent_pid"
wait "$agent_pid"
rm -rf "$junk"
