/* Kernel invariants: a broken one is a panic with a message, never a silent continue. */
#pragma once

_Noreturn void kernel_assert_fail(const char *expr, const char *file, int line);

#define assert(e) ((e) ? (void)0 : kernel_assert_fail(#e, __FILE__, __LINE__))
