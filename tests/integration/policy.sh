#!/bin/bash
# policy.sh - steps 9 and 10 from a site profile, and what the case files
# cannot say: the smarthost is taken from the smarthost section
# (smarthost.host), the site's address from the top level, check_ims runs
# both steps, SSL_CERT_FILE is honoured for the MTA-STS policy's server,
# and a result is published with its step number.
set -u
# shellcheck source=/dev/null
. "$LABENV"
dir=$(dirname "$LABENV")/policy-profiles
mkdir -p "$dir"
cat >"$dir/site.conf" <<CONF
domain = "good.policy.test";
address = [ "192.0.2.25" ];
timeout = 8;
smarthost = {
	host = "smarthost.policy.test";
};
policy = {
	server = "$LAB_POLICY_DNS";
	dkim-selector = [ "s2048", "ed" ];
	ca-file = "$LAB_POLICY_CA";
};
dnsbl = {
	server = "$LAB_POLICY_DNS";
	list = [ "bl-clean.test", "bl-listed.test" ];
};
CONF

# shellcheck source=tests/integration/expect.bash
. "$(dirname "$0")/expect.bash"
EXPECT_PREFIX=policy

expect profile-smarthost 0 'SPF pass for 2001:db8::10 \(smarthost smarthost\.policy\.test\)' \
	plugins/check_ims_policy -C "$dir/site.conf" -v
expect profile-address 0 '^POLICY OK - good\.policy\.test: SPF pass 3/3, DKIM 2/2 keys' \
	plugins/check_ims_policy -C "$dir/site.conf"
expect profile-command-line-wins 2 'SPF fail for 198\.51\.100\.7 \(smarthost\)' \
	plugins/check_ims_policy -C "$dir/site.conf" --smarthost 198.51.100.7
expect dnsbl-profile 2 '^DNSBL CRITICAL - 3 addresses on 2 of 2 lists: .*2001:db8::10 \(smarthost smarthost\.policy\.test\) is listed on bl-listed\.test .*; 2 listings \|' \
	plugins/check_ims_dnsbl -C "$dir/site.conf"
expect checklist-steps-9-10 2 '^IMS CRITICAL - 1 of 2 steps failing: step 10 dnsbl: ' \
	plugins/check_ims -C "$dir/site.conf" --steps 9,10
expect checklist-step-9-line 2 '^\[OK\] step 9 policy: good\.policy\.test: SPF pass 3/3' \
	plugins/check_ims -C "$dir/site.conf" --steps 9,10
expect ssl-cert-file 0 '^POLICY OK - good\.policy\.test: MTA-STS enforce' \
	env SSL_CERT_FILE="$LAB_POLICY_CA" plugins/check_ims_policy \
	-D good.policy.test -s "$LAB_POLICY_DNS" --no-spf --no-dmarc --no-tlsrpt
expect ca-file-replaces-env 2 'unable to get local issuer certificate' \
	env SSL_CERT_FILE="$LAB_POLICY_CA" plugins/check_ims_policy \
	-D good.policy.test -s "$LAB_POLICY_DNS" --no-spf --no-dmarc --no-tlsrpt \
	--ca-file /etc/ssl/certs/ca-certificates.crt

# published with the registry's step numbers
spool=$dir/spool
rm -rf "$spool"
mkdir -p "$spool"
plugins/check_ims_policy -C "$dir/site.conf" --spool "$spool" >/dev/null
plugins/check_ims_dnsbl -C "$dir/site.conf" --spool "$spool" >/dev/null
if grep -qx 'step: 9' "$spool"/check_ims_policy@site 2>/dev/null &&
	grep -qx 'step: 10' "$spool"/check_ims_dnsbl@site 2>/dev/null; then
	echo "PASS policy/spool-step-numbers"
else
	echo "FAIL policy/spool-step-numbers"
	head -n 5 "$spool"/* 2>&1 | sed 's/^/    /'
fi
