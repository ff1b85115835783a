/* The MSR policy table: one row per MSR (or range), each with its read and write rule. */
#include "x86_64/exit/msr.h"
#include "x86_64/x86_time.h"

struct msr_rule {
    uint32_t first, last;
    const char *name;
    bool (*read)(struct x86_platform *pf, uint32_t msr, uint64_t *v);
    bool (*write)(struct x86_platform *pf, uint32_t msr, uint64_t v);
};

static void note_ignored(struct x86_platform *pf, uint32_t msr, const char *name, uint64_t v)
{
    x86_log_once(&pf->log, X86_LOG_MSR, msr, "x86: wrmsr %s (0x%x) = 0x%lx ignored", name, msr,
                 (unsigned long)v);
}

/* The guest's TSC at platform time ns (x86_platform_ops.now_ns). */
static uint64_t tsc_at(const struct x86_platform *pf, uint64_t ns)
{
    return x86_muldiv(ns, pf->cfg.tsc_hz, NS_PER_S, false);
}

static bool tsc_rd(struct x86_platform *pf, uint32_t msr, uint64_t *v)
{
    *v = tsc_at(pf, pf->ops.now_ns(pf->ops.ctx));
    return true;
}

static bool tsc_wr(struct x86_platform *pf, uint32_t msr, uint64_t v)
{
    /* The TSC is the host's counter; setting it would need a TSC offset the kernel owns. */
    note_ignored(pf, msr, "IA32_TSC", v);
    return true;
}

static bool apic_base_rd(struct x86_platform *pf, uint32_t msr, uint64_t *v)
{
    *v = lapic_base_read(&pf->lapic);
    return true;
}

static bool apic_base_wr(struct x86_platform *pf, uint32_t msr, uint64_t v)
{
    return lapic_base_write(&pf->lapic, v);
}

static bool x2apic_rd(struct x86_platform *pf, uint32_t msr, uint64_t *v)
{
    return lapic_msr_read(&pf->lapic, msr, v);
}

static bool x2apic_wr(struct x86_platform *pf, uint32_t msr, uint64_t v)
{
    return lapic_msr_write(&pf->lapic, msr, v);
}

static bool deadline_rd(struct x86_platform *pf, uint32_t msr, uint64_t *v)
{
    *v = lapic_tsc_deadline_read(&pf->lapic);
    return true;
}

static bool deadline_wr(struct x86_platform *pf, uint32_t msr, uint64_t v)
{
    lapic_tsc_deadline_write(&pf->lapic, v);
    return true;
}

/* Read-only constants. A write of the value already there is accepted (firmware-style
 * "write back what you read"), anything else ignored and logged. */
static uint64_t fixed_value(uint32_t msr)
{
    switch (msr) {
    case MSR_IA32_FEATURE_CONTROL:
        return 1; /* locked, VMX off: what firmware leaves on a machine without VMX */
    case MSR_IA32_MTRRCAP:
        return X86_MTRRCAP_VALUE;
    case MSR_IA32_MTRR_DEF_TYPE:
        return X86_MTRR_DEF_TYPE_VALUE;
    default:
        return 0; /* BIOS_SIGN_ID: no microcode revision; K8_INT_PENDING_MSG: C1E off */
    }
}

static bool fixed_rd(struct x86_platform *pf, uint32_t msr, uint64_t *v)
{
    *v = fixed_value(msr);
    return true;
}

static bool fixed_wr(struct x86_platform *pf, uint32_t msr, uint64_t v)
{
    if (v != fixed_value(msr))
        note_ignored(pf, msr, "read-only", v);
    return true;
}

/* Fast strings is a preference the guest may change; the rest describes the CPU. */
static bool misc_enable_rd(struct x86_platform *pf, uint32_t msr, uint64_t *v)
{
    *v = pf->misc_enable;
    return true;
}

static bool misc_enable_wr(struct x86_platform *pf, uint32_t msr, uint64_t v)
{
    if ((v ^ pf->misc_enable) & ~X86_MISC_ENABLE_FAST_STRINGS)
        note_ignored(pf, msr, "IA32_MISC_ENABLE (bits other than fast strings)", v);
    pf->misc_enable = (pf->misc_enable & ~X86_MISC_ENABLE_FAST_STRINGS) |
                      (v & X86_MISC_ENABLE_FAST_STRINGS);
    return true;
}

/* The legacy counters exist on every AMD CPU the guest is told it runs on (family 0Fh), so a
 * guest programs them without asking CPUID; they count nothing here (no PMU is offered:
 * PerfCtrExtCore is clear), as on QEMU without a PMU: read 0, writes taken. */
static bool k7_perf_rd(struct x86_platform *pf, uint32_t msr, uint64_t *v)
{
    *v = 0;
    return true;
}

static bool k7_perf_wr(struct x86_platform *pf, uint32_t msr, uint64_t v)
{
    return true;
}

static bool readonly_wr(struct x86_platform *pf, uint32_t msr, uint64_t v)
{
    return false; /* MTRRCAP and FEATURE_CONTROL (locked) #GP on write */
}

static bool mtrr_def_wr(struct x86_platform *pf, uint32_t msr, uint64_t v)
{
    /* Type (7:0), FE (10), E (11); other bits are reserved and #GP (SDM 11.11.2.1). */
    if (v & ~0xcffull)
        return false;
    return fixed_wr(pf, msr, v);
}

static bool pat_rd(struct x86_platform *pf, uint32_t msr, uint64_t *v)
{
    *v = pf->pat;
    return true;
}

static bool pat_wr(struct x86_platform *pf, uint32_t msr, uint64_t v)
{
    /* Each byte is a memory type: 0 UC, 1 WC, 4 WT, 5 WP, 6 WB, 7 UC-; others #GP. */
    for (unsigned i = 0; i < 8; i++) {
        uint8_t t = (uint8_t)(v >> (8 * i));
        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    pf->pat = v;
    return true;
}

static bool sign_id_wr(struct x86_platform *pf, uint32_t msr, uint64_t v)
{
    return true; /* Linux writes 0 before CPUID(1) to read the revision: nothing to do */
}

static bool kvm_clock_rd(struct x86_platform *pf, uint32_t msr, uint64_t *v)
{
    if (!pf->mem)
        return false;
    *v = msr == MSR_KVM_SYSTEM_TIME_NEW ? pf->pvclock.system_time_msr : pf->pvclock.wall_clock_msr;
    return true;
}

static bool kvm_clock_wr(struct x86_platform *pf, uint32_t msr, uint64_t v)
{
    if (!pf->mem)
        return false;
    uint64_t now = pf->ops.now_ns(pf->ops.ctx);
    bool written;
    if (msr == MSR_KVM_SYSTEM_TIME_NEW)
        written = pvclock_system_time_write(&pf->pvclock, pf->mem, v, now, tsc_at(pf, now),
                                            pf->cfg.tsc_hz);
    else
        written = pvclock_wall_clock_write(&pf->pvclock, pf->mem, v, pf->cmos.epoch_s);
    /* A record the VMM can't write leaves the guest's memory as it was; the guest reads an
     * empty record (version 0, rate 0), as on KVM with an address outside memory. */
    if (!written)
        x86_log_once(&pf->log, X86_LOG_MSR, msr,
                     "x86: kvmclock MSR 0x%x = 0x%lx: no record written", msr, (unsigned long)v);
    return true;
}

static const struct msr_rule msr_rules[] = {
    {MSR_IA32_TSC, MSR_IA32_TSC, "IA32_TSC", tsc_rd, tsc_wr},
    {MSR_IA32_APIC_BASE, MSR_IA32_APIC_BASE, "IA32_APIC_BASE", apic_base_rd, apic_base_wr},
    {MSR_IA32_FEATURE_CONTROL, MSR_IA32_FEATURE_CONTROL, "IA32_FEATURE_CONTROL", fixed_rd,
     readonly_wr},
    {MSR_IA32_BIOS_SIGN_ID, MSR_IA32_BIOS_SIGN_ID, "IA32_BIOS_SIGN_ID", fixed_rd, sign_id_wr},
    {MSR_IA32_MTRRCAP, MSR_IA32_MTRRCAP, "IA32_MTRRCAP", fixed_rd, readonly_wr},
    {MSR_IA32_MISC_ENABLE, MSR_IA32_MISC_ENABLE, "IA32_MISC_ENABLE", misc_enable_rd,
     misc_enable_wr},
    {MSR_IA32_PAT, MSR_IA32_PAT, "IA32_PAT", pat_rd, pat_wr},
    {MSR_IA32_MTRR_DEF_TYPE, MSR_IA32_MTRR_DEF_TYPE, "IA32_MTRR_DEF_TYPE", fixed_rd, mtrr_def_wr},
    {MSR_IA32_TSC_DEADLINE, MSR_IA32_TSC_DEADLINE, "IA32_TSC_DEADLINE", deadline_rd, deadline_wr},
    {MSR_X2APIC_FIRST, MSR_X2APIC_LAST, "x2APIC", x2apic_rd, x2apic_wr},
    {MSR_K7_PERF_FIRST, MSR_K7_PERF_LAST, "PerfEvtSel/PerfCtr", k7_perf_rd, k7_perf_wr},
    {MSR_K8_INT_PENDING_MSG, MSR_K8_INT_PENDING_MSG, "K8_INT_PENDING_MSG", fixed_rd, fixed_wr},
    {MSR_KVM_WALL_CLOCK_NEW, MSR_KVM_SYSTEM_TIME_NEW, "kvmclock", kvm_clock_rd, kvm_clock_wr},
};

static const struct msr_rule *msr_find(uint32_t msr)
{
    for (unsigned i = 0; i < sizeof(msr_rules) / sizeof(msr_rules[0]); i++)
        if (msr >= msr_rules[i].first && msr <= msr_rules[i].last)
            return &msr_rules[i];
    return NULL;
}

bool x86_msr_read(struct x86_platform *pf, uint32_t msr, uint64_t *value)
{
    *value = 0;
    const struct msr_rule *r = msr_find(msr);
    if (r && r->read(pf, msr, value))
        return true;
    *value = 0;
    if (!r)
        x86_log_once(&pf->log, X86_LOG_MSR, msr, "x86: rdmsr 0x%x unknown: #GP", msr);
    return false;
}

bool x86_msr_write(struct x86_platform *pf, uint32_t msr, uint64_t value)
{
    const struct msr_rule *r = msr_find(msr);
    if (r && r->write(pf, msr, value))
        return true;
    if (!r)
        x86_log_once(&pf->log, X86_LOG_MSR, msr, "x86: wrmsr 0x%x = 0x%lx unknown: #GP", msr,
                     (unsigned long)value);
    return false;
}
