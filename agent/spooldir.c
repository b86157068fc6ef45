/*
 * spooldir.c - the results that Nagios or Icinga had the plugins write to
 * the spool (--spool DIR): one record per check id, replaced atomically.
 * A scan reads only the records that changed (inode, mtime and size), so
 * that thousands of records cost a stat each, and goes in slices of a few
 * milliseconds, so that the agent answers SNMP in between.  A record that
 * does not parse is logged once and skipped; its row keeps the last good
 * result.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "core/deadline.h"
#include "core/diag.h"

#include "agent.h"

static struct record_version
version_of(const struct stat *st)
{
	return (struct record_version){
	    st->st_ino,
	    (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec,
	    st->st_size};
}

static bool
same_version(const struct record_version *v, const struct stat *st)
{
	struct record_version now = version_of(st);

	return v->ino == now.ino && v->mtime_ns == now.mtime_ns &&
	       v->size == now.size;
}

/*
 * Read a record of at most SPOOL_RECORD_MAX bytes; *st becomes the stat
 * of what was read.  The name may have been replaced since the scan's
 * stat: O_NONBLOCK keeps a FIFO put there from blocking the agent for
 * ever (open waits for a writer), and fstat refuses all but a file.
 */
static int
slurp(int dfd, const char *name, struct stat *st, char *text, size_t *len,
      char *err, size_t errlen)
{
	int fd =
	    openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	ssize_t got = 0;
	int rc = -1;

	*len = 0;
	if (fd == -1 || fstat(fd, st) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto done;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "not a regular file");
		goto done;
	}
	while ((got = read(fd, text + *len, SPOOL_RECORD_MAX + 1 - *len)) > 0)
		*len += (size_t)got;
	if (got == -1)
		snprintf(err, errlen, "%s", strerror(errno));
	else
		rc = 0;
done:
	if (fd != -1)
		close(fd);
	return rc;
}

/* A record, which must be the one of the file's name. */
static int
parse(const char *text, size_t len, const char *name, struct spool_record *rec,
      char *err, size_t errlen)
{
	if (spool_parse(text, len, rec, err, errlen) == -1)
		return -1;
	if (strcmp(rec->id, name) != 0) {
		snprintf(err, errlen, "its id is '%s'", rec->id);
		result_free(&rec->result);
		return -1;
	}
	return 0;
}

/* Whether this version of the record was refused already. */
static bool
known_bad(struct table *t, const char *name, const struct stat *st)
{
	struct bad_record *b = table_bad_find(t, name);

	if (b == NULL)
		return false;
	b->seen = true;
	return same_version(&b->version, st);
}

static void
remember_bad(struct table *t, const char *name, const struct stat *st)
{
	struct bad_record *b = table_bad_find(t, name);

	if (b == NULL && (b = table_bad_add(t, name)) == NULL)
		return; /* without memory it is logged again next time */
	b->version = version_of(st);
	b->seen = true;
}

/*
 * Load one record into its row (made if needed), unless it is the version
 * the row shows already or one that was refused before.
 */
static void
load(struct table *t, int dfd, const char *name, struct stat *st, char *text,
     notify_fn notify)
{
	struct check *c = table_find(t, name);
	struct bad_record *bad;
	struct spool_record rec;
	char err[256], line[CHECK_OUTPUT_MAX];
	struct buf status = BUF_INIT(RESULT_SUMMARY_MAX);
	size_t len;

	if (c != NULL &&
	    (c->source != SOURCE_SPOOL || same_version(&c->version, st))) {
		c->seen = true;
		return;
	}
	if (c != NULL)
		c->seen = true; /* a bad record keeps the last good result */
	if (known_bad(t, name, st))
		return;
	if (slurp(dfd, name, st, text, &len, err, sizeof(err)) == -1 ||
	    parse(text, len, name, &rec, err, sizeof(err)) == -1) {
		diag_log(LOG_WARNING, "spool record %s: %s; skipped", name,
			 err);
		remember_bad(t, name, st);
		return;
	}
	if ((bad = table_bad_find(t, name)) != NULL)
		table_bad_forget(t, bad); /* it parses now */
	if (c == NULL && (c = table_add(t, name, SOURCE_SPOOL)) == NULL) {
		diag_log(LOG_ERR, "spool record %s: out of memory", name);
		result_free(&rec.result);
		return;
	}
	c->seen = true;
	c->version = version_of(st);
	c->step = rec.step;
	result_status_text(&rec.result, &status);
	snprintf(line, sizeof(line), "%s%s%s - %s", rec.label,
		 rec.label[0] ? " " : "", state_name(rec.result.state),
		 buf_str(&status));
	buf_free(&status);
	if (check_record(c, &rec.result, line, rec.start, rec.duration) &&
	    notify != NULL)
		notify(c);
	result_free(&rec.result);
}

/* A scan under way: the folder being read, and room for one record. */
struct spool_walk {
	DIR *d;
	char text[SPOOL_RECORD_MAX + 2];
};

static int
walk_begin(struct table *t, const char *dir)
{
	struct spool_walk *w = malloc(sizeof(*w));

	if (w == NULL)
		return -1;
	if ((w->d = opendir(dir)) == NULL) {
		if (!t->spool_unreadable)
			diag_log(LOG_WARNING, "spool %s: %s", dir,
				 strerror(errno));
		t->spool_unreadable = true;
		free(w);
		return -1;
	}
	t->spool_unreadable = false;
	for (size_t i = 0; i < t->n; i++)
		t->rows[i]->seen = false;
	t->walk = w;
	return 0;
}

void
spool_scan_end(struct table *t)
{
	if (t->walk == NULL)
		return;
	closedir(t->walk->d);
	free(t->walk);
	t->walk = NULL;
}

/* Every name has been seen: forget what went. */
static void
walk_done(struct table *t)
{
	spool_scan_end(t);
	table_bad_prune(t);
	/* A record that went takes its row with it. */
	for (size_t i = t->n; i-- > 0;)
		if (t->rows[i]->source == SOURCE_SPOOL && !t->rows[i]->seen)
			table_remove(t, i);
}

static void
visit(struct table *t, const char *name, notify_fn notify)
{
	int dfd = dirfd(t->walk->d);
	struct stat st;

	/* Temporary files begin with a dot; only ids are records. */
	if (!spool_valid_id(name) ||
	    fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(st.st_mode))
		return;
	load(t, dfd, name, &st, t->walk->text, notify);
}

/*
 * The clock is read every SLICE_NAMES names: a stat and a lookup each
 * (a few microseconds), a read only for the records that changed.
 */
#define SLICE_NAMES 64

bool
spool_scan_step(struct table *t, const char *dir, notify_fn notify,
		double budget)
{
	double until = mono_now() + budget;
	struct dirent *e;

	if (t->walk == NULL && walk_begin(t, dir) == -1)
		return true;
	for (unsigned n = 1; (e = readdir(t->walk->d)) != NULL; n++) {
		visit(t, e->d_name, notify);
		if (n % SLICE_NAMES == 0 && mono_now() >= until)
			return false;
	}
	walk_done(t);
	return true;
}

void
spool_scan(struct table *t, const char *dir, notify_fn notify)
{
	while (!spool_scan_step(t, dir, notify, INFINITY))
		;
}
