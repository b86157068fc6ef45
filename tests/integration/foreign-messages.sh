#!/bin/bash
# foreign-messages.sh - messages in the probe mailbox that cannot be probes
# are skipped, never fatal: a header line of 5000 bytes, 1.1 MB of
# headers (with a probe-like token too), a body line of 10000 bytes,
# probe-like tokens on a 2 MB message and on the long-lined one.  Against
# the lab's real Postfix and Dovecot, round trip after round trip, read
# over POP3 and over IMAP, stays OK, deletes its own probe (none piles up)
# and keeps every one of these messages.
set -u
# shellcheck source=/dev/null
. "$LABENV"

box=$LAB_POP3_PROBE_MAILDIR
owner=$(stat -c %u:%g "$box")
old=$(($(date +%s) - 86400))

# seed NAME: a message of the user's (X-Seed: NAME) from stdin's headers
# and body, as Dovecot serves a file of the Maildir
seed() {
	cat >"$box/new/foreign-$1.lab"
	chown "$owner" "$box/new/foreign-$1.lab"
	chmod 600 "$box/new/foreign-$1.lab"
}

x() { head -c "$1" /dev/zero | tr '\0' x; }
# lines N FORMAT: N lines printf'd from FORMAT with the line number and
# 80 x's
lines() {
	awk -v n="$1" -v f="$2\n" 'BEGIN { s = sprintf("%80s", ""); gsub(/ /, "x", s)
		for (i = 1; i <= n; i++) printf f, i, s }'
}

{
	printf 'From: <friend@example.org>\nSubject: a long header line\nX-Seed: long-header\n'
	printf 'X-Long: %s\n\nHello.\n' "$(x 5000)"
} | seed long-header
{
	printf 'From: <friend@example.org>\nSubject: 1.1 MB of headers\nX-Seed: big-headers\n'
	lines 12000 'X-Filler-%05d: %s'
	printf '\nHello.\n'
} | seed big-headers
{
	printf 'From: <friend@example.org>\nSubject: a token on 1.1 MB of headers\nX-Seed: big-headers-token\n'
	printf 'X-Imscheck-Probe: v2 %d %d %032x %032x\n' "$old" $((old + 10)) 5 6
	lines 12000 'X-Filler-%05d: %s'
	printf '\nHello.\n'
} | seed big-headers-token
{
	printf 'From: <friend@example.org>\nSubject: a token on 2 MB\nX-Seed: big-token\n'
	printf 'X-Imscheck-Probe: v2 %d %d %032x %032x\n\n' "$old" $((old + 10)) 1 2
	lines 25000 '%05d %s'
} | seed big-token
{
	printf 'From: <friend@example.org>\nSubject: a token, a long body line\nX-Seed: long-body\n'
	printf 'X-Imscheck-Probe: v2 %d %d %032x %032x\n\n' "$old" $((old + 10)) 3 4
	printf 'Dear user,\n%s\n' "$(x 10000)"
} | seed long-body

count() { # files of the mailbox that (do not) carry X-Seed
	find "$box/new" "$box/cur" -type f -exec grep -l${1:+L} '^X-Seed:' {} + 2>/dev/null | wc -l
}

runs="" first=""
for server in "pop3 $LAB_POP3_HOST $LAB_POP3_PORT --stls" \
	"pop3 $LAB_POP3_HOST $LAB_POP3_PORT --stls" \
	"imap $LAB_IMAP_HOST $LAB_IMAP_PORT -S" \
	"imap $LAB_IMAP_HOST $LAB_IMAP_PORT -S"; do
	set -- $server
	out=$(plugins/check_ims_$1 -H "$2" -p "$3" "$4" --ca-file "$LAB_CA" \
		-u "$LAB_POP3_PROBE" --password-file "$LAB_POP3_PROBE_PASSWORD_FILE" \
		--source "$LAB_INSIDE" --smtp "$LAB_SMTP" --rcpt "$LAB_POP3_PROBE" \
		--round-trip -t 5)
	rc=$?
	runs="$runs $rc"
	[ "$rc" -eq 0 ] || first=${first:-$(head -n 1 <<<"$out")}
done
kept=$(count)
probes=$(count L)
if [ "$runs" = " 0 0 0 0" ] && [ "$kept" -eq 5 ] && [ "$probes" -eq 0 ]; then
	echo "PASS safety/foreign-messages-skipped"
else
	echo "FAIL safety/foreign-messages-skipped: exits$runs (POP3, POP3, IMAP, IMAP), kept $kept of 5, $probes other messages left"
	echo "    $first" | cut -c 1-400
fi
rm -f "$box"/new/foreign-* "$box"/cur/foreign-*
# a probe left by a failed run must not trouble the scripts after this one
find "$box/new" "$box/cur" -type f -exec grep -l '^X-Imscheck-Probe:' {} + 2>/dev/null |
	xargs -r rm -f
