/*
 * dkim.c - DKIM key records: the tag list, then p= decoded and handed to
 * OpenSSL, which says what kind of key it is and how many bits it has.
 */
#include <string.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "proto/dkim.h"

#include "core/diag.h"

#include "proto/taglist.h"

/* Bytes of a decoded p= we accept: RSA 8192 is 1.1 KB of DER. */
#define KEY_DER_MAX 2048

/* Base64 without the whitespace a tag value may hold: 0, or -1. */
static int
base64_decode(const char *s, size_t len, unsigned char *out, size_t outsize,
	      size_t *outlen)
{
	char clean[KEY_DER_MAX * 4 / 3 + 8];
	size_t n = 0, pad = 0;
	int got;

	for (size_t i = 0; i < len; i++) {
		if (strchr(" \t\r\n", s[i]) != NULL)
			continue;
		if (n == sizeof(clean) - 1)
			return -1;
		clean[n++] = s[i];
	}
	if (n == 0 || n % 4 != 0 || outsize < n / 4 * 3)
		return -1;
	pad = (clean[n - 1] == '=') + (clean[n - 2] == '=');
	got = EVP_DecodeBlock(out, (const unsigned char *)clean, (int)n);
	if (got < 0)
		return -1;
	*outlen = (size_t)got - pad;
	return 0;
}

/* The key of p=: SubjectPublicKeyInfo (RSA), or 32 raw bytes (Ed25519). */
static int
read_key(struct dkim_key *k, const struct tag *p, char *err, size_t errlen)
{
	unsigned char der[KEY_DER_MAX];
	const unsigned char *q = der;
	size_t len = 0;
	EVP_PKEY *key = NULL;

	if (base64_decode(p->value, p->len, der, sizeof(der), &len) == -1)
		return errorf(err, errlen, "p= is not base64");
	if (k->type == DKIM_KEY_ED25519)
		key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, der,
						  len);
	else
		key = d2i_PUBKEY(NULL, &q, (long)len);
	if (key == NULL)
		return errorf(err, errlen, "p= holds no %s public key",
			      k->type_name);
	if (k->type == DKIM_KEY_RSA &&
	    EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		EVP_PKEY_free(key);
		return errorf(err, errlen, "p= is not an RSA key (k=rsa)");
	}
	k->bits = EVP_PKEY_get_bits(key);
	EVP_PKEY_free(key);
	return 0;
}

/* Whether a colon-separated list (h=, s=) names word. */
static bool
list_has(const struct tag *t, const char *word)
{
	struct tag_items it;
	const char *item;
	size_t len;

	tag_items_init(&it, t, ':');
	while (tag_items_next(&it, &item, &len))
		if (len == strlen(word) && memcmp(item, word, len) == 0)
			return true;
	return false;
}

static int
read_type(struct dkim_key *k, const struct tag *t, char *err, size_t errlen)
{
	if (t == NULL || tag_is(t, "rsa", true)) {
		k->type = DKIM_KEY_RSA;
		snprintf(k->type_name, sizeof(k->type_name), "rsa");
	} else if (tag_is(t, "ed25519", true)) {
		k->type = DKIM_KEY_ED25519;
		snprintf(k->type_name, sizeof(k->type_name), "ed25519");
	} else {
		k->type = DKIM_KEY_OTHER;
		return errorf(err, errlen, "unknown key type k=%.*s",
			      (int)(t->len < 16 ? t->len : 16), t->value);
	}
	return 0;
}

int
dkim_key_parse(struct dkim_key *k, const char *text, size_t len, char *err,
	       size_t errlen)
{
	struct taglist tl;
	const struct tag *v, *p, *t, *h, *s;

	memset(k, 0, sizeof(*k));
	if (taglist_parse(&tl, text, len, err, errlen) == -1)
		return -1;
	v = taglist_get(&tl, "v");
	if (v != NULL && (v != &tl.tag[0] || !tag_is(v, "DKIM1", true)))
		return errorf(err, errlen, "v= must come first and be DKIM1");
	if ((p = taglist_get(&tl, "p")) == NULL)
		return errorf(err, errlen, "no p= tag");
	if (read_type(k, taglist_get(&tl, "k"), err, errlen) == -1)
		return -1;
	if ((t = taglist_get(&tl, "t")) != NULL)
		k->testing = memchr(t->value, 'y', t->len) != NULL;
	if ((h = taglist_get(&tl, "h")) != NULL)
		k->sha1_only = !list_has(h, "sha256");
	if ((s = taglist_get(&tl, "s")) != NULL)
		k->not_email = !list_has(s, "*") && !list_has(s, "email");
	if (p->len == 0) {
		k->revoked = true;
		return 0;
	}
	return read_key(k, p, err, errlen);
}
