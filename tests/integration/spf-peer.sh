#!/bin/bash
# spf-peer.sh - check_ims_policy's SPF against a peer nobody here wrote:
# for every SPF record of the policy lab (tests/lab/zones/policy.test.zone.in)
# and every address below, our result must be the one Debian's python3-spf
# gives (tests/lab/spfpeer.py, strict RFC 7208), asking the same nsd.  One
# PASS or FAIL line per record.  Where a record is unusable (none, twice,
# a syntax error) the plugin says so once instead of per address: "no SPF
# record" is none, the others permerror.
set -u
# shellcheck source=/dev/null
. "$LABENV"
zone=tests/lab/zones/policy.test.zone.in
addrs="192.0.2.25 192.0.2.26 203.0.113.10 203.0.113.99 198.51.100.7
2001:db8::10 2001:db8::25 2001:db8:ffff::1 ::ffff:192.0.2.25"

# ours DOMAIN: "ADDR RESULT" lines from check_ims_policy's output
ours() {
	local domain=$1 out a args=()
	for a in $addrs; do args+=(-a "$a"); done
	out=$(plugins/check_ims_policy -D "$domain" -s "$LAB_POLICY_DNS" \
		--no-dmarc --no-mta-sts --no-tlsrpt "${args[@]}")
	if grep -q '^POLICY [A-Z]* - [^ ]*: no SPF record' <<<"$out"; then
		for a in $addrs; do echo "$a none"; done
	elif grep -Eq 'SPF records \(|SPF syntax error' <<<"$out"; then
		for a in $addrs; do echo "$a permerror"; done
	else
		sed -En 's/^\[[A-Z]+\] SPF ([a-z]+) for ([^ ]+) \(.*/\2 \1/p' <<<"$out"
	fi
}

# the peer's
theirs() {
	/usr/bin/python3 tests/lab/spfpeer.py "$LAB_POLICY_DNS" "$1" $addrs
}

domains=$(sed -En 's/^(spf-[a-z0-9-]+|good)[[:space:]]+TXT[[:space:]]+"v=spf1.*/\1/p' "$zone" | sort -u)
for d in $domains spf-none; do
	domain=$d.policy.test
	want=$(theirs "$domain" | sort -u)
	got=$(ours "$domain" | sort -u)
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		echo "PASS spf-peer/$d ($(awk '{ n[$2]++ } END { for (r in n) printf "%s %d ", r, n[r] }' <<<"$want" | sed 's/ $//'))"
	else
		echo "FAIL spf-peer/$d: python3-spf and check_ims_policy differ"
		diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
	fi
done
