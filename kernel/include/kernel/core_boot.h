/* Builds the root task's initial capabilities out of boot memory: its cnode, its thread, an
 * irq-control cap and untyped caps for the rest. */
#pragma once

#include <hv/abi/bootinfo.h>
#include <kernel/thread.h>

/* Fixed cap addresses in the root cnode. */
enum core_root_slot {
    ROOT_SLOT_CNODE = 1,     /* the root cnode itself */
    ROOT_SLOT_THREAD = 2,    /* the root thread */
    ROOT_SLOT_IRQ_CONTROL = 3,
    ROOT_SLOT_IOPORT = 4,    /* all I/O ports (meaningful on x86 only) */
    ROOT_SLOT_VSPACE = 5,    /* the root thread's address space */
    ROOT_SLOT_SCHED_CONTROL = 6, /* the right to set budgets (sc_configure) */
    ROOT_SLOT_DEBUG_CONSOLE = 7, /* the right to write to the kernel's console */
    ROOT_SLOT_UNTYPED = 8,   /* first untyped cap; more follow */
};

struct core_boot {
    paddr_t kernel_mem;      /* CORE_BOOT_MEM bytes, aligned to it: root cnode, thread,
                              * address space */
    unsigned root_slot_bits; /* root cnode size: HV_CNODE_MIN_SLOTS_BITS..11 */
    struct {
        paddr_t base;
        unsigned size_bits;  /* naturally aligned */
        bool device;         /* device memory (CAP_FLAG_DEVICE) */
    } untyped[HV_BOOTINFO_MAX_UNTYPED];
    unsigned untyped_count;
};

#define CORE_BOOT_MEM_BITS 18 /* 256 KiB */

/* Returns the root thread (inactive, priority HV_PRIO_MAX, full budget), or NULL if the
 * description does not fit. Calls sched_init and irq_init. */
struct thread *core_boot_root(const struct core_boot *b);
