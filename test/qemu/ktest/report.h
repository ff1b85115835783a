/* The one reporter of the in-QEMU tests: a PASS, FAIL or SKIP line per case and the closing
 * SUMMARY, in the format scripts/duet-qemu judges (docs/testing.md). */
#pragma once

#include <stdbool.h>

/* PASS when ok, else FAIL: `<PASS|FAIL>: <id>: <what>`, what formatted from fmt with the
 * numbers measured. */
void test_check(const char *id, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* SKIP: the case cannot run here, and why. */
void test_skip(const char *id, const char *why);
/* How many cases were reported so far (PASS, FAIL and SKIP). */
unsigned test_count(void);
/* The SUMMARY line; a run that reported no case at all fails first (an empty run never
 * passes). Returns the number of failures. */
unsigned test_summary(void);
