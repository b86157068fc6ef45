/*
 * dkim.h - a DKIM key record (RFC 6376 3.6.1, RFC 8463): its tags, and
 * its public key read with OpenSSL (type and size), as a verifier would
 * take it from SELECTOR._domainkey.DOMAIN.
 */
#ifndef IMSCHECK_DKIM_H
#define IMSCHECK_DKIM_H

#include <stdbool.h>
#include <stddef.h>

enum dkim_key_type { DKIM_KEY_RSA, DKIM_KEY_ED25519, DKIM_KEY_OTHER };

struct dkim_key {
	enum dkim_key_type type;
	char type_name[16]; /* k=, "rsa" when absent */
	bool revoked;	    /* p= empty (3.6.1) */
	int bits;	    /* of the key, 0 when revoked */
	bool testing;	    /* t=y */
	bool sha1_only;	    /* h= allows sha1 alone (RFC 8301: not enough) */
	bool not_email;	    /* s= that leaves email out */
};

/* Parse a key record (len bytes): 0, or -1 with the reason in err. */
int dkim_key_parse(struct dkim_key *k, const char *text, size_t len, char *err,
		   size_t errlen);

#endif
