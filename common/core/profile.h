/*
 * profile.h - the site profile: one libconfig file that describes a mail
 * site.  Every error names the file and the line.
 *
 * A value is an option's default: a plugin looks its options up by their
 * long names, first in its own section ("dns { server = [...]; }") and then,
 * for the few site-wide keys, at the top level ("domain = ...").
 */
#ifndef IMSCHECK_PROFILE_H
#define IMSCHECK_PROFILE_H

#include <stddef.h>
#include <libconfig.h>

struct profile {
	config_t cfg;
	char *path;
};

int profile_load(struct profile *p, const char *path, char *err, size_t errlen);
void profile_free(struct profile *p);

/* The setting at a dotted path ("dns.server"), or NULL. */
config_setting_t *profile_get(struct profile *p, const char *path);

/* "FILE:LINE" of a setting, for error messages. */
void profile_where(const struct profile *p, const config_setting_t *s,
		   char *out, size_t outsize);

/*
 * A scalar setting as option-argument text: strings as they are, integers
 * and floats as numbers (libconfig keeps them apart; options do not), and
 * booleans as "true"/"false".  Returns 0, or -1 with a message in err.
 */
int profile_scalar(const struct profile *p, const config_setting_t *s,
		   char *out, size_t outsize, char *err, size_t errlen);

#endif
