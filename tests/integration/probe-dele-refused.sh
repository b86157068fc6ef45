#!/bin/bash
# probe-dele-refused.sh - a POP3 server that answers the probe's DELE with
# -ERR keeps the probe: the round trip arrives, but the check says the
# probe stays (WARNING), and the probe is still in the mailbox afterwards.
#
# The service (real Postfix) delivers to pop3fake@lab.test, whose Maildir
# only the scripted dele-err server serves; this script empties it again.
set -u
# shellcheck source=/dev/null
. "$LABENV"

box=$LAB_POP3FAKE_DELE_ERR_MAILDIR
out=$(plugins/check_ims_pop3 -H "$LAB_POP3FAKE_DELE_ERR_HOST" \
	-p "$LAB_POP3FAKE_DELE_ERR_PORT" -u "$LAB_POP3FAKE_DELE_ERR_RCPT" \
	--password-file "$LAB_POP3FAKE_DELE_ERR_PASSWORD_FILE" \
	--smtp "$LAB_SMTP" --rcpt "$LAB_POP3FAKE_DELE_ERR_RCPT" \
	--source "$LAB_INSIDE" --round-trip -t 5)
rc=$?
left=$(grep -l '^X-Imscheck-Probe: v2 ' "$box"/new/* 2>/dev/null | wc -l)
if [ $rc -eq 1 ] &&
	grep -q '^POP3 WARNING - the probe could not be deleted: -ERR \[SYS/PERM\] cannot delete here; .* probe delivered to <pop3fake@lab\.test> in ' <<<"$out" &&
	[ "$left" -eq 1 ]; then
	echo "PASS safety/probe-dele-refused-is-a-warning"
else
	echo "FAIL safety/probe-dele-refused-is-a-warning: exit $rc, $left probes left in $box"
	sed 's/^/    /' <<<"$out"
fi
rm -f "$box"/new/* "$box"/cur/*
