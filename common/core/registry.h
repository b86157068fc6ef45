/*
 * registry.h - the one table of the suite's checks: each step of the mail
 * service checklist with its number, name, plugin, status label, purpose
 * and advice, and check_ims for the whole (step 0).
 *
 * Everything that knows the steps reads them here: check_ims (which steps
 * run, in which order, with which advice), the profile (its sections), the
 * spool and the agent (the range of imsCheckStep, a plugin's default
 * step), a plugin's --help; and a unit test holds the man pages and the
 * MIB against it.  A new step is one entry (docs/INTERNALS.md).
 */
#ifndef IMSCHECK_REGISTRY_H
#define IMSCHECK_REGISTRY_H

#include <stddef.h>

struct step_def {
	int number;	     /* its step; 0 for check_ims, the whole list */
	const char *section; /* its name in check_ims's lines and the profile */
	const char *plugin;  /* "check_ims_dns" */
	const char *label;   /* "DNS": the first word of its status line */
	const char *purpose; /* one line: --help, the man page's NAME */
	const char *advice;  /* what to look at when it fails (--advice) */
};

/* The entries, check_ims first, then in checklist order. */
const struct step_def *registry_entries(size_t *n);

/* The entry of a plugin ("check_ims_pop3"), or of a section; or NULL. */
const struct step_def *registry_by_plugin(const char *plugin);
const struct step_def *registry_by_section(const char *section);

/* The highest step number: steps are 1 to this (imsCheckStep 0 to it). */
int registry_max_step(void);

#endif
