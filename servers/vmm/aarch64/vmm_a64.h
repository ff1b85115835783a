/* The AArch64 platform of a partition, as QEMU virt shows it: GICv3 at 0x0800_0000 /
 * 0x080a_0000, PL011 at 0x0900_0000 (INTID 33), PSCI over HVC; and the exit handler that
 * turns each guest exit (hv/abi/vcpu.h, hv/abi/vcpu_aarch64.h) into a reply. */
#pragma once

#include "aarch64/gicv3.h"
#include "aarch64/pl011.h"
#include "aarch64/psci.h"
#include "core/vmm.h"
#include "core/vmm_boot.h"

/* Refusals the exit handler counts (and logs at powers of two). */
enum a64_exit_warning {
    A64_WARN_DABT, /* a data abort that can't be emulated */
    A64_WARN_BUS,  /* an emulated access no device took */
    A64_WARN_SMC,
    A64_WARN_SYSREG,
    A64_WARN_EC,     /* an exception class the VMM does not handle */
    A64_WARN_KERNEL, /* an exit the kernel made up that the VMM does not know */
    A64_WARN_KINDS,
};

struct vmm_a64 {
    struct vmm vmm;
    struct gicv3 gic;
    struct pl011 uart;
    struct psci psci;
    uint64_t warnings[A64_WARN_KINDS];
};

/* Sets up the VMM and its platform for ncpus vcpus with affinities mpidr[0..ncpus) (NULL:
 * Aff0 = index). Returns HV_OK, or HV_EINVAL for bad ops or ncpus, or a bus error. */
int vmm_a64_init(struct vmm_a64 *a, const struct vmm_ops *ops, void *ctx, const char *name,
                 unsigned ncpus, const uint64_t *mpidr);

/* Handles one exit of vcpu cpu: w is the fault message's six words; reply and *len receive
 * the words to reply with when the result is VMM_EXIT_RESUME (*len is 0 otherwise). Any
 * exit words at all give a well-formed reply: a guest's bad values are faults or error
 * codes for the guest, never a crash. */
enum vmm_exit_action vmm_a64_handle_exit_cpu(struct vmm *vmm, unsigned cpu,
                                             const uint64_t w[HV_VCPU_EXIT_WORDS],
                                             uint64_t reply[HV_VCPU_EXIT_WORDS], unsigned *len);
/* The same for vcpu 0. */
enum vmm_exit_action vmm_a64_handle_exit(struct vmm *vmm, const uint64_t w[HV_VCPU_EXIT_WORDS],
                                         uint64_t reply[HV_VCPU_EXIT_WORDS], unsigned *len);

/* Trapped MSR/MRS (EC 0x18): the SGI-generation registers; false: not one of them. */
bool a64_sysreg_write(struct vmm_a64 *a, unsigned cpu, uint32_t iss, uint64_t value);
/* Whether a trapped register is one the partition sees as read-as-zero, write-ignored (the
 * debug and PMU registers). */
bool a64_sysreg_raz_wi(uint32_t iss);
/* The kinds of exit struct vmm counts (a64_exit.c). */
extern const char *const a64_exit_kind_names[VMM_EXIT_KINDS];

/* vcpu 0's power-on registers for the partition (a64_boot.c): HV_EINVAL for a boot protocol
 * that is not AArch64's. */
int vmm_a64_boot_regs(const struct hv_pt_partition *part, struct vmm_boot *b);
