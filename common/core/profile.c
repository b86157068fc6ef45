/*
 * profile.c - the site profile loader on libconfig 1.5.
 */
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/profile.h"

#include "core/diag.h"
#include "core/result.h"

int
profile_load(struct profile *p, const char *path, char *err, size_t errlen)
{
	char *copy = strdup(path);
	FILE *fp = NULL;
	int rc = -1;

	config_init(&p->cfg);
	if ((p->path = strdup(path)) == NULL || copy == NULL) {
		errorf(err, errlen, "%s: out of memory", path);
		goto done;
	}
	/* @include resolves against the including file's folder, not cwd. */
	config_set_include_dir(&p->cfg, dirname(copy));
	/*
	 * libconfig reports a missing file as line 0 with no file name; open it
	 * ourselves to say why it cannot be read.
	 */
	if ((fp = fopen(path, "r")) == NULL) {
		errorf(err, errlen, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (config_read(&p->cfg, fp) == CONFIG_FALSE) {
		const char *file = config_error_file(&p->cfg);

		errorf(err, errlen, "%s:%d: %s", file ? file : path,
		       config_error_line(&p->cfg), config_error_text(&p->cfg));
		goto done;
	}
	rc = 0;
done:
	if (fp != NULL)
		fclose(fp);
	free(copy);
	if (rc == -1)
		profile_free(p);
	return rc;
}

void
profile_free(struct profile *p)
{
	config_destroy(&p->cfg);
	free(p->path);
	p->path = NULL;
}

config_setting_t *
profile_get(struct profile *p, const char *path)
{
	return config_lookup(&p->cfg, path);
}

void
profile_where(const struct profile *p, const config_setting_t *s, char *out,
	      size_t outsize)
{
	const char *file = config_setting_source_file(s);

	snprintf(out, outsize, "%s:%u", file ? file : p->path,
		 config_setting_source_line(s));
}

int
profile_scalar(const struct profile *p, const config_setting_t *s, char *out,
	       size_t outsize, char *err, size_t errlen)
{
	char where[256];
	int n;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_STRING:
		n = snprintf(out, outsize, "%s", config_setting_get_string(s));
		break;
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		n = snprintf(out, outsize, "%lld", config_setting_get_int64(s));
		break;
	case CONFIG_TYPE_FLOAT:
		format_number(out, outsize, config_setting_get_float(s));
		n = (int)strlen(out);
		break;
	case CONFIG_TYPE_BOOL:
		n = snprintf(out, outsize, "%s",
			     config_setting_get_bool(s) ? "true" : "false");
		break;
	default:
		profile_where(p, s, where, sizeof(where));
		errorf(err, errlen, "%s: '%s' must be a single value", where,
		       config_setting_name(s) ? config_setting_name(s)
					      : "(element)");
		return -1;
	}
	if (n < 0 || (size_t)n >= outsize) {
		profile_where(p, s, where, sizeof(where));
		errorf(err, errlen, "%s: value too long", where);
		return -1;
	}
	return 0;
}
