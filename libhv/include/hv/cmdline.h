/* Reading options from a command line (words separated by spaces): the kernel's boot
 * options, and the ones the kernel passes on to the root task. Freestanding. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copies the value of the first `key=value` word into out (NUL-terminated). Returns HV_OK,
 * HV_ENOENT when the key is absent, HV_ETRUNC when the value does not fit. */
int cmdline_get(const char *cmdline, const char *key, char *out, size_t out_size);

/* Parses a decimal value; HV_EINVAL when it is not a number or overflows. */
int cmdline_get_u64(const char *cmdline, const char *key, uint64_t *out);

/* Whether the line holds the word `word` (a bare flag, or `key=value` written out whole). */
bool cmdline_has(const char *cmdline, const char *word);
