/* A device the IRQ test (IRQ-1, core_tests.c) can make interrupt on purpose (irq_source.c). */
#pragma once

#include <hv/abi/bootinfo.h>
#include <stdbool.h>

extern const unsigned irq_kernel_line; /* a line the kernel keeps: never claimable */
/* Maps or opens the device and says its line; HV_ENOSYS where there is none. */
int irq_source_prepare(const struct hv_bootinfo *info, unsigned *irq);
void irq_source_fire(void);
bool irq_source_raised(void);
void irq_source_clear(void);
