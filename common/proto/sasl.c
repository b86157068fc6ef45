/*
 * sasl.c - base64 and the PLAIN answer, for SMTP and IMAP alike.
 */
#include <openssl/evp.h>
#include <string.h>

#include "proto/sasl.h"

void
sasl_base64(char *out, const void *data, size_t len)
{
	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)data,
			(int)len);
}

int
sasl_plain(char *out, const char *user, const char *password)
{
	size_t ul = strlen(user), pl = strlen(password);
	char plain[2 * SASL_FIELD_MAX + 2];

	if (ul > SASL_FIELD_MAX || pl > SASL_FIELD_MAX)
		return -1;
	plain[0] = '\0';
	memcpy(plain + 1, user, ul);
	plain[1 + ul] = '\0';
	memcpy(plain + 2 + ul, password, pl);
	sasl_base64(out, plain, ul + pl + 2);
	explicit_bzero(plain, sizeof(plain));
	return 0;
}
