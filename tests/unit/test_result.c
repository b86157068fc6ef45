/*
 * test_result.c - the result model: sanitising, masking the run's secrets,
 * perfdata, and the exact plugin output that Nagios and Icinga parse
 * (golden strings).
 */
#include <math.h>
#include <stdlib.h>

#include "core/result.h"

#include "unit.h"

/* Render r into a string the test owns. */
static char *
render(const struct result *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	result_print(r, fp);
	fclose(fp);
	return text;
}

static void
sanitise_pipes_and_controls(void)
{
	char out[64];

	CHECK(sanitize(out, sizeof(out), "a|b\r\nc\td\x01\x7f\xc3\xa9", 12) ==
	      0);
	CHECK_STR(out, "a/b  c d????");
}

static void
sanitise_cuts(void)
{
	char out[5];

	CHECK(sanitize(out, sizeof(out), "abcdefgh", 8) == 1);
	CHECK_STR(out, "abcd");
	CHECK(sanitize(out, sizeof(out), "ab\0cd", 2) == 0);
	CHECK_STR(out, "ab");
}

static void
numbers_without_exponent(void)
{
	char out[64];

	format_number(out, sizeof(out), 0.0000123);
	CHECK_STR(out, "0.000012");
	format_number(out, sizeof(out), 2);
	CHECK_STR(out, "2");
	format_number(out, sizeof(out), 1.5);
	CHECK_STR(out, "1.5");
	format_number(out, sizeof(out), -0.0000001);
	CHECK_STR(out, "0");
	format_number(out, sizeof(out), 123456789);
	CHECK_STR(out, "123456789");
}

static void
worst_state(void)
{
	CHECK(state_worst(STATE_OK, STATE_WARNING) == STATE_WARNING);
	CHECK(state_worst(STATE_WARNING, STATE_UNKNOWN) == STATE_UNKNOWN);
	CHECK(state_worst(STATE_UNKNOWN, STATE_CRITICAL) == STATE_CRITICAL);
	CHECK(state_worst(STATE_CRITICAL, STATE_OK) == STATE_CRITICAL);
}

static void
state_names(void)
{
	enum state s;

	CHECK(state_parse("warning", &s) == 0 && s == STATE_WARNING);
	CHECK(state_parse("3", &s) == 0 && s == STATE_UNKNOWN);
	CHECK(state_parse("4", &s) == -1);
	CHECK(state_parse("", &s) == -1);
	CHECK_STR(state_name(STATE_CRITICAL), "CRITICAL");
}

static void
golden_status_line(void)
{
	struct result r;
	struct range w, c;
	char *text;

	result_init(&r, "DNS");
	range_parse("1", &w);
	range_parse("~:2.5", &c);
	result_summary(&r, "%s: %d MX", "example.com", 2);
	CHECK(result_perf(&r, "time", 0.0042, "s", &w, &c, 0, NAN) == STATE_OK);
	result_perf(&r, "mx", 2, "", NULL, NULL, 0, NAN);
	result_perf(&r, "time 1", 3, "s", NULL, NULL, NAN, NAN);
	result_perf(&r, "a=b'c", 1, "", NULL, NULL, 0, 10);
	text = render(&r);
	CHECK_STR(text, "DNS OK - example.com: 2 MX | time=0.0042s;1;~:2.5;0 "
			"mx=2;;;0 'time 1'=3s a_b_c=1;;;0;10\n");
	free(text);
	result_free(&r);
}

static void
long_output_worst_first(void)
{
	struct result r;
	char *text;

	result_init(&r, "X");
	result_line(&r, STATE_OK, "fine");
	result_line(&r, STATE_WARNING, "odd | piped");
	result_line(&r, STATE_CRITICAL, "broken\nline");
	result_line(&r, STATE_UNKNOWN, "unsure");
	result_raise(&r, STATE_CRITICAL);
	result_summary(&r, "sum");
	text = render(&r);
	CHECK_STR(text, "X CRITICAL - sum\n[CRITICAL] broken line\n"
			"[UNKNOWN] unsure\n[WARNING] odd / piped\n[OK] fine\n");
	free(text);
	result_free(&r);
}

static void
thresholds_give_state(void)
{
	struct result r;
	struct range w, c;

	result_init(&r, "X");
	range_parse("1", &w);
	range_parse("2", &c);
	CHECK(result_perf(&r, "t", 1.5, "s", &w, &c, 0, NAN) == STATE_WARNING);
	CHECK(result_perf(&r, "t", 2.5, "s", &w, &c, 0, NAN) == STATE_CRITICAL);
	CHECK(r.state == STATE_OK); /* perf alone does not raise */
	result_free(&r);
}

static void
summary_is_bounded(void)
{
	struct result r;
	char big[4000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	result_init(&r, "X");
	result_summary(&r, "%s", big);
	result_summary(&r, "more");
	CHECK(r.summary.len == RESULT_SUMMARY_MAX);
	CHECK(strcmp(r.summary.data + r.summary.len - 3, "...") == 0);
	result_free(&r);
}

static void
fail_replaces(void)
{
	struct result r;
	char *text;

	result_init(&r, "X");
	result_raise(&r, STATE_CRITICAL);
	result_summary(&r, "old");
	result_fail(&r, STATE_UNKNOWN, "bad option");
	text = render(&r);
	CHECK_STR(text, "X UNKNOWN - bad option\n");
	free(text);
	result_free(&r);
}

static void
problems_then_summary(void)
{
	struct result r;
	char *text;

	result_init(&r, "X");
	result_subject(&r, "example.com");
	result_summary(&r, "2 MX");
	result_problem(&r, STATE_WARNING, "first warning");
	result_problem(&r, STATE_CRITICAL, "the critical one");
	result_problem(&r, STATE_WARNING, "second warning");
	result_line(&r, STATE_OK, "detail");
	CHECK(r.state == STATE_CRITICAL);
	text = render(&r);
	CHECK_STR(text, "X CRITICAL - example.com: the critical one; first "
			"warning; second warning; 2 MX\n"
			"[CRITICAL] the critical one\n[WARNING] first warning\n"
			"[WARNING] second warning\n[OK] detail\n");
	free(text);
	result_free(&r);
}

static void
subject_alone_and_problem_alone(void)
{
	struct result r;
	char *text;

	result_init(&r, "X");
	result_subject(&r, "s");
	result_summary(&r, "fine");
	text = render(&r);
	CHECK_STR(text, "X OK - s: fine\n");
	free(text);
	result_free(&r);
	result_init(&r, "X");
	result_problem(&r, STATE_WARNING, "odd");
	text = render(&r);
	CHECK_STR(text, "X WARNING - odd\n[WARNING] odd\n");
	free(text);
	result_free(&r);
}

static void
fail_keeps_problems_in_long_output(void)
{
	struct result r;
	char *text;

	result_init(&r, "X");
	result_problem(&r, STATE_WARNING, "earlier");
	result_fail(&r, STATE_CRITICAL, "the end");
	text = render(&r);
	CHECK_STR(text, "X CRITICAL - the end\n[WARNING] earlier\n");
	free(text);
	result_free(&r);
}

static void
secrets_masked_everywhere(void)
{
	struct result r;
	char *text;

	result_init(&r, "X");
	CHECK(result_secret(&r, "s3|cr\tet") == 0);
	result_subject(&r, "box s3|cr\tet");
	result_problem(&r, STATE_CRITICAL,
		       "-ERR s3|cr\tet is wrong, s3|cr\tet");
	result_line(&r, STATE_OK, "S: +OK s3|cr\tets3|cr\tet");
	result_summary(&r, "typed s3|cr");
	text = render(&r);
	CHECK_STR(text, "X CRITICAL - box ********: -ERR ******** is wrong, "
			"********; typed s3/cr\n"
			"[CRITICAL] -ERR ******** is wrong, ********\n"
			"[OK] S: +OK ****************\n");
	free(text);
	result_free(&r);
	CHECK(r.nsecrets == 0);
}

/* Whether text shows at least 4 bytes of secret's beginning. */
static bool
shows_prefix(const char *text, const char *secret)
{
	char prefix[5];

	snprintf(prefix, sizeof(prefix), "%.4s", secret);
	return strstr(text, prefix) != NULL;
}

static void
secret_cut_is_not_shown(void)
{
	const char *secret = "0123456789abcdefghijklmnopqrstuv";
	char pad[RESULT_LINE_MAX + 8];
	struct result r;

	result_init(&r, "X");
	CHECK(result_secret(&r, secret) == 0);
	/* a secret that crosses where the line is cut is masked whole */
	for (size_t at = RESULT_LINE_MAX - 20; at < RESULT_LINE_MAX + 4; at++) {
		memset(pad, 'p', at);
		pad[at] = '\0';
		result_line(&r, STATE_OK, "%s%s tail", pad, secret);
		CHECK(!shows_prefix(r.lines[r.nlines - 1].text, secret));
	}
	/*
	 * One cut at the end of the raw text (20 secrets, 640 bytes, then
	 * 629 more: it begins 11 bytes before the end), pulled into what the
	 * line keeps by the 20 masks before it, shorter than what they hide.
	 */
	memset(pad, 'p', 629);
	pad[629] = '\0';
	result_line(&r, STATE_OK,
		    "%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s", secret,
		    secret, secret, secret, secret, secret, secret, secret,
		    secret, secret, secret, secret, secret, secret, secret,
		    secret, secret, secret, secret, secret, pad, secret);
	CHECK(strlen(r.lines[r.nlines - 1].text) < RESULT_LINE_MAX - 100);
	CHECK(!shows_prefix(r.lines[r.nlines - 1].text, secret));
	result_free(&r);
}

static void
secret_limits(void)
{
	char big[RESULT_SECRET_MAX + 1];
	struct result r;

	result_init(&r, "X");
	CHECK(result_secret(&r, "") == -1);
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(result_secret(&r, big) == -1);
	big[RESULT_SECRET_MAX - 1] = '\0';
	CHECK(result_secret(&r, big) == 0);
	for (int i = 1; i < RESULT_SECRETS_MAX; i++)
		CHECK(result_secret(&r, "more") == 0);
	CHECK(result_secret(&r, "one too many") == -1);
	/* text without a secret is left as it was */
	result_summary(&r, "plain text");
	CHECK_STR(buf_str(&r.summary), "plain text");
	result_free(&r);
}

int
main(void)
{
	unit_suite = "unit/result";
	RUN(sanitise_pipes_and_controls);
	RUN(sanitise_cuts);
	RUN(numbers_without_exponent);
	RUN(worst_state);
	RUN(state_names);
	RUN(golden_status_line);
	RUN(long_output_worst_first);
	RUN(thresholds_give_state);
	RUN(summary_is_bounded);
	RUN(fail_replaces);
	RUN(problems_then_summary);
	RUN(subject_alone_and_problem_alone);
	RUN(fail_keeps_problems_in_long_output);
	RUN(secrets_masked_everywhere);
	RUN(secret_cut_is_not_shown);
	RUN(secret_limits);
	return unit_failed != 0;
}
