#!/bin/bash
# probe-concurrent.sh - a shorter run does not sweep the probe of a longer
# run that is still waiting for it: a probe is stale only once the run
# that sent it has ended (its deadline is in its token).  Against the
# lab's Postfix and Dovecot: run A (-t 20) sends a probe that the
# smarthost holds; A is stopped (SIGSTOP) while the probe is released into
# the mailbox, grows older than run B's deadline, and B (-t 2) reads the
# same mailbox; then A goes on, finds its probe and ends OK, and nothing is
# left behind.
set -u
# shellcheck source=/dev/null
. "$LABENV"

box=$LAB_SMART_MAILDIR
hold=$(dirname "$LAB_SMART_CONF")/queue/hold
out=$(dirname "$LABENV")/probe-concurrent.out

probe_mailbox=(--source "$LAB_INSIDE" -r "$LAB_POP3_EXT_PROBE" --pop3 "$LAB_POP3"
	--stls --ca-file "$LAB_CA" -u "$LAB_POP3_EXT_PROBE"
	--password-file "$LAB_POP3_EXT_PROBE_PASSWORD_FILE" -v)

files() { find "$box/new" "$box/cur" -type f | wc -l; }

# wait_for SECONDS CONDITION
wait_for() {
	local end=$((SECONDS + $1))
	until eval "$2"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.05
	done
}

started=$(date +%s)
# (the plugin itself in the background, not a subshell: SIGSTOP must stop it)
plugins/check_ims_route -H "$LAB_SMTP_LATE_HOST" -p "$LAB_SMTP_LATE_PORT" \
	"${probe_mailbox[@]}" -t 20 >"$out" &
a=$!
if ! wait_for 10 '[ -n "$(find "$hold" -type f 2>/dev/null)" ]'; then
	kill "$a" 2>/dev/null
	wait "$a"
	echo "FAIL safety/probe-of-a-longer-run-kept: run A's probe was never held"
	sed 's/^/    /' "$out"
	exit 0
fi
kill -STOP "$a"
"$LAB_SMART_RELEASE" >/dev/null 2>&1
wait_for 10 '[ "$(files)" -gt 0 ]'
arrived=$(files)
# older than B's deadline (what B once took for stale)
while [ "$(date +%s)" -lt $((started + 4)) ]; do sleep 0.1; done
b=$(plugins/check_ims_route -H "$LAB_SMTP_HOST" -p "$LAB_SMTP_PORT" \
	"${probe_mailbox[@]}" -t 2)
brc=$?
kill -CONT "$a"
wait "$a"
arc=$?
left=$(files)
if [ "$arrived" -eq 1 ] && [ $brc -eq 0 ] && [ $arc -eq 0 ] && [ "$left" -eq 0 ] &&
	! grep -q 'stale' <<<"$b" &&
	grep -q '^ROUTE OK - probe to <probe@ext.test> delivered' "$out"; then
	echo "PASS safety/probe-of-a-longer-run-kept"
else
	echo "FAIL safety/probe-of-a-longer-run-kept: $arrived arrived, B exit $brc, A exit $arc, $left left"
	sed 's/^/    B| /' <<<"$b"
	sed 's/^/    A| /' "$out"
fi
find "$box/new" "$box/cur" -type f -exec grep -l '^X-Imscheck-Probe:' {} + 2>/dev/null |
	xargs -r rm -f
