/*
 * test_nagios.c - reading plugin output back into the result model: the
 * status text, every perfdata form, long output with and without states,
 * and output that is not plugin output at all.
 */
#include <math.h>
#include <stdlib.h>

#include "core/nagios.h"

#include "unit.h"

static struct result
parse(const char *out, int status)
{
	struct result r;

	result_init(&r, "X");
	nagios_parse(out, strlen(out), status, &r);
	return r;
}

static void
status_and_perfdata(void)
{
	struct result r = parse("DNS OK - ok.lab.test: 2 MX | time=0.0042s;1;"
				"~:2.5;0 mx=2;;;0 'a b'=3%;;;0;100\n",
				0);

	CHECK(r.state == STATE_OK);
	CHECK_STR(buf_str(&r.summary), "ok.lab.test: 2 MX");
	CHECK(r.nperf == 3);
	CHECK(r.nperf == 3 && strcmp(r.perf[0].label, "time") == 0);
	CHECK(r.nperf == 3 && fabs(r.perf[0].value - 0.0042) < 1e-9);
	CHECK(r.nperf == 3 && strcmp(r.perf[0].uom, "s") == 0);
	CHECK(r.nperf == 3 && strcmp(r.perf[0].crit, "~:2.5") == 0);
	CHECK(r.nperf == 3 && r.perf[0].min == 0 && isnan(r.perf[0].max));
	CHECK(r.nperf == 3 && strcmp(r.perf[2].label, "a b") == 0);
	CHECK(r.nperf == 3 && r.perf[2].max == 100);
	result_free(&r);
}

static void
long_output_states(void)
{
	struct result r = parse("X CRITICAL - bad\n[CRITICAL] one\n[WARNING] "
				"two\nplain three\n[BOGUS] four\n",
				2);

	CHECK(r.state == STATE_CRITICAL && r.nlines == 4);
	CHECK(r.nlines == 4 && r.lines[0].state == STATE_CRITICAL);
	CHECK(r.nlines == 4 && strcmp(r.lines[1].text, "two") == 0);
	CHECK(r.nlines == 4 && r.lines[2].state == STATE_OK);
	CHECK(r.nlines == 4 && strcmp(r.lines[3].text, "[BOGUS] four") == 0);
	result_free(&r);
}

static void
not_plugin_output(void)
{
	struct result r = parse("", 0);

	CHECK(r.state == STATE_UNKNOWN);
	CHECK_STR(buf_str(&r.summary), "no output (exit status 0)");
	result_free(&r);
	r = parse("Segmentation fault\n", 139);
	CHECK(r.state == STATE_UNKNOWN); /* an exit status beyond 3 */
	CHECK_STR(buf_str(&r.summary), "Segmentation fault");
	result_free(&r);
}

static void
malformed_perfdata_skipped(void)
{
	struct result r = parse("X OK - fine | =1 a= b=x c=1;2;3;4;5;6 "
				"'open=1 d=1kilo e=2\n",
				0);

	/* c keeps its first five fields; the rest are skipped */
	CHECK(r.nperf == 1 && strcmp(r.perf[0].label, "c") == 0);
	result_free(&r);
}

static void
perf_items(void)
{
	struct perf p;

	CHECK(nagios_parse_perf("rta=0.5ms;100;500;0", &p) == 0);
	CHECK(p.value == 0.5 && strcmp(p.uom, "ms") == 0 && p.min == 0);
	CHECK(nagios_parse_perf("x=U", &p) == 0 && isnan(p.value));
	CHECK(nagios_parse_perf("x=U;1;2", &p) == 0 &&
	      strcmp(p.crit, "2") == 0);
	CHECK(nagios_parse_perf("x=Ums", &p) == -1);
	CHECK(nagios_parse_perf("x=inf", &p) == -1);
	CHECK(nagios_parse_perf("x=1;2;3;zz", &p) == -1);
	CHECK(nagios_parse_perf("'q''=1", &p) == -1);
	CHECK(nagios_parse_perf("", &p) == -1);
}

int
main(void)
{
	unit_suite = "unit/nagios";
	RUN(status_and_perfdata);
	RUN(long_output_states);
	RUN(not_plugin_output);
	RUN(malformed_perfdata_skipped);
	RUN(perf_items);
	return unit_failed != 0;
}
