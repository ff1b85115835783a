/* printf for user programs: through the kernel's debug console, or the console server. */
#pragma once

#include <stdint.h>

int hv_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* From now on hv_printf's lines go to the console server as log lines (hv/proto/console.h) through
 * the endpoint cap in slot ep, so they never split a partition's line on the terminal. A line
 * the server refuses still goes out through the debug console. */
void hv_print_to_console(uint64_t ep);

/* hv_printf's lines go through the kernel's debug console with the debug-console cap in slot
 * cap (the root task's: ROOT_DEBUG_CONSOLE) until the console server takes them; a program
 * without it has no output of its own before that (SEC-M2). */
void hv_print_to_debug(uint64_t cap);
