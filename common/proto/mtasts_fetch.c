/*
 * mtasts_fetch.c - the MTA-STS policy over HTTPS, by libcurl (RFC 8461
 * 3.3).  The host's addresses come from the caller (asked of the check's
 * DNS server) through CURLOPT_RESOLVE, so curl resolves nothing itself;
 * the certificate is verified for mta-sts.DOMAIN; a redirect is reported,
 * never followed; the body stops at 64 KiB; the whole transfer ends at
 * the check's deadline.  This is the one file that calls libcurl.
 *
 * libcurl is opened when the first policy is fetched, not linked: its
 * thirty-odd shared libraries cost a program some 10 M instructions and
 * 4 ms at every start, and check_ims_mx without --mta-sts or
 * check_ims_policy --no-mta-sts would pay that for nothing
 * (docs/BENCHMARKS.md).  Its headers still type every call.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>

#include "proto/mtasts.h"

#include "core/diag.h"

/* The soname of the libcurl the headers describe (Debian's libcurl4). */
#define CURL_SONAME "libcurl.so.4"

/* libcurl's functions, found once by lib_open(); never closed. */
static struct {
	CURLcode (*global_init)(long);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
} lib;
static char lib_error[200]; /* why it could not be opened, or "" */
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void
lib_open(void)
{
	static const struct {
		const char *name;
		void **fn; /* POSIX: a function's address as dlsym() gives it */
	} syms[] = {
	    {"curl_global_init", (void **)&lib.global_init},
	    {"curl_global_cleanup", (void **)&lib.global_cleanup},
	    {"curl_easy_init", (void **)&lib.easy_init},
	    {"curl_easy_setopt", (void **)&lib.easy_setopt},
	    {"curl_easy_perform", (void **)&lib.easy_perform},
	    {"curl_easy_getinfo", (void **)&lib.easy_getinfo},
	    {"curl_easy_cleanup", (void **)&lib.easy_cleanup},
	    {"curl_easy_strerror", (void **)&lib.easy_strerror},
	    {"curl_slist_append", (void **)&lib.slist_append},
	    {"curl_slist_free_all", (void **)&lib.slist_free_all},
	};
	void *h = dlopen(CURL_SONAME, RTLD_LAZY | RTLD_LOCAL);

	if (h == NULL) {
		snprintf(lib_error, sizeof(lib_error), "cannot load %s: %s",
			 CURL_SONAME, dlerror());
		return;
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		if ((*syms[i].fn = dlsym(h, syms[i].name)) == NULL) {
			snprintf(lib_error, sizeof(lib_error), "%s has no %s",
				 CURL_SONAME, syms[i].name);
			return;
		}
}

int
mtasts_prepare(char *err, size_t errlen)
{
	pthread_once(&lib_once, lib_open);
	return lib_error[0] ? errorf(err, errlen, "%s", lib_error) : 0;
}

/* What the callbacks see. */
struct transfer {
	struct mtasts_fetch *f;
	bool too_large;
};

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;

	if (buf_append(&t->f->body, data, size * n) == -1) {
		t->too_large = true;
		return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	return size * n;
}

static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;

	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (t->f->transcript != NULL && len > 0)
		buf_append_line(t->f->transcript, "S: ", data, len);
	return size * n;
}

/* "mta-sts.DOMAIN:443:ADDR,[ADDR6]" */
static struct curl_slist *
resolve_list(const struct mtasts_fetch *f)
{
	char entry[MTASTS_NAME_MAX + 16 +
		   MTASTS_ADDRS_MAX * (ADDR_TEXT_MAX + 3)];
	size_t len;

	len = (size_t)snprintf(entry, sizeof(entry),
			       "mta-sts.%s:443:", f->domain);
	for (size_t i = 0; i < f->naddrs && len < sizeof(entry); i++)
		len += (size_t)snprintf(entry + len, sizeof(entry) - len,
					strchr(f->addrs[i], ':') ? "%s[%s]"
								 : "%s%s",
					i ? "," : "", f->addrs[i]);
	return lib.slist_append(NULL, entry);
}

/* Certificates as every OpenSSL client finds them (DESIGN: --ca-file). */
static void
set_trust(CURL *c, const struct mtasts_fetch *f)
{
	const char *file = f->ca_file ? f->ca_file : getenv("SSL_CERT_FILE");
	const char *dir = f->ca_file ? NULL : getenv("SSL_CERT_DIR");

	if (file != NULL && file[0] != '\0')
		lib.easy_setopt(c, CURLOPT_CAINFO, file);
	if (dir != NULL && dir[0] != '\0')
		lib.easy_setopt(c, CURLOPT_CAPATH, dir);
	lib.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	lib.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
}

static void
set_options(CURL *c, struct mtasts_fetch *f, struct transfer *t,
	    struct curl_slist *resolve, char *url, size_t urlsize,
	    char *curl_err)
{
	long ms = (long)(deadline_left(f->deadline) * 1000);

	snprintf(url, urlsize, "https://mta-sts.%s/.well-known/mta-sts.txt",
		 f->domain);
	lib.easy_setopt(c, CURLOPT_URL, url);
	lib.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	lib.easy_setopt(c, CURLOPT_RESOLVE, resolve);
	lib.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	lib.easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
			(curl_off_t)MTASTS_POLICY_MAX);
	lib.easy_setopt(c, CURLOPT_TIMEOUT_MS, ms > 1 ? ms : 1L);
	lib.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	lib.easy_setopt(c, CURLOPT_USERAGENT, "imscheck/" IMSCHECK_VERSION);
	lib.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	lib.easy_setopt(c, CURLOPT_WRITEDATA, t);
	lib.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	lib.easy_setopt(c, CURLOPT_HEADERDATA, t);
	lib.easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
	set_trust(c, f);
}

/* 3.3: "text/plain", parameters allowed; anything else is refused. */
static bool
plain_text(const char *type)
{
	size_t n = strcspn(type, "; \t");

	return n == 10 && strncasecmp(type, "text/plain", 10) == 0;
}

/* What the server sent, judged once the transfer is over. */
static int
judge(CURL *c, struct mtasts_fetch *f)
{
	char *type = NULL, *loc = NULL;

	lib.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &f->status);
	lib.easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
	lib.easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc);
	snprintf(f->content_type, sizeof(f->content_type), "%s",
		 type ? type : "");
	snprintf(f->location, sizeof(f->location), "%s", loc ? loc : "");
	if (f->status >= 300 && f->status < 400)
		return errorf(f->error, sizeof(f->error),
			      "HTTP %ld redirect to %s, not followed (RFC 8461 "
			      "3.3)",
			      f->status, f->location[0] ? f->location : "?");
	if (f->status != 200)
		return errorf(f->error, sizeof(f->error), "HTTP %ld",
			      f->status);
	if (!plain_text(f->content_type))
		return errorf(f->error, sizeof(f->error),
			      "Content-Type is '%.60s', not text/plain",
			      f->content_type[0] ? f->content_type : "none");
	return 0;
}

static int
failed(struct mtasts_fetch *f, const struct transfer *t, CURLcode rc,
       const char *curl_err)
{
	if (t->too_large || rc == CURLE_FILESIZE_EXCEEDED)
		return errorf(f->error, sizeof(f->error),
			      "policy larger than %d KiB",
			      MTASTS_POLICY_MAX / 1024);
	/* curl words a timeout by the phase it was in: say it one way */
	f->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
	return errorf(f->error, sizeof(f->error), "%s%s%s",
		      f->timed_out ? "no answer before the deadline (" : "",
		      curl_err[0] ? curl_err : lib.easy_strerror(rc),
		      f->timed_out ? ")" : "");
}

int
mtasts_fetch(struct mtasts_fetch *f)
{
	char url[MTASTS_NAME_MAX + 64], curl_err[CURL_ERROR_SIZE] = "";
	struct transfer t = {.f = f};
	struct curl_slist *resolve = NULL;
	double started;
	CURL *c = NULL;
	CURLcode rc;
	int ret = -1;

	buf_init(&f->body, MTASTS_POLICY_MAX);
	f->error[0] = '\0';
	if (f->naddrs == 0)
		return errorf(f->error, sizeof(f->error),
			      "mta-sts.%s has no address", f->domain);
	if (mtasts_prepare(f->error, sizeof(f->error)) == -1)
		return -1;
	started = mono_now();
	if (lib.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (c = lib.easy_init()) == NULL ||
	    (resolve = resolve_list(f)) == NULL) {
		errorf(f->error, sizeof(f->error), "cannot start libcurl");
		goto done;
	}
	set_options(c, f, &t, resolve, url, sizeof(url), curl_err);
	rc = lib.easy_perform(c);
	f->seconds = mono_now() - started;
	ret = rc == CURLE_OK ? judge(c, f) : failed(f, &t, rc, curl_err);
done:
	lib.easy_cleanup(c);
	lib.slist_free_all(resolve);
	lib.global_cleanup();
	return ret;
}

void
mtasts_fetch_free(struct mtasts_fetch *f)
{
	buf_free(&f->body);
}
