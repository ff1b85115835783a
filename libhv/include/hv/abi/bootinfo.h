/* What the kernel tells the root task at start: where the boot archive is mapped and which
 * untyped memory its capability slots hold. The root task gets its address in R0. */
#pragma once

#include <stdint.h>

#define HV_BOOTINFO_MAGIC 0x4f464e4954455544ull /* "DUETINFO" */
#define HV_BOOTINFO_MAX_UNTYPED 32
#define HV_BOOTINFO_DEVICE 1u

/* The root task's fixed layout (below the user top of both arches). */
#define HV_ROOT_STACK_TOP 0x7fff0000ull
#define HV_ROOT_STACK_SIZE 0x10000ull
#define HV_ROOT_BOOTINFO 0x7fff0000ull   /* one read-only page above the stack */
#define HV_ROOT_BOOTFS 0x100000000ull    /* the boot archive, read-only, at this + (its physical
                                          * address mod 2 MiB): bootfs_vaddr says where */

struct hv_bootinfo {
    uint64_t magic;
    uint64_t bootfs_vaddr, bootfs_size;
    uint32_t untyped_first_slot, untyped_count;
    struct {
        uint64_t paddr;
        uint32_t size_bits;
        uint32_t flags; /* HV_BOOTINFO_DEVICE: device memory, for frames mapped uncached */
    } untyped[HV_BOOTINFO_MAX_UNTYPED];
    char cmdline[256]; /* the kernel's command line: the root task's options too */
};
