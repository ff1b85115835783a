/* A free-running per-CPU counter for benchmarks: under QEMU -icount shift=0 it advances once
 * per instruction on both arches (AArch64 PMCCNTR_EL0, x86 TSC). hv_cycles() comes from the
 * arch's include directory of libhv. */
#pragma once

#include <hv/arch/cycles.h>
