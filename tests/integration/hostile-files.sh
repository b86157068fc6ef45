#!/bin/bash
# hostile-files.sh - files and values a user (or an attacker who can write
# where the user points) gives the plugins: FIFOs, directories, devices,
# profiles too large or with one endless token, integers libconfig would
# wrap, empty passwords, non-finite numbers.  The fixtures are made here;
# the cases are tests/integration/hostile-files.list, run by run-cases with
# its checks (one status line matching the exit code, empty stderr, the
# time bound); then the same for the agent's profile check and the empty
# IMSCHECK_PASSWORD, which run-cases cannot say.
#
#   BUILD=build LABENV=build/lab/lab.env tests/integration/hostile-files.sh
set -u
cd "$(dirname "$0")/../.." || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX")
trap 'rm -rf "$work"' EXIT
h=$work/fixtures
mkdir -p "$h/dir"
mkfifo "$h/fifo"
head -c 100 /dev/zero >"$h/nul.conf"
# one token of 8 MB: libconfig parsed it in about 40 s
{
	printf 'dns = { domain = "'
	head -c $((8 * 1024 * 1024)) /dev/zero | tr '\0' a
	printf '"; };\n'
} >"$h/long-token.conf"
{
	printf 'dns = {\n  domain = "'
	head -c 20000 /dev/zero | tr '\0' a
	printf '";\n};\n'
} >"$h/long-line.conf"
yes '# a comment line of the profile, again and again, and again' |
	head -n 20000 >"$h/huge.conf"
printf 'domain = "lab.test";\nsmarthost = {\n  port = 4294967321;\n  host = "127.0.0.1";\n};\n' >"$h/int32.conf"
printf 'domain = "lab.test";\nsmarthost = {\n  port = 18446744073709551641L;\n  host = "127.0.0.1";\n};\n' >"$h/int64.conf"
printf 'domain = "lab.test";\nsmarthost = {\n  port = 4294967321L;\n  host = "127.0.0.1";\n};\n' >"$h/port64.conf"
printf 'timeout = 1e400;\ndns = { domain = "ok.lab.test"; };\n' >"$h/float.conf"
printf 'dns = { domain = "ok.lab.test"; };\n@include "fifo"\n' >"$h/include-fifo.conf"
printf 'dns = { domain = "ok.lab.test"; };\n@include "dir"\n' >"$h/include-dir.conf"
printf '# the smarthost, from a file of its own\n@include "int32.conf"\n' >"$h/include-int.conf"
install -m 600 /dev/null "$h/empty-password"
printf '\nsecret\n' >"$h/blank-first-line"
head -c 300 /dev/zero | tr '\0' p >"$h/long-password"
chmod 600 "$h/blank-first-line" "$h/long-password"

printf 'HOSTILE=%s\n' "$h" | cat "$LABENV" - >"$work/env"
PLUGINDIR=plugins LABENV=$work/env tests/integration/run-cases \
	tests/integration/hostile-files.list

# IMSCHECK_PASSWORD set but empty: refused, not used
out=$(IMSCHECK_PASSWORD='' timeout 5 plugins/check_ims_pop3 -H 127.0.0.1 \
	-p 1 -u user 2>&1 | head -n 1)
if [ "$out" = "POP3 UNKNOWN - the password is empty (IMSCHECK_PASSWORD)" ]; then
	echo "PASS hostile-files/password-env-empty"
else
	echo "FAIL hostile-files/password-env-empty: $out"
fi
# imscheck-agent -t on a profile that is a FIFO or a directory: refused
for f in fifo dir; do
	out=$(timeout 5 agent/imscheck-agent -t -C "$h/$f" 2>&1)
	rc=$?
	if [ $rc = 1 ] && grep -q "not a regular file" <<<"$out"; then
		echo "PASS hostile-files/agent-profile-$f"
	else
		echo "FAIL hostile-files/agent-profile-$f: exit $rc: $out"
	fi
done
