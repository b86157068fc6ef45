#!/bin/bash
# mailbox-safety.sh - a mailbox holding 20 messages of its user, some with
# headers that look like probes but carry a foreign token, keeps all 20
# through a series of probe runs, good, refused and timed out, and holds
# no probe at the end: with the probes sent through the Postfix service,
# then through the Exim one.
set -u
# shellcheck source=/dev/null
. "$LABENV"

box=$LAB_POP3_PROBE_MAILDIR
owner=$(stat -c %u:%g "$box")

seed() {
	local i token
	for i in $(seq 1 20); do
		token=""
		if [ $((i % 3)) -eq 0 ]; then # looks like a probe, foreign MAC
			token="X-Imscheck-Probe: v1 $(($(date +%s) - 86400)) $(printf '%032x' "$i") $(printf '%032x' $((i * 7)))"
		fi
		printf 'From: <friend@example.org>\r\nTo: <%s>\r\nSubject: letter %d\r\nX-Seed: %d\r\n%s%s\r\nDear user,\r\n.letter %d\r\n' \
			"$LAB_POP3_PROBE" "$i" "$i" "$token" "${token:+$'\r\n'}" "$i" \
			>"$box/new/seed-$i.lab"
		chown "$owner" "$box/new/seed-$i.lab"
		chmod 600 "$box/new/seed-$i.lab"
	done
}

count() { # files of the mailbox that (do not) carry X-Seed
	find "$box/new" "$box/cur" -type f -exec grep -l${1:+L} '^X-Seed:' {} + 2>/dev/null | wc -l
}

pop3() { # extra options
	plugins/check_ims_pop3 -H "$LAB_POP3_HOST" -p "$LAB_POP3_PORT" --stls \
		--ca-file "$LAB_CA" -u "$LAB_POP3_PROBE" \
		--password-file "$LAB_POP3_PROBE_PASSWORD_FILE" \
		--source "$LAB_INSIDE" --rcpt "$LAB_POP3_PROBE" "$@"
}

# series NAME SERVICE REFUSING-SERVICE: the runs, then the verdict
series() {
	local name=$1 good=$2 refusing=$3 runs="" kept probes
	seed
	pop3 --smtp "$good" --round-trip -t 5 >/dev/null; runs="$runs $?"
	pop3 --smtp "$refusing" --round-trip -t 5 >/dev/null; runs="$runs $?"
	pop3 --smtp "$good" --round-trip -t 0.2 >/dev/null; runs="$runs $?"
	pop3 --smtp "$good" --round-trip -t 5 >/dev/null; runs="$runs $?"
	# a probe left by the timed-out run is now older than the next deadline
	# (1 s; probe times are whole seconds)
	sleep 2
	pop3 --smtp "$good" --round-trip -t 1 >/dev/null; runs="$runs $?"
	pop3 --smtp "$good" --round-trip -t 5 >/dev/null; runs="$runs $?"
	kept=$(count)
	probes=$(count L)
	if [ "$kept" -eq 20 ] && [ "$probes" -eq 0 ] && [[ $runs == " 0 2 "*" 0 "*" 0" ]]; then
		echo "PASS safety/$name"
	else
		echo "FAIL safety/$name: kept $kept of 20, $probes other messages left, exits:$runs"
	fi
	rm -f "$box"/new/seed-* "$box"/cur/seed-*
}

series mailbox-keeps-its-20-messages "$LAB_SMTP" "$LAB_SMTP_NOREROUTE"
series mailbox-keeps-its-20-messages-exim "$LAB_EXIM" "$LAB_EXIM_NOREROUTE"
