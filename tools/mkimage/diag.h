/* The image builder's diagnostics: every failure is reported once, as "mkimage: <what>:
 * <problem>", by the module that finds it, and the caller only passes the -1 on. */
#pragma once

#include <stdbool.h>

/* Reports a failure (to stderr unless quiet) and returns -1, so that callers can
 * `return mk_error(...)`. */
int mk_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The last message (tests compare it), and whether messages also go to stderr. */
const char *mk_last_error(void);
void mk_set_quiet(bool quiet);
