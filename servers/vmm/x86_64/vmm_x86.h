/* The x86_64 VMM of a partition: the platform models (x86_platform.h) on the VMM core
 * (core/vmm.h), and the exit handler that turns each SVM exit (hv/abi/vcpu.h,
 * hv/abi/vcpu_x86_64.h) into a reply. */
#pragma once

#include "core/irq_line.h"
#include "core/vmm.h"
#include "x86_64/exit/cpuid.h"
#include "x86_64/guest_mem.h"
#include "x86_64/x86_platform.h"

/* What the x86 exit handler needs beyond struct vmm_ops: the vcpu's other registers (an
 * exit message carries only RAX), the host's CPUID, and the clock. x86_target.c implements them
 * with vcpu_read/vcpu_write, the CPUID instruction and RDTSC. */
struct vmm_x86_ops {
    /* hv/abi/vcpu_x86_64.h register numbers; false if the kernel refused. */
    bool (*vcpu_read)(void *ctx, uint32_t reg, uint64_t *value);
    bool (*vcpu_write)(void *ctx, uint32_t reg, uint64_t value);
    void (*host_cpuid)(void *ctx, uint32_t leaf, uint32_t subleaf, struct x86_cpuid_regs *r);
    uint64_t (*now_ns)(void *ctx);
};

/* Refusals the exit handler counts (and logs at powers of two). */
enum x86_exit_warning {
    X86_WARN_NPF,    /* an NPF that can't be emulated (fetch, walk, decode) */
    X86_WARN_IOIO,   /* a malformed or unemulated I/O exit */
    X86_WARN_MSR,    /* an MSR access refused with #GP */
    X86_WARN_CR,     /* a CR8 exit whose instruction is not a MOV CR8 */
    X86_WARN_EXIT,   /* an exit code the VMM does not handle */
    X86_WARN_KERNEL, /* an exit the kernel made up that the VMM does not know */
    X86_WARN_REGS,   /* a vcpu_read/vcpu_write the kernel refused */
    X86_WARN_KINDS,
};

struct vmm_x86 {
    struct vmm vmm;
    struct x86_platform pf;
    struct vmm_x86_ops xops;
    struct x86_guest_mem mem;
    struct x86_cpuid_config cpuid;
    uint64_t warnings[X86_WARN_KINDS];
    bool in_exit; /* an exit is being handled: it delivers interrupts itself at its end */
    /* The vector the kernel's timer holds (HV_X86_TIMER_VECTOR; 0: none yet). The vcpu's reset
     * clears it in the kernel, and the platform is built again (vmm_x86_init) with it. */
    uint8_t kernel_timer_vector;
};

/* Sets up the VMM and its platform for one vcpu, guest RAM at ram (guest-physical 0, size
 * ram_size). HV_OK, or HV_EINVAL for missing ops. */
int vmm_x86_init(struct vmm_x86 *x, const struct vmm_ops *ops, const struct vmm_x86_ops *xops,
                 void *ctx, const char *name, const struct x86_platform_config *cfg, uint8_t *ram,
                 uint64_t ram_size);

/* Handles one exit: w is the fault message's six words; reply and *len receive the words to
 * reply with when the result is VMM_EXIT_RESUME (*len is 0 otherwise). Any exit words and
 * any register values give a well-formed reply: a guest's bad values become faults for the
 * guest, never a crash. Pending interrupts are injected (vmm_x86_deliver) before it returns. */
/* The kinds of exit struct vmm counts (x86_exit.c). */
extern const char *const x86_exit_kind_names[VMM_EXIT_KINDS];

enum vmm_exit_action vmm_x86_handle_exit(struct vmm *vmm, const uint64_t w[HV_VCPU_EXIT_WORDS],
                                         uint64_t reply[HV_VCPU_EXIT_WORDS], unsigned *len);

/* Brings the timers up to date and injects every interrupt the guest should take now.
 * Console input (vmm_console_input / vmm_console_refill) and the lines of
 * vmm_x86_irq_line call it themselves when no exit is being handled; the VMM calls it after
 * anything else that may have changed the platform's state outside an exit. */
void vmm_x86_deliver(struct vmm_x86 *x);

/* The interrupt line for GSI gsi (16 + n for virtio-mmio slot n) for a device model. */
struct vmm_irq_line vmm_x86_irq_line(struct vmm_x86 *x, unsigned gsi);

/* Which virtio-mmio slots have a device on the bus (bit n: slot n), for the DSDT's _STA
 * (x86_acpi_set_virtio_slots): a slot without one is absent to the guest. */
uint32_t vmm_x86_virtio_present(const struct vmm_x86 *x);
