/* x86_64's registers for the sanitization cases (regs.h): the FXSAVE state (XMM0..XMM15, the
 * x87 stack, FCW and MXCSR), and the system state a hypervisor switches per vcpu or resets
 * with it: DR0..DR3 (Duet switches them with the FPU, fpu.c), CR2, and the MSRs of SYSCALL and
 * SWAPGS that VMLOAD/VMSAVE carry (STAR, LSTAR, CSTAR, KERNEL_GS_BASE). */
#include <guest/exc.h>
#include <guest/x86.h>
#include <hv/string.h>

#include "regs.h"

#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define FX_FCW 0
#define FX_FTW 4
#define FX_MXCSR 24
#define FX_ST 32   /* ST0..ST7 (MM0..MM7), 16 bytes apart, 10 used */
#define FX_XMM 160 /* XMM0..XMM15, 16 bytes each */
#define NST 8
#define NXMM 16

static uint8_t area[512] __attribute__((aligned(16)));

void regs_fp_enable(void)
{
    write_cr(0, (read_cr(0) & ~(CR0_EM | CR0_TS)) | CR0_MP);
    write_cr(4, read_cr(4) | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

/* Different from the reset values (FCW 0x037f, MXCSR 0x1f80) and from each other. */
static uint16_t fcw_of(uint64_t seed)
{
    return seed & 1 ? 0x0f7f : 0x087f;
}
static uint32_t mxcsr_of(uint64_t seed)
{
    return seed & 1 ? 0xff80 : 0x5f80;
}

void regs_fp_plant(uint64_t seed)
{
    regs_fp_enable();
    memset(area, 0, sizeof(area));
    uint16_t fcw = fcw_of(seed);
    uint32_t mxcsr = mxcsr_of(seed);
    memcpy(area + FX_FCW, &fcw, 2);
    area[FX_FTW] = 0xff; /* every ST register holds a value */
    memcpy(area + FX_MXCSR, &mxcsr, 4);
    for (unsigned i = 0; i < NST; i++) {
        uint64_t v = regs_value(seed, i);
        uint16_t exp = 0x3fff;
        memcpy(area + FX_ST + 16 * i, &v, 8);
        memcpy(area + FX_ST + 16 * i + 8, &exp, 2);
    }
    for (unsigned i = 0; i < 2 * NXMM; i++) {
        uint64_t v = regs_value(seed, NST + i);
        memcpy(area + FX_XMM + 8 * i, &v, 8);
    }
    __asm__ volatile("fxrstor64 %0" ::"m"(area));
}

unsigned regs_fp_count(uint64_t seed, unsigned *total, char *found, size_t len)
{
    static const char *const xnames[NXMM] = {"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
                                              "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
                                              "xmm12", "xmm13", "xmm14", "xmm15"};
    static const char *const stnames[NST] = {"st0", "st1", "st2", "st3",
                                             "st4", "st5", "st6", "st7"};
    unsigned n = 0;
    found[0] = '\0';
    regs_fp_enable();
    memset(area, 0, sizeof(area));
    __asm__ volatile("fxsave64 %0" : "=m"(area));
    /* FXSAVE writes the stack in physical register order as ST(i) of the current top; the
     * planted top is 0, so ST(i) is register i unless something changed the top. */
    for (unsigned i = 0; i < NST; i++) {
        uint64_t v;
        memcpy(&v, area + FX_ST + 16 * i, 8);
        if (v == regs_value(seed, i))
            n++, regs_note(found, len, stnames[i]);
    }
    for (unsigned i = 0; i < 2 * NXMM; i++) {
        uint64_t v;
        memcpy(&v, area + FX_XMM + 8 * i, 8);
        if (v == regs_value(seed, NST + i)) {
            n++;
            if (i % 2 == 0)
                regs_note(found, len, xnames[i / 2]);
        }
    }
    uint16_t fcw;
    uint32_t mxcsr;
    memcpy(&fcw, area + FX_FCW, 2);
    memcpy(&mxcsr, area + FX_MXCSR, 4);
    if (fcw == fcw_of(seed))
        n++, regs_note(found, len, "FCW");
    if (mxcsr == mxcsr_of(seed))
        n++, regs_note(found, len, "MXCSR");
    *total = NST + 2 * NXMM + 2;
    return n;
}

#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_CSTAR 0xc0000083u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define CANONICAL 0x00007ffffffffff0ull

static uint64_t read_dr(unsigned n)
{
    uint64_t v = 0;
    switch (n) {
    case 0: __asm__ volatile("mov %%db0, %0" : "=r"(v)); break;
    case 1: __asm__ volatile("mov %%db1, %0" : "=r"(v)); break;
    case 2: __asm__ volatile("mov %%db2, %0" : "=r"(v)); break;
    default: __asm__ volatile("mov %%db3, %0" : "=r"(v)); break;
    }
    return v;
}

static void write_dr(unsigned n, uint64_t v)
{
    switch (n) {
    case 0: __asm__ volatile("mov %0, %%db0" ::"r"(v)); break;
    case 1: __asm__ volatile("mov %0, %%db1" ::"r"(v)); break;
    case 2: __asm__ volatile("mov %0, %%db2" ::"r"(v)); break;
    default: __asm__ volatile("mov %0, %%db3" ::"r"(v)); break;
    }
}

struct sysreg {
    const char *name;
    uint32_t msr;  /* 0: not an MSR */
    int dr;        /* -1: not a debug register */
    uint64_t mask; /* the bits the register keeps */
};

static const struct sysreg sysregs[] = {
    {"DR0", 0, 0, CANONICAL},
    {"DR1", 0, 1, CANONICAL},
    {"DR2", 0, 2, CANONICAL},
    {"DR3", 0, 3, CANONICAL},
    {"CR2", 0, -1, ~0ull},
    {"STAR", MSR_STAR, -1, ~0ull},
    {"LSTAR", MSR_LSTAR, -1, CANONICAL},
    {"CSTAR", MSR_CSTAR, -1, CANONICAL},
    {"KERNEL_GS_BASE", MSR_KERNEL_GS_BASE, -1, CANONICAL},
};
#define NSYS (sizeof(sysregs) / sizeof(sysregs[0]))

static void access_one(void *arg)
{
    uint64_t *a = arg; /* index, value, write? */
    const struct sysreg *r = &sysregs[a[0]];
    if (a[2]) {
        if (r->msr)
            wrmsr(r->msr, a[1]);
        else if (r->dr >= 0)
            write_dr((unsigned)r->dr, a[1]);
        else
            write_cr(2, a[1]);
    } else {
        a[1] = r->msr ? rdmsr(r->msr) : r->dr >= 0 ? read_dr((unsigned)r->dr) : read_cr(2);
    }
}

void regs_sys_plant(uint64_t seed)
{
    for (unsigned k = 0; k < NSYS; k++) {
        struct exc_info e;
        uint64_t a[3] = {k, regs_value(seed, k) & sysregs[k].mask, 1};
        exc_catch(access_one, a, &e);
    }
}

unsigned regs_sys_count(uint64_t seed, unsigned *total, char *found, size_t len)
{
    unsigned n = 0, t = 0;
    found[0] = '\0';
    for (unsigned k = 0; k < NSYS; k++) {
        struct exc_info e;
        uint64_t a[3] = {k, 0, 0}, m = sysregs[k].mask;
        if (exc_catch(access_one, a, &e))
            continue; /* not readable here: neither planted nor counted */
        t++;
        if ((a[1] & m) == (regs_value(seed, k) & m))
            n++, regs_note(found, len, sysregs[k].name);
    }
    *total = t;
    return n;
}
