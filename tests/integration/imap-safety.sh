#!/bin/bash
# imap-safety.sh - over IMAP, a mailbox holding 20 messages of its user
# keeps all 20, and every flag the user set on them, through a series of
# probe runs: good, refused, timed out, and on a server without UIDPLUS
# (where EXPUNGE would take the user's \Deleted messages with ours).  Some
# messages carry a probe header with a foreign token, some are flagged
# \Deleted, \Seen or \Flagged by the user (Maildir flags T, S, F).  At the
# end no probe is left: those a server without UIDPLUS could only flag are
# swept, once stale, by a run on a server that has it.
set -u
# shellcheck source=/dev/null
. "$LABENV"

box=$LAB_POP3_PROBE_MAILDIR
owner=$(stat -c %u:%g "$box")

# The user's flags of seed I: none (in new/), or a Maildir info ":2,FLAGS".
flags_of() {
	case $(($1 % 4)) in
	0) echo "" ;;
	1) echo "S" ;;
	2) echo "ST" ;; # read and \Deleted, not expunged: the user's to expunge
	3) echo "FT" ;;
	esac
}

seed() {
	local i token f dir name
	for i in $(seq 1 20); do
		token=""
		if [ $((i % 3)) -eq 0 ]; then # looks like a probe, foreign MAC
			token="X-Imscheck-Probe: v2 $(($(date +%s) - 86400)) $(($(date +%s) - 86000)) $(printf '%032x' "$i") $(printf '%032x' $((i * 7)))"
		fi
		f=$(flags_of "$i")
		if [ -z "$f" ]; then
			dir=new name=seed-$i.lab
		else
			dir=cur name=seed-$i.lab:2,$f
		fi
		printf 'From: <friend@example.org>\r\nTo: <%s>\r\nSubject: letter %d\r\nX-Seed: %d\r\n%s%s\r\nDear user,\r\nletter %d\r\n' \
			"$LAB_POP3_PROBE" "$i" "$i" "$token" "${token:+$'\r\n'}" "$i" \
			>"$box/$dir/$name"
		chown "$owner" "$box/$dir/$name"
		chmod 600 "$box/$dir/$name"
	done
}

# The seeds as they are now: "I:FLAGS" for each, sorted; Dovecot moves
# new/ to cur/ with an empty info, which changes no flag.
seeds_now() {
	local f n
	for f in "$box"/new/seed-* "$box"/cur/seed-*; do
		[ -e "$f" ] || continue
		n=${f##*/seed-}
		case $n in
		*:2,*) echo "${n%%.lab*}:${n##*:2,}" ;;
		*) echo "${n%%.lab*}:" ;;
		esac
	done | sort
}

seeds_wanted() {
	local i
	for i in $(seq 1 20); do echo "$i:$(flags_of "$i")"; done | sort
}

others() { # files of the mailbox that do not carry X-Seed: probes
	find "$box/new" "$box/cur" -type f -exec grep -L '^X-Seed:' {} + 2>/dev/null | wc -l
}

imap() { # SERVER, extra options
	local server=$1
	shift
	plugins/check_ims_imap -H "${server%:*}" -p "${server##*:}" -S \
		--ca-file "$LAB_CA" -u "$LAB_POP3_PROBE" \
		--password-file "$LAB_POP3_PROBE_PASSWORD_FILE" \
		--source "$LAB_INSIDE" --rcpt "$LAB_POP3_PROBE" "$@"
}

runs=""
run() {
	imap "$@" >/dev/null
	runs="$runs $?"
}

find "$box/new" "$box/cur" -type f -delete
seed
run "$LAB_IMAP" --smtp "$LAB_SMTP" --round-trip -t 5
run "$LAB_IMAP" --smtp "$LAB_SMTP_NOREROUTE" --round-trip -t 5
run "$LAB_IMAP" --smtp "$LAB_SMTP" --round-trip -t 0.2
run "$LAB_IMAP_NOUIDPLUS" --smtp "$LAB_SMTP" --round-trip -t 1
run "$LAB_IMAP_NOUIDPLUS" --smtp "$LAB_SMTP" --round-trip -t 1
run "$LAB_IMAP" --smtp "$LAB_SMTP" --round-trip -t 5
# the timed-out run's probe and the flagged ones are now older than the
# runs that sent them (probe times are whole seconds): ours to sweep
sleep 2
run "$LAB_IMAP" --smtp "$LAB_SMTP" --round-trip -t 5
left=$(others)
if [ "$(seeds_now)" = "$(seeds_wanted)" ] && [ "$left" -eq 0 ] &&
	[[ $runs == " 0 2 "*" 1 1 0 0" ]]; then
	echo "PASS safety/imap-mailbox-keeps-its-20-messages-and-flags"
else
	echo "FAIL safety/imap-mailbox-keeps-its-20-messages-and-flags: $left other messages left, exits:$runs"
	diff <(seeds_wanted) <(seeds_now) | sed 's/^/    /'
fi
find "$box/new" "$box/cur" -type f -name 'seed-*' -delete
