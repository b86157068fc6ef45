#!/bin/bash
# checklist.sh - check_ims over the whole lab: a healthy site profile gives
# OK with a line per step, in checklist order; broken variants of it give
# the right worst state and name the right step.  The profiles are written
# here, since the lab makes its passwords when it starts.
set -u
# shellcheck source=/dev/null
. "$LABENV"
# shellcheck source=tests/lab/site-profile.sh
. tests/lab/site-profile.sh
dir=$(dirname "$LABENV")/profiles
mkdir -p "$dir"

# expect NAME EXIT REGEX [check_ims options]
expect() {
	local name=$1 want=$2 regex=$3 out rc t0 ms
	shift 3
	t0=$(date +%s%N)
	# step 6 reads the host name: the mail host's, in a UTS namespace
	out=$(unshare --uts -- sh -c 'hostname mail && exec "$@"' sh \
		plugins/check_ims -C "$dir/$name.conf" "$@" 2>&1)
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ "$rc" -eq "$want" ] && [ "$ms" -le 9000 ] &&
		grep -Eq -- "$regex" <<<"$out"; then
		echo "PASS checklist/$name${*:+ $*}"
	else
		echo "FAIL checklist/$name${*:+ $*}: exit $rc (want $want) in $ms ms"
		sed 's/^/    /' <<<"$out"
	fi
}

profile healthy
profile refused "$LAB_SMART_REFUSE_HOST"
profile rewritten "" "$LAB_SMTP_REWRITE_HOST" "$LAB_POP3_EXT_OTHER"

expect healthy 0 '^IMS OK - all 6 steps OK \| step1_time=.* step2_connect=.* step3_delivery=.* step4_time=.* step5_delivery=.* step6_time=[0-9.]+s;;;0
\[OK\] step 1 dns: ok\.lab\.test: 2 MX; .*
\[OK\] step 2 smarthost: 127\.26\.0\.1:2526 accepted MAIL FROM:<postmaster@lab\.test> over TLS
\[OK\] step 3 pop3: .*probe delivered .*
\[OK\] step 4 outbound: .*
\[OK\] step 5 route: probe to <probe@ext\.test> delivered in [0-9.]+ s via smarthost\.lab\.test
\[OK\] step 6 tcpip: mail\.ok\.lab\.test: host name mail, domain ok\.lab\.test, .*$'
expect refused 2 '^IMS CRITICAL - 1 of 6 steps failing: step 2 smarthost: 127\.26\.0\.2:2526 refused MAIL FROM:<postmaster@lab\.test>: 550 5\.7\.1 '
expect rewritten 2 '^IMS CRITICAL - 1 of 6 steps failing: step 5 route: recipient rewritten: sent to <probe@ext\.test>, delivered to <other@ext\.test>'
expect refused 0 '^IMS OK - all 2 steps OK \|' --steps 1,4
expect refused 2 '\[CRITICAL\]   advice: relay outgoing mail to the ISP' --advice
