#!/bin/bash
# secrets-echoed.sh - a POP3 server that repeats the password in its reply
# (tests/lab/hostile-lab, pop3fake echo-password) gets it masked wherever
# the reply is shown: the status line, the long output, the -vvv
# transcript, the spool record and what imscheck-agent serves from it over
# SNMP; also when the reply is long enough to be cut in the middle of the
# password (no prefix of it is shown either).
set -u
# shellcheck source=/dev/null
. "$LABENV"
# shellcheck source=/dev/null
. "$LAB_SNMPENV"

ENTRY=.1.3.6.1.4.1.8072.9999.9999.1.1.2.1 # imsCheckEntry
work=$(dirname "$LABENV")/secrets-echoed
rm -rf "$work"
mkdir -p "$work/spool"
pw=$LAB_POP3FAKE_ECHO_PASSWORD_PASSWORD
masked="wrong password '\\*\\*\\*\\*\\*\\*\\*\\*'"

pop3() { # user, extra options
	local user=$1
	shift
	plugins/check_ims_pop3 -H "$LAB_POP3FAKE_ECHO_PASSWORD_HOST" \
		-p "$LAB_POP3FAKE_ECHO_PASSWORD_PORT" -u "$user" \
		--password-file "$LAB_POP3FAKE_ECHO_PASSWORD_PASSWORD_FILE" -t 5 \
		"$@"
}

# Whether $1 shows the password, or (cut) a prefix of it of 6 bytes or
# more: "yes" or "no".
shows() {
	if grep -qF -- "${pw:0:6}" <<<"$1"; then echo yes; else echo no; fi
}

out=$(pop3 someone -vvv --spool "$work/spool" --id echo@lab)
rc=$?
rec=$work/spool/echo@lab
if [ $rc -eq 2 ] &&
	grep -q "^POP3 CRITICAL - .* refused the login of someone: -ERR \\[AUTH\\] someone: $masked | " <<<"$out" &&
	grep -q "^\\[CRITICAL\\] .* refused the login of someone: -ERR \\[AUTH\\] someone: $masked\$" <<<"$out" &&
	grep -q "^\\[OK\\] S: -ERR \\[AUTH\\] someone: $masked\$" <<<"$out" &&
	[ "$(shows "$out")" = no ]; then
	echo "PASS secrets/echoed-password-masked-in-output"
else
	echo "FAIL secrets/echoed-password-masked-in-output: exit $rc, password shown: $(shows "$out")"
	sed 's/^/    /' <<<"$out"
fi
if [ -f "$rec" ] && grep -q "^status: .*someone: $masked\$" "$rec" &&
	[ "$(shows "$(cat "$rec")")" = no ]; then
	echo "PASS secrets/echoed-password-masked-in-spool"
else
	echo "FAIL secrets/echoed-password-masked-in-spool"
	sed 's/^/    /' "$rec" 2>/dev/null
fi

# A user name so long that, unmasked, the reply would be cut (at 512 bytes
# of a POP3 reply, at 1 KiB of a line) in the middle of the password.
long=$(printf 'u%.0s' $(seq 470))
out=$(pop3 "$long" -vvv)
rc=$?
if [ $rc -eq 2 ] && grep -q "^POP3 CRITICAL - .* refused the login of u*: -ERR \\[AUTH\\] uuu" <<<"$out" &&
	[ "$(shows "$out")" = no ]; then
	echo "PASS secrets/echoed-password-cut-not-shown"
else
	echo "FAIL secrets/echoed-password-cut-not-shown: exit $rc, password shown: $(shows "$out")"
	sed 's/^/    /' <<<"$out" | cut -c 1-300
fi

# imscheck-agent serves the record: its output column, masked.
chmod -R a+rX "$work"
cat >"$work/agent.conf" <<PROFILE
spool = "$work/spool";
agent = { user = "nobody"; ping-interval = 1; spool-scan = 0.2; checks = (); };
PROFILE
agent/imscheck-agent -f -C "$work/agent.conf" -x "$LAB_AGENTX" \
	>"$work/agent.log" 2>&1 &
agent=$!
walk() { snmpbulkwalk -v2c -c public -r 0 -t 5 -Cr50 -On "$LAB_SNMP" "$@" 2>&1; }
served=""
for _ in $(seq 50); do
	served=$(walk "$ENTRY")
	grep -q 'STRING: "echo@lab"' <<<"$served" && break
	sleep 0.2
done
kill "$agent" 2>/dev/null
wait "$agent" 2>/dev/null
if grep -q "^$ENTRY\\.5\\.[0-9]* = STRING: \"POP3 CRITICAL - .*someone: $masked\"" <<<"$served" &&
	[ "$(shows "$served")" = no ]; then
	echo "PASS secrets/echoed-password-masked-over-snmp"
else
	echo "FAIL secrets/echoed-password-masked-over-snmp: password shown: $(shows "$served")"
	sed 's/^/    /' <<<"$served"
	sed 's/^/    agent| /' "$work/agent.log"
fi
