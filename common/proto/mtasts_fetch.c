/*
 * mtasts_fetch.c - the MTA-STS policy over HTTPS, by libcurl (RFC 8461
 * 3.3).  The host's addresses come from the caller (asked of the check's
 * DNS server) through CURLOPT_RESOLVE, so curl resolves nothing itself;
 * the certificate is verified for mta-sts.DOMAIN; a redirect is reported,
 * never followed; the body stops at 64 KiB; the whole transfer ends at
 * the check's deadline.  This is the one file that links libcurl.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>

#include "proto/mtasts.h"

#include "core/diag.h"

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
	return curl_slist_append(NULL, entry);
}

/* Certificates as every OpenSSL client finds them (DESIGN: --ca-file). */
static void
set_trust(CURL *c, const struct mtasts_fetch *f)
{
	const char *file = f->ca_file ? f->ca_file : getenv("SSL_CERT_FILE");
	const char *dir = f->ca_file ? NULL : getenv("SSL_CERT_DIR");

	if (file != NULL && file[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, file);
	if (dir != NULL && dir[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAPATH, dir);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
}

static void
set_options(CURL *c, struct mtasts_fetch *f, struct transfer *t,
	    struct curl_slist *resolve, char *url, size_t urlsize,
	    char *curl_err)
{
	long ms = (long)(deadline_left(f->deadline) * 1000);

	snprintf(url, urlsize, "https://mta-sts.%s/.well-known/mta-sts.txt",
		 f->domain);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)MTASTS_POLICY_MAX);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms > 1 ? ms : 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "imscheck/" IMSCHECK_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
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

	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &f->status);
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
	curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc);
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
		      curl_err[0] ? curl_err : curl_easy_strerror(rc),
		      f->timed_out ? ")" : "");
}

int
mtasts_fetch(struct mtasts_fetch *f)
{
	char url[MTASTS_NAME_MAX + 64], curl_err[CURL_ERROR_SIZE] = "";
	struct transfer t = {.f = f};
	struct curl_slist *resolve = NULL;
	double started = mono_now();
	CURL *c = NULL;
	CURLcode rc;
	int ret = -1;

	buf_init(&f->body, MTASTS_POLICY_MAX);
	f->error[0] = '\0';
	if (f->naddrs == 0)
		return errorf(f->error, sizeof(f->error),
			      "mta-sts.%s has no address", f->domain);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (c = curl_easy_init()) == NULL ||
	    (resolve = resolve_list(f)) == NULL) {
		errorf(f->error, sizeof(f->error), "cannot start libcurl");
		goto done;
	}
	set_options(c, f, &t, resolve, url, sizeof(url), curl_err);
	rc = curl_easy_perform(c);
	f->seconds = mono_now() - started;
	ret = rc == CURLE_OK ? judge(c, f) : failed(f, &t, rc, curl_err);
done:
	curl_easy_cleanup(c);
	curl_slist_free_all(resolve);
	curl_global_cleanup();
	return ret;
}

void
mtasts_fetch_free(struct mtasts_fetch *f)
{
	buf_free(&f->body);
}
