/*
 * spooldir.c - the results that Nagios or Icinga had the plugins write to
 * the spool (--spool DIR): one record per check id, replaced atomically.
 * A scan reads only the records that changed (inode, mtime and size), so
 * that thousands of records cost a stat each.  A record that does not
 * parse is logged once and skipped; its row keeps the last good result.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

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
	for (struct bad_record *b = t->bad; b; b = b->next)
		if (strcmp(b->name, name) == 0) {
			b->seen = true;
			return same_version(&b->version, st);
		}
	return false;
}

static void
remember_bad(struct table *t, const char *name, const struct stat *st)
{
	struct bad_record *b;

	for (b = t->bad; b && strcmp(b->name, name) != 0; b = b->next)
		;
	if (b == NULL && (b = calloc(1, sizeof(*b))) != NULL) {
		snprintf(b->name, sizeof(b->name), "%.63s", name);
		b->next = t->bad;
		t->bad = b;
	}
	if (b != NULL) {
		b->version = version_of(st);
		b->seen = true;
	}
}

/* Drop what is known of records that went or parse now. */
static void
prune_bad(struct table *t, bool all_unseen, const char *name)
{
	for (struct bad_record **p = &t->bad, *b; (b = *p) != NULL;) {
		if ((all_unseen && !b->seen) ||
		    (name != NULL && strcmp(b->name, name) == 0)) {
			*p = b->next;
			free(b);
			continue;
		}
		b->seen = all_unseen ? false : b->seen;
		p = &b->next;
	}
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
		agent_log(LOG_WARNING, "spool record %s: %s; skipped", name,
			  err);
		remember_bad(t, name, st);
		return;
	}
	prune_bad(t, false, name);
	if (c == NULL && (c = table_add(t, name, SOURCE_SPOOL)) == NULL) {
		agent_log(LOG_ERR, "spool record %s: out of memory", name);
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

void
spool_scan(struct table *t, const char *dir, notify_fn notify)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *text;

	if (d == NULL) {
		if (!t->spool_unreadable)
			agent_log(LOG_WARNING, "spool %s: %s", dir,
				  strerror(errno));
		t->spool_unreadable = true;
		return;
	}
	t->spool_unreadable = false;
	if ((text = malloc(SPOOL_RECORD_MAX + 2)) == NULL) {
		closedir(d);
		return;
	}
	for (size_t i = 0; i < t->n; i++)
		t->rows[i]->seen = false;
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		/* Temporary files begin with a dot; only ids are records. */
		if (!spool_valid_id(e->d_name) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
			-1 ||
		    !S_ISREG(st.st_mode))
			continue;
		load(t, dirfd(d), e->d_name, &st, text, notify);
	}
	free(text);
	closedir(d);
	prune_bad(t, true, NULL);
	/* A record that went takes its row with it. */
	for (size_t i = t->n; i-- > 0;)
		if (t->rows[i]->source == SOURCE_SPOOL && !t->rows[i]->seen)
			table_remove(t, i);
}
