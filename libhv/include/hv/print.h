/* printf for user programs, through the kernel's debug console. */
#pragma once

int hv_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
