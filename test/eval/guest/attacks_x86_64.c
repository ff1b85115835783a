/* x86_64 attacks: the PC's own devices and the CPU's virtualization state that a partition is not
 * given (the PCIe ECAM window, PCI configuration ports, fw_cfg, the HPET, EFER.SVME). On bare
 * QEMU each answers or takes the write; in a partition none may. */
#include <guest/console.h>
#include <guest/exc.h>
#include <guest/lapic.h>
#include <guest/x86.h>

#include "attack.h"

#define ECAM_BASE 0xb0000000ull      /* SeaBIOS's PCIEXBAR on q35 (docs qemu-facts) */
#define HOST_BRIDGE_ID 0x29c08086u   /* q35's host bridge: Intel 82G33 MCH */
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define FW_CFG_PORT_SELECTOR 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x554d4551u /* "QEMU" */
#define FW_CFG_RAM_SIZE 0x03
#define HPET_BASE 0xfed00000ull
#define HPET_VENDOR_INTEL 0x8086u
#define EFER_SVME (1ull << 12)

/* DS-3: bus 0, device 0's vendor and device ID through the ECAM window. */
ATTACK(ds3_ecam_window, "DS-3")
{
    uint64_t id = 0;
    bool ok = probe_read(ECAM_BASE, 4, &id);
    if (ok)
        evidence("ECAM 00:00.0 reads ID 0x%llx", (unsigned long long)id);
    claim(ok && id == HOST_BRIDGE_ID, "the physical host bridge %s",
          ok && id == HOST_BRIDGE_ID ? "answered" : "did not answer");
}

/* DS-4: fw_cfg over its I/O ports. The partition's VMM has a fw_cfg of its own that describes
 * the partition (servers/vmm/x86_64/devices/fw_cfg.h), so its signature answering is no breach
 * (a first version of this case said it was); what it says must be the partition's, not the
 * host's: the RAM size (key 0x03) is arg1, the partition's RAM, never the machine's. */
static uint64_t fw_cfg_item(uint16_t key, unsigned len)
{
    uint64_t v = 0;
    outw(FW_CFG_PORT_SELECTOR, key);
    for (unsigned i = 0; i < len; i++)
        v |= (uint64_t)inb(FW_CFG_PORT_DATA) << (8 * i);
    return v;
}

ATTACK(ds4_fw_cfg, "DS-4")
{
    uint32_t sig = (uint32_t)fw_cfg_item(0, 4);
    uint64_t ram = fw_cfg_item(FW_CFG_RAM_SIZE, 8);
    evidence("fw_cfg signature reads 0x%x, RAM size %llu MiB (the partition has %llu MiB)", sig,
             (unsigned long long)(ram >> 20), (unsigned long long)(arg1 >> 20));
    bool host = sig == FW_CFG_SIGNATURE && ram != arg1;
    claim(host, "fw_cfg %s", host ? "describes ANOTHER machine (the host's)" :
          sig == FW_CFG_SIGNATURE ? "describes the partition" : "did not answer");
}

/* DS-5: the HPET's capabilities register (vendor ID in bits 31:16). */
ATTACK(ds5_hpet, "DS-5")
{
    uint64_t cap = 0;
    bool ok = probe_read(HPET_BASE, 4, &cap);
    if (ok)
        evidence("HPET GCAP_ID reads 0x%llx", (unsigned long long)cap);
    bool answered = ok && (cap >> 16) == HPET_VENDOR_INTEL;
    claim(answered, "the physical HPET %s", answered ? "answered" : "did not answer");
}

static void set_svme(void *arg)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
}

/* LP-1: EFER.SVME, the switch that makes VMRUN usable: the hypervisor's, never a guest's. */
ATTACK(lp1_efer_svme, "LP-1")
{
    struct exc_info e;
    uint64_t before = rdmsr(MSR_EFER);
    bool faulted = exc_catch(set_svme, 0, &e);
    uint64_t after = rdmsr(MSR_EFER);
    if (faulted)
        evidence("wrmsr EFER |= SVME: exception %s", exc_kind_name(e.kind));
    evidence("EFER 0x%llx before, 0x%llx after", (unsigned long long)before,
             (unsigned long long)after);
    claim((after & EFER_SVME) != 0, "EFER.SVME %s", after & EFER_SVME ? "SET" : "stays clear");
}

/* LP-2: PCI configuration mechanism #1 (ports 0xcf8/0xcfc): bus 0, device 0's ID. */
ATTACK(lp2_pci_config_ports, "LP-2")
{
    outl(PCI_CONFIG_ADDRESS, 0x80000000u);
    uint32_t id = inl(PCI_CONFIG_DATA);
    evidence("configuration ports read 00:00.0 ID 0x%x", id);
    claim(id == HOST_BRIDGE_ID, "the physical host bridge %s",
          id == HOST_BRIDGE_ID ? "answered" : "did not answer");
}

void arch_exit_once(void)
{
    cpuid(0, 0);
}

/* An IDT of no entries: the breakpoint can't be delivered (#GP), nor can that (#DF): a triple
 * fault, which shuts the CPU down. */
void arch_unrecoverable_fault(void)
{
    static const struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } empty = {0, 0};
    __asm__ volatile("cli; lidt %0; int3" ::"m"(empty));
    for (;;)
        ;
}

#define MSR_VM_HSAVE_PA 0xc0010117u
#define HSAVE_PROBE 0x800000ull

static void write_hsave(void *arg)
{
    wrmsr(MSR_VM_HSAVE_PA, HSAVE_PROBE);
}

static void read_hsave(void *arg)
{
    *(uint64_t *)arg = rdmsr(MSR_VM_HSAVE_PA);
}

/* LP-3: VM_HSAVE_PA, where VMRUN saves the host's state: pointed into the attacker's RAM, the
 * host's state would be the attacker's to read and change. */
ATTACK(lp3_hsave_pa, "LP-3")
{
    struct exc_info e;
    if (exc_catch(write_hsave, 0, &e))
        evidence("wrmsr VM_HSAVE_PA: exception %s", exc_kind_name(e.kind));
    uint64_t now = 0;
    if (exc_catch(read_hsave, &now, &e))
        evidence("rdmsr VM_HSAVE_PA: exception %s", exc_kind_name(e.kind));
    else
        evidence("VM_HSAVE_PA reads 0x%llx", (unsigned long long)now);
    claim(now == HSAVE_PROBE, "VM_HSAVE_PA %s", now == HSAVE_PROBE ? "TAKEN" : "not taken");
}

#define STORM_VECTOR 0x40

#define STORM_SHOWN 1000000u

static volatile unsigned storm_ticks, storm_next = 10;

static void storm_tick(unsigned id, void *frame)
{
    (void)id, (void)frame;
    /* Said from the handler: the storm leaves the interrupted loop no instruction to run. A
     * line at 10, 100, 1000, ... interrupts: the storm's rate, in the log's times. */
    if (++storm_ticks == storm_next && storm_next <= STORM_SHOWN) {
        evidence("%u timer interrupts taken; storming on", storm_ticks);
        storm_next *= 10;
    }
}

/* AV-3: the local APIC timer, periodic with the smallest count: an interrupt at every chance. */
void arch_interrupt_storm(void)
{
    irq_set_handler(STORM_VECTOR, storm_tick);
    lapic_write(LAPIC_TIMER_DIVIDE, 0xb); /* divide by 1 */
    lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | STORM_VECTOR);
    lapic_write(LAPIC_TIMER_INITIAL, 1);
    irq_enable();
    for (;;)
        __asm__ volatile("" ::: "memory");
}

uint64_t arch_unclaimed_mmio(void)
{
    return ECAM_BASE;
}

#define STRADDLE_VALUE 0x5717add1e0000002ull

static void store_across(void *arg)
{
    uint64_t at = *(uint64_t *)arg;
    *(volatile uint64_t *)(uintptr_t)at = STRADDLE_VALUE;
}

/* A quadword store: its low 4 bytes in the RAM's last dword, its high 4 past the end. */
uint64_t arch_straddle_store(uint64_t end)
{
    struct exc_info e;
    uint64_t at = end - 4;
    if (exc_catch(store_across, &at, &e))
        evidence("8-byte store at 0x%llx: exception %s", (unsigned long long)at,
                 exc_kind_name(e.kind));
    return STRADDLE_VALUE >> 32;
}

#define KBC_COMMAND 0x64
#define KBC_PULSE_RESET 0xfe

/* FI-4: the keyboard controller's reset line (command 0xfe on port 0x64), the PC's oldest way to
 * reset the machine. */
ATTACK(fi4_kbc_reset, "FI-4")
{
    outb(KBC_COMMAND, KBC_PULSE_RESET);
    for (volatile unsigned i = 0; i < 1000000; i++)
        ;
    claim(false, "the keyboard controller's reset did nothing");
}

static uint8_t svm_page[4096] __attribute__((aligned(4096)));

static void svm_insn(void *arg)
{
    uint64_t pa = (uintptr_t)svm_page;
    switch (*(unsigned *)arg) {
    case 0: __asm__ volatile("clgi; stgi" ::: "memory"); break;
    case 1: __asm__ volatile("vmsave" ::"a"(pa) : "memory"); break;
    case 2: __asm__ volatile("vmload" ::"a"(pa) : "memory"); break;
    default: __asm__ volatile("invlpga" ::"a"(0ull), "c"(0u) : "memory"); break;
    }
}

/* LP-4: the SVM instructions a hypervisor uses (CLGI/STGI, VMSAVE, VMLOAD, INVLPGA), after
 * trying to turn SVM on (LP-1): each must raise #UD in a guest. VMLOAD loads from what VMSAVE
 * stored just before, so on a machine that lets both run, it changes nothing. */
ATTACK(lp4_svm_insns, "LP-4")
{
    static const char *const names[] = {"CLGI/STGI", "VMSAVE", "VMLOAD", "INVLPGA"};
    struct exc_info e;
    exc_catch(set_svme, 0, &e);
    unsigned ran = 0;
    for (unsigned i = 0; i < 4; i++) {
        if (exc_catch(svm_insn, &i, &e)) {
            evidence("%s: exception %s", names[i], exc_kind_name(e.kind));
        } else {
            evidence("%s: RAN", names[i]);
            ran++;
        }
    }
    claim(ran != 0, "%u of 4 SVM instructions ran", ran);
}

#define COM1_DATA 0x3f8

struct outs {
    uint64_t rsi, rcx;
};

static void outs_body(void *arg)
{
    struct outs *o = arg;
    __asm__ volatile("cld; rep outsb" : "+S"(o->rsi), "+c"(o->rcx) : "d"((uint16_t)COM1_DATA)
                     : "memory");
}

/* DS-9: string output (REP OUTSB) from memory across its RAM's end (arg1) to its UART: its
 * VMM reads the bytes from the guest's memory, and may give out only its RAM's. The last 8
 * bytes of the RAM hold a marker; past the end, what a write there left (nothing, in Duet). */
ATTACK(ds9_outs_past_ram, "DS-9")
{
    static const char marker[8] = {'<', 'I', 'N', 'R', 'A', 'M', '>', '|'};
    uint64_t at = arg1 - 8;
    for (unsigned i = 0; i < 8; i++)
        *(volatile char *)(uintptr_t)(at + i) = marker[i];
    for (unsigned i = 0; i < 24; i++)
        probe_write(arg1 + i, 1, 'P');
    struct exc_info e;
    struct outs o = {at, 32};
    gprintf("EVAL-OUTS ");
    bool faulted = exc_catch(outs_body, &o, &e);
    gprintf("\n");
    if (faulted)
        evidence("REP OUTSB: exception %s", exc_kind_name(e.kind));
    evidence("REP OUTSB of 32 bytes from 0x%llx: RSI 0x%llx, RCX %llu after",
             (unsigned long long)at, (unsigned long long)o.rsi, (unsigned long long)o.rcx);
}

#define X86_VEC_UD 6

struct hypercall {
    uint64_t nr, rax;
    bool intel;       /* VMCALL, Intel's form, instead of AMD's VMMCALL */
    bool ring3_check; /* no call: HLT at ring 3, whose #GP shows the guest got there */
};

static void hypercall_body(void *arg)
{
    struct hypercall *h = arg;
    uint64_t rax = h->nr;
    if (h->intel)
        __asm__ volatile("vmcall" : "+a"(rax) : "b"(1ull), "c"(2ull), "d"(3ull), "S"(4ull)
                         : "memory");
    else
        __asm__ volatile("vmmcall" : "+a"(rax) : "b"(1ull), "c"(2ull), "d"(3ull), "S"(4ull)
                         : "memory");
    h->rax = rax;
}

/* Hypercall numbers a partition might try, none offered: 0 and 1, KVM's (KVM_HC_VAPIC_POLL_IRQ
 * 1 ... KVM_HC_MAP_GPA_RANGE 12), Xen's and Hyper-V's ranges, and all ones. */
static const uint64_t hypercall_nrs[] = {0, 1, 5, 9, 10, 11, 12, 0x40000000, 0x40000001,
                                         0x80000000, 0xffffffffull, ~0ull};
#define HYPERCALL_COUNT (sizeof(hypercall_nrs) / sizeof(hypercall_nrs[0]))

#define VMWARE_MAGIC 0x564d5868u /* "VMXh" */
#define VMWARE_PORT 0x5658
#define VMWARE_GETVERSION 10
#define VMWARE_GETRAMSIZE 20

/* The VMware backdoor, the hypercall interface of x86 hypervisors that has no instruction of its
 * own: IN from port 0x5658 with the magic in EAX and the command in ECX. Whoever answers puts
 * the magic in EBX. QEMU's vmport answers it on a PC; no partition is offered it. */
static bool vmware_backdoor(void)
{
    bool answered = false;
    static const uint32_t cmds[] = {VMWARE_GETVERSION, VMWARE_GETRAMSIZE};
    for (unsigned i = 0; i < 2; i++) {
        uint32_t eax = VMWARE_MAGIC, ebx = ~0u, ecx = cmds[i], edx = VMWARE_PORT;
        __asm__ volatile("inl %%dx, %%eax" : "+a"(eax), "+b"(ebx), "+c"(ecx), "+d"(edx)
                         : : "memory");
        evidence("VMware backdoor command %u: eax 0x%x ebx 0x%x", cmds[i], eax, ebx);
        answered |= ebx == VMWARE_MAGIC;
    }
    return answered;
}

/* Ring 3 for LP-5: a GDT with the boot's segments at the selectors the library's exception
 * frames use (0x10 code, 0x18 data), a user data and code segment (DPL 3) and a TSS whose RSP0
 * is the stack an exception from ring 3 is taken on; every page made a user page (the guest
 * maps its RAM with 2 MiB pages and no SMEP/SMAP). An exception from ring 3 comes back to
 * ring 0 through exc_catch, which resumes at the kernel's selectors. */
#define SEL_USER_DATA 0x20
#define SEL_USER_CODE 0x28
#define SEL_TSS 0x30
#define PTE_PRESENT 0x1ull
#define PTE_USER 0x4ull
#define PTE_LARGE 0x80ull
#define PTE_ADDR 0x000ffffffffff000ull

static struct __attribute__((packed)) {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1, ist[7], reserved2;
    uint16_t reserved3, iomap;
} user_tss;
static uint64_t user_gdt[8] __attribute__((aligned(16)));
static uint8_t ring0_stack[4096] __attribute__((aligned(16)));
static uint8_t ring3_stack[4096] __attribute__((aligned(16)));
static bool ring3_ready;

static void pages_user(uint64_t table, unsigned level)
{
    uint64_t *e = (uint64_t *)(uintptr_t)table;
    for (unsigned i = 0; i < 512; i++) {
        if (!(e[i] & PTE_PRESENT))
            continue;
        e[i] |= PTE_USER;
        if (level > 1 && !(level < 4 && (e[i] & PTE_LARGE)))
            pages_user(e[i] & PTE_ADDR, level - 1);
    }
}

static void ring3_setup(void)
{
    if (ring3_ready)
        return;
    user_tss.rsp[0] = (uint64_t)(uintptr_t)(ring0_stack + sizeof(ring0_stack));
    user_tss.iomap = sizeof(user_tss);
    uint64_t base = (uint64_t)(uintptr_t)&user_tss, limit = sizeof(user_tss) - 1;
    user_gdt[2] = 0x00af9a000000ffffull; /* 0x10: 64-bit code, DPL 0 */
    user_gdt[3] = 0x00cf92000000ffffull; /* 0x18: data, DPL 0 */
    user_gdt[4] = 0x00cff2000000ffffull; /* 0x20: data, DPL 3 */
    user_gdt[5] = 0x00affa000000ffffull; /* 0x28: 64-bit code, DPL 3 */
    user_gdt[6] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
                  ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56; /* available TSS */
    user_gdt[7] = base >> 32;
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } gdtr = {sizeof(user_gdt) - 1, (uint64_t)(uintptr_t)user_gdt};
    __asm__ volatile("lgdt %0; ltr %w1" ::"m"(gdtr), "r"(SEL_TSS) : "memory");
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    pages_user(cr3 & PTE_ADDR, 4);
    __asm__ volatile("mov %0, %%cr3" ::"r"(cr3) : "memory");
    ring3_ready = true;
}

/* VMMCALL (or VMCALL) at ring 3 with RAX = nr; HLT after it (privileged: #GP) says it returned. */
static void ring3_hypercall_body(void *arg)
{
    struct hypercall *h = arg;
    uint64_t sp = (uint64_t)(uintptr_t)(ring3_stack + sizeof(ring3_stack));
#define RING3_ENTER "pushq %[ss]\n pushq %[sp]\n pushq $2\n pushq %[cs]\n lea 1f(%%rip), %%r11\n" \
                    "pushq %%r11\n iretq\n 1: "
    if (h->ring3_check)
        __asm__ volatile(RING3_ENTER "hlt\n"
                         :: [ss] "i"(SEL_USER_DATA | 3), [sp] "r"(sp), [cs] "i"(SEL_USER_CODE | 3)
                         : "r11", "memory");
    else if (h->intel)
        __asm__ volatile(RING3_ENTER "vmcall\n hlt\n"
                         :: [ss] "i"(SEL_USER_DATA | 3), [sp] "r"(sp), [cs] "i"(SEL_USER_CODE | 3),
                          "a"(h->nr) : "r11", "memory");
    else
        __asm__ volatile(RING3_ENTER "vmmcall\n hlt\n"
                         :: [ss] "i"(SEL_USER_DATA | 3), [sp] "r"(sp), [cs] "i"(SEL_USER_CODE | 3),
                          "a"(h->nr) : "r11", "memory");
#undef RING3_ENTER
}

/* LP-5: VMMCALL (and VMCALL) with hypercall numbers: the partition is offered none, so each
 * must raise #UD, as on a PC without a hypervisor, and do nothing; then the VMware backdoor,
 * which must not answer (its port is unknown to the VMM, which records it). */
ATTACK(lp5_unknown_hypercalls, "LP-5")
{
    unsigned ud = 0, total = 0;
    for (unsigned form = 0; form < 2; form++) {
        for (unsigned i = 0; i < HYPERCALL_COUNT; i++, total++) {
            struct hypercall h = {.nr = hypercall_nrs[i], .intel = form == 1};
            struct exc_info e;
            if (!exc_catch(hypercall_body, &h, &e))
                evidence("%s 0x%llx: RETURNED rax 0x%llx", form ? "vmcall" : "vmmcall",
                         (unsigned long long)h.nr, (unsigned long long)h.rax);
            else if (e.kind != X86_VEC_UD)
                evidence("%s 0x%llx: exception %s", form ? "vmcall" : "vmmcall",
                         (unsigned long long)h.nr, exc_kind_name(e.kind));
            else
                ud++;
        }
    }
    evidence("%u of %u VMMCALL/VMCALL hypercalls raised #UD", ud, total);
    /* The same from ring 3: each must raise #UD there too (HLT's #GP: it returned). */
    ring3_setup();
    struct hypercall check = {.ring3_check = true};
    struct exc_info ce;
    bool at_ring3 = exc_catch(ring3_hypercall_body, &check, &ce) && ce.kind == 13;
    evidence("HLT at ring 3: %s", at_ring3 ? "#GP, so ring 3 was reached" : "NOT #GP");
    unsigned ud3 = 0, total3 = 0;
    for (unsigned form = 0; form < 2; form++) {
        for (unsigned i = 0; i < HYPERCALL_COUNT; i++, total3++) {
            struct hypercall h = {.nr = hypercall_nrs[i], .intel = form == 1};
            struct exc_info e;
            if (!exc_catch(ring3_hypercall_body, &h, &e))
                evidence("ring 3 %s 0x%llx: never left ring 0", form ? "vmcall" : "vmmcall",
                         (unsigned long long)h.nr);
            else if (e.kind != X86_VEC_UD)
                evidence("ring 3 %s 0x%llx: exception %s (%s)", form ? "vmcall" : "vmmcall",
                         (unsigned long long)h.nr, exc_kind_name(e.kind),
                         e.kind == 13 ? "it RETURNED" : "unexpected");
            else
                ud3++;
        }
    }
    evidence("from ring 3: %u of %u VMMCALL/VMCALL hypercalls raised #UD", ud3, total3);
    ud += ud3;
    total += total3 + !at_ring3; /* a ring 3 never reached: the attack did not run */
    bool backdoor = vmware_backdoor();
    claim(ud != total || backdoor, "%u of %u hypercalls raised #UD; the VMware backdoor %s", ud,
          total, backdoor ? "ANSWERED" : "did not answer");
}

/* FI-5: non-canonical addresses (bits 63:47 not all equal): a load, a store and a jump at one
 * each raise #GP in the guest; then the same jump with an IDT of no entries, where the #GP
 * can't be delivered, nor the #DF: a triple fault. (Not a stack there: the guest's handlers run
 * on the stack they interrupt, so a push at a non-canonical RSP is already a triple fault.) */
#define NONCANONICAL_LOW 0x0000800000000000ull
#define NONCANONICAL_HIGH 0xffff7ffffffff000ull

static void jump_to(void *arg)
{
    __asm__ volatile("jmp *%0" ::"r"(*(uint64_t *)arg) : "memory");
}

ATTACK(fi5_noncanonical, "FI-5")
{
    unsigned refused = 0, total = 0;
    static const uint64_t addrs[] = {NONCANONICAL_LOW, NONCANONICAL_HIGH};
    for (unsigned i = 0; i < 2; i++) {
        uint64_t a = addrs[i], v;
        struct exc_info e;
        total += 3;
        refused += !probe_read(a, 8, &v);
        refused += !probe_write(a, 8, 0x5717add1e0000005ull);
        if (exc_catch(jump_to, &a, &e)) {
            evidence("jump to 0x%llx: exception %s at rip 0x%llx", (unsigned long long)a,
                     exc_kind_name(e.kind), (unsigned long long)e.pc);
            refused++;
        }
    }
    claim(refused != total, "%u of %u accesses at non-canonical addresses faulted", refused,
          total);
    if (arg1 != 1)
        return;
    static const struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } empty = {0, 0};
    evidence("a jump to 0x%llx with an empty IDT: a triple fault",
             (unsigned long long)NONCANONICAL_LOW);
    uint64_t a = NONCANONICAL_LOW;
    __asm__ volatile("cli; lidt %0; jmp *%1" ::"m"(empty), "r"(a));
    for (;;)
        ;
}
