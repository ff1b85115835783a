/* Switching the CPU between the host (EL2&0 regime, TGE=1: tasks at EL0) and a guest at EL1
 * (TGE=0, stage 2 on): the guest's EL1 system registers, FP/SIMD, virtual timer and GIC
 * virtual interface are loaded at entry and saved at every exit, so the vcpu object always
 * holds the truth while the kernel runs. The general registers go through vectors.S. */
#include "guest.h"
#include "guest_debug.h"
#include "sysreg.h"
#include <kernel/vspace.h>
#include <platform.h>

#define HCR_GUEST (HCR_EL2_VM | HCR_EL2_FMO | HCR_EL2_IMO | HCR_EL2_AMO | HCR_EL2_TWI | \
                   HCR_EL2_TWE | HCR_EL2_TSC | HCR_EL2_TID3 | HCR_EL2_TIDCP | HCR_EL2_TACR | \
                   HCR_EL2_TSW | HCR_EL2_RW | HCR_EL2_E2H | HCR_EL2_TLOR)
/* Counters and timers (SEC-M4): tasks read the virtual counter (the benchmarks and tests time
 * themselves with it) and touch no timer; guests read the physical counter as on QEMU virt.
 * A guest's EL1 physical timer is its own, switched with it once it has used it: until then
 * its CNTP_* accesses trap (EL1PTEN clear) and the first one claims the timer (guest_exit.c),
 * so no vcpu ever sees another's CNTP state. Written at boot: nothing a firmware left counts. */
#define CNTHCTL_VALUE (CNTHCTL_EL0VCTEN | CNTHCTL_EL1PCTEN)
/* VM stays set in the host: with E2H and TGE set it acts as 0 (ARM ARM, HCR_EL2.VM), and QEMU
 * flushes its whole TLB whenever a write changes VM, so toggling it cost two flushes an exit. */
#define HCR_HOST (HCR_EL2_E2H | HCR_EL2_TGE | HCR_EL2_VM)

/* VTCR_EL2 (ARM ARM D17.2.166): T0SZ=24 (40-bit IPA), SL0=1 (start at level 1, two
 * concatenated tables: pt_format.c), inner/outer write-back walks, inner shareable, 4 KiB
 * granule, PS=0b010 (40-bit PA), bit 31 RES1. */
#define VTCR_VALUE ((1ull << 31) | (2ull << 16) | (3ull << 12) | (1ull << 10) | (1ull << 8) | \
                    (1ull << 6) | 24)

#define ICH_HCR_EN 1ull
#define ICH_HCR_UIE 2ull
#define ICC_SGI_BASE_ISACTIVER0 0x10300

void fpsimd_save(uint64_t *area);
void fpsimd_load(const uint64_t *area);

/* The vcpu (by uid) that last ran on each VMID: another vcpu of the same space must not find
 * its stage-1 TLB entries (they are tagged by VMID and the guest's ASID only). */
static uint64_t last_on_vmid[256];

void guest_init(void)
{
    uint64_t cptr = read_sysreg(cpacr_el1); /* CPTR_EL2, E2H layout */
    cptr &= ~(3ull << CPTR_E2H_FPEN_SHIFT);
    write_sysreg(cpacr_el1, cptr | CPTR_E2H_FPEN_EL0_HOST << CPTR_E2H_FPEN_SHIFT);
    write_sysreg(cntvoff_el2, 0);
    write_sysreg(cnthctl_el2, CNTHCTL_VALUE);
    write_sysreg(cntp_ctl_el02, 0); /* the guests' EL1 physical timer: off until one claims it */
    write_sysreg(cntv_cval_el02, 0); /* what hw_cntv_cval and hw_cntv_ctl say */
    write_sysreg(cntv_ctl_el02, 0);
    write_sysreg(actlr_el2, 0);                       /* IMPLEMENTATION DEFINED: all off */
    write_sysreg(vpidr_el2, read_sysreg(midr_el1));   /* guests see the CPU's MIDR */
    write_sysreg(vtcr_el2, VTCR_VALUE);
    write_sysreg(vttbr_el2, 0);
    write_sysreg(S3_4_C12_C11_0, 0); /* ICH_HCR_EL2: virtual CPU interface off */
    isb();
    gic_enable_ppi(VCPU_TIMER_INTID);
    gic_enable_ppi(VCPU_PTIMER_INTID);
    gic_enable_ppi(VCPU_MAINT_INTID);
    guest_debug_init();
}

/* ---- EL1 system registers (E2H=1: the _EL12/_EL02 names reach the EL1 copies) ---- */

/* The host never uses the EL1 registers (E2H), so they usually still hold what the guest
 * left; a write of the same value is skipped because a translation control write flushes
 * QEMU's whole TLB even when nothing changed (TCR_EL1 in QEMU 7.2). */
#define write_sysreg_if_changed(reg, v)                                                        \
    do {                                                                                       \
        uint64_t want_ = (v);                                                                  \
        if (read_sysreg(reg) != want_)                                                         \
            write_sysreg(reg, want_);                                                          \
    } while (0)

static void el1_load(const struct a64_vcpu *g)
{
    const uint64_t *r = g->regs;
    write_sysreg_if_changed(sctlr_el12, r[HV_A64_SCTLR_EL1]);
    write_sysreg_if_changed(ttbr0_el12, r[HV_A64_TTBR0_EL1]);
    write_sysreg_if_changed(ttbr1_el12, r[HV_A64_TTBR1_EL1]);
    write_sysreg_if_changed(tcr_el12, r[HV_A64_TCR_EL1]);
    write_sysreg_if_changed(mair_el12, r[HV_A64_MAIR_EL1]);
    write_sysreg_if_changed(amair_el12, r[HV_A64_AMAIR_EL1]);
    write_sysreg(vbar_el12, r[HV_A64_VBAR_EL1]);
    write_sysreg(esr_el12, r[HV_A64_ESR_EL1]);
    write_sysreg(far_el12, r[HV_A64_FAR_EL1]);
    write_sysreg(afsr0_el12, r[HV_A64_AFSR0_EL1]);
    write_sysreg(afsr1_el12, r[HV_A64_AFSR1_EL1]);
    write_sysreg_if_changed(contextidr_el12, r[HV_A64_CONTEXTIDR_EL1]);
    write_sysreg(cpacr_el12, r[HV_A64_CPACR_EL1]);
    write_sysreg(cntkctl_el12, r[HV_A64_CNTKCTL_EL1]);
    write_sysreg(elr_el12, r[HV_A64_ELR_EL1]);
    write_sysreg(spsr_el12, r[HV_A64_SPSR_EL1]);
    write_sysreg(sp_el1, r[HV_A64_SP_EL1]);
    write_sysreg(tpidr_el1, r[HV_A64_TPIDR_EL1]);
    write_sysreg(tpidrro_el0, r[HV_A64_TPIDRRO_EL0]);
    write_sysreg(par_el1, r[HV_A64_PAR_EL1]);
    write_sysreg(vmpidr_el2, r[HV_A64_MPIDR]);
}

static void el1_save(struct a64_vcpu *g)
{
    uint64_t *r = g->regs;
    r[HV_A64_SCTLR_EL1] = read_sysreg(sctlr_el12);
    r[HV_A64_TTBR0_EL1] = read_sysreg(ttbr0_el12);
    r[HV_A64_TTBR1_EL1] = read_sysreg(ttbr1_el12);
    r[HV_A64_TCR_EL1] = read_sysreg(tcr_el12);
    r[HV_A64_MAIR_EL1] = read_sysreg(mair_el12);
    r[HV_A64_AMAIR_EL1] = read_sysreg(amair_el12);
    r[HV_A64_VBAR_EL1] = read_sysreg(vbar_el12);
    r[HV_A64_ESR_EL1] = read_sysreg(esr_el12);
    r[HV_A64_FAR_EL1] = read_sysreg(far_el12);
    r[HV_A64_AFSR0_EL1] = read_sysreg(afsr0_el12);
    r[HV_A64_AFSR1_EL1] = read_sysreg(afsr1_el12);
    r[HV_A64_CONTEXTIDR_EL1] = read_sysreg(contextidr_el12);
    r[HV_A64_CPACR_EL1] = read_sysreg(cpacr_el12);
    r[HV_A64_CNTKCTL_EL1] = read_sysreg(cntkctl_el12);
    r[HV_A64_ELR_EL1] = read_sysreg(elr_el12);
    r[HV_A64_SPSR_EL1] = read_sysreg(spsr_el12);
    r[HV_A64_SP_EL1] = read_sysreg(sp_el1);
    r[HV_A64_TPIDR_EL1] = read_sysreg(tpidr_el1);
    r[HV_A64_TPIDRRO_EL0] = read_sysreg(tpidrro_el0);
    r[HV_A64_PAR_EL1] = read_sysreg(par_el1);
    /* Tasks at EL0 can read TPIDRRO_EL0: never leave a guest's value there. */
    write_sysreg(tpidrro_el0, 0);
}

/* ---- timers: the virtual one always, the EL1 physical one once the guest claimed it ---- */

static void ptimer_load(const struct a64_vcpu *g)
{
    write_sysreg(cntp_cval_el02, g->cntp_cval);
    write_sysreg(cntp_ctl_el02, g->cntp_ctl);
    write_sysreg(cnthctl_el2, CNTHCTL_VALUE | CNTHCTL_EL1PTEN);
}

static void ptimer_save(struct a64_vcpu *g)
{
    g->cntp_ctl = read_sysreg(cntp_ctl_el02) & 3;
    g->cntp_cval = read_sysreg(cntp_cval_el02);
    write_sysreg(cntp_ctl_el02, 0);
    write_sysreg(cnthctl_el2, CNTHCTL_VALUE); /* the next vcpu's CNTP_* trap until it claims */
}

/* The timer PPIs held active for g while it runs: a list register holds the PPI with HW=1
 * (the guest's EOI deactivates it), or the VMM's GIC masks an armed timer (active, its level
 * does not bring the CPU back to EL2 for nothing). */
static void held_ppis_load(const struct a64_vcpu *g)
{
    *(volatile uint32_t *)(KERNEL_VIRT_OFFSET + PLAT_GICR_BASE + ICC_SGI_BASE_ISACTIVER0) =
        (uint32_t)(g->timer_flags & VCPU_TIMER_HELD);
}

/* Whoever runs next needs the PPIs inactive; the next entry works out which to hold again. */
static void held_ppis_save(struct a64_vcpu *g)
{
    if (g->timer_flags & 1ull << VCPU_TIMER_INTID)
        write_sysreg(S3_0_C12_C11_1, VCPU_TIMER_INTID); /* ICC_DIR_EL1 */
    if (g->timer_flags & 1ull << VCPU_PTIMER_INTID)
        write_sysreg(S3_0_C12_C11_1, VCPU_PTIMER_INTID);
    g->timer_flags = (g->timer_flags & ~VCPU_TIMER_HELD) | VCPU_TIMER_RECHECK;
}

/* Out of line: with no timer flags (the usual case) the entry and exit pay one test and
 * nothing else, not even registers saved for this code (the exit round trip's figure). */
static __attribute__((noinline)) void timer_flags_load(struct a64_vcpu *g)
{
    vcpu_timer_recheck(g);
    if (g->timer_flags & VCPU_TIMER_PTIMER)
        ptimer_load(g);
    if (g->timer_flags & VCPU_TIMER_HELD)
        held_ppis_load(g);
}

static __attribute__((noinline)) void timer_flags_save(struct a64_vcpu *g)
{
    if (g->timer_flags & VCPU_TIMER_PTIMER)
        ptimer_save(g);
    if (g->timer_flags & VCPU_TIMER_HELD)
        held_ppis_save(g);
}

/* What CNTV_CTL and CNTV_CVAL hold now. Writes that would change nothing are skipped: QEMU
 * re-arms its host timer at every CVAL write and every enable, and a re-armed earliest
 * deadline wakes QEMU's main loop (an eventfd write and a host thread switch: 1.9 a block
 * request before, 0.8 after; docs/storage.md, "A lost wake-up"). Masking rather than
 * disabling at exit keeps the host timer armed: an IMASK change only sets the line. */
static uint64_t hw_cntv_ctl, hw_cntv_cval;

static void timer_load(struct a64_vcpu *g)
{
    uint64_t ctl = g->regs[HV_A64_CNTV_CTL] & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
    if (hw_cntv_cval != g->regs[HV_A64_CNTV_CVAL]) {
        hw_cntv_cval = g->regs[HV_A64_CNTV_CVAL];
        write_sysreg(cntv_cval_el02, hw_cntv_cval);
    }
    if (hw_cntv_ctl != ctl) {
        hw_cntv_ctl = ctl;
        write_sysreg(cntv_ctl_el02, ctl);
    }
    if (g->timer_flags)
        timer_flags_load(g);
}

static void timer_save(struct a64_vcpu *g)
{
    uint64_t ctl = read_sysreg(cntv_ctl_el02) & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
    g->regs[HV_A64_CNTV_CTL] = ctl; /* ISTATUS is read-only */
    g->regs[HV_A64_CNTV_CVAL] = hw_cntv_cval = read_sysreg(cntv_cval_el02);
    /* Masked while the guest is not running: its deadline wakes it through the kernel's
     * timer (kernel/vcpu.c), and the line must not fire for whoever runs next. */
    hw_cntv_ctl = ctl | CNTV_CTL_IMASK;
    if (hw_cntv_ctl != ctl)
        write_sysreg(cntv_ctl_el02, hw_cntv_ctl);
    if (g->timer_flags)
        timer_flags_save(g);
}

/* ---- GIC virtual CPU interface (4 list registers) ---- */

static void lr_write(unsigned i, uint64_t v)
{
    switch (i) {
    case 0: write_sysreg(S3_4_C12_C12_0, v); break;
    case 1: write_sysreg(S3_4_C12_C12_1, v); break;
    case 2: write_sysreg(S3_4_C12_C12_2, v); break;
    default: write_sysreg(S3_4_C12_C12_3, v); break;
    }
}

static uint64_t lr_read(unsigned i)
{
    switch (i) {
    case 0: return read_sysreg(S3_4_C12_C12_0);
    case 1: return read_sysreg(S3_4_C12_C12_1);
    case 2: return read_sysreg(S3_4_C12_C12_2);
    default: return read_sysreg(S3_4_C12_C12_3);
    }
}

static void gic_load(struct a64_vcpu *g)
{
    bool more = vcpu_lr_refill(g);
    for (unsigned i = 0; i < VCPU_LRS; i++)
        lr_write(i, g->lr[i]);
    write_sysreg(S3_4_C12_C11_7, g->vmcr);  /* ICH_VMCR_EL2 */
    write_sysreg(S3_4_C12_C8_0, g->ap0r0);  /* ICH_AP0R0_EL2 */
    write_sysreg(S3_4_C12_C9_0, g->ap1r0);  /* ICH_AP1R0_EL2 */
    /* Underflow maintenance interrupt only while injections still wait for a register. */
    write_sysreg(S3_4_C12_C11_0, ICH_HCR_EN | (more ? ICH_HCR_UIE : 0));
}

static void gic_save(struct a64_vcpu *g)
{
    for (unsigned i = 0; i < VCPU_LRS; i++)
        g->lr[i] = lr_read(i);
    g->vmcr = read_sysreg(S3_4_C12_C11_7);
    g->ap0r0 = read_sysreg(S3_4_C12_C8_0);
    g->ap1r0 = read_sysreg(S3_4_C12_C9_0);
    write_sysreg(S3_4_C12_C11_0, 0);
}

/* ---- entry and exit ---- */

struct arch_context *guest_enter(struct thread *t)
{
    struct vcpu *v = t->vcpu;
    struct a64_vcpu *g = a64_vcpu(&v->arch);
    const struct arch_vspace *avs = &v->vspace->arch;
    unsigned vmid = (unsigned)avs->words[0];

    el1_load(g);
    fpsimd_load(g->fpregs);
    timer_load(g);
    gic_load(g);
    write_sysreg_if_changed(vttbr_el2, avs->words[1]);
    write_sysreg(mdcr_el2, guest_debug_enter(g));
    write_sysreg(hcr_el2, HCR_GUEST);
    isb();
    if (last_on_vmid[vmid] != g->uid) {
        /* With TGE clear and this VMID loaded, vmalle1 drops only this space's stage-1
         * entries, which the previous vcpu of the space left behind. */
        __asm__ volatile("tlbi vmalle1" ::: "memory");
        dsb(nsh);
        isb();
        last_on_vmid[vmid] = g->uid;
    }
    /* The general registers, PC and PSTATE are loaded by aarch64_enter_user. */
    return (struct arch_context *)(void *)g->regs;
}

void guest_leave(struct a64_vcpu *g)
{
    /* The host regime first: TLB maintenance and EL0 tasks depend on TGE. */
    write_sysreg(hcr_el2, HCR_HOST);
    guest_debug_leave(g);
    isb();
    el1_save(g);
    fpsimd_save(g->fpregs);
    timer_save(g);
    gic_save(g);
}
