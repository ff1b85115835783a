/* The AArch64 exit handler: one small handler per exception class (the table below), each
 * turning an exit into a reply. Data aborts go to the MMIO bus, HVC to PSCI, the SGI
 * registers to the GIC; everything else the guest asked for is refused with the
 * architectural fault (UNDEFINED, or an external abort for a data abort). */
#include "aarch64/a64_dabt.h"
#include "aarch64/vmm_a64.h"
#include <hv/abi/vcpu.h>
#include <hv/bits.h>

struct exit_ctx {
    struct vmm_a64 *a;
    unsigned cpu;
    const uint64_t *w;
    uint64_t esr;
    struct vmm_reply reply;
    enum vmm_exit_action action;
};

typedef void (*exit_handler)(struct exit_ctx *x);

static void warn(struct exit_ctx *x, enum a64_exit_warning kind, const char *what)
{
    if (hv_count_and_check(&x->a->warnings[kind]))
        vmm_logf(&x->a->vmm, "cpu %u: %s (esr 0x%lx, addr 0x%lx, pc 0x%lx; %lu times)", x->cpu,
                 what, (unsigned long)x->esr, (unsigned long)x->w[HV_VCPU_W_ADDR],
                 (unsigned long)x->w[HV_VCPU_W_PC], (unsigned long)x->a->warnings[kind]);
}

static void refuse(struct exit_ctx *x, enum a64_exit_warning kind, const char *what)
{
    warn(x, kind, what);
    vmm_reply_fault(&x->reply);
    x->a->vmm.guest_faults++;
}

static void handle_dabt(struct exit_ctx *x)
{
    struct a64_mmio_access acc;
    enum a64_dabt_refusal why = a64_decode_dabt(x->esr, &acc);
    if (why != A64_DABT_OK) {
        refuse(x, A64_WARN_DABT, a64_dabt_refusal_name(why));
        return;
    }
    uint64_t addr = x->w[HV_VCPU_W_ADDR];
    struct vmm_bus *bus = &x->a->vmm.bus;
    if (acc.write) {
        uint64_t value = acc.reg == HV_A64_XZR ? 0 : x->w[HV_A64_W_VALUE];
        if (vmm_bus_write(bus, addr, acc.size, value & hv_size_mask(acc.size)) != VMM_BUS_OK) {
            refuse(x, A64_WARN_BUS, "mmio write refused"); /* the bus logged the address */
            return;
        }
    } else {
        uint64_t value;
        if (vmm_bus_read(bus, addr, acc.size, &value) != VMM_BUS_OK) {
            refuse(x, A64_WARN_BUS, "mmio read refused");
            return;
        }
        if (acc.reg != HV_A64_XZR)
            vmm_reply_set(&x->reply, acc.reg, a64_load_result(&acc, value));
    }
    vmm_reply_advance(&x->reply);
}

static void handle_hvc(struct exit_ctx *x)
{
    uint64_t x0;
    if (esr_iss(x->esr) & ESR_HVC_IMM_MASK) {
        /* SMCCC uses HVC #0 only: another immediate is an unknown function. */
        x0 = (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
    } else {
        const uint64_t args[4] = {x->w[HV_A64_W_X0], x->w[HV_A64_W_X1], x->w[HV_A64_W_X2], 0};
        enum psci_action act = psci_call(&x->a->psci, x->cpu, args, &x0);
        if (act == PSCI_STOP_CPU) {
            x->action = VMM_EXIT_STOP_CPU;
            return;
        }
        if (act == PSCI_STOP_SYSTEM) {
            x->action = VMM_EXIT_STOP;
            return;
        }
    }
    vmm_reply_set(&x->reply, HV_A64_X0, x0);
    vmm_reply_advance(&x->reply);
}

static void handle_smc(struct exit_ctx *x)
{
    /* Partitions call firmware with HVC (the device tree says so); SMC is not a conduit. */
    refuse(x, A64_WARN_SMC, "smc");
}

static void handle_sysreg(struct exit_ctx *x)
{
    uint32_t iss = esr_iss(x->esr);
    unsigned rt = (iss >> ESR_SYS_RT_SHIFT) & 31;
    uint64_t value = rt == HV_A64_XZR ? 0 : x->w[HV_A64_W_VALUE];
    if (a64_sysreg_raz_wi(iss)) {
        if ((iss & ESR_SYS_READ) && rt != HV_A64_XZR)
            vmm_reply_set(&x->reply, rt, 0);
        vmm_reply_advance(&x->reply);
        return;
    }
    if (!a64_sysreg_write(x->a, x->cpu, iss, value)) {
        refuse(x, A64_WARN_SYSREG, "trapped system register");
        return;
    }
    vmm_reply_advance(&x->reply);
}

static void handle_wfx(struct exit_ctx *x)
{
    /* The kernel waits for interrupts itself; if a WFI/WFE reaches us anyway, finishing it at
     * once is allowed (both may complete early). */
    vmm_reply_advance(&x->reply);
}

static void handle_unknown(struct exit_ctx *x)
{
    refuse(x, A64_WARN_EC, "exception class not handled");
}

static const exit_handler handlers[ESR_EC_MASK + 1] = {
    [ESR_EC_WFX] = handle_wfx,      [ESR_EC_HVC64] = handle_hvc,     [ESR_EC_SMC64] = handle_smc,
    [ESR_EC_SYS64] = handle_sysreg, [ESR_EC_DABT_LOW] = handle_dabt,
};

enum { KIND_MMIO, KIND_HVC, KIND_SYSREG, KIND_WFX, KIND_SMC, KIND_OTHER };
const char *const a64_exit_kind_names[VMM_EXIT_KINDS] = {
    [KIND_MMIO] = "mmio", [KIND_HVC] = "hvc", [KIND_SYSREG] = "sysreg",
    [KIND_WFX] = "wfx",   [KIND_SMC] = "smc", [KIND_OTHER] = "other",
};

static unsigned exit_kind(uint64_t esr)
{
    switch (esr_ec(esr)) {
    case ESR_EC_DABT_LOW: return KIND_MMIO;
    case ESR_EC_HVC64: return KIND_HVC;
    case ESR_EC_SYS64: return KIND_SYSREG;
    case ESR_EC_WFX: return KIND_WFX;
    case ESR_EC_SMC64: return KIND_SMC;
    default: return KIND_OTHER;
    }
}

enum vmm_exit_action vmm_a64_handle_exit_cpu(struct vmm *vmm, unsigned cpu,
                                             const uint64_t w[HV_VCPU_EXIT_WORDS],
                                             uint64_t reply[HV_VCPU_EXIT_WORDS], unsigned *len)
{
    struct exit_ctx x = {.a = vmm->platform, .cpu = cpu, .w = w, .esr = w[HV_VCPU_W_CODE]};
    vmm_reply_init(&x.reply);
    x.action = VMM_EXIT_RESUME;
    vmm_count_exit(vmm, (x.esr & HV_VCPU_EXIT_KERNEL) ? KIND_OTHER : exit_kind(x.esr));
    if (cpu >= vmm->ncpus) {
        vmm_reply_fault(&x.reply); /* a caller's mistake; still a well-formed answer */
    } else if (x.esr & HV_VCPU_EXIT_KERNEL) {
        /* The kernel's own exits (none defined yet): resume the guest unchanged. */
        warn(&x, A64_WARN_KERNEL, "unknown kernel exit");
    } else if (x.esr & ESR_RES0_MASK) {
        refuse(&x, A64_WARN_EC, "syndrome with reserved bits set");
    } else {
        exit_handler h = handlers[esr_ec(x.esr)];
        (h ? h : handle_unknown)(&x);
    }
    if (cpu < vmm->ncpus) {
        gicv3_sync(&x.a->gic);
        gicv3_timer_sync(&x.a->gic);
    }
    return vmm_exit_reply(&x.reply, x.action, reply, len);
}

enum vmm_exit_action vmm_a64_handle_exit(struct vmm *vmm, const uint64_t w[HV_VCPU_EXIT_WORDS],
                                         uint64_t reply[HV_VCPU_EXIT_WORDS], unsigned *len)
{
    return vmm_a64_handle_exit_cpu(vmm, 0, w, reply, len);
}
