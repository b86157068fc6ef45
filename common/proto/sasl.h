/*
 * sasl.h - what SMTP AUTH and IMAP AUTHENTICATE both send: base64
 * (RFC 4648) and the PLAIN mechanism's one answer (RFC 4616), encoded.
 */
#ifndef IMSCHECK_SASL_H
#define IMSCHECK_SASL_H

#include <stddef.h>

/* The longest user name and password a PLAIN or LOGIN answer carries. */
#define SASL_FIELD_MAX 255
/* base64 of len bytes, with its NUL */
#define SASL_B64_SIZE(len) (4 * (((len) + 2) / 3) + 1)
/* base64 of the longest PLAIN answer: NUL, user, NUL, password */
#define SASL_ANSWER_MAX SASL_B64_SIZE(2 * SASL_FIELD_MAX + 2)

/* base64 of len bytes of data into out (SASL_B64_SIZE(len) bytes). */
void sasl_base64(char *out, const void *data, size_t len);

/*
 * PLAIN's answer, base64-encoded, into out (SASL_ANSWER_MAX bytes): no
 * authorization identity (NUL, user, NUL, password).  -1 when user or
 * password is longer than SASL_FIELD_MAX.  The clear copy is wiped.
 */
int sasl_plain(char *out, const char *user, const char *password);

#endif
