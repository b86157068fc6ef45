/*
 * option_types.c - the compile-time check of option tables: built by
 * tests/run (part unit_tests) twice, with the field of the right type
 * (-DFIELD=bool), which must compile, and of a wrong one (-DFIELD=int),
 * which must not.
 */
#include <stdbool.h>

#include "core/options.h"

struct conf {
	FIELD flag;
};

const struct opt table[] = {
    {"flag", 'f', NULL, "a flag", OPT_FLAG_AT(struct conf, flag)},
    OPT_END,
};
