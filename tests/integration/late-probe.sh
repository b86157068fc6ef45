#!/bin/bash
# late-probe.sh - a smarthost that holds mail: the deadline ends the check
# with CRITICAL in time, and once the mail is released the next run sweeps
# the late probe (it is ours: its MAC verifies for it, and the run that
# sent it has ended) and leaves nothing behind.
set -u
# shellcheck source=/dev/null
. "$LABENV"

route() { # timeout, service host, port
	plugins/check_ims_route -H "$2" -p "$3" --source "$LAB_INSIDE" \
		-r "$LAB_POP3_EXT_PROBE" --pop3 "$LAB_POP3" --stls \
		--ca-file "$LAB_CA" -u "$LAB_POP3_EXT_PROBE" \
		--password-file "$LAB_POP3_EXT_PROBE_PASSWORD_FILE" -t "$1" -v
}

maildir_count() {
	find "$LAB_SMART_MAILDIR/new" "$LAB_SMART_MAILDIR/cur" -type f |
		wc -l
}

t0=$(date +%s%N)
out=$(route 3 "$LAB_SMTP_LATE_HOST" "$LAB_SMTP_LATE_PORT")
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
if [ $rc -eq 2 ] && [ $ms -le 4000 ] &&
	grep -q '^ROUTE CRITICAL - the probe to <probe@ext.test> did not arrive within 3 s' <<<"$out"; then
	echo "PASS safety/late-probe-critical-in-time"
else
	echo "FAIL safety/late-probe-critical-in-time: exit $rc after $ms ms"
	sed 's/^/    /' <<<"$out"
fi

"$LAB_SMART_RELEASE" >/dev/null 2>&1
for _ in $(seq 50); do
	[ "$(maildir_count)" -gt 0 ] && break
	sleep 0.1
done
arrived=$(maildir_count)
# Stale once the first run's deadline (t0 + 3 s), rounded up to the
# second in its token, has passed: wait until then.
while [ "$(date +%s%N)" -le $((t0 + 4000000000)) ]; do sleep 0.1; done
out=$(route 3 "$LAB_SMTP_HOST" "$LAB_SMTP_PORT")
rc=$?
left=$(maildir_count)
if [ "$arrived" -eq 1 ] && [ $rc -eq 0 ] && [ "$left" -eq 0 ] &&
	grep -q '1 stale probes of ours deleted' <<<"$out"; then
	echo "PASS safety/late-probe-swept"
else
	echo "FAIL safety/late-probe-swept: $arrived arrived, exit $rc, $left left"
	sed 's/^/    /' <<<"$out"
fi

# Over IMAP, one session waits for the probe: a NOOP brings it news, no
# login per look.  The smarthost holds the probe until 2 s after it was
# sent; the run logs in twice (the mailbox before sending, the wait) and
# finds it in the wait's session after a few NOOPs.
out=$(
	(sleep 2 && "$LAB_SMART_RELEASE" >/dev/null 2>&1) &
	plugins/check_ims_route -H "$LAB_SMTP_LATE_HOST" -p "$LAB_SMTP_LATE_PORT" \
		--source "$LAB_INSIDE" -r "$LAB_POP3_EXT_PROBE" --imap "$LAB_IMAP" \
		--stls --ca-file "$LAB_CA" -u "$LAB_POP3_EXT_PROBE" \
		--password-file "$LAB_POP3_EXT_PROBE_PASSWORD_FILE" -t 8 -vvv
	rc=$?
	wait
	exit $rc
)
rc=$?
logins=$(grep -c '^\[OK\] C: A[0-9]* AUTHENTICATE PLAIN' <<<"$out")
noops=$(grep -c '^\[OK\] C: A[0-9]* NOOP$' <<<"$out")
left=$(maildir_count)
if [ $rc -eq 0 ] && [ "$logins" -eq 2 ] && [ "$noops" -ge 2 ] && [ "$left" -eq 0 ] &&
	grep -q '^ROUTE OK - probe to <probe@ext.test> delivered in [2-7]\.' <<<"$out"; then
	echo "PASS safety/late-probe-imap-one-session"
else
	echo "FAIL safety/late-probe-imap-one-session: exit $rc, $logins logins, $noops NOOPs, $left left"
	grep -v '^\[OK\] [CS]: ' <<<"$out" | sed 's/^/    /'
fi
