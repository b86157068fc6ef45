/*
 * mtasts.h - SMTP MTA Strict Transport Security (RFC 8461): the
 * _mta-sts TXT record (3.1), the policy file (3.2) and the match of an
 * MX host against its mx patterns (4.1), for check_ims_policy and for
 * check_ims_mx --mta-sts; and the policy's fetch over HTTPS by libcurl
 * (3.3: certificate verified for mta-sts.DOMAIN, no redirects, at most
 * 64 KiB, text/plain, under the check's deadline), to addresses the
 * caller found through its own DNS server (mtasts_fetch.c, which opens
 * libcurl when it is first needed).
 */
#ifndef IMSCHECK_MTASTS_H
#define IMSCHECK_MTASTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/addr.h"
#include "core/buf.h"
#include "core/deadline.h"

#define MTASTS_ID_MAX	   32
#define MTASTS_MX_MAX	   32
#define MTASTS_NAME_MAX	   255
#define MTASTS_POLICY_MAX  65536    /* bytes of a policy (3.3) */
#define MTASTS_MAX_AGE_MAX 31557600 /* seconds: a year (3.2) */
#define MTASTS_ADDRS_MAX   8

/* The TXT record at _mta-sts.DOMAIN. */
struct mtasts_txt {
	char id[MTASTS_ID_MAX + 1];
};

bool mtasts_is_record(const char *text, size_t len);
/* "v=STSv1; id=...": 0, or -1 with the syntax error in err. */
int mtasts_txt_parse(struct mtasts_txt *t, const char *text, size_t len,
		     char *err, size_t errlen);

enum mtasts_mode { MTASTS_ENFORCE, MTASTS_TESTING, MTASTS_NONE };

struct mtasts_policy {
	enum mtasts_mode mode;
	long max_age; /* seconds */
	char mx[MTASTS_MX_MAX][MTASTS_NAME_MAX + 1];
	size_t nmx;
	size_t mx_dropped; /* patterns beyond MTASTS_MX_MAX */
};

/* Parse a policy file: 0, or -1 with the reason in err. */
int mtasts_policy_parse(struct mtasts_policy *p, const char *text, size_t len,
			char *err, size_t errlen);

const char *mtasts_mode_name(enum mtasts_mode m);

/* Whether host matches one mx pattern ("mail.example.com", "*.example.com"). */
bool mtasts_mx_match(const char *pattern, const char *host);
/* The first of the policy's patterns host matches, or NULL. */
const char *mtasts_policy_match(const struct mtasts_policy *p,
				const char *host);

/* One fetch of https://mta-sts.DOMAIN/.well-known/mta-sts.txt. */
struct mtasts_fetch {
	/* In. */
	const char *domain;
	char addrs[MTASTS_ADDRS_MAX][ADDR_TEXT_MAX]; /* mta-sts.DOMAIN's */
	size_t naddrs;
	const char *ca_file; /* NULL: SSL_CERT_FILE/DIR, or the system's */
	const struct deadline *deadline;
	struct buf *transcript; /* response headers with -vvv, or NULL */

	/* Out. */
	long status;	       /* HTTP status, 0 when none came */
	char content_type[96]; /* as sent */
	char location[128];    /* a redirect's target, not followed */
	struct buf body;       /* the policy, at most MTASTS_POLICY_MAX */
	bool timed_out;
	double seconds;
	char error[256]; /* why there is no policy */
};

/*
 * Fetch the policy: 0 with the body when the server sent 200, text/plain
 * and at most 64 KiB over a verified connection; else -1 with the reason
 * in error.  mtasts_fetch_free() releases the body.
 */
int mtasts_fetch(struct mtasts_fetch *f);
/*
 * Open libcurl now rather than at the first fetch (some 10 M instructions
 * of relocations): while a check waits for DNS answers, say.  0, or -1
 * with the reason in err (mtasts_fetch() would fail the same way).  Safe
 * to call from several threads, and more than once.
 */
int mtasts_prepare(char *err, size_t errlen);
void mtasts_fetch_free(struct mtasts_fetch *f);

#endif
