#!/bin/bash
# probe-copies.sh - a probe's header copied into other messages does not get
# them deleted: the token is bound to the message it was made for (its
# Message-ID and its body).  A real probe is left in the external probe
# mailbox by a run whose mail the smarthost held (the lab's Postfix); a
# forward of it (its headers, another body) and a message of the user's
# with the probe's header line and body (another Message-ID) join it.  The
# next run, once the first has ended, sweeps the probe and keeps both.
set -u
# shellcheck source=/dev/null
. "$LABENV"

box=$LAB_SMART_MAILDIR
owner=$(stat -c %u:%g "$box")

route() { # timeout, service host, port
	plugins/check_ims_route -H "$2" -p "$3" --source "$LAB_INSIDE" \
		-r "$LAB_POP3_EXT_PROBE" --pop3 "$LAB_POP3" --stls \
		--ca-file "$LAB_CA" -u "$LAB_POP3_EXT_PROBE" \
		--password-file "$LAB_POP3_EXT_PROBE_PASSWORD_FILE" -t "$1" -v
}

files() { find "$box/new" "$box/cur" -type f; }

seed() { # NAME: stdin as a message of the mailbox
	cat >"$box/new/copy-$1.lab"
	chown "$owner" "$box/new/copy-$1.lab"
	chmod 600 "$box/new/copy-$1.lab"
}

started=$(date +%s)
route 2 "$LAB_SMTP_LATE_HOST" "$LAB_SMTP_LATE_PORT" >/dev/null
"$LAB_SMART_RELEASE" >/dev/null 2>&1
for _ in $(seq 50); do
	[ "$(files | wc -l)" -gt 0 ] && break
	sleep 0.1
done
probe=$(files)
if [ "$(wc -l <<<"$probe")" != 1 ] || ! grep -q '^X-Imscheck-Probe: ' "$probe"; then
	echo "FAIL safety/probe-copies-kept: no held probe arrived (${probe:-none})"
	exit 0
fi
# the forward: the probe's header section, a body of the user's
{
	sed -n '1,/^\r\?$/p' "$probe" | sed '/^\r\?$/d'
	printf 'X-Seed: forward\n\nLook at this odd message I got.\n'
} | seed forward
# the user's own message with the probe's header line and body
{
	printf 'From: <friend@example.org>\nTo: <%s>\nSubject: hello\n' "$LAB_POP3_EXT_PROBE"
	printf 'Message-ID: <hello.%s@example.org>\nX-Seed: header-copy\n' "$started"
	grep -m 1 '^X-Imscheck-Probe: ' "$probe"
	echo
	sed '1,/^\r\?$/d' "$probe"
} | seed header-copy

# Once the first run has ended (its deadline, rounded up to the second,
# has passed; and the probe is older than the next run's deadline, which
# is what was once taken for stale), the next run sweeps.
while [ "$(date +%s)" -lt $((started + 4)) ]; do sleep 0.1; done
out=$(route 2 "$LAB_SMTP_HOST" "$LAB_SMTP_PORT")
rc=$?
left=$(files)
if [ $rc -eq 0 ] && grep -q '1 stale probes of ours deleted' <<<"$out" &&
	[ "$(grep -l '^X-Seed:' $left 2>/dev/null | wc -l)" -eq 2 ] &&
	[ "$(wc -w <<<"$left")" -eq 2 ]; then
	echo "PASS safety/probe-copies-kept"
else
	echo "FAIL safety/probe-copies-kept: exit $rc, left:" $left
	sed 's/^/    /' <<<"$out"
fi
rm -f "$box"/new/copy-* "$box"/cur/copy-*
files | xargs -r grep -l '^X-Imscheck-Probe:' | xargs -r rm -f
