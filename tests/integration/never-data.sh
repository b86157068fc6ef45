#!/bin/bash
# never-data.sh - after the SMTP cases: no check ever sent DATA.
#
# The scripted servers log every command they received; the lab's Postfix
# instances and its Exim would have queued or delivered any message that
# got through, Exim logs every message it took, with its subject, and the
# submission and MX instances' smtpd counts every command of a session in
# its "disconnect from" line (data=N after a DATA, bdat=N after a BDAT).
# Run by tests/run with LABENV set, after the *.cases files.
set -u
# shellcheck source=/dev/null
. "$LABENV"

verdict() { # name, then the command that must succeed
	local name=$1
	shift
	if "$@"; then
		echo "PASS safety/$name"
	else
		echo "FAIL safety/$name"
	fi
}

no_data_command() {
	[ -s "$LAB_FAKE_HEALTHY_LOG" ] &&
		grep -q '> RCPT TO' "$LAB_FAKE_HEALTHY_LOG" &&
		! grep -Eqi '^[0-9]+ > DATA' "$LAB_FAKE_HEALTHY_LOG"
}

# Every Maildir of the lab is empty: nothing was delivered.
no_message_delivered() {
	local found
	found=$(find "$LAB_MAIL_STATEDIR" -path '*/mailboxes/*' -type f \
		\( -path '*/new/*' -o -path '*/cur/*' \) | head -n 3)
	[ -z "$found" ] || { printf '    delivered: %s\n' $found; return 1; }
}

# Every message Exim took was a probe (its arrival line, "<=", carries the
# subject: T="imscheck probe NONCE"; no bounce either): the checks that
# send no message (smarthost, outbound, the relay test, pop3's RCPT) sent
# Exim no DATA.
exim_took_only_probes() {
	local others
	[ -s "$LAB_EXIM_LOG" ] && grep -q '<= .* T="imscheck probe ' "$LAB_EXIM_LOG" ||
		{ echo "    no probe in $LAB_EXIM_LOG: did the Exim cases run?"; return 1; }
	others=$(grep ' <= ' "$LAB_EXIM_LOG" |
		grep -v ' T="imscheck probe [0-9a-f]\{8\}"' | head -n 3)
	[ -z "$others" ] || { printf '    took: %s\n' "$others"; return 1; }
}

# Both Postfix queues and Exim's are empty: nothing waits to be delivered
# either.
no_message_queued() {
	local conf out rc=0
	for conf in "$LAB_SMTP_CONF" "$LAB_SMART_CONF" "$LAB_SUB_CONF" "$LAB_MX_CONF"; do
		out=$(postqueue -c "$conf" -p 2>&1)
		case $out in
		*"Mail queue is empty"*) ;;
		*) printf '    %s: %s\n' "$conf" "$out"; rc=1 ;;
		esac
	done
	out=$("$LAB_EXIM_CMD" -bpc 2>&1)
	[ "$out" = 0 ] || { printf '    Exim: %s in the queue\n' "$out"; rc=1; }
	return $rc
}

# Every submission listener had sessions, none of them with a DATA; the
# sessions that logged in offered RCPT; the scripted AUTH servers saw AUTH
# and no DATA.
submission_no_data() {
	local name rc=0 log
	for name in healthy smtps early notls relay refuse loginonly; do
		if ! grep -q " submission/$name/smtpd\[[0-9]*\]: disconnect from " "$LAB_SUB_LOG"; then
			printf '    submission/%s: no session in %s\n' "$name" "$LAB_SUB_LOG"
			rc=1
		fi
	done
	if log=$(grep -E ' disconnect from .* data=' "$LAB_SUB_LOG"); then
		printf '    DATA: %s\n' "$log"
		rc=1
	fi
	grep -Eq ' disconnect from .* auth=1 .*rcpt=[1-9]' "$LAB_SUB_LOG" || {
		echo "    no session logged in and offered RCPT"
		rc=1
	}
	for log in "$LAB_SUBFAKE_AUTH_STALL_LOG" "$LAB_SUBFAKE_AUTH_ENDLESS_LOG" \
		"$LAB_SUBFAKE_AUTH_GARBAGE_LOG"; do
		grep -q '> AUTH PLAIN \*\*\*\*\*\*\*\*$' "$log" &&
			! grep -Eqi '^[0-9]+ > DATA' "$log" || {
			printf '    %s: no AUTH, or a DATA\n' "$log"
			rc=1
		}
	done
	return $rc
}

# The MX instance's sessions (its maillog begins after mx-lab's own start
# checks) offered RCPT, when the MX cases are there to make them, and none
# sent DATA or BDAT; the scripted MX servers saw no DATA either.
mx_no_data() {
	local rc=0 log
	if [ -e "$(dirname "$0")/mx.cases" ] &&
		! grep -Eq ' disconnect from .* rcpt=[0-9/]*[1-9]' "$LAB_MX_LOG"; then
		printf '    no session offered RCPT in %s\n' "$LAB_MX_LOG"
		rc=1
	fi
	if log=$(grep -E ' disconnect from .* (data|bdat)=' "$LAB_MX_LOG"); then
		printf '    DATA: %s\n' "$log"
		rc=1
	fi
	for log in "$LAB_MX_FAKE_STALL_LOG" "$LAB_MX_FAKE_EHLO_LOG"; do
		! grep -Eqi '^[0-9]+ > (DATA|BDAT)' "$log" || {
			printf '    %s: a DATA\n' "$log"
			rc=1
		}
	done
	return $rc
}

verdict fake-saw-rcpt-not-data no_data_command
verdict exim-took-only-probes exim_took_only_probes
verdict submission-listeners-saw-no-data submission_no_data
verdict mx-listeners-saw-no-data mx_no_data
verdict no-message-delivered no_message_delivered
verdict no-message-queued no_message_queued
