/*
 * tls.c - TLS client on OpenSSL 3.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "proto/tls.h"

#include "core/addr.h"
#include "core/diag.h"
#include "core/file.h"

/* A connection's I/O state while TLS runs on it (conn.io_state). */
struct tls_session {
	SSL *ssl;
};

/*
 * The client contexts, one per trust store, made on first use and kept
 * until exit: OpenSSL 3.0's SSL_CTX_new() alone costs about 11.8 M
 * instructions, half of a whole STARTTLS check, and a check that talks to
 * four MX addresses must not pay it four times.  A process knows one or
 * two trust stores (the system's, a --ca-file, none for --no-verify).
 */
#define TLS_STORES_MAX 4
#define CA_FILE_MAX    (16 << 20) /* bytes of PEM; Debian's bundle: 220 KB */

struct tls_store {
	char *ca_file; /* NULL: OpenSSL's default paths */
	bool no_verify;
	SSL_CTX *ctx;
};

static struct tls_store stores[TLS_STORES_MAX];
static size_t nstores;
/* check_ims_mx talks to every MX address at once, a thread each. */
static pthread_mutex_t stores_lock = PTHREAD_MUTEX_INITIALIZER;

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
	free(t);
}

static void
stores_free(void)
{
	for (size_t i = 0; i < nstores; i++) {
		SSL_CTX_free(stores[i].ctx);
		free(stores[i].ca_file);
	}
	nstores = 0;
}

/*
 * Add the certificates (and CRLs) of a PEM file to store, read as every
 * file the user names is read (core/file.h): a FIFO or a device named by
 * mistake ends the check with a reason instead of hanging it.
 */
static int
load_pem_file(X509_STORE *store, const char *what, const char *path, char *err,
	      size_t errlen)
{
	struct file_text f;
	char why[256];
	int certs = 0;

	if (file_read(path, CA_FILE_MAX, &f, why, sizeof(why)) == -1)
		return errorf(err, errlen, "%s %s", what, why);
	if (f.cut) {
		free(f.data);
		return errorf(err, errlen, "%s %s: over %d MiB", what, path,
			      CA_FILE_MAX >> 20);
	}
	BIO *bio = BIO_new_mem_buf(f.data, (int)f.len);
	STACK_OF(X509_INFO) *infos =
	    bio ? PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL) : NULL;

	for (int i = 0; infos != NULL && i < sk_X509_INFO_num(infos); i++) {
		X509_INFO *info = sk_X509_INFO_value(infos, i);

		if (info->x509 != NULL &&
		    X509_STORE_add_cert(store, info->x509))
			certs++;
		if (info->crl != NULL)
			X509_STORE_add_crl(store, info->crl);
	}
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	BIO_free(bio);
	free(f.data);
	ssl_reason(why, sizeof(why), "no certificate in it");
	if (certs == 0)
		return errorf(err, errlen, "%s %s: %s", what, path, why);
	return 0;
}

/*
 * The trust store: the CA file asked for; else OpenSSL's default paths as
 * every OpenSSL client (s_client, curl, Python) honours them: the hashed
 * directory of SSL_CERT_DIR or the system's, searched for the one CA a
 * chain needs (reading the whole bundle would cost ten handshakes), and
 * the file SSL_CERT_FILE when it is set.  Nothing for --no-verify.
 */
static int
load_store(SSL_CTX *ctx, const char *ca_file, bool no_verify, char *err,
	   size_t errlen)
{
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	const char *env_file = getenv(X509_get_default_cert_file_env());
	char why[256];

	if (ca_file != NULL)
		return load_pem_file(store, "CA file", ca_file, err, errlen);
	if (no_verify)
		return 0;
	if (env_file != NULL && *env_file != '\0' &&
	    load_pem_file(store, X509_get_default_cert_file_env(), env_file,
			  err, errlen) == -1)
		return -1;
	if (SSL_CTX_set_default_verify_dir(ctx) != 1) {
		ssl_reason(why, sizeof(why), "cannot be used");
		return errorf(err, errlen, "CA directory: %s", why);
	}
	return 0;
}

/* The context for opts' trust store, made on first use; NULL on error. */
static SSL_CTX *
find_context(const struct tls_opts *opts, char *err, size_t errlen)
{
	bool no_verify = opts->ca_file == NULL && opts->no_verify;
	struct tls_store *s;

	for (size_t i = 0; i < nstores; i++) {
		s = &stores[i];
		if (s->no_verify == no_verify &&
		    (s->ca_file == NULL
			 ? opts->ca_file == NULL
			 : opts->ca_file != NULL &&
			       strcmp(s->ca_file, opts->ca_file) == 0))
			return s->ctx;
	}
	if (nstores == TLS_STORES_MAX) {
		errorf(err, errlen, "TLS: more than %d trust stores",
		       TLS_STORES_MAX);
		return NULL;
	}
	s = &stores[nstores];
	*s = (struct tls_store){NULL, no_verify,
				SSL_CTX_new(TLS_client_method())};
	if (s->ctx == NULL || (opts->ca_file != NULL &&
			       (s->ca_file = strdup(opts->ca_file)) == NULL)) {
		SSL_CTX_free(s->ctx);
		errorf(err, errlen, "TLS: out of memory");
		return NULL;
	}
	if (load_store(s->ctx, opts->ca_file, no_verify, err, errlen) == -1) {
		SSL_CTX_free(s->ctx);
		free(s->ca_file);
		return NULL;
	}
	/* Verify, but decide afterwards: see tls.h. */
	SSL_CTX_set_verify(s->ctx, SSL_VERIFY_NONE, NULL);
	/* DANE's digests, for the sessions that get TLSA records */
	if (SSL_CTX_dane_enable(s->ctx) <= 0) {
		ssl_reason(err, errlen, "DANE cannot be enabled");
		SSL_CTX_free(s->ctx);
		free(s->ca_file);
		return NULL;
	}
	/* after OpenSSL's own exit handler: ours runs first */
	if (nstores++ == 0)
		atexit(stores_free);
	return s->ctx;
}

static SSL_CTX *
context_for(const struct tls_opts *opts, char *err, size_t errlen)
{
	pthread_mutex_lock(&stores_lock);
	SSL_CTX *ctx = find_context(opts, err, errlen);
	pthread_mutex_unlock(&stores_lock);
	return ctx;
}

int
tls_prepare(const struct tls_opts *opts, char *err, size_t errlen)
{
	return context_for(opts, err, errlen) ? 0 : -1;
}

/*
 * The server name to present and check: opts->name, else c->host, unless
 * that is an address.
 */
static int
set_names(struct conn *c, const struct tls_opts *opts, SSL *ssl)
{
	const char *name = opts->name ? opts->name : c->host;

	if (addr_is_literal(name))
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
						     c->addr) == 1
			   ? 0
			   : -1;
	if (SSL_set_tlsext_host_name(ssl, name) != 1)
		return -1;
	return SSL_set1_host(ssl, name) == 1 ? 0 : -1;
}

/*
 * DANE for the session: the TLSA records of usages 2 and 3 that OpenSSL
 * can use, counted in info.  RFC 7672 3.1.1: a DANE-EE match stands for
 * the certificate whatever names it holds; OpenSSL checks them unless
 * told not to.  0, or -1 when DANE cannot be set up.
 */
static int
set_dane(SSL *ssl, const struct tls_opts *opts, struct tls_info *info)
{
	const char *name = opts->name;

	if (opts->ntlsa == 0)
		return 0;
	if (SSL_dane_enable(ssl, name) <= 0)
		return -1;
	SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
	for (size_t i = 0; i < opts->ntlsa; i++) {
		const struct dns_tlsa *t = &opts->tlsa[i];

		if (t->usage != DNS_TLSA_DANE_TA &&
		    t->usage != DNS_TLSA_DANE_EE)
			continue;
		/* 0: unusable (an unknown selector or type); <0: malformed */
		if (SSL_dane_tlsa_add(ssl, (uint8_t)t->usage,
				      (uint8_t)t->selector, (uint8_t)t->mtype,
				      t->data, t->len) > 0)
			info->dane_usable++;
	}
	ERR_clear_error();
	return 0;
}

/*
 * Under DANE, OpenSSL's verdict is DANE's: the peer's chain judged again
 * by PKIX alone, the trust store and the names of the session's own
 * parameters, the X509 error of that (X509_V_OK when it verifies).
 */
static long
pkix_verify(SSL *ssl, X509 *cert)
{
	X509_STORE *store = SSL_CTX_get_cert_store(SSL_get_SSL_CTX(ssl));
	X509_STORE_CTX *vc = X509_STORE_CTX_new();
	long verify = X509_V_ERR_UNSPECIFIED;

	if (vc != NULL &&
	    X509_STORE_CTX_init(vc, store, cert,
				SSL_get_peer_cert_chain(ssl)) == 1 &&
	    X509_STORE_CTX_set_default(vc, "ssl_server") == 1 &&
	    X509_VERIFY_PARAM_set1(X509_STORE_CTX_get0_param(vc),
				   SSL_get0_param(ssl)) == 1)
		verify = X509_verify_cert(vc) == 1
			     ? X509_V_OK
			     : X509_STORE_CTX_get_error(vc);
	X509_STORE_CTX_free(vc);
	ERR_clear_error();
	return verify;
}

static void
describe_cert(struct conn *c, struct tls_info *info)
{
	SSL *ssl = ssl_of(c);
	X509 *cert = SSL_get1_peer_certificate(ssl);
	long verify = SSL_get_verify_result(ssl);
	int days = 0, secs = 0;
	uint8_t usage, selector, mtype;

	snprintf(info->version, sizeof(info->version), "%s",
		 SSL_get_version(ssl));
	snprintf(info->cipher, sizeof(info->cipher), "%s",
		 SSL_get_cipher_name(ssl));
	info->verified = cert != NULL && verify == X509_V_OK;
	info->expired = verify == X509_V_ERR_CERT_HAS_EXPIRED;
	if (info->dane_usable > 0 &&
	    SSL_get0_dane_tlsa(ssl, &usage, &selector, &mtype, NULL, NULL) >=
		0) {
		info->dane_matched = true;
		info->dane_usage = usage;
		info->dane_selector = selector;
		info->dane_mtype = mtype;
	}
	snprintf(info->verify_error, sizeof(info->verify_error), "%s",
		 cert == NULL ? "no certificate"
			      : X509_verify_cert_error_string(verify));
	if (cert != NULL && info->dane_usable > 0)
		verify = pkix_verify(ssl, cert);
	info->pkix_verified = cert != NULL && verify == X509_V_OK;
	snprintf(info->pkix_error, sizeof(info->pkix_error), "%s",
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
	SSL_CTX *ctx;
	char reason[256];
	enum net_status st;
	int ret;

	memset(info, 0, sizeof(*info));
	if (opts->ntlsa > 0 && opts->name == NULL) {
		errorf(c->error, sizeof(c->error),
		       "TLS: DANE needs the server's name");
		goto fail;
	}
	if (t == NULL) {
		errorf(c->error, sizeof(c->error), "TLS: out of memory");
		goto fail;
	}
	if ((ctx = context_for(opts, c->error, sizeof(c->error))) == NULL)
		goto fail;
	if ((t->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(t->ssl, c->fd) != 1 ||
	    set_names(c, opts, t->ssl) == -1 ||
	    set_dane(t->ssl, opts, info) == -1) {
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
