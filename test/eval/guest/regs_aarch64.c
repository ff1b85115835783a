/* AArch64's registers for the sanitization cases (regs.h): q0..q31 with FPCR/FPSR
 * (regs_aarch64_fp.S), and EL0/EL1 system registers a hypervisor switches per vcpu or resets
 * with it: the thread ID registers, CONTEXTIDR, the translation table bases (unused with the
 * MMU off, so free to plant), SP_EL0, the virtual timer's compare value, and a breakpoint and
 * a watchpoint value register (which Duet switches lazily, guest_debug.c). */
#include <guest/a64.h>
#include <guest/exc.h>

#include "regs.h"

#define FP_WORDS 64
#define CPACR_FPEN (3ull << 20)

void regs_fp_store(uint64_t q[FP_WORDS], uint64_t ctl[2]);
void regs_fp_load(const uint64_t q[FP_WORDS], const uint64_t ctl[2]);

/* Different from the reset values (0) and from each other: FPCR DN/FZ/RMode, FPSR QC and the
 * cumulative exception bits. */
static void fp_controls(uint64_t seed, uint64_t ctl[2])
{
    ctl[0] = seed & 1 ? 0x03c00000 : 0x02800000;
    ctl[1] = seed & 1 ? 0x0800009f : 0x00000011;
}

void regs_fp_enable(void)
{
    write_sysreg(cpacr_el1, read_sysreg(cpacr_el1) | CPACR_FPEN);
    isb();
}

void regs_fp_plant(uint64_t seed)
{
    static uint64_t q[FP_WORDS] __attribute__((aligned(16)));
    static uint64_t ctl[2] __attribute__((aligned(16)));
    for (unsigned k = 0; k < FP_WORDS; k++)
        q[k] = regs_value(seed, k);
    fp_controls(seed, ctl);
    regs_fp_enable();
    regs_fp_load(q, ctl);
}

unsigned regs_fp_count(uint64_t seed, unsigned *total, char *found, size_t len)
{
    static uint64_t q[FP_WORDS] __attribute__((aligned(16)));
    static uint64_t ctl[2] __attribute__((aligned(16)));
    static const char *const vnames[32] = {
        "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10",
        "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21",
        "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31"};
    uint64_t want[2];
    unsigned n = 0;
    found[0] = '\0';
    regs_fp_enable();
    regs_fp_store(q, ctl);
    for (unsigned k = 0; k < FP_WORDS; k++)
        if (q[k] == regs_value(seed, k)) {
            n++;
            if (k % 2 == 0 || q[k - 1] != regs_value(seed, k - 1))
                regs_note(found, len, vnames[k / 2]);
        }
    fp_controls(seed, want);
    if (ctl[0] == want[0])
        n++, regs_note(found, len, "FPCR");
    if (ctl[1] == want[1])
        n++, regs_note(found, len, "FPSR");
    *total = FP_WORDS + 2;
    return n;
}

#define SYSREG(r)                                                                                  \
    static uint64_t read_##r(void) { return read_sysreg(r); }                                      \
    static void write_##r(uint64_t v) { write_sysreg(r, v); isb(); }
SYSREG(tpidr_el0)
SYSREG(tpidr_el1)
SYSREG(tpidrro_el0)
SYSREG(contextidr_el1)
SYSREG(ttbr0_el1)
SYSREG(ttbr1_el1)
SYSREG(sp_el0)
SYSREG(cntv_cval_el0)
SYSREG(dbgbvr0_el1)
SYSREG(dbgwvr0_el1)

struct sysreg {
    const char *name;
    uint64_t mask; /* the bits the register keeps */
    uint64_t (*read)(void);
    void (*write)(uint64_t);
};

#define R(r, m) {#r, m, read_##r, write_##r}
static const struct sysreg sysregs[] = {
    R(tpidr_el0, ~0ull),
    R(tpidr_el1, ~0ull),
    R(tpidrro_el0, ~0ull),
    R(contextidr_el1, 0xffffffffull),
    R(ttbr0_el1, 0x0000fffffffff000ull),
    R(ttbr1_el1, 0x0000fffffffff000ull),
    R(sp_el0, 0x0000fffffffffff0ull),
    R(cntv_cval_el0, 0x0000fffffffffff0ull),
    R(dbgbvr0_el1, 0x0000fffffffffffcull),
    R(dbgwvr0_el1, 0x0000fffffffffffcull),
};
#define NSYS (sizeof(sysregs) / sizeof(sysregs[0]))

static void plant_one(void *arg)
{
    const uint64_t *a = arg;
    sysregs[a[0]].write(a[1]);
}

static void read_one(void *arg)
{
    uint64_t *a = arg;
    a[1] = sysregs[a[0]].read();
}

void regs_sys_plant(uint64_t seed)
{
    for (unsigned k = 0; k < NSYS; k++) {
        struct exc_info e;
        uint64_t a[2] = {k, regs_value(seed, k) & sysregs[k].mask};
        exc_catch(plant_one, a, &e);
    }
}

unsigned regs_sys_count(uint64_t seed, unsigned *total, char *found, size_t len)
{
    unsigned n = 0, t = 0;
    found[0] = '\0';
    for (unsigned k = 0; k < NSYS; k++) {
        struct exc_info e;
        uint64_t a[2] = {k, 0}, m = sysregs[k].mask;
        if (exc_catch(read_one, a, &e))
            continue; /* not readable here: neither planted nor counted */
        t++;
        if ((a[1] & m) == (regs_value(seed, k) & m))
            n++, regs_note(found, len, sysregs[k].name);
    }
    *total = t;
    return n;
}
