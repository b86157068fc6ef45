# tests/lab/site-profile.sh - sourced, with the lab's variables set: writes
# site profiles for the lab (the lab makes its passwords when it starts, so
# profiles are written after it is up).  Used by the checklist tests and by
# make demo.
#
# profile NAME [SMARTHOST] [SERVICE-FOR-ROUTE] [ROUTE-USER]: writes
# "$dir/NAME.conf" for a site whose smarthost, route service and route
# mailbox may be swapped for a broken variant.  $dir must be set.

profile() {
	local smart=${2:-$LAB_SMART_HOST} route=${3:-$LAB_SMTP_HOST}
	local ruser=${4:-$LAB_POP3_EXT_PROBE} rpw
	rpw=$(eval echo "\$LAB_POP3_$(echo "${ruser%@*}_${ruser#*@}" | tr 'a-z.@' 'A-Z__' | sed 's/_TEST$//;s/^PROBE_LAB$/PROBE/;s/^PROBE_EXT$/EXT_PROBE/;s/^OTHER_EXT$/EXT_OTHER/')_PASSWORD_FILE")
	cat >"$dir/$1.conf" <<CONF
# the lab site ($1), written by tests/lab/site-profile.sh
domain = "ok.lab.test";
address = [ "192.0.2.25" ];
timeout = 8;

dns = {
	server = [ "$LAB_DNS1", "$LAB_DNS2" ];
};
smarthost = {
	host = "$smart";
	port = $LAB_SMART_PORT;
	domain = "lab.test";
	starttls = true;
	ca-file = "$LAB_CA";
	certificate-days = "30,7";
	dns = [ "$LAB_DNS1" ];
};
pop3 = {
	host = "$LAB_POP3_HOST";
	port = $LAB_POP3_PORT;
	stls = true;
	ca-file = "$LAB_CA";
	user = "$LAB_POP3_PROBE";
	password-file = "$LAB_POP3_PROBE_PASSWORD_FILE";
	smtp = "$LAB_SMTP";
	rcpt = "$LAB_POP3_PROBE";
	round-trip = true;
	source = "$LAB_INSIDE";
};
outbound = {
	host = "$LAB_SMTP_HOST";
	port = $LAB_SMTP_PORT;
	domain = "lab.test";
	rcpt = "user@ext.test";
	source = "$LAB_INSIDE";
};
route = {
	host = "$route";
	port = $LAB_SMTP_PORT;
	source = "$LAB_INSIDE";
	rcpt = "$LAB_POP3_EXT_PROBE";
	pop3 = "$LAB_POP3";
	stls = true;
	ca-file = "$LAB_CA";
	user = "$ruser";
	password-file = "$rpw";
	via = "$LAB_SMART_NAME";
};
tcpip = {
	hostname = "mail";
	dns = [ "127.54.0.1", "127.54.0.2" ];
	resolv-conf = "$PWD/tests/integration/tcpip/ok.conf";
};
CONF
}


# with_submission NAME [HOST [PORT]]: adds step 8 to "$dir/NAME.conf": the
# submission lab's healthy listener (or HOST:PORT), the user logging in,
# the relay test (tests/lab/submission-lab)
with_submission() {
	cat >>"$dir/$1.conf" <<CONF
submission = {
	host = "${2:-$LAB_SUB_HOST}";
	port = ${3:-$LAB_SUB_PORT};
	ca-file = "$LAB_SUB_CA";
	user = "$LAB_SUB_USER";
	password-file = "$LAB_SUB_USER_PASSWORD_FILE";
	rcpt = "user@ext.test";
	relay-test = true;
};
CONF
}

# with_imap NAME [HOST [PORT]]: adds step 3 over IMAP to "$dir/NAME.conf":
# the mail lab's healthy imapd (or HOST:PORT) with STARTTLS, the quota
# user at 85 %, and the service's acceptance of user@lab.test (no round
# trip: step 3 over POP3 runs one already)
with_imap() {
	cat >>"$dir/$1.conf" <<CONF
imap = {
	host = "${2:-$LAB_IMAP_HOST}";
	port = ${3:-$LAB_IMAP_PORT};
	starttls = true;
	ca-file = "$LAB_CA";
	user = "$LAB_IMAP_QUOTA85";
	password-file = "$LAB_IMAP_QUOTA85_PASSWORD_FILE";
	quota = "90,95";
	smtp = "$LAB_SMTP";
	rcpt = "$LAB_POP3_USER";
	source = "$LAB_INSIDE";
};
CONF
}

# with_mx NAME DOMAIN: adds step 7 to "$dir/NAME.conf": DOMAIN's MX hosts
# in the MX lab (tests/lab/mx-lab) through the signed lab's validating
# resolver, STARTTLS required, judged by the domain's MTA-STS policy
with_mx() {
	cat >>"$dir/$1.conf" <<CONF
mx = {
	domain = "$2";
	server = "$LAB_DNSSEC_RESOLVER";
	ca-file = "$LAB_MX_CA";
	starttls = true;
	mta-sts = true;
};
CONF
}
