/*
 * test_spool.c - spool records: written atomically and read back whole;
 * a record cut short or with anything unexpected is refused whole.
 */
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/spool.h"

#include "unit.h"

static char dir[] = "/tmp/test_spool.XXXXXX";

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "r");
	char *text = calloc(1, SPOOL_RECORD_MAX + 1);

	*len = fp && text ? fread(text, 1, SPOOL_RECORD_MAX, fp) : 0;
	if (fp)
		fclose(fp);
	return text;
}

static void
write_then_read(void)
{
	struct result r;
	struct range w;
	struct spool_record rec;
	char err[256], path[256], *text;
	size_t len;

	result_init(&r, "DNS");
	result_subject(&r, "example.com");
	result_problem(&r, STATE_WARNING, "no PTR for 192.0.2.1");
	result_summary(&r, "1 MX");
	range_parse("1", &w);
	result_perf(&r, "time", 0.25, "s", &w, NULL, 0, NAN);
	result_perf(&r, "a b", 3, "", NULL, NULL, NAN, NAN);
	CHECK(spool_write(dir, "dns@site", 1, &r, 1795876309.5, 0.25, err,
			  sizeof(err)) == 0);
	snprintf(path, sizeof(path), "%s/dns@site", dir);
	text = slurp(path, &len);
	CHECK(spool_parse(text, len, &rec, err, sizeof(err)) == 0);
	CHECK_STR(rec.id, "dns@site");
	CHECK(rec.step == 1 && rec.state == STATE_WARNING);
	CHECK(rec.start == 1795876309.5 && rec.duration == 0.25);
	CHECK_STR(buf_str(&rec.result.summary),
		  "example.com: no PTR for 192.0.2.1; 1 MX");
	CHECK(rec.result.nperf == 2 && rec.result.nlines == 1);
	CHECK(rec.result.nperf == 2 &&
	      strcmp(rec.result.perf[1].label, "a b") == 0);
	CHECK(rec.result.nlines == 1 &&
	      rec.result.lines[0].state == STATE_WARNING);
	result_free(&rec.result);
	free(text);
	result_free(&r);
}

static void
cut_records_are_refused(void)
{
	const char *full = "imscheck-spool 1\nid: x\nstep: 2\nstate: 1\n"
			   "start: 1.5\nduration: 0.1\nstatus: fine\n"
			   "perf: t=1s\nline: 0 ok\nend\n";
	struct spool_record rec;
	char err[256];
	size_t len = strlen(full);

	CHECK(spool_parse(full, len, &rec, err, sizeof(err)) == 0);
	result_free(&rec.result);
	/* every cut before the end line is refused */
	for (size_t cut = 0; cut < len - 1; cut++) {
		if (spool_parse(full, cut, &rec, err, sizeof(err)) != -1)
			printf("    accepted a record cut at %zu\n", cut);
		CHECK(spool_parse(full, cut, &rec, err, sizeof(err)) == -1);
	}
}

static void
bad_records_are_refused(void)
{
	const char *bad[] = {
	    "imscheck-spool 2\nid: x\nstate: 0\nstatus: s\nend\n",
	    "imscheck-spool 1\nid: ../x\nstate: 0\nstatus: s\nend\n",
	    "imscheck-spool 1\nid: x\nstate: 4\nstatus: s\nend\n",
	    "imscheck-spool 1\nid: x\nstate: 0\nstatus: s\nmood: ok\nend\n",
	    "imscheck-spool 1\nid: x\nstate: 0\nstatus: s\nperf: =1\nend\n",
	    "imscheck-spool 1\nid: x\nstate: 0\nstatus: s\nline: 9 z\nend\n",
	    "imscheck-spool 1\nid: x\nstatus: s\nend\n",
	    "imscheck-spool 1\nid: x\nstate: 0\nstatus: s\nend\nmore\n",
	    "imscheck-spool 1\nid: x\nstate: 0\nstart: soon\nstatus: s\nend\n",
	    NULL};
	struct spool_record rec;
	char err[256];

	for (const char **b = bad; *b != NULL; b++) {
		if (spool_parse(*b, strlen(*b), &rec, err, sizeof(err)) != -1)
			printf("    accepted: %s\n", *b);
		CHECK(spool_parse(*b, strlen(*b), &rec, err, sizeof(err)) ==
		      -1);
	}
}

static void
ids(void)
{
	char err[256];
	struct result r;

	CHECK(spool_valid_id("check_ims_dns@site"));
	CHECK(!spool_valid_id(""));
	CHECK(!spool_valid_id(".hidden"));
	CHECK(!spool_valid_id("a/b"));
	CHECK(!spool_valid_id("a b"));
	result_init(&r, "X");
	CHECK(spool_write(dir, "../escape", 0, &r, 0, 0, err, sizeof(err)) ==
	      -1);
	CHECK(spool_write("/nonexistent", "x", 0, &r, 0, 0, err, sizeof(err)) ==
	      -1);
	result_free(&r);
}

int
main(void)
{
	unit_suite = "unit/spool";
	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(write_then_read);
	RUN(cut_records_are_refused);
	RUN(bad_records_are_refused);
	RUN(ids);
	{
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return unit_failed != 0;
}
