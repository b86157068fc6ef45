#!/bin/bash
# faults.sh - the fault matrix: every hostile behaviour of the lab against
# every plugin that talks that protocol (the cells of faults.rows).
#
# Each cell must end within its deadline (-t) plus one second, with a
# status line "WORD STATE - ..." whose STATE matches the exit code, and
# nothing on stderr; and its STATE must be the one docs/FAULTS.md gives
# (times vary: they are only bound-checked).  One PASS/FAIL line per cell;
# the matrix, as markdown, goes to BUILD/FAULTS.md.  With FAULTS_UPDATE=1
# (make faults) it is written to docs/FAULTS.md instead of compared.
#
# Run by tests/run with LABENV set, like every tests/integration/*.sh.
# FAULTS_JOBS cells run at once (default 12): most of them only wait for
# their deadline, so the matrix takes a few deadlines, not one per cell.
set -u
# shellcheck source=/dev/null
. "$LABENV"

ROWS=tests/integration/faults.rows
DOC=docs/FAULTS.md
JOBS=${FAULTS_JOBS:-12}
DIR=$(dirname "$LABENV")/faults
# tests/run gives BUILD; the lab folder is BUILD/lab otherwise
OUT=${BUILD:-$(dirname "$(dirname "$LABENV")")}/FAULTS.md
# the deadline a command without -t gets (the plugins' default)
DEFAULT_T=10
# a cell still running this long after its bound is killed
KILL_MARGIN=5

rm -rf "$DIR"
mkdir -p "$DIR/cells" "$DIR/profiles"
export FAULTS_PROFILES=$DIR/profiles
export FAULTS_PW=$DIR/password
export FAULTS_SINK_HOST=127.27.1.1 FAULTS_SINK_PORT=2527
(umask 077 && echo faults-any-password >"$FAULTS_PW")

# --- the sink: an SMTP server of our own that drops every message -------------
# (the lab's smtpfake healthy must never see DATA: never-data.sh)
sink_pid=""
stop_sink() {
	[ -z "$sink_pid" ] || kill "$sink_pid" 2>/dev/null
}
trap stop_sink EXIT
/usr/bin/python3 tests/lab/smtpfake.py --mode healthy \
	--listen "$FAULTS_SINK_HOST:$FAULTS_SINK_PORT" \
	--pidfile "$DIR/sink.pid" --log "$DIR/sink.commands" \
	</dev/null >"$DIR/sink.log" 2>&1 &
sink_pid=$!
for _ in $(seq 100); do
	[ -s "$DIR/sink.pid" ] && break
	sleep 0.05
done
if [ ! -s "$DIR/sink.pid" ]; then
	echo "FAIL faults/setup: the SMTP sink did not start"
	sed 's/^/    /' "$DIR/sink.log"
	exit 0
fi

# --- site profiles for check_ims: one per behaviour ------------------------------
# Only the steps that talk the protocol run (--steps in faults.rows), so no
# healthy step sends a real probe while the matrix runs.

# smtp_profile NAME HOST PORT: steps 2-5 all speak SMTP to HOST:PORT
smtp_profile() {
	cat >"$FAULTS_PROFILES/$1.conf" <<CONF
# fault matrix: every SMTP step against $2:$3 (faults.sh)
timeout = 3;
smarthost = { host = "$2"; port = $3; domain = "lab.test"; };
pop3 = {
	host = "$LAB_POP3_HOST"; port = $LAB_POP3_PORT;
	user = "$LAB_POP3_USER"; password-file = "$LAB_POP3_USER_PASSWORD_FILE";
	smtp = "$2:$3"; rcpt = "user@lab.test";
};
outbound = { host = "$2"; port = $3; domain = "lab.test"; rcpt = "user@ext.test"; };
route = {
	host = "$2"; port = $3; rcpt = "$LAB_POP3_EXT_PROBE"; pop3 = "$LAB_POP3";
	user = "$LAB_POP3_EXT_PROBE";
	password-file = "$LAB_POP3_EXT_PROBE_PASSWORD_FILE";
};
CONF
}

# tls_profile NAME HOST PORT [CA]: step 2 requires STARTTLS from HOST:PORT
# (its certificate verified with CA, default the lab's)
tls_profile() {
	cat >"$FAULTS_PROFILES/$1.conf" <<CONF
# fault matrix: the smarthost $2:$3, STARTTLS required (faults.sh)
timeout = 3;
smarthost = {
	host = "$2"; port = $3; domain = "lab.test";
	starttls = true; ca-file = "${4:-$LAB_CA}";
};
CONF
}

# pop3_profile NAME HOST:PORT USER PASSWORD-FILE [TLS-KEYS]: steps 3 and
# 5 read their mailbox there (TLS-KEYS e.g. 'stls = true;'); step 3's
# probe goes to the sink, step 5's to the service that refuses every
# external recipient
pop3_profile() {
	local stls=${5:-}
	cat >"$FAULTS_PROFILES/$1.conf" <<CONF
# fault matrix: the POP3 steps against $2 (faults.sh)
timeout = 3;
pop3 = {
	host = "${2%:*}"; port = ${2##*:}; $stls
	user = "$3"; password-file = "$4";
	smtp = "$FAULTS_SINK_HOST:$FAULTS_SINK_PORT"; rcpt = "probe@lab.test";
	round-trip = true;
};
route = {
	host = "$LAB_SMTP_NOROUTE_HOST"; port = $LAB_SMTP_NOROUTE_PORT;
	rcpt = "probe@ext.test"; pop3 = "$2"; $stls
	user = "$3"; password-file = "$4";
};
CONF
}

# dns_profile NAME SERVER DOMAIN RESOLV-CONF: steps 1, 2 (its ISP DNS)
# and 6 (its resolv.conf) ask the hostile server about DOMAIN
dns_profile() {
	cat >"$FAULTS_PROFILES/$1.conf" <<CONF
# fault matrix: the DNS steps against $2 (faults.sh)
domain = "$3";
timeout = 3;
dns = { server = [ "$2" ]; };
smarthost = {
	host = "$LAB_SMART_HOST"; port = $LAB_SMART_PORT; domain = "$3";
	dns = [ "$2" ];
};
tcpip = { hostname = "mail"; resolv-conf = "$PWD/tests/integration/tcpip/$4"; };
CONF
}

for mode in silent drip endless-greeting huge-line garbage close-mid-reply; do
	var=LAB_FAKE_$(echo "$mode" | tr 'a-z-' 'A-Z_')
	h=${var}_HOST p=${var}_PORT
	smtp_profile "smtp-$mode" "${!h}" "${!p}"
done
tls_profile smtp-starttls-garbage "$LAB_FAKE_STARTTLS_GARBAGE_HOST" "$LAB_FAKE_STARTTLS_GARBAGE_PORT"
tls_profile smtp-expired "$LAB_SMART_EXPIRED_HOST" "$LAB_SMART_EXPIRED_PORT"
tls_profile smtp-notls "$LAB_SMART_NOTLS_HOST" "$LAB_SMART_NOTLS_PORT"
tls_profile smtp-starttls-inject "$LAB_FAKE_STARTTLS_INJECT_HOST" \
	"$LAB_FAKE_STARTTLS_INJECT_PORT" "$LAB_HOSTILE_CA"
for mode in handshake reply; do
	var=LAB_FAKE_TLS_RESET_$(echo "$mode" | tr 'a-z' 'A-Z')
	h=${var}_HOST p=${var}_PORT
	tls_profile "smtp-tls-reset-$mode" "${!h}" "${!p}" "$LAB_HOSTILE_CA"
done
for mode in silent drip endless-multiline huge-line garbage close-mid-reply \
	stat-err stat-negative; do
	var=LAB_POP3FAKE_$(echo "$mode" | tr 'a-z-' 'A-Z_')
	pop3_profile "pop3-$mode" "${!var}" user "$FAULTS_PW"
done
pop3_profile pop3-stls-no-tls "$LAB_POP3FAKE_STLS_NO_TLS" user "$FAULTS_PW" \
	"stls = true;"
pop3_profile pop3-echo-password "$LAB_POP3FAKE_ECHO_PASSWORD" user "$FAULTS_PW"
pop3_profile pop3-nostls "$LAB_POP3_NOSTLS" "$LAB_POP3_EXT_PROBE" \
	"$LAB_POP3_EXT_PROBE_PASSWORD_FILE" "stls = true;"
pop3_profile pop3-expired "$LAB_POP3_EXPIRED" "$LAB_POP3_EXT_PROBE" \
	"$LAB_POP3_EXT_PROBE_PASSWORD_FILE" "stls = true; ca-file = \"$LAB_CA\";"
# imap_profile NAME HOST:PORT USER PASSWORD-FILE [TLS-KEYS]: steps 3 (IMAP)
# and 5 read their mailbox there over IMAP, as pop3_profile does over POP3
imap_profile() {
	local tls=${5:-}
	cat >"$FAULTS_PROFILES/$1.conf" <<CONF
# fault matrix: the IMAP steps against $2 (faults.sh)
timeout = 3;
imap = {
	host = "${2%:*}"; port = ${2##*:}; $tls
	user = "$3"; password-file = "$4";
	smtp = "$FAULTS_SINK_HOST:$FAULTS_SINK_PORT"; rcpt = "probe@lab.test";
	round-trip = true;
};
route = {
	host = "$LAB_SMTP_NOROUTE_HOST"; port = $LAB_SMTP_NOROUTE_PORT;
	rcpt = "probe@ext.test"; imap = "$2";
	user = "$3"; password-file = "$4";
};
CONF
}

for mode in silent-after-greeting endless-untagged huge-literal \
	bye-mid-command garbage; do
	var=LAB_IMAPFAKE_$(echo "$mode" | tr 'a-z-' 'A-Z_')
	imap_profile "imap-$mode" "${!var}" user "$FAULTS_PW"
done
imap_profile imap-nostarttls "$LAB_IMAP_NOSTARTTLS" "$LAB_POP3_EXT_PROBE" \
	"$LAB_POP3_EXT_PROBE_PASSWORD_FILE" "starttls = true;"

# submission_profile NAME HOST PORT: step 8 logs in at HOST:PORT (the
# submission lab's scripted AUTH servers; any password)
submission_profile() {
	cat >"$FAULTS_PROFILES/$1.conf" <<CONF
# fault matrix: step 8 against $2:$3 (faults.sh)
timeout = 3;
submission = {
	host = "$2"; port = $3; ca-file = "$LAB_SUB_CA";
	user = "user@lab.test"; password-file = "$FAULTS_PW";
};
CONF
}

for mode in stall endless garbage; do
	var=LAB_SUBFAKE_AUTH_${mode^^}
	h=${var}_HOST p=${var}_PORT
	submission_profile "submission-auth-$mode" "${!h}" "${!p}"
done
dns_profile dns-silent "$LAB_DNS_SILENT" ok.lab.test silent-only.conf
dns_profile dns-servfail "$LAB_DNS1" servfail.test servfail.conf
dns_profile dns-refused "$LAB_DNS1" refused.test refused.conf
dns_profile dns-trunc "$LAB_DNS_TRUNC" ok.lab.test trunc-only.conf
dns_profile dns-garbage "$LAB_DNS_GARBAGE" ok.lab.test garbage-only.conf

# --- running the cells ---------------------------------------------------------

# deadline_of WORDS...: the value of -t/--timeout (without :STATE)
deadline_of() {
	local t=$DEFAULT_T
	while [ $# -gt 0 ]; do
		case $1 in
		-t | --timeout) t=${2:-$t} && shift ;;
		--timeout=*) t=${1#--timeout=} ;;
		-t?*) t=${1#-t} ;;
		esac
		shift
	done
	echo "${t%%:*}"
}

# run_cell N COMMAND: run it; N.rc, N.ms, N.out, N.err, N.deadline
run_cell() {
	local n=$1 cmd=$2 bin t0 ms rc deadline ns=() hosts="" hostname=""
	local f=$DIR/cells/$n
	eval "set -- $cmd"
	deadline=$(deadline_of "$@")
	echo "$deadline" >"$f.deadline"
	# @hosts=FILE and @hostname=NAME as in run-cases: a mount or UTS
	# namespace of the cell's own
	while [[ ${1:-} == @* ]]; do
		case $1 in
		@hosts=*) hosts=${1#@hosts=} ns+=(-m) ;;
		@hostname=*) hostname=${1#@hostname=} ns+=(--uts) ;;
		esac
		shift
	done
	bin=$1
	shift
	[[ $bin == */* ]] || bin=plugins/$bin
	local wrap=()
	if [ ${#ns[@]} != 0 ]; then
		# shellcheck disable=SC2016 # expanded by the inner sh
		wrap=(unshare "${ns[@]}" -- sh -c '
			if [ -n "$0" ]; then mount --bind "$0" /etc/hosts || exit 3; fi
			if [ -n "$1" ]; then hostname "$1" || exit 3; fi
			shift
			exec "$@"' "$hosts" "$hostname")
	fi
	t0=$(date +%s%N)
	timeout -k 1 "$(awk -v t="$deadline" -v m="$KILL_MARGIN" \
		'BEGIN { printf "%d", t + 1 + m + 0.999 }')" \
		"${wrap[@]}" "$bin" "$@" </dev/null >"$f.out" 2>"$f.err"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "$rc" >"$f.rc"
	echo "$ms" >"$f.ms"
}

behaviours=() plugins=() cmds=()
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
	if [[ ! $line =~ ^([^|]*[^|[:space:]])[[:space:]]+\|[[:space:]]+([^|[:space:]]+)[[:space:]]+\|[[:space:]]+(.+)$ ]]; then
		echo "FAIL faults/$ROWS:$lineno: not 'BEHAVIOUR | PLUGIN | COMMAND'"
		continue
	fi
	behaviours+=("${BASH_REMATCH[1]}")
	plugins+=("${BASH_REMATCH[2]}")
	cmds+=("${BASH_REMATCH[3]}")
done <"$ROWS"

# (not a bare "wait": the sink is a child too)
pids=()
for i in "${!cmds[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge $((JOBS + 1)) ]; do
		wait -n
	done
	run_cell "$i" "${cmds[$i]}" &
	pids+=($!)
done
wait "${pids[@]}"

# --- judging the cells, writing the matrix --------------------------------------

# the state docs/FAULTS.md gives each cell: "behaviour|plugin" -> STATE,
# from its table of cells
declare -A doc_state=()
if [ -r "$DOC" ]; then
	while IFS=$'\t' read -r b p s; do
		doc_state["$b|$p"]=$s
	done < <(awk -F ' [|] ' '/^## Cells/ { on = 1; next }
		on && /^\| / && !/^\| behaviour / {
			sub(/^\| /, "", $1); print $1 "\t" $2 "\t" $3 }' "$DOC")
fi

state_of_rc() {
	case $1 in
	0) echo OK ;; 1) echo WARNING ;; 2) echo CRITICAL ;; 3) echo UNKNOWN ;;
	*) echo "" ;;
	esac
}

declare -A cell=() seen=()
col_order=() row_order=()
details=""
for i in "${!cmds[@]}"; do
	b=${behaviours[$i]} p=${plugins[$i]} f=$DIR/cells/$i
	name="$b / $p"
	rc=$(cat "$f.rc") ms=$(cat "$f.ms") deadline=$(cat "$f.deadline")
	first=$(head -n 1 "$f.out")
	state=""
	why=()
	if [[ $first =~ ^[A-Z][A-Z0-9_]*\ (OK|WARNING|CRITICAL|UNKNOWN)\ -\  ]]; then
		state=${BASH_REMATCH[1]}
		[ "$state" = "$(state_of_rc "$rc")" ] ||
			why+=("exit $rc, but the status line says $state")
	else
		why+=("exit $rc, no 'WORD STATE - ' status line")
	fi
	[ -s "$f.err" ] && why+=("stderr is not empty")
	bound_ms=$(awk -v t="$deadline" 'BEGIN { printf "%d", (t + 1) * 1000 }')
	[ "$ms" -le "$bound_ms" ] ||
		why+=("took $ms ms, more than -t $deadline plus 1 s")
	if [ -n "${seen[$b|$p]:-}" ]; then
		why+=("a second cell for the same behaviour and plugin")
	fi
	seen[$b|$p]=1
	if [ "${FAULTS_UPDATE:-}" != 1 ]; then
		want=${doc_state[$b|$p]:-}
		if [ -z "$want" ]; then
			why+=("not in $DOC (make faults)")
		elif [ "$want" != "$state" ]; then
			why+=("state ${state:-none}, $DOC says $want")
		fi
		unset "doc_state[$b|$p]"
	fi
	secs=$(awk -v ms="$ms" 'BEGIN { printf "%.2f", ms / 1000 }')
	if [ ${#why[@]} = 0 ]; then
		echo "PASS faults/$name: $state in $secs s"
	else
		msg=$(printf '%s; ' "${why[@]}")
		echo "FAIL faults/$name: ${msg%; }"
		echo "    \$ ${cmds[$i]}"
		sed 's/^/    stdout| /' "$f.out"
		sed 's/^/    stderr| /' "$f.err"
	fi
	# the matrix: rows and columns in the order they first appear
	[ -n "${cell[row:$b]:-}" ] || { row_order+=("$b"); cell[row:$b]=1; }
	[ -n "${cell[col:$p]:-}" ] || { col_order+=("$p"); cell[col:$p]=1; }
	cell[$b|$p]="${state:-none} $secs s"
	# the status line without perfdata, as a table cell
	text=${first%% | *}
	text=${text//|/\\|}
	[ ${#text} -le 160 ] || text="${text:0:157}..."
	details+="| $b | $p | ${state:-none} | $secs s (-t $deadline) | $text |"$'\n'
done
if [ "${FAULTS_UPDATE:-}" != 1 ]; then
	for k in "${!doc_state[@]}"; do
		echo "FAIL faults/${k/|/ / }: in $DOC, but no such cell in $ROWS (make faults)"
	done
fi

{
	cat <<'EOF'
# Fault matrix

Every hostile behaviour of the lab against every plugin that talks that
protocol: the state each one gives and the time it took. Every cell ends
within its deadline (`-t`) plus one second, with one status line whose
state matches the exit code, and nothing on stderr.

Generated by `make faults` from `tests/integration/faults.rows` (one cell
a line: `BEHAVIOUR | PLUGIN | COMMAND`; add a line to add a cell, a new
behaviour or plugin makes a new row or column) by
`tests/integration/faults.sh`, which `make check` runs too: it fails when
a cell's state differs from the one below, or a cell is missing here
(times vary from run to run and are only held to the bound). The hostile
servers are the lab's: `tests/lab/smtpfake.py`, `pop3fake.py`,
`dnsfake.py` (those with a certificate or a password of their own started
by `tests/lab/hostile-lab`), and real Postfix, Dovecot and nsd for expired
certificates, missing STARTTLS/STLS, SERVFAIL and REFUSED. `check_ims`
runs a site profile whose steps that talk the protocol all point at the
hostile server. The column `imscheck-agent` is the SNMP agent with a private
snmpd per cell (`tests/integration/faults-agent`): its check hangs,
crashes, prints garbage or a 1 MB line, or exits 7, or snmpd restarts or
starts late; the state is the one an NMS polling `imsCheckState` sees, and
a GET answered in more than 100 ms during a hang would make it WARNING.

EOF
	printf '| behaviour |'
	printf ' %s |' "${col_order[@]}"
	printf '\n|---|'
	printf -- '---|%.0s' "${col_order[@]}"
	printf '\n'
	for b in "${row_order[@]}"; do
		printf '| %s |' "$b"
		for p in "${col_order[@]}"; do
			printf ' %s |' "${cell[$b|$p]:-}"
		done
		printf '\n'
	done
	printf '\n## Cells\n\n'
	printf '| behaviour | plugin | state | time | status line |\n'
	printf '|---|---|---|---|---|\n'
	printf '%s' "$details"
} >"$OUT"

if [ "${FAULTS_UPDATE:-}" = 1 ]; then
	cp "$OUT" "$DOC"
	echo "PASS faults/written: $DOC"
fi
