/* printf for user programs: through the kernel's debug console, or the console server. */
#pragma once

#include <stdint.h>

int hv_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* From now on hv_printf's lines go to the console server as log lines (hv/proto/console.h) through
 * the endpoint cap in slot ep, so they never split a partition's line on the terminal. A line
 * the server refuses still goes out through the debug console. */
void hv_print_to_console(uint64_t ep);
