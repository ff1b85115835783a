/* Reading `key=value` options from the kernel command line. */
#pragma once

#include <kernel/types.h>

/* Copies the value of the first `key=value` word into out (NUL-terminated). Returns HV_OK,
 * HV_ENOENT when the key is absent, HV_ETRUNC when the value does not fit. */
int cmdline_get(const char *cmdline, const char *key, char *out, size_t out_size);

/* Parses a decimal value; HV_EINVAL when it is not a number or overflows. */
int cmdline_get_u64(const char *cmdline, const char *key, uint64_t *out);
