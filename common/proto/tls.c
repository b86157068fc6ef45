/*
 * tls.c - TLS client on OpenSSL 3.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "proto/tls.h"

#include "core/addr.h"
#include "core/diag.h"

/* A connection's I/O state while TLS runs on it (conn.io_state). */
struct tls_session {
	SSL_CTX *ctx;
	SSL *ssl;
};

static enum net_status tls_recv(struct conn *c, void *data, size_t len,
				size_t *got);
static enum net_status tls_send(struct conn *c, const void *data, size_t len,
				size_t *sent);
static void tls_end(struct conn *c);

static const struct conn_io tls_io = {tls_recv, tls_send, tls_end};

static SSL *
ssl_of(const struct conn *c)
{
	return ((struct tls_session *)c->io_state)->ssl;
}

bool
tls_active(const struct conn *c)
{
	return c->io == &tls_io;
}

/* OpenSSL's queued errors as one line, or fallback when there are none. */
static void
ssl_reason(char *out, size_t size, const char *fallback)
{
	unsigned long e = ERR_get_error();

	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	if (reason != NULL)
		snprintf(out, size, "%s", reason);
	else if (e != 0)
		ERR_error_string_n(e, out, size);
	else
		snprintf(out, size, "%s", fallback);
	ERR_clear_error();
}

/*
 * Wait for what OpenSSL asked for after ret; NET_OK to try again, or the
 * state the connection ended in.
 */
static enum net_status
ssl_wait(struct conn *c, int ret, const char *what)
{
	int e = SSL_get_error(ssl_of(c), ret);
	char reason[256];

	switch (e) {
	case SSL_ERROR_WANT_READ:
		return net_wait(c, true);
	case SSL_ERROR_WANT_WRITE:
		return net_wait(c, false);
	case SSL_ERROR_ZERO_RETURN:
		return NET_CLOSED;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() == 0) {
			errorf(c->error, sizeof(c->error),
			       "%s: connection closed", what);
			return NET_CLOSED;
		}
		break;
	default:
		break;
	}
	ssl_reason(reason, sizeof(reason), "unknown error");
	errorf(c->error, sizeof(c->error), "%s: %s", what, reason);
	return NET_ERROR;
}

static void
session_free(struct tls_session *t)
{
	if (t == NULL)
		return;
	SSL_free(t->ssl);
	SSL_CTX_free(t->ctx);
	free(t);
}

/* The server name to present and check: c->host, unless an address. */
static int
set_names(struct conn *c, SSL *ssl)
{
	if (addr_is_literal(c->host))
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
						     c->addr) == 1
			   ? 0
			   : -1;
	if (SSL_set_tlsext_host_name(ssl, c->host) != 1)
		return -1;
	return SSL_set1_host(ssl, c->host) == 1 ? 0 : -1;
}

static void
describe_cert(struct conn *c, struct tls_info *info)
{
	SSL *ssl = ssl_of(c);
	X509 *cert = SSL_get1_peer_certificate(ssl);
	long verify = SSL_get_verify_result(ssl);
	int days = 0, secs = 0;

	snprintf(info->version, sizeof(info->version), "%s",
		 SSL_get_version(ssl));
	snprintf(info->cipher, sizeof(info->cipher), "%s",
		 SSL_get_cipher_name(ssl));
	info->verified = cert != NULL && verify == X509_V_OK;
	info->expired = verify == X509_V_ERR_CERT_HAS_EXPIRED;
	snprintf(info->verify_error, sizeof(info->verify_error), "%s",
		 cert == NULL ? "no certificate"
			      : X509_verify_cert_error_string(verify));
	if (cert == NULL)
		return;
	info->has_cert = true;
	if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert)) == 1)
		info->days_left = days + secs / 86400.0;
	X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName,
				  info->subject, sizeof(info->subject));
	X509_free(cert);
}

enum net_status
tls_start(struct conn *c, const struct tls_opts *opts, struct tls_info *info)
{
	struct tls_session *t = calloc(1, sizeof(*t));
	char reason[256];
	enum net_status st;
	int ret;

	memset(info, 0, sizeof(*info));
	if (t == NULL || (t->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		errorf(c->error, sizeof(c->error), "TLS: out of memory");
		goto fail;
	}
	/* Verify, but decide afterwards: see tls.h. */
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
	/*
	 * The system's store as its hashed directory, searched for the one
	 * CA a chain needs: reading the whole bundle costs ten handshakes.
	 */
	if (opts->ca_file != NULL)
		ret =
		    SSL_CTX_load_verify_locations(t->ctx, opts->ca_file, NULL);
	else if (!opts->no_verify)
		ret = SSL_CTX_set_default_verify_dir(t->ctx);
	else
		ret = 1;
	if (ret != 1) {
		ssl_reason(reason, sizeof(reason), "cannot load");
		errorf(c->error, sizeof(c->error), "CA file %s: %s",
		       opts->ca_file ? opts->ca_file : "(system)", reason);
		goto fail;
	}
	if ((t->ssl = SSL_new(t->ctx)) == NULL ||
	    SSL_set_fd(t->ssl, c->fd) != 1 || set_names(c, t->ssl) == -1) {
		ssl_reason(reason, sizeof(reason), "setup failed");
		errorf(c->error, sizeof(c->error), "TLS: %s", reason);
		goto fail;
	}
	c->io = &tls_io;
	c->io_state = t;
	while ((ret = SSL_connect(t->ssl)) != 1) {
		if ((st = ssl_wait(c, ret, "TLS handshake")) != NET_OK) {
			net_uninstall(c);
			session_free(t);
			return st;
		}
	}
	describe_cert(c, info);
	return NET_OK;
fail:
	session_free(t);
	return NET_ERROR;
}

static enum net_status
tls_recv(struct conn *c, void *data, size_t len, size_t *got)
{
	enum net_status st;
	int ret;

	while ((ret = SSL_read_ex(ssl_of(c), data, len, got)) != 1)
		if ((st = ssl_wait(c, ret, "TLS read")) != NET_OK)
			return st;
	return NET_OK;
}

static enum net_status
tls_send(struct conn *c, const void *data, size_t len, size_t *sent)
{
	enum net_status st;
	int ret;

	while ((ret = SSL_write_ex(ssl_of(c), data, len, sent)) != 1)
		if ((st = ssl_wait(c, ret, "TLS write")) != NET_OK)
			return st;
	return NET_OK;
}

static void
tls_end(struct conn *c)
{
	SSL_shutdown(ssl_of(c)); /* close_notify; the answer is not awaited */
	session_free(c->io_state);
	c->io_state = NULL;
	ERR_clear_error();
}
