#!/bin/bash
# nms-check-snmp.sh - thresholds from the NMS side without Nagios: the
# Monitoring Plugins' check_snmp (Debian's monitoring-plugins-standard)
# on an imsPerfValueMilli of a check that imscheck-agent runs.
#
# The agent runs check_ims --steps 1 (id "ims") and check_ims_dns on a
# domain whose servers disagree (id "disagree") against the lab, under a
# snmpd of this test's own (tests/lab/snmp-lab on 127.63.0.1:1161, so
# that nothing of agent.sh's lab snmpd is shared).  Then:
#
# - readme-example: the README's check_snmp commands (the "$ check_snmp"
#   lines in its fenced blocks), with -H mail.example.com turned into the
#   lab's snmpd and the rows where the walks find them, give the state and
#   output the README shows there (numbers masked); and the README's
#   numeric snmpwalks give the lines it shows;
# - thresholds: on step1_mx, whose value the agent serves, thresholds put
#   on either side of that value give OK, WARNING and CRITICAL, and
#   check_snmp shows the agent's value in its output and perfdata;
# - guards: the same command against a row whose id or label is not the
#   one meant (another check's row; another item) is CRITICAL: an index
#   that moved after an agent restart shows, instead of a threshold on
#   another value.
set -u
# shellcheck source=/dev/null
. "$LABENV"
work=$(dirname "$LABENV")/nms-check-snmp
CHECK_SNMP=/usr/lib/nagios/plugins/check_snmp
NET=127.63.0
ROOT=.1.3.6.1.4.1.8072.9999.9999.1
ID=$ROOT.1.2.1.2    # imsCheckId
LABEL=$ROOT.1.3.1.2 # imsPerfLabel
MILLI=$ROOT.1.3.1.4 # imsPerfValueMilli
rm -rf "$work"
mkdir -p "$work/bin"

pass() { echo "PASS nms-check-snmp/$1"; }
fail() {
	echo "FAIL nms-check-snmp/$1"
	shift
	[ $# -eq 0 ] || printf '    %s\n' "$@"
}
# Wait up to $1 seconds for the shell condition $2 to hold.
wait_for() {
	local end=$((SECONDS + $1))
	until eval "$2"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

if [ ! -x "$CHECK_SNMP" ]; then
	fail start "$CHECK_SNMP is missing (scripts/deps installs monitoring-plugins-standard)"
	exit 0
fi
if ! SNMP_LAB_NET=$NET tests/lab/snmp-lab start "$work/snmp" >"$work/snmp-lab.log" 2>&1; then
	fail start "snmp-lab did not start" "$(cat "$work/snmp-lab.log")"
	exit 0
fi
# shellcheck source=/dev/null
. "$work/snmp/snmp.env"
# shellcheck source=/dev/null
. "$LAB_SNMPENV"
addr=${LAB_SNMP#udp:}
port=${addr##*:}
addr=${addr%:*}
agent_pid=""
stop() {
	if [ -n "$agent_pid" ]; then
		kill -TERM "$agent_pid" 2>/dev/null
		wait "$agent_pid" 2>/dev/null
	fi
	tests/lab/snmp-lab stop "$work/snmp" >/dev/null 2>&1
}
trap stop EXIT
trap 'exit 1' HUP INT TERM

# The agent runs as nobody: copies of the plugins, a profile it can read.
cp plugins/check_ims plugins/check_ims_dns "$work/bin/"
dir=$work
# shellcheck source=tests/lab/site-profile.sh
. tests/lab/site-profile.sh
profile site
cat >"$work/agent.conf" <<PROFILE
agent = {
  user = "nobody";
  plugindir = "$work/bin";
  ping-interval = 1;
  checks = (
    { id = "ims"; command = ["check_ims", "-C", "$work/site.conf", "--steps", "1"];
      interval = 3600; timeout = 30; },
    { id = "disagree"; command = ["check_ims_dns", "-D", "disagree.lab.test",
      "-s", "$LAB_DNS1", "-s", "$LAB_DNS2"]; interval = 3600; }
  );
};
PROFILE
chmod -R a+rX "$work"
agent/imscheck-agent -f -C "$work/agent.conf" -x "$LAB_AGENTX" >"$work/agent.log" 2>&1 &
agent_pid=$!

get() { snmpget -v2c -c public -r 0 -t 2 -Oqv -On "$LAB_SNMP" "$@" 2>&1; }
walk() { snmpwalk -v2c -c public -r 0 -t 5 -On "$LAB_SNMP" "$@" 2>&1; }
# the index of check id $1; the position of label $2 in check index $1
index_of() {
	walk "$ID" | sed -n "s/^$ID\\.\\([0-9]*\\) = STRING: \"$1\"\$/\\1/p"
}
position_of() {
	walk "$LABEL.$1" | sed -n "s/^$LABEL\\.$1\\.\\([0-9]*\\) = STRING: \"$2\"\$/\\1/p"
}
if ! wait_for 20 'test -n "$(index_of ims)" && test -n "$(index_of disagree)" &&
	test -n "$(position_of "$(index_of ims)" step1_mx)" &&
	test -n "$(position_of "$(index_of disagree)" mx)"'; then
	fail start "the agent serves no step1_mx of ims after 20 s" "$(walk "$ROOT")" \
		"$(tail -n 5 "$work/agent.log")"
	exit 0
fi
ims=$(index_of ims)
disagree=$(index_of disagree)
pass "start (agent rows: ims $ims, disagree $disagree)"

# run NAME WANT-EXIT WANT-OUTPUT ARGS...: check_snmp against the lab's
# snmpd; its exit and first line (numbers masked unless WANT-OUTPUT is
# taken as it is, with "=" before it) must be those meant
mask() {
	sed -E 's/[0-9]+/N/g; s/[[:space:]]+$//' <<<"$1"
}
run() {
	local name=$1 want=$2 want_out=$3 out rc why=""
	shift 3
	out=$("$CHECK_SNMP" -H "$addr" "$@" 2>&1)
	rc=$?
	[ "$rc" = "$want" ] || why="$why; exited $rc, not $want"
	case $want_out in
	=*) [ "$(sed 's/[[:space:]]*$//' <<<"$out")" = "${want_out#=}" ] ||
		why="$why; output differs" ;;
	*) [ "$(mask "$out")" = "$(mask "$want_out")" ] || why="$why; output differs" ;;
	esac
	if [ -z "$why" ]; then
		pass "$name (exit $rc: $out)"
	else
		fail "$name: ${why#; }" "\$ check_snmp -H $addr $(printf '%q ' "$@")" \
			"got:  $out" "want: ${want_out#=}"
	fi
}

# --- the README's commands, as they are written there
# the "$ check_snmp" commands of the README's fenced blocks (continuation
# lines joined), each as "CMD words", then the line after it as "OUT line"
readme=$(awk '
	/^```/ { block = !block; next }
	!block { next }
	want_out { print "OUT " $0; want_out = 0; next }
	/^\$ check_snmp / { cmd = ""; in_cmd = 1; $0 = substr($0, 3) }
	in_cmd {
		line = $0
		more = sub(/\\$/, "", line)
		sub(/^[ \t]+/, "", line)
		sub(/[ \t]+$/, "", line)
		cmd = cmd (cmd == "" ? "" : " ") line
		if (!more) { print "CMD " cmd; in_cmd = 0; want_out = 1 }
	}' README.md)
# the README's numeric snmpwalks, each shown line of their output must be
# in the agent's answer
walks=$(awk '
	/^```/ { block = !block; walk = 0; next }
	!block { next }
	/^\$ / { walk = /^\$ snmpwalk .* mail\.example\.com \.1\.3\.6\.1\.4\.1\.8072\.9999\.9999\.1/ }
	walk && /^\$ / { print "WALK " substr($0, 3); next }
	walk && !/^\.\.\.$/ { print "LINE " $0 }' README.md)
nwalks=0
missing=""
while IFS= read -r line; do
	case $line in
	"WALK "*)
		nwalks=$((nwalks + 1))
		cmd=${line#WALK }
		# shellcheck disable=SC2086 # the README's words
		eval "set -- ${cmd/mail.example.com/$LAB_SNMP}"
		got=$("$@" 2>&1)
		;;
	"LINE "*)
		grep -qxF -- "${line#LINE }" <<<"$got" || missing="$missing${missing:+; }${line#LINE }"
		;;
	esac
done <<<"$walks"
if [ "$nwalks" -gt 0 ] && [ -z "$missing" ]; then
	pass "readme-walks ($nwalks snmpwalks: the rows where the README shows them)"
else
	fail readme-walks "$nwalks numeric snmpwalks of mail.example.com in the README; lines the agent does not serve: ${missing:-none}"
fi

n=0
while IFS= read -r cmd && IFS= read -r want; do
	[ -n "$cmd" ] || continue
	n=$((n + 1))
	cmd=${cmd#CMD check_snmp }
	want=${want#OUT }
	case $cmd in
	*"-H mail.example.com "*) ;;
	*)
		fail "readme-example-$n: no -H mail.example.com in: $cmd"
		continue
		;;
	esac
	# the README's rows are check 1, item 1; ours are where the walk found them
	cmd=${cmd/-H mail.example.com /-p $port }
	cmd=${cmd//$ID.1,/$ID.$ims,}
	cmd=${cmd//$LABEL.1.1,/$LABEL.$ims.$(position_of "$ims" step1_time),}
	cmd=${cmd//$MILLI.1.1/$MILLI.$ims.$(position_of "$ims" step1_time)}
	# shellcheck disable=SC2086 # the README's words, quotes and all
	eval "set -- $cmd"
	case $want in
	"SNMP OK"*) code=0 ;;
	"SNMP WARNING"*) code=1 ;;
	"SNMP CRITICAL"*) code=2 ;;
	*) code=3 ;;
	esac
	run "readme-example-$n" "$code" "$want" "$@"
done <<<"$readme"
if [ "$n" -eq 0 ]; then
	fail readme-example "the README shows no \$ check_snmp command with its output"
fi

# --- thresholds on either side of the agent's value
pos=$(position_of "$ims" step1_mx)
oids=$ID.$ims,$LABEL.$ims.$pos,$MILLI.$ims.$pos
value=$(get "$MILLI.$ims.$pos")
if [ "$value" -gt 0 ] 2>/dev/null; then
	above=$((value + 1000)) below=$((value - 1))
	ok="=SNMP OK - check \"ims\" item \"step1_mx\" step1_mx $value | step1_mx=$value;$above;$((above + 1000))"
	run thresholds-ok 0 "$ok" -p "$port" -P 2c -C public -o "$oids" \
		-s '"ims"' -r '"step1_mx"' -w ",,$above" -c ",,$((above + 1000))" \
		-l check,item,step1_mx
	run thresholds-warning 1 \
		"=SNMP WARNING - check \"ims\" item \"step1_mx\" step1_mx *$value* | step1_mx=$value;$below;$above" \
		-p "$port" -P 2c -C public -o "$oids" -s '"ims"' -r '"step1_mx"' \
		-w ",,$below" -c ",,$above" -l check,item,step1_mx
	run thresholds-critical 2 \
		"=SNMP CRITICAL - check \"ims\" item \"step1_mx\" step1_mx *$value* | step1_mx=$value;$((below - 1));$below" \
		-p "$port" -P 2c -C public -o "$oids" -s '"ims"' -r '"step1_mx"' \
		-w ",,$((below - 1))" -c ",,$below" -l check,item,step1_mx

	# --- guards: another check's row, another item of the check
	dpos=$(position_of "$disagree" mx)
	run guard-other-check 2 \
		"=SNMP CRITICAL - check *\"disagree\"* item *\"mx\"* step1_mx $(get "$MILLI.$disagree.$dpos") | step1_mx=$(get "$MILLI.$disagree.$dpos");$above;$((above + 1000))" \
		-p "$port" -P 2c -C public \
		-o "$ID.$disagree,$LABEL.$disagree.$dpos,$MILLI.$disagree.$dpos" \
		-s '"ims"' -r '"step1_mx"' -w ",,$above" -c ",,$((above + 1000))" \
		-l check,item,step1_mx
	tpos=$(position_of "$ims" step1_time)
	run guard-other-item 2 \
		"SNMP CRITICAL - check \"ims\" item *\"step1_time\"* step1_mx 0 | step1_mx=0;$above;$((above + 1000))" \
		-p "$port" -P 2c -C public \
		-o "$ID.$ims,$LABEL.$ims.$tpos,$MILLI.$ims.$tpos" \
		-s '"ims"' -r '"step1_mx"' -w ",,$above" -c ",,$((above + 1000))" \
		-l check,item,step1_mx
else
	fail thresholds "no value in imsPerfValueMilli.$ims.$pos: $value"
fi
