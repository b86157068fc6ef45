/*
 * registry.c - the steps of the Internet Mail Service checklist (KB
 * Q182339, and the checks of today's mail service after it).
 */
#include <string.h>

#include "core/registry.h"

static const struct step_def entries[] = {
    {0, "checklist", "check_ims", "IMS",
     "run the whole Internet Mail Service checklist from a site profile", NULL},
    {1, "dns", "check_ims_dns", "DNS",
     "check the MX and address records of a mail domain",
     "ask whoever serves the DNS zone for an MX record naming the mail "
     "host, an A (and AAAA) record with its static address, and a PTR "
     "record for that address naming the host again (dig MX DOMAIN; "
     "dig -x ADDRESS); with DNSSEC, a bogus answer means a signature "
     "that does not verify (re-sign the zone, check the DS at the "
     "parent), an insecure one a zone unsigned or delegated without DS, "
     "and RRSIGs near expiry a signer that stopped re-signing "
     "(delv MX DOMAIN)"},
    {2, "smarthost", "check_ims_smarthost", "SMARTHOST",
     "check that the ISP's relay takes the site's mail",
     "relay outgoing mail to the ISP's smarthost given by IP address "
     "(Postfix: relayhost = [IP]:25), with the sender and TLS the ISP "
     "expects, and use the ISP's DNS servers"},
    {3, "pop3", "check_ims_pop3", "POP3",
     "check POP3 mailboxes and that incoming SMTP mail reaches them",
     "accept local recipients and deliver them into the mailboxes POP3 "
     "reads (Postfix: mydestination or virtual_mailbox_domains and maps; "
     "Dovecot: mail_location on the same Maildirs), and check POP3 logins "
     "and TLS"},
    {3, "imap", "check_ims_imap", "IMAP",
     "check IMAP mailboxes and that incoming SMTP mail reaches them",
     "accept local recipients and deliver them into the mailboxes IMAP "
     "reads (Postfix: mydestination or virtual_mailbox_domains, "
     "virtual_transport = lmtp:unix:private/dovecot-lmtp), offer "
     "STARTTLS on 143 and IMAPS on 993 with LOGIN refused before TLS "
     "(Dovecot: ssl = required or disable_plaintext_auth = yes), list "
     "UIDPLUS, and keep the quota below its limit (quota_rule, or the "
     "users' old mail)"},
    {4, "outbound", "check_ims_outbound", "OUTBOUND",
     "check that mail for every domain is routed out, and that the "
     "service is no open relay",
     "relay mail for every external domain for the local network only "
     "(Postfix: mynetworks; smtpd_relay_restrictions = permit_mynetworks, "
     "reject_unauth_destination) and refuse it for everyone else"},
    {5, "route", "check_ims_route", "ROUTE",
     "check that outgoing mail leaves through the smarthost with its "
     "recipient unchanged",
     "let outgoing mail leave unchanged through the smarthost: look for "
     "rewriting (canonical_maps, recipient_canonical_maps, "
     "virtual_alias_maps) and for routes around the relayhost "
     "(transport_maps)"},
    {6, "tcpip", "check_ims_tcpip", "TCPIP",
     "check the host name, domain and DNS servers of a mail host",
     "on the mail host, make host name and domain give the FQDN the DNS "
     "has for the static address, list the ISP's DNS servers in "
     "resolv.conf in order, and greet with the FQDN (Postfix: myhostname)"},
    {7, "mx", "check_ims_mx", "MX",
     "check that every MX host, every address, takes the domain's mail over "
     "STARTTLS with a certificate senders accept",
     "let every MX host and address the DNS names accept mail for the "
     "domain's recipients (a backup MX too: relay_domains and "
     "relay_recipient_maps), offer STARTTLS with a certificate for the MX "
     "name from a public CA (Postfix: smtpd_tls_security_level = may, "
     "smtpd_tls_chain_files), or publish TLSA records in a signed zone "
     "that match it (re-publish them before a new key is used: 3 1 1 of "
     "the next key beside the current one), greet with the name the "
     "address's PTR record gives (myhostname), and refuse unknown local "
     "parts at RCPT; with an MTA-STS policy, list every MX host in its mx "
     "lines, and serve the policy from mta-sts.DOMAIN with a certificate "
     "for that name (mode testing until every MX passes, then enforce)"},
    {8, "submission", "check_ims_submission", "SUBMISSION",
     "check the ports mail clients submit on: TLS, AUTH after it, and no "
     "relay without it",
     "offer submission on 587 with STARTTLS and on 465 with implicit TLS, "
     "AUTH only once TLS runs, and relay only for clients that logged in "
     "(Postfix master.cf, submission and submissions: -o "
     "smtpd_tls_security_level=encrypt or smtpd_tls_wrappermode=yes, -o "
     "smtpd_sasl_auth_enable=yes, -o smtpd_tls_auth_only=yes, -o "
     "smtpd_relay_restrictions=permit_sasl_authenticated,reject)"},
    {9, "policy", "check_ims_policy", "POLICY",
     "check the domain's published mail policy: SPF, DKIM, DMARC, MTA-STS "
     "and TLS-RPT",
     "publish one SPF record that passes the static IP and the "
     "smarthost's addresses and ends -all or ~all, within 10 lookups "
     "(dig TXT DOMAIN); a 2048-bit key per DKIM selector; a DMARC record "
     "at _dmarc.DOMAIN with p=quarantine or reject and a rua= the report "
     "domain authorises; with MTA-STS a policy at "
     "https://mta-sts.DOMAIN/.well-known/mta-sts.txt that lists every MX "
     "host, and a TLS-RPT record at _smtp._tls.DOMAIN"},
    {10, "dnsbl", "check_ims_dnsbl", "DNSBL",
     "check that the site's addresses are on no DNS blocklist",
     "ask each listing blocklist to delist the address (its TXT reason "
     "names the way), find why it was listed (an open relay, a "
     "compromised account, a shared address) first; a list that refuses "
     "the queries (127.255.255.254) wants a resolver of the site's own, "
     "not a public one"},
};

#define NENTRIES (sizeof(entries) / sizeof(entries[0]))

const struct step_def *
registry_entries(size_t *n)
{
	*n = NENTRIES;
	return entries;
}

const struct step_def *
registry_by_plugin(const char *plugin)
{
	for (size_t i = 0; i < NENTRIES; i++)
		if (strcmp(entries[i].plugin, plugin) == 0)
			return &entries[i];
	return NULL;
}

const struct step_def *
registry_by_section(const char *section)
{
	for (size_t i = 0; i < NENTRIES; i++)
		if (strcmp(entries[i].section, section) == 0)
			return &entries[i];
	return NULL;
}

int
registry_max_step(void)
{
	int max = 0;

	for (size_t i = 0; i < NENTRIES; i++)
		if (entries[i].number > max)
			max = entries[i].number;
	return max;
}
