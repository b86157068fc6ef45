/*
 * spool.h - publishing a result for the agent: a plugin given --spool DIR
 * writes its latest result there as one record per check id, atomically
 * (a temporary file in DIR, fsync, rename), so that a reader sees the old
 * record or the new one, never half of one.
 *
 * A record is text: a version line, "key: value" lines, and a last line
 * "end"; a record without its end, with an unknown key or a bad value is
 * refused whole by spool_parse().
 */
#ifndef IMSCHECK_SPOOL_H
#define IMSCHECK_SPOOL_H

#include <stddef.h>

#include "core/result.h"

#define SPOOL_ID_MAX	 64
#define SPOOL_RECORD_MAX (64 * 1024)
#define SPOOL_LABEL_MAX	 16

struct spool_record {
	char id[SPOOL_ID_MAX];
	char label[SPOOL_LABEL_MAX]; /* the status line's first word, or "" */
	int step;		     /* a registry step, 0 for none */
	enum state state;
	double start;	      /* Unix seconds */
	double duration;      /* seconds */
	struct result result; /* status text as summary, lines, perfdata */
};

/* Whether id is a usable check id: [A-Za-z0-9._@:-], 1..63 bytes. */
int spool_valid_id(const char *id);

/*
 * Write r as the record of id into dir.  0, or -1 with the reason in err.
 */
int spool_write(const char *dir, const char *id, int step,
		const struct result *r, double start, double duration,
		char *err, size_t errlen);

/*
 * Parse a record (len bytes) into rec, whose result the caller frees with
 * result_free().  0, or -1 with the reason in err (rec is then freed).
 */
int spool_parse(const char *text, size_t len, struct spool_record *rec,
		char *err, size_t errlen);

#endif
