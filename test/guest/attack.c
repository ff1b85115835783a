/* duet-attack: what a root process in a partition can throw at the hypervisor from EL0 /
 * ring 3, each attack in its own child so a fatal signal ends only that attack. Built static
 * with no libc by scripts/mkinitramfs; run by the `garbage` scenario (docs/guests.md).
 *
 * Not reachable from here, and covered elsewhere: HVC/SMC with bad function numbers (UNDEFINED
 * at EL0; the VMM's unit tests and fuzzer and the kernel's guest test). x86 MSRs are reached
 * through Linux's msr driver (/dev/cpu/0/msr: the kernel's RDMSR/WRMSR on our behalf).
 * Prints DUET-ATTACK <name> -> <outcome> per attack. */
#include <stdint.h>

#include "sys.h"

#define O_RDWR 2
#define O_SYNC 04010000
#define PROT_RW 3
#define MAP_SHARED 1
#define SIGCHLD 17
#define AT_FDCWD -100

GUEST_ENTRY(attack_main);

static unsigned long str_len(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}

static void put(const char *s) { sys_call3(NR_write, 1, (long)s, (long)str_len(s)); }

static void put_num(unsigned long v, unsigned base)
{
    char buf[24];
    int i = sizeof(buf) - 1;
    buf[i] = '\0';
    do {
        buf[--i] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v && i > 0);
    put(buf + i);
}

static const char *attack_name;

/* Maps one page of guest-physical memory through /dev/mem, or exits the child saying why. */
static volatile void *map_phys(unsigned long pa)
{
    long fd = sys_call3(NR_openat, AT_FDCWD, (long)"/dev/mem", O_RDWR | O_SYNC);
    if (fd < 0) {
        put("DUET-ATTACK-NOTE cannot open /dev/mem: errno ");
        put_num((unsigned long)-fd, 10);
        put("\n");
        sys_call3(NR_exit_group, 100, 0, 0);
    }
    long p = sys_call6(NR_mmap, 0, 4096, PROT_RW, MAP_SHARED, fd, (long)pa);
    sys_call3(NR_close, fd, 0, 0);
    if (p < 0 && p > -4096) {
        put("DUET-ATTACK-NOTE cannot map 0x");
        put_num(pa, 16);
        put(": errno ");
        put_num((unsigned long)-p, 10);
        put("\n");
        sys_call3(NR_exit_group, 101, 0, 0);
    }
    return (volatile void *)p;
}

/* Runs fn in a child (clone without a new stack is fork); the child's wait status, or -1 when
 * there is no child. */
static int in_child(void (*fn)(void))
{
    long pid = sys_call3(NR_clone, SIGCHLD, 0, 0);
    if (pid == 0) {
        fn();
        sys_call3(NR_exit_group, 0, 0, 0);
    }
    int status = 0;
    if (pid < 0)
        return -1;
    sys_call3(NR_wait4, pid, (long)&status, 0);
    return status;
}

/* Runs fn in a child and reports how the child ended. */
static void run(const char *name, void (*fn)(void))
{
    attack_name = name;
    int status = in_child(fn);
    /* One line per attack, after the child's own notes. */
    put("DUET-ATTACK ");
    put(name);
    if (status < 0) {
        put(" -> clone failed\n");
        return;
    }
    if ((status & 0x7f) == 0) {
        put(" -> exit ");
        put_num((unsigned)(status >> 8) & 0xff, 10);
    } else {
        put(" -> signal ");
        put_num((unsigned)status & 0x7f, 10);
    }
    put("\n");
}

#if defined(__aarch64__)
/* The accesses a VMM gets no syndrome for (ESR ISV=0): pairs, writeback, SIMD, exclusives.
 * It must inject an abort or emulate them, never trust a decode it didn't do. */
#define GICD 0x08000000ul
#define GICR 0x080a0000ul
#define UART 0x09000000ul

static void gicd_store_pair(void)
{
    volatile char *p = map_phys(GICD);
    __asm__ volatile("stp %0, %1, [%2]" ::"r"(~0ul), "r"(0x1234ul), "r"(p + 0x10) : "memory");
}

static void gicd_load_pair(void)
{
    volatile char *p = map_phys(GICD);
    unsigned long a, b;
    __asm__ volatile("ldp %0, %1, [%2]" : "=r"(a), "=r"(b) : "r"(p + 0x100) : "memory");
}

static void gicd_store_writeback(void)
{
    volatile char *p = map_phys(GICD) + 0x180;
    __asm__ volatile("str %w1, [%0], #4" : "+r"(p) : "r"(0xffffffffu) : "memory");
}

static void gicd_simd_store(void)
{
    volatile char *p = map_phys(GICD);
    __asm__ volatile("movi v0.16b, #0xff\n str q0, [%0]" ::"r"(p + 0x400) : "v0", "memory");
}

static void gicd_exclusive(void)
{
    volatile char *p = map_phys(GICD);
    unsigned long v;
    unsigned fail;
    __asm__ volatile("ldxr %0, [%2]\n stxr %w1, %0, [%2]" : "=&r"(v), "=&r"(fail)
                     : "r"(p + 0x80) : "memory");
}

static void gicr_wide_load(void)
{
    volatile char *p = map_phys(GICR);
    unsigned long v;
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(p + 0x8) : "memory");
}

static void uart_store_pair(void)
{
    volatile char *p = map_phys(UART);
    __asm__ volatile("stp %w0, %w0, [%1]" ::"r"(0x41u), "r"(p) : "memory");
}

static void wfi_wfe(void)
{
    for (int i = 0; i < 1000; i++)
        __asm__ volatile("wfe\n wfi" ::: "memory");
}

/* UNDEFINED at EL0 (Arm ARM D1.19): expected to end with SIGILL, never reaching EL2. */
static void hvc_at_el0(void)
{
    __asm__ volatile("mov x0, #0xffffffff\n hvc #0x1234" ::: "x0", "memory");
}

static const struct { const char *name; void (*fn)(void); } attacks[] = {
    {"gicd-store-pair", gicd_store_pair}, {"gicd-load-pair", gicd_load_pair},
    {"gicd-store-writeback", gicd_store_writeback}, {"gicd-simd-store", gicd_simd_store},
    {"gicd-exclusive", gicd_exclusive}, {"gicr-wide-load", gicr_wide_load},
    {"uart-store-pair", uart_store_pair}, {"wfi-wfe", wfi_wfe}, {"hvc-at-el0", hvc_at_el0},
};
#else
/* Port I/O to the emulated PC devices with odd widths and string forms, CPUID and VMMCALL
 * (both intercepted at any CPL), MMIO forms a decoder must cope with (SVM in TCG has no
 * decode assists: the VMM fetches and decodes the instruction itself). */
#define LAPIC 0xfee00000ul
#define IOAPIC 0xfec00000ul

static void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void need_iopl(void)
{
    long r = sys_call3(NR_iopl, 3, 0, 0);
    if (r) {
        put("DUET-ATTACK-NOTE iopl(3) failed: errno ");
        put_num((unsigned long)-r, 10);
        put("\n");
        sys_call3(NR_exit_group, 102, 0, 0);
    }
}

/* PIC, PIT, CMOS, PCI config: dword writes to byte ports, garbage indices, reads back. The
 * console's own registers (0x3f8..0x3fc) are spared: garbage there silences this guest. */
static void ports_garbage(void)
{
    static const uint16_t ports[] = {0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43,
                                     0x70, 0x71, 0xcfc, 0xcfe, 0x80,
                                     0xe9, 0x510, 0x4d0, 0x4d1};
    need_iopl();
    for (unsigned i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
        outl(ports[i], 0xdeadbeef);
        outw(ports[i], 0xffff);
        outb(ports[i], 0xff);
        (void)inl(ports[i]);
    }
    outb(0xffff, 0xff);                  /* the last port; wider would #GP in the guest */
    outl(0xcf8, 0x8000fffc);             /* config address of a function that isn't there */
    (void)inl(0xcfc);
    outl(0xcf8, 0xffffffff);
    (void)inl(0xcfc);
}

/* Word and dword accesses to the 16550's status and scratch ports: bare QEMU 7.2 itself
 * aborts on these (hw/char/serial.c asserts size == 1), so this runs last. */
static void uart_wide_ports(void)
{
    need_iopl();
    for (uint16_t port = 0x3fd; port <= 0x3ff; port++) {
        outw(port, 0xffff);
        outl(port, 0xdeadbeef);
        (void)inl(port);
    }
}

static void ports_string(void)
{
    static const char junk[64] = "duet garbage duet garbage duet garbage duet garbage duet";
    need_iopl();
    const char *p = junk;
    unsigned long n = sizeof(junk);
    __asm__ volatile("rep outsb" : "+S"(p), "+c"(n) : "d"((uint16_t)0x43) : "memory");
    char buf[64];
    char *d = buf;
    n = sizeof(buf);
    __asm__ volatile("rep insb" : "+D"(d), "+c"(n) : "d"((uint16_t)0x71) : "memory");
}

/* The address of a symbol of the running kernel, from /proc/kallsyms ("<hex> <type> <name>"
 * lines; root sees the addresses), or 0. */
static unsigned long kernel_symbol(const char *name)
{
    long fd = sys_call3(NR_openat, AT_FDCWD, (long)"/proc/kallsyms", 0);
    if (fd < 0)
        return 0;
    static char buf[4096], line[256];
    unsigned long len = 0, found = 0;
    long n;
    while (!found && (n = sys_call3(NR_read, fd, (long)buf, sizeof(buf))) > 0) {
        for (long i = 0; i < n && !found; i++) {
            if (buf[i] != '\n') {
                if (len < sizeof(line) - 1)
                    line[len++] = buf[i];
                continue;
            }
            line[len] = '\0';
            len = 0;
            /* The name starts after "<address> <type> ". */
            unsigned long addr = 0, k = 0;
            for (; line[k] && line[k] != ' '; k++) {
                char c = line[k];
                addr = addr << 4 | (unsigned long)(c <= '9' ? c - '0' : c - 'a' + 10);
            }
            if (!line[k] || !line[k + 1] || line[k + 2] != ' ')
                continue;
            const char *sym = line + k + 3;
            unsigned long j = 0;
            while (name[j] && sym[j] == name[j])
                j++;
            if (!name[j] && (sym[j] == '\0' || sym[j] == '\t'))
                found = addr;
        }
    }
    sys_call3(NR_close, fd, 0, 0);
    return found;
}

/* SEC-V1: a user process with port access (iopl(3)) does REP INSB into the kernel's data. The
 * VMM completes INS for the guest, so it must check the page protection as the CPU would: the
 * process takes #PF (U=1, W=1, P=1) and dies of SIGSEGV, and the kernel's bytes stay. The
 * target is init_uts_ns, what uname(2) returns: a write there would show. */
static unsigned long insb_target;

static void insb_into_kernel_page(void)
{
    need_iopl();
    void *d = (void *)insb_target;
    unsigned long n = 8;
    __asm__ volatile("rep insb" : "+D"(d), "+c"(n) : "d"((uint16_t)0x2f8) : "memory");
}

static int uname_same(const char *a, const char *b)
{
    for (unsigned i = 0; i < 6 * 65; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static void insb_into_kernel(void)
{
    static char before[6 * 65], after[6 * 65];
    insb_target = kernel_symbol("init_uts_ns");
    if (!insb_target) {
        put("DUET-ATTACK-NOTE no address for init_uts_ns in /proc/kallsyms\n");
        sys_call3(NR_exit_group, 103, 0, 0);
    }
    sys_call3(NR_uname, (long)before, 0, 0);
    int status = in_child(insb_into_kernel_page);
    sys_call3(NR_uname, (long)after, 0, 0);
    put("DUET-ATTACK-NOTE insb-into-kernel 0x");
    put_num(insb_target, 16);
    put((status & 0x7f) == 11 ? ": SIGSEGV" : ": no SIGSEGV");
    put(uname_same(before, after) ? ", kernel bytes intact\n" : ", KERNEL BYTES WRITTEN\n");
    sys_call3(NR_exit_group, (status & 0x7f) == 11 && uname_same(before, after) ? 0 : 1, 0, 0);
}

static void cpuid_garbage(void)
{
    static const uint32_t leaves[] = {0x40000000, 0x4fffffff, 0x8fffffff, 0xffffffff, 0x7,
                                      0xd, 0x8000001f};
    for (unsigned i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
        uint32_t a = leaves[i], b, c = 0xffffffff, d;
        __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    }
}

/* At CPL 3 a VMM must refuse the call (KVM injects #UD); SIGILL or a quiet return are both
 * acceptable outcomes here, a hang or a host crash is not. */
static void vmmcall_garbage(void)
{
    __asm__ volatile("vmmcall" ::"a"(0xffffffffdeadbeeful), "b"(~0ul), "c"(~0ul), "d"(~0ul)
                     : "memory");
}

static void ioapic_garbage(void)
{
    volatile uint32_t *p = map_phys(IOAPIC);
    p[0] = 0xff;                         /* IOREGSEL: a register that doesn't exist */
    (void)p[4];                          /* IOWIN */
    p[1] = 0xdeadbeef;                   /* between the two registers */
}

static void lapic_odd_forms(void)
{
    volatile char *p = map_phys(LAPIC);
    unsigned long v = 0x1234;
    __asm__ volatile("xchg %0, (%1)" : "+r"(v) : "r"(p + 0x3f0) : "memory");
    __asm__ volatile("lock addl $1, (%0)" ::"r"(p + 0x3f0) : "memory");
    __asm__ volatile("movnti %0, (%1)" ::"r"(v), "r"(p + 0x3f0) : "memory");
    __asm__ volatile("pcmpeqb %%xmm0, %%xmm0\n movdqu %%xmm0, (%0)" ::"r"(p + 0x3e0)
                     : "xmm0", "memory");
}

static void mmio_rep_movs(void)
{
    volatile char *p = map_phys(IOAPIC);
    static const char junk[32] = "0123456789abcdef0123456789abcde";
    const char *s = junk;
    volatile char *d = p + 0x20;
    unsigned long n = sizeof(junk);
    __asm__ volatile("rep movsb" : "+S"(s), "+D"(d), "+c"(n) : : "memory");
}

/* MSRs through /dev/cpu/0/msr (the file offset is the MSR): unknown ones, the ones the kernel
 * answers itself (EFER with SVME, which would let the guest use SVM; a reserved PAT type), the
 * VMM's read-only and reserved bits, x2APIC registers that can't be written, and the paravirtual
 * clock pointed outside RAM. Each write's result is noted: -5 (EIO) is the #GP the driver
 * caught. Writes that would only stop this guest (its TSC deadline, disabling its LAPIC) are
 * the VMM's unit tests' business. */
static void msr_note(const char *what, unsigned long msr, long rc)
{
    put("DUET-ATTACK-NOTE msr ");
    put(what);
    put(" 0x");
    put_num(msr, 16);
    put(" -> ");
    if (rc < 0) {
        put("-");
        put_num((unsigned long)-rc, 10);
    } else {
        put_num((unsigned long)rc, 10);
    }
    put("\n");
}

static void msr_garbage(void)
{
    long fd = sys_call3(NR_openat, AT_FDCWD, (long)"/dev/cpu/0/msr", O_RDWR);
    if (fd < 0) {
        put("DUET-ATTACK-NOTE msr-garbage: no /dev/cpu/0/msr (msr module?): errno ");
        put_num((unsigned long)-fd, 10);
        put("\n");
        sys_call3(NR_exit_group, 102, 0, 0);
    }
    uint64_t efer = 0;
    long rc = sys_call6(NR_pread64, fd, (long)&efer, 8, 0xc0000080, 0, 0);
    msr_note("read EFER", 0xc0000080, rc);
    static const struct { unsigned long msr; uint64_t value; } writes[] = {
        {0xc0000080, 1ull << 12},            /* EFER.SVME (or'ed into the value read) */
        {0x277, 0x0007040600070402ull},      /* PAT with the reserved type 2 */
        {0x2ff, 1ull << 20},                 /* MTRRdefType reserved bit */
        {0xfe, 0xff},                        /* MTRRCAP: read-only */
        {0x3a, 0},                           /* FEATURE_CONTROL: locked */
        {0x1b, 0xfee00000ull | 1ull << 63},  /* APIC_BASE reserved bit */
        {0x803, 0x12345678},                 /* x2APIC version: read-only */
        {0x8ff, 1},                          /* no such x2APIC register */
        {0x4b564d01, 0xfffffffff0001ull},    /* kvmclock record far outside RAM */
        {0xc0011029, 0xdeadbeef},            /* unknown */
        {0x40000000, 1},                     /* a Hyper-V MSR: unknown here */
    };
    for (unsigned i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
        uint64_t v = writes[i].value | (writes[i].msr == 0xc0000080 ? efer : 0);
        rc = sys_call6(NR_pwrite64, fd, (long)&v, 8, (long)writes[i].msr, 0, 0);
        msr_note("write", writes[i].msr, rc);
    }
    uint64_t v = 0;
    rc = sys_call6(NR_pread64, fd, (long)&v, 8, 0xc0011029, 0, 0);
    msr_note("read", 0xc0011029, rc);
    sys_call3(NR_close, fd, 0, 0);
}

static const struct { const char *name; void (*fn)(void); } attacks[] = {
    {"msr-garbage", msr_garbage},
    {"ports-garbage", ports_garbage}, {"ports-string", ports_string},
    {"insb-into-kernel", insb_into_kernel},
    {"cpuid-garbage", cpuid_garbage}, {"vmmcall-garbage", vmmcall_garbage},
    {"ioapic-garbage", ioapic_garbage}, {"lapic-odd-forms", lapic_odd_forms},
    {"mmio-rep-movs", mmio_rep_movs}, {"uart-wide-ports", uart_wide_ports},
};
#endif

void attack_main(long *sp)
{
    (void)sp;
    for (unsigned i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++)
        run(attacks[i].name, attacks[i].fn);
    put("DUET-ATTACK-DONE\n");
    sys_call3(NR_exit_group, 0, 0, 0);
}
