#!/bin/bash
# secrets.sh - no password reaches the output: the mailbox passwords of the
# lab never appear in what the POP3 plugins print, -vvv transcripts and
# failures included, nor in what check_ims prints about them.
set -u
# shellcheck source=/dev/null
. "$LABENV"

out=$(
	plugins/check_ims_pop3 -H "$LAB_POP3_HOST" -p "$LAB_POP3_PORT" --stls \
		--ca-file "$LAB_CA" -u "$LAB_POP3_PROBE" \
		--password-file "$LAB_POP3_PROBE_PASSWORD_FILE" --smtp "$LAB_SMTP" \
		--rcpt "$LAB_POP3_PROBE" --source "$LAB_INSIDE" --round-trip -t 5 -vvv
	plugins/check_ims_pop3 -H "$LAB_POP3_NOSTLS_HOST" -p "$LAB_POP3_NOSTLS_PORT" \
		-u "$LAB_POP3_PROBE" --password-file "$LAB_POP3_USER_PASSWORD_FILE" -vvv
	plugins/check_ims_route -H "$LAB_SMTP_HOST" -p "$LAB_SMTP_PORT" \
		--source "$LAB_INSIDE" -r "$LAB_POP3_EXT_PROBE" --pop3 "$LAB_POP3" \
		--stls --ca-file "$LAB_CA" -u "$LAB_POP3_EXT_PROBE" \
		--password-file "$LAB_POP3_EXT_PROBE_PASSWORD_FILE" -t 5 -vvv
)
leaked=""
for pw in "$LAB_POP3_PROBE_PASSWORD" "$LAB_POP3_USER_PASSWORD" \
	"$LAB_POP3_EXT_PROBE_PASSWORD"; do
	[ -n "$pw" ] && grep -qF -- "$pw" <<<"$out" && leaked="$leaked ${pw:0:4}..."
done
if [ -z "$leaked" ] && grep -q '^\[OK\] C: PASS \*\*\*\*\*\*\*\*$' <<<"$out"; then
	echo "PASS secrets/no-password-in-output"
else
	echo "FAIL secrets/no-password-in-output: leaked:${leaked:- none}, masked PASS line ${leaked:+or }missing?"
fi
