#!/bin/bash
# spool.sh - --spool publishes the result the plugin printed: the record
# holds the same status text, perfdata and long output, under the default
# or the given id, and no password of the lab.
set -u
# shellcheck source=/dev/null
. "$LABENV"
spool=$(dirname "$LABENV")/spool
rm -rf "$spool"
mkdir -p "$spool"

out=$(plugins/check_ims_dns -D ok.lab.test -s "$LAB_DNS1" --spool "$spool")
status=$(head -n 1 <<<"$out" | sed 's/^DNS OK - //; s/ | .*//')
rec=$spool/check_ims_dns
if [ -f "$rec" ] && [ "$(head -n 1 "$rec")" = "imscheck-spool 1" ] &&
	grep -qx "status: $status" "$rec" && grep -qx 'state: 0' "$rec" &&
	grep -qx 'step: 1' "$rec" && grep -q '^perf: mx=2;;;0$' "$rec" &&
	[ "$(tail -n 1 "$rec")" = "end" ] &&
	[ -z "$(find "$spool" -name '.*' -type f)" ]; then
	echo "PASS spool/record-matches-output"
else
	echo "FAIL spool/record-matches-output"
	sed 's/^/    /' "$rec" 2>/dev/null
fi

plugins/check_ims_route -H "$LAB_SMTP_HOST" -p "$LAB_SMTP_PORT" \
	--source "$LAB_INSIDE" -r "$LAB_POP3_EXT_PROBE" --pop3 "$LAB_POP3" \
	--stls --ca-file "$LAB_CA" -u "$LAB_POP3_EXT_PROBE" \
	--password-file "$LAB_POP3_EXT_PROBE_PASSWORD_FILE" -t 5 -vvv \
	--spool "$spool" --id route@lab >/dev/null
rec=$spool/route@lab
if [ -f "$rec" ] && grep -qx 'step: 5' "$rec" &&
	! grep -qF -- "$LAB_POP3_EXT_PROBE_PASSWORD" "$rec"; then
	echo "PASS spool/named-record-without-secrets"
else
	echo "FAIL spool/named-record-without-secrets"
fi

out=$(plugins/check_ims_dns -D ok.lab.test -s "$LAB_DNS1" --spool /nonexistent/spool)
if [ $? -eq 1 ] && grep -q '^DNS WARNING - ok.lab.test: result not published: spool /nonexistent/spool: No such file or directory; 2 MX' <<<"$out"; then
	echo "PASS spool/unwritable-is-a-warning"
else
	echo "FAIL spool/unwritable-is-a-warning: $out"
fi
