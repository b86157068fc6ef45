/*
 * test_registry.c - the step registry against what users read: every
 * plugin's man page (its NAME line is the entry's purpose; a step's page
 * says which step it is) and IMSCHECK-MIB (imsCheckStep's range and the
 * plugins its description names).  Run from the top of the tree.
 */
#include <ctype.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/registry.h"

#include "unit.h"

#define TEXT_MAX (256 * 1024)

/* A file's text with every run of white space folded to one space. */
static char *
folded(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *text = calloc(1, TEXT_MAX);
	size_t n = 0;
	int c, space = 0;

	if (fp == NULL || text == NULL) {
		if (fp != NULL)
			fclose(fp);
		free(text);
		return NULL;
	}
	while ((c = getc(fp)) != EOF && n + 1 < TEXT_MAX) {
		if (isspace(c)) {
			space = 1;
			continue;
		}
		if (space && n > 0)
			text[n++] = ' ';
		space = 0;
		text[n++] = (char)c;
	}
	fclose(fp);
	return text;
}

static void
man_pages_match(void)
{
	size_t n;
	const struct step_def *d = registry_entries(&n);

	for (size_t i = 0; i < n; i++) {
		char path[128], want[512], *page;

		snprintf(path, sizeof(path), "man/%s.1", d[i].plugin);
		if ((page = folded(path)) == NULL) {
			CHECK(page != NULL);
			printf("    no man page %s\n", path);
			continue;
		}
		snprintf(want, sizeof(want), ".SH NAME %s \\- %s .SH",
			 d[i].plugin, d[i].purpose);
		CHECK(strstr(page, want) != NULL);
		if (strstr(page, want) == NULL)
			printf("    %s: NAME is not \"%s \\- %s\"\n", path,
			       d[i].plugin, d[i].purpose);
		snprintf(want, sizeof(want), "is step %d of", d[i].number);
		CHECK(d[i].number == 0 || strstr(page, want) != NULL);
		if (d[i].number > 0 && strstr(page, want) == NULL)
			printf("    %s does not say \"%s\"\n", path, want);
		free(page);
	}
}

/* The description of imsCheckStep, from its OBJECT-TYPE to its ::=. */
static char *
step_object(char *mib)
{
	char *start = strstr(mib, "imsCheckStep OBJECT-TYPE"), *end;

	if (start == NULL || (end = strstr(start, "::=")) == NULL)
		return NULL;
	*end = '\0';
	return start;
}

/* Whether text has "N words (plugin)": step N named with its plugin. */
static bool
names_step(const char *text, int number, const char *plugin)
{
	char pattern[256];
	regex_t re;
	bool found;

	snprintf(pattern, sizeof(pattern), "(^|[^0-9])%d [^()0-9]*\\(%s\\)",
		 number, plugin);
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	found = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return found;
}

static void
mib_matches(void)
{
	char *mib = folded("agent/IMSCHECK-MIB.txt"), *obj, want[128];
	const struct step_def *d;
	size_t n;

	CHECK(mib != NULL);
	if (mib == NULL || (obj = step_object(mib)) == NULL) {
		CHECK(!"imsCheckStep OBJECT-TYPE ... ::= in the MIB");
		free(mib);
		return;
	}
	snprintf(want, sizeof(want), "SYNTAX Integer32 (0..%d)",
		 registry_max_step());
	CHECK(strstr(obj, want) != NULL);
	if (strstr(obj, want) == NULL)
		printf("    imsCheckStep is not \"%s\"\n", want);
	d = registry_entries(&n);
	for (size_t i = 0; i < n; i++) {
		bool named = d[i].number == 0
				 ? strstr(obj, d[i].plugin) != NULL
				 : names_step(obj, d[i].number, d[i].plugin);

		CHECK(named);
		if (!named)
			printf("    imsCheckStep does not name step %d (%s)\n",
			       d[i].number, d[i].plugin);
	}
	free(mib);
}

static void
entries_are_sound(void)
{
	size_t n;
	const struct step_def *d = registry_entries(&n);

	CHECK(n > 1 && d[0].number == 0);
	for (size_t i = 0; i < n; i++) {
		CHECK(registry_by_plugin(d[i].plugin) == &d[i]);
		CHECK(registry_by_section(d[i].section) == &d[i]);
		CHECK(d[i].label[0] != '\0' && d[i].purpose[0] != '\0');
		CHECK(d[i].number == 0 || d[i].advice != NULL);
		/* in checklist order */
		CHECK(i == 0 || d[i].number >= d[i - 1].number);
		for (const char *c = d[i].label; *c; c++)
			CHECK(isupper((unsigned char)*c) ||
			      isdigit((unsigned char)*c));
	}
}

int
main(void)
{
	unit_suite = "unit/registry";
	RUN(entries_are_sound);
	RUN(man_pages_match);
	RUN(mib_matches);
	return unit_failed != 0;
}
