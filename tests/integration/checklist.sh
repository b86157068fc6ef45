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
# variant NAME SED-EXPRESSION: the healthy site with one thing broken
variant() {
	sed "$2" "$dir/healthy.conf" >"$dir/$1.conf"
}
variant dns-disagree 's|^\(\tserver = \[ "127.53.0.1:5300", "127.53.0.2:5300" \];\)|\1 domain = "disagree.lab.test";|'
variant no-reroute "s|smtp = \"$LAB_SMTP\"|smtp = \"$LAB_SMTP_NOREROUTE\"|"
variant no-route "/^outbound/,/^};/s|host = \"$LAB_SMTP_HOST\"|host = \"$LAB_SMTP_NOROUTE_HOST\"|"
variant wrong-hostname 's|hostname = "mail";|hostname = "smtp";|'
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
expect dns-disagree 1 '^IMS WARNING - 1 of 6 steps failing: step 1 dns: disagree\.lab\.test: servers disagree on MX'
expect no-reroute 2 '^IMS CRITICAL - 1 of 6 steps failing: step 3 pop3: 127\.25\.0\.5:2525 refused RCPT TO:<probe@lab\.test>: 550 '
expect no-route 2 '^IMS CRITICAL - 1 of 6 steps failing: step 4 outbound: 127\.25\.0\.3:2525 refused RCPT TO:<user@ext\.test>: 554 '
expect wrong-hostname 2 '^IMS CRITICAL - 1 of 6 steps failing: step 6 tcpip: '
expect refused 0 '^IMS OK - all 2 steps OK \|' --steps 1,4
expect refused 2 '\[CRITICAL\]   advice: relay outgoing mail to the ISP' --advice

# step 8 when the profile has a submission section: all seven steps, and
# the step alone against a listener that refuses the login
profile submission
with_submission submission
profile submission-refused
with_submission submission-refused "$LAB_SUB_REFUSE_HOST" "$LAB_SUB_REFUSE_PORT"
expect submission 0 '^IMS OK - all 7 steps OK \| step1_time=.* step8_connect=[0-9.]+s;;;0 .*step8_auth=[0-9.]+s;;;0$'
expect submission 0 '^\[OK\] step 8 submission: 127\.58\.0\.1:5587 accepted AUTH PLAIN as user@lab\.test after STARTTLS, .*; refused RCPT TO:<user@ext\.test> without AUTH$' --steps 8
expect submission-refused 2 '^IMS CRITICAL - 1 of 1 step failing: step 8 submission: 127\.58\.0\.5:5587 refused AUTH PLAIN as user@lab\.test: 535 5\.7\.8 ' --steps 8
expect submission-refused 2 '\[CRITICAL\]   advice: offer submission on 587 with STARTTLS' --steps 8 --advice

# step 7 when the profile has an mx section, with mta-sts = true: the
# MX lab's stsgood.test (every MX in the policy) and stsmissing.test
# (mx2.good.test left out of a policy in mode enforce), and its advice
profile mx-sts
with_mx mx-sts stsgood.test
profile mx-sts-missing
with_mx mx-sts-missing stsmissing.test
expect mx-sts 0 '^\[OK\] step 7 mx: stsgood\.test: 3 of 3 addresses of 2 MX took mail for <postmaster@stsgood\.test>, 3 over TLS \(0 with DANE\), MTA-STS enforce$' --steps 7
expect mx-sts-missing 2 '^IMS CRITICAL - 1 of 1 step failing: step 7 mx: stsmissing\.test: mx2\.good\.test matches no mx of the MTA-STS policy \(mode enforce\)' --steps 7
expect mx-sts-missing 2 '\[CRITICAL\]   advice: .*with an MTA-STS policy, list every MX host in its mx lines' --steps 7 --advice

# step 3 over IMAP when the profile has an imap section: a second line for
# step 3, its perfdata apart (step3_imap_*); the quota judged and advised
profile imap
with_imap imap
profile imap-nostarttls
with_imap imap-nostarttls "$LAB_IMAP_NOSTARTTLS_HOST" "$LAB_IMAP_NOSTARTTLS_PORT"
expect imap 0 '^IMS OK - all 7 steps OK \| .*step3_delivery=[0-9.]+s;;;0 .*step3_imap_quota=85%;90;95;0;100 step3_imap_time=.*
\[OK\] step 3 pop3: .*probe delivered .*
\[OK\] step 3 imap: 127\.28\.0\.11:1143 over TLS logged in as quota85@lab\.test; INBOX 85% full; 127\.25\.0\.1:2525 accepts mail for <user@lab\.test>
\[OK\] step 4 outbound: '
expect imap-nostarttls 2 '^IMS CRITICAL - 1 of 2 steps failing: step 3 imap: 127\.28\.0\.13:1143 does not offer STARTTLS' --steps 3 --advice
expect imap-nostarttls 2 '\[CRITICAL\]   advice: accept local recipients and deliver them into the mailboxes IMAP' --steps 3 --advice
