# expect.bash - sourced by the integration scripts that check whole
# outputs (tests/run runs *.sh, not this file).
#
# expect NAME EXIT REGEX COMMAND...: run COMMAND (within EXPECT_SECONDS,
# default 30), then PASS when it exits EXIT and its whole output, stdout
# and stderr, matches the extended REGEX somewhere; FAIL with the output
# otherwise.  EXPECT_PREFIX names the script's tests ("policy/NAME").

expect() {
	local name=$1 want=$2 regex=$3 out rc
	shift 3
	out=$(timeout "${EXPECT_SECONDS:-30}" "$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -Eq -- "$regex" <<<"$out"; then
		echo "PASS $EXPECT_PREFIX/$name"
	else
		echo "FAIL $EXPECT_PREFIX/$name: exit $rc (want $want), no /$regex/"
		sed 's/^/    /' <<<"$out"
	fi
}
