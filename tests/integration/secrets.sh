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

# The same over IMAP: AUTHENTICATE PLAIN's answer (base64 of NUL user NUL
# password) on the command line (SASL-IR) or after "+", masked either way.
out=$(
	plugins/check_ims_imap -H "$LAB_IMAP_HOST" -p "$LAB_IMAP_PORT" -S \
		--ca-file "$LAB_CA" -u "$LAB_POP3_PROBE" \
		--password-file "$LAB_POP3_PROBE_PASSWORD_FILE" --smtp "$LAB_SMTP" \
		--rcpt "$LAB_POP3_PROBE" --source "$LAB_INSIDE" --round-trip -t 5 -vvv
	plugins/check_ims_imap -H "$LAB_IMAP_NOSTARTTLS_HOST" \
		-p "$LAB_IMAP_NOSTARTTLS_PORT" -u "$LAB_POP3_PROBE" \
		--password-file "$LAB_POP3_USER_PASSWORD_FILE" -vvv
	plugins/check_ims_imap -H "$LAB_IMAPFAKE_HEALTHY_HOST" \
		-p "$LAB_IMAPFAKE_HEALTHY_PORT" -u user \
		--password-file "$LAB_POP3_USER_PASSWORD_FILE" -vvv
	plugins/check_ims_route -H "$LAB_SMTP_HOST" -p "$LAB_SMTP_PORT" \
		--source "$LAB_INSIDE" -r "$LAB_POP3_EXT_PROBE" --imap "$LAB_IMAP" \
		--stls --ca-file "$LAB_CA" -u "$LAB_POP3_EXT_PROBE" \
		--password-file "$LAB_POP3_EXT_PROBE_PASSWORD_FILE" -t 5 -vvv
)
leaked=""
for user_pw in "$LAB_POP3_PROBE:$LAB_POP3_PROBE_PASSWORD" \
	"$LAB_POP3_PROBE:$LAB_POP3_USER_PASSWORD" "user:$LAB_POP3_USER_PASSWORD" \
	"$LAB_POP3_EXT_PROBE:$LAB_POP3_EXT_PROBE_PASSWORD"; do
	pw=${user_pw#*:}
	plain=$(printf '\0%s\0%s' "${user_pw%%:*}" "$pw" | base64 -w0)
	for f in "$pw" "$plain"; do
		grep -qF -- "$f" <<<"$out" && leaked="$leaked ${f:0:4}..."
	done
done
masked=$(grep -cE '^\[OK\] C: (A[0-9]+ AUTHENTICATE PLAIN )?\*{8}$' <<<"$out")
# the round trip's sessions, the clear one, the fake's "+" and route's
if [ -z "$leaked" ] && [ "$masked" -ge 4 ]; then
	echo "PASS secrets/no-imap-password-in-output"
else
	echo "FAIL secrets/no-imap-password-in-output: leaked:${leaked:- none}; $masked masked AUTHENTICATE lines (4 or more wanted)"
fi

# The submission user's password, as sent: itself, base64 of it (AUTH
# LOGIN), base64 of NUL user NUL password (AUTH PLAIN).  None of them may
# be in what check_ims_submission prints (-vvv, AUTH taken, refused, an
# endless 334 exchange, the password from IMSCHECK_PASSWORD), nor in its
# spool records, nor in the logs of the lab's servers.
spool=$(mktemp -d)
sub() {
	plugins/check_ims_submission --ca-file "$LAB_SUB_CA" -u "$LAB_SUB_USER" \
		--spool "$spool" --id "sub$#" -t 5 -vvv "$@"
}
out=$(
	sub -H "$LAB_SUB_HOST" -p "$LAB_SUB_PORT" -r user@ext.test --relay-test \
		--password-file "$LAB_SUB_USER_PASSWORD_FILE"
	sub -H "$LAB_SUB_LOGINONLY_HOST" -p "$LAB_SUB_LOGINONLY_PORT" \
		--password-file "$LAB_SUB_USER_PASSWORD_FILE"
	sub -H "$LAB_SUB_REFUSE_HOST" -p "$LAB_SUB_REFUSE_PORT" \
		--password-file "$LAB_SUB_USER_PASSWORD_FILE" -r user@ext.test
	sub -H "$LAB_SUBFAKE_AUTH_ENDLESS_HOST" -p "$LAB_SUBFAKE_AUTH_ENDLESS_PORT" \
		--password-file "$LAB_SUB_USER_PASSWORD_FILE" -r user@ext.test -f user@lab.test
	IMSCHECK_PASSWORD=$LAB_SUB_USER_PASSWORD sub -H "$LAB_SUB_SMTPS_HOST" \
		-p "$LAB_SUB_SMTPS_PORT" --tls
)
pw=$LAB_SUB_USER_PASSWORD
forms=("$pw" "$(printf '%s' "$pw" | base64 -w0)"
	"$(printf '\0%s\0%s' "$LAB_SUB_USER" "$pw" | base64 -w0)")
leaked=""
for f in "${forms[@]}"; do
	grep -qF -- "$f" <<<"$out" && leaked="$leaked output"
	grep -rqF -- "$f" "$spool" && leaked="$leaked spool"
	grep -rqF --exclude-dir=passwords --exclude='users*' \
		--exclude=submission.env -- "$f" \
		"$LAB_SUB_STATEDIR" && leaked="$leaked lab-logs"
done
masked=$(grep -cE '^\[[A-Z]+\] C: (AUTH PLAIN )?\*{8}$' <<<"$out")
nspool=$(find "$spool" -type f | wc -l)
rm -rf "$spool"
# 4 AUTH PLAIN lines and 2 LOGIN answers ("*" ends the endless 334s)
if [ -z "$leaked" ] && [ "$masked" -eq 6 ] && [ "$nspool" -ge 5 ] &&
	grep -q '^SUBMISSION OK - 127\.58\.0\.1:5465 accepted AUTH PLAIN' <<<"$out"; then
	echo "PASS secrets/no-submission-password-anywhere"
else
	echo "FAIL secrets/no-submission-password-anywhere: leaked in:${leaked:- nothing}; $masked masked AUTH lines (6 wanted), $nspool spool records (5 wanted)"
	grep -v '^\[OK\] S: 250-' <<<"$out" | sed 's/^/    /'
fi
