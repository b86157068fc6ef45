/*
 * test_range.c - threshold ranges, every form of the syntax.
 */
#include "core/range.h"

#include "unit.h"

static bool
alert(const char *text, double v)
{
	struct range r;

	if (range_parse(text, &r) == -1) {
		printf("    cannot parse '%s'\n", text);
		return false;
	}
	return range_alert(&r, v);
}

static void
plain_end(void)
{
	/* "10": alert outside 0..10, ends inclusive */
	CHECK(alert("10", -0.5));
	CHECK(!alert("10", 0));
	CHECK(!alert("10", 10));
	CHECK(alert("10", 10.001));
}

static void
open_end(void)
{
	/* "10:": alert below 10 */
	CHECK(alert("10:", 9.99));
	CHECK(!alert("10:", 10));
	CHECK(!alert("10:", 1e9));
}

static void
negative_infinity(void)
{
	/* "~:10": alert above 10 */
	CHECK(!alert("~:10", -1e9));
	CHECK(!alert("~:10", 10));
	CHECK(alert("~:10", 10.5));
}

static void
between(void)
{
	CHECK(alert("10:20", 9));
	CHECK(!alert("10:20", 10));
	CHECK(!alert("10:20", 20));
	CHECK(alert("10:20", 21));
	CHECK(!alert("-5:-1", -3));
	CHECK(alert("-5:-1", 0));
}

static void
inside(void)
{
	/* "@10:20": alert inside, ends inclusive */
	CHECK(alert("@10:20", 10));
	CHECK(alert("@10:20", 20));
	CHECK(!alert("@10:20", 9.9));
	CHECK(!alert("@10:20", 20.1));
	CHECK(alert("@5", 0));
	CHECK(!alert("@5", 6));
}

static void
invalid(void)
{
	const char *bad[] = {"",      "abc",   "20:10", ":",   "@",
			     "1:2:3", "inf",   "nan",	"~",   "10:x",
			     "0x10",  "1e999", "@~:~x", "10 ", NULL};
	struct range r = {0};

	for (const char **b = bad; *b != NULL; b++) {
		if (range_parse(*b, &r) != -1)
			printf("    accepted '%s'\n", *b);
		CHECK(range_parse(*b, &r) == -1);
	}
	CHECK(!r.set); /* a failed parse leaves the range alone */
}

static void
text_kept(void)
{
	struct range r;

	CHECK(range_parse("@1.5:2", &r) == 0);
	CHECK_STR(r.text, "@1.5:2");
	CHECK(r.inside && r.start == 1.5 && r.end == 2);
}

static void
unset_never_alerts(void)
{
	struct range r = {0};

	CHECK(!range_alert(&r, 1e9));
	CHECK(!range_alert(NULL, -1e9));
}

int
main(void)
{
	unit_suite = "unit/range";
	RUN(plain_end);
	RUN(open_end);
	RUN(negative_infinity);
	RUN(between);
	RUN(inside);
	RUN(invalid);
	RUN(text_kept);
	RUN(unset_never_alerts);
	return unit_failed != 0;
}
