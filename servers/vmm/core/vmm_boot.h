/* The VMM's boot interface, as the VMM reads it. The root task starts a VMM with the caps,
 * pages and read-only `struct hv_vmm_config` that libhv/include/hv/proto/partition.h lays out
 * (slots HV_VMM_SLOT_*, the config at HV_VMM_CONFIG_VA, the console ring at HV_VMM_RING_VA,
 * the guest's RAM at HV_VMM_RAM_VA; docs/partitions.md). Before trusting any of it the VMM
 * checks the config and derives what it needs here, with no system call, so that the check is
 * tested on the host: a bad config stops this VMM with a message, nothing else. */
#pragma once

#include "core/vmm.h"
#include <hv/proto/partition.h>
#include <stdint.h>

/* Room for the longest power-on register list of any arch: x86_64's 64-bit boot protocol
 * entry needs ~40 writes (control registers, every segment, GDTR/IDTR, TR, RSI, RIP), which
 * x86_64/boot_state.h bounds by X86_BOOT_MAX_REGS. */
#define VMM_BOOT_MAX_REGS 48

/* A register write a vcpu needs before its first run (hv/abi/vcpu.h numbers of the arch). */
struct vmm_boot_reg {
    uint32_t reg;
    uint64_t value;
};

struct vmm_boot {
    char name[HV_PT_NAME_MAX]; /* the partition's name, NUL-terminated */
    unsigned ncpus;
    uint64_t ram_gpa, ram_size;
    /* vcpu 0's registers at power-on (the others wait for PSCI CPU_ON / INIT-SIPI). */
    struct vmm_boot_reg regs[VMM_BOOT_MAX_REGS];
    unsigned nregs;
    /* The partition table gives it a disk (the device tree names its slot), and whether the
     * root task gave the storage server's caps with it (HV_VMM_DEV_BLK): the guest sees a
     * virtio-blk device only with both, an empty slot with the first alone. */
    bool disk_in_table, storage_given;
    /* The same for its network port (HV_VMM_DEV_NET: the radio server's caps). */
    bool net_in_table, radio_given;
    /* The same for its keyboard (HV_PT_UI_KEYBOARD; HV_VMM_DEV_KBD: the keyboard server's). */
    bool kbd_in_table, keyboard_given;
    /* The register page is mapped at HV_VMM_REGS_VA (HV_VMM_DEV_REGS): the guest reads its
     * virtio-mmio slots' page from it (mmio_bus.h). */
    bool regs_page_given;
};

/* Checks the arch-independent part of cfg and fills *out except the registers: HV_OK,
 * HV_EINVAL (a count out of range, an empty or unterminated name, an unknown disk selector or
 * access, unknown device bits) or HV_ERANGE (RAM that wraps or is not 2 MiB-aligned, an entry
 * point outside RAM). The arch's platform then adds vcpu 0's
 * registers (vmm_a64_boot_regs, or x86_64's). */
int vmm_boot_read(const struct hv_vmm_config *cfg, struct vmm_boot *out);

/* Adds a register write; false when the list is full. */
bool vmm_boot_add_reg(struct vmm_boot *b, uint32_t reg, uint64_t value);
