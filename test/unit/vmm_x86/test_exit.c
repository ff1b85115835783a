/* The x86 exit handler end to end: port I/O (plain and string), MSRs, CPUID, MMIO through
 * NPF and the decoder, power requests and interrupt delivery (the kernel's vcpu timer:
 * test_timer_arm.c). */
#include "check_run.h"
#include "x86_64/devices/cmos_rtc.h"
#include "x86_64/devices/lapic.h"
#include "x86_64/devices/pvclock.h"
#include "x86_64/exit/msr.h"
#include "x86_64/exit/x86_exit.h"
#include "x86_64/pc_wiring.h"
#include "x86_fixture.h"

#include <string.h>

static uint64_t reply[6];
static unsigned len;

START_TEST(uart_output_reaches_console)
{
    const char *s = "hi\n";
    for (const char *p = s; *p; p++)
        fx_out(0x3f8, 1, (uint8_t)*p);
    ck_assert_uint_eq(fx.nout, 3);
    ck_assert_mem_eq(fx.out, "hi\n", 3);
    /* IN AL keeps the rest of RAX; LSR says THR empty. */
    uint64_t r[6];
    unsigned n;
    fx_exit(SVM_EXIT_IOIO, 0x3fdull << 16 | SVM_IOIO_SZ8 | SVM_IOIO_TYPE_IN, 0x1001, 0x1000,
            0x1122334455667788ull, r, &n);
    ck_assert_uint_eq(r[0], HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(r[3] & ~0xffull, 0x1122334455667700ull);
    ck_assert_uint_eq(r[3] & 0x60, 0x60);
    ck_assert_uint_eq(r[1], 0); /* the kernel knows an IOIO's length */
}
END_TEST

START_TEST(unknown_ports_and_malformed_ioio)
{
    ck_assert_uint_eq(fx_in(0x2f8, 1), 0xff);
    ck_assert_uint_eq(fx_in(0x1234, 2), 0xffff);
    /* IN EAX clears RAX's upper half */
    uint64_t r[6];
    unsigned n;
    fx_exit(SVM_EXIT_IOIO, 0x5555ull << 16 | SVM_IOIO_SZ32 | SVM_IOIO_TYPE_IN, 0, 0x1000,
            UINT64_MAX, r, &n);
    ck_assert_uint_eq(r[3], 0xffffffffull);
    unsigned logs = fx.log_lines;
    fx_out(0x1234, 1, 0);
    fx_out(0x1234, 1, 0);
    ck_assert_uint_le(fx.log_lines, logs + 1); /* logged once */
    /* Two size bits, or none: #GP. */
    fx_exit(SVM_EXIT_IOIO, 0x80ull << 16 | SVM_IOIO_SZ8 | SVM_IOIO_SZ16, 0, 0x1000, 0, r, &n);
    ck_assert_uint_eq(r[0], HV_VCPU_RESUME_FAULT);
    fx_exit(SVM_EXIT_IOIO, 0x80ull << 16, 0, 0x1000, 0, r, &n);
    ck_assert_uint_eq(r[0], HV_VCPU_RESUME_FAULT);
    fx_exit(SVM_EXIT_IOIO, 1ull << 40 | SVM_IOIO_SZ8, 0, 0x1000, 0, r, &n);
    ck_assert_uint_eq(r[0], HV_VCPU_RESUME_FAULT);
    /* PCI: no devices; CONFIG_ADDRESS holds a dword. */
    fx_out(0xcf8, 4, 0x80000000);
    ck_assert_uint_eq(fx_in(0xcf8, 4), 0x80000000);
    ck_assert_uint_eq(fx_in(0xcfc, 4), 0xffffffff);
    ck_assert_uint_eq(fx_in(0xcf8, 1), 0xff);
}
END_TEST

START_TEST(string_io)
{
    fx_long_mode();
    memcpy(fx.ram + 0x3000, "abcdef", 6);
    fx.regs[HV_X86_RSI] = 0x3000;
    fx.regs[HV_X86_RCX] = 6;
    fx.regs[HV_X86_RFLAGS] = 2;
    uint64_t info = 0x3f8ull << 16 | SVM_IOIO_SZ8 | SVM_IOIO_STR | SVM_IOIO_REP | SVM_IOIO_A64 |
                    3u << SVM_IOIO_SEG_SHIFT;
    fx_exit(SVM_EXIT_IOIO, info, 0x1002, 0x1000, 0, reply, &len);
    ck_assert_uint_eq(fx.nout, 6);
    ck_assert_mem_eq(fx.out, "abcdef", 6);
    ck_assert_uint_eq(reply[0],
                      HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_SET_B | HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(reply[2], HV_X86_RSI);
    ck_assert_uint_eq(reply[3], 0x3006);
    ck_assert_uint_eq(reply[4], HV_X86_RCX);
    ck_assert_uint_eq(reply[5], 0);
    /* INSB from an unknown port, backwards (DF=1), 32-bit addresses: fills 0xff. */
    fx.regs[HV_X86_RDI] = 0xffffffff00003003ull;
    fx.regs[HV_X86_RCX] = 2;
    fx.regs[HV_X86_RFLAGS] = 2 | 1u << 10;
    info = 0x2222ull << 16 | SVM_IOIO_SZ8 | SVM_IOIO_STR | SVM_IOIO_REP | SVM_IOIO_A32 |
           SVM_IOIO_TYPE_IN;
    fx_exit(SVM_EXIT_IOIO, info, 0x1002, 0x1000, 0, reply, &len);
    ck_assert_mem_eq(fx.ram + 0x3002, "\xff\xff", 2);
    ck_assert_uint_eq(reply[3], 0x3001); /* EDI written: upper half cleared */
    /* A long REP is done in batches: no ADVANCE until RCX reaches 0. */
    fx.regs[HV_X86_RSI] = 0x10000;
    fx.regs[HV_X86_RCX] = 1000;
    fx.regs[HV_X86_RFLAGS] = 2;
    info = 0x80ull << 16 | SVM_IOIO_SZ8 | SVM_IOIO_STR | SVM_IOIO_REP | SVM_IOIO_A64 |
           3u << SVM_IOIO_SEG_SHIFT;
    fx_exit(SVM_EXIT_IOIO, info, 0x1002, 0x1000, 0, reply, &len);
    ck_assert_uint_eq(reply[0] & HV_VCPU_RESUME_ADVANCE, 0);
    ck_assert_uint_eq(reply[5], 1000 - 512);
    /* A buffer that is not mapped: #PF (not present, a supervisor read), CR2 the address. */
    fx.regs[HV_X86_RSI] = 0x500000; /* beyond the 4 MiB mapped */
    fx.regs[HV_X86_RCX] = 4;
    fx_exit(SVM_EXIT_IOIO, info, 0x1002, 0x1000, 0, reply, &len);
    ck_assert_uint_eq(reply[0] & HV_VCPU_RESUME_FAULT, HV_VCPU_RESUME_FAULT);
    ck_assert_uint_eq(reply[1], HV_VCPU_FAULT_VECTOR(X86_VEC_PF, 0));
    ck_assert_uint_eq(fx.regs[HV_X86_CR2], 0x500000);
    ck_assert_uint_eq(reply[5], 4);
    /* Mapped, but not RAM (the guest's tables point at MMIO): #GP, not emulated. */
    *(uint64_t *)(fx.ram + 0x103000 + 0x3ff * 8) = 0xfec00000ull | 3;
    fx.regs[HV_X86_RSI] = 0x3ff000;
    fx_exit(SVM_EXIT_IOIO, info, 0x1002, 0x1000, 0, reply, &len);
    ck_assert_uint_eq(reply[0] & HV_VCPU_RESUME_FAULT, HV_VCPU_RESUME_FAULT);
    ck_assert_uint_eq(reply[1], HV_VCPU_FAULT_VECTOR(X86_VEC_GP, 0));
    /* A segment number beyond GS: #GP. */
    fx_exit(SVM_EXIT_IOIO, info | 7u << SVM_IOIO_SEG_SHIFT, 0x1002, 0x1000, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
}
END_TEST

START_TEST(msrs)
{
    uint64_t v;
    ck_assert(fx_rdmsr(MSR_IA32_APIC_BASE, &v));
    ck_assert_uint_eq(v, 0xfee00000ull | APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP);
    ck_assert(fx_rdmsr(0x802, &v)); /* x2APIC ID */
    ck_assert_uint_eq(v, 0);
    ck_assert(fx_rdmsr(MSR_IA32_MTRRCAP, &v));
    ck_assert_uint_eq(v, X86_MTRRCAP_VALUE);
    ck_assert(fx_rdmsr(MSR_IA32_MTRR_DEF_TYPE, &v));
    ck_assert_uint_eq(v, X86_MTRR_DEF_TYPE_VALUE);
    ck_assert(fx_wrmsr(MSR_IA32_MTRR_DEF_TYPE, 0)); /* ignored, logged */
    ck_assert(fx_rdmsr(MSR_IA32_MTRR_DEF_TYPE, &v));
    ck_assert_uint_eq(v, X86_MTRR_DEF_TYPE_VALUE);
    ck_assert(!fx_wrmsr(MSR_IA32_MTRR_DEF_TYPE, 1ull << 20));
    ck_assert(!fx_wrmsr(MSR_IA32_MTRRCAP, 0));
    ck_assert(fx_rdmsr(MSR_IA32_MISC_ENABLE, &v));
    ck_assert_uint_eq(v & (1u << 18), 0); /* no MONITOR */
    ck_assert(fx_wrmsr(MSR_IA32_PAT, 0x0007040600070406ull));
    ck_assert(!fx_wrmsr(MSR_IA32_PAT, 0x0007040600070402ull));
    ck_assert(!fx_wrmsr(MSR_IA32_PAT, 0x0807040600070406ull));
    ck_assert(fx_rdmsr(MSR_IA32_PAT, &v));
    ck_assert_uint_eq(v, 0x0007040600070406ull);
    /* Linux reads this one on a family 0xf CPU without rdmsr_safe: 0, writes ignored. */
    ck_assert(fx_rdmsr(MSR_K8_INT_PENDING_MSG, &v));
    ck_assert_uint_eq(v, 0);
    ck_assert(fx_wrmsr(MSR_K8_INT_PENDING_MSG, 0x10000000));
    ck_assert(fx_rdmsr(MSR_K8_INT_PENDING_MSG, &v));
    ck_assert_uint_eq(v, 0);
    fx.now_ns = 2000000000ull;
    ck_assert(fx_rdmsr(MSR_IA32_TSC, &v));
    ck_assert_uint_eq(v, 2000000000ull);
    /* Unknown: #GP; a hundred tries log one note and a few rate-limited warnings. */
    unsigned logs = fx.log_lines;
    for (unsigned i = 0; i < 100; i++)
        ck_assert(!fx_rdmsr(0xc0011029, &v));
    ck_assert_uint_ge(fx.log_lines, logs + 1);
    ck_assert_uint_le(fx.log_lines, logs + 1 + 7);
    ck_assert(!fx_wrmsr(0x48, 1));
    /* Malformed EXITINFO1. */
    fx_exit(SVM_EXIT_MSR, 2, 0, 0x1000, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    /* Register reads failing: the instruction is retried, nothing else. */
    fx.fail_reads = true;
    fx_exit(SVM_EXIT_MSR, 0, 0, 0x1000, 0, reply, &len);
    ck_assert_uint_eq(len, 0);
}
END_TEST

static void cpuid(uint32_t leaf, uint32_t sub, struct x86_cpuid_regs *r)
{
    fx.regs[HV_X86_RCX] = sub;
    fx_exit(SVM_EXIT_CPUID, 0, 0, 0x1000, leaf, reply, &len);
    ck_assert_uint_eq(reply[0],
                      HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_SET_B | HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(reply[2], HV_X86_RAX);
    ck_assert_uint_eq(reply[4], HV_X86_RDX);
    ck_assert(fx.reg_written[HV_X86_RBX] && fx.reg_written[HV_X86_RCX]);
    r->eax = (uint32_t)reply[3];
    r->edx = (uint32_t)reply[5];
    r->ebx = (uint32_t)fx.regs[HV_X86_RBX];
    r->ecx = (uint32_t)fx.regs[HV_X86_RCX];
}

/* A hypervisor leaf's signature: EBX, ECX, EDX as 12 characters. */
static void signature(const struct x86_cpuid_regs *r, char sig[13])
{
    memcpy(sig, &r->ebx, 4);
    memcpy(sig + 4, &r->ecx, 4);
    memcpy(sig + 8, &r->edx, 4);
    sig[12] = '\0';
}

START_TEST(cpuid_filtered)
{
    struct x86_cpuid_regs r;
    cpuid(1, 0, &r);
    ck_assert_uint_eq(r.ecx & CPUID_1_ECX_VMX, 0);
    ck_assert_uint_eq(r.ecx & CPUID_1_ECX_MONITOR, 0);
    ck_assert_uint_eq(r.ecx & CPUID_1_ECX_XSAVE, 0);
    ck_assert_uint_ne(r.ecx & CPUID_1_ECX_HYPERVISOR, 0);
    ck_assert_uint_ne(r.ecx & CPUID_1_ECX_X2APIC, 0);
    ck_assert_uint_ne(r.ecx & CPUID_1_ECX_TSC_DEADLINE, 0);
    ck_assert_uint_eq(r.edx & (CPUID_1_EDX_MCE | CPUID_1_EDX_MCA | CPUID_1_EDX_HTT), 0);
    ck_assert_uint_eq((r.ebx >> 16) & 0xff, 1);
    cpuid(0x80000001, 0, &r);
    ck_assert_uint_eq(r.ecx & CPUID_8000_0001_ECX_SVM, 0);
    cpuid(0x40000000, 0, &r);
    char sig[13];
    signature(&r, sig);
    ck_assert_str_eq(sig, "DuetDuetDuet");
    ck_assert_uint_ge(r.eax, 0x40000010);
    cpuid(0x40000010, 0, &r);
    ck_assert_uint_eq(r.eax, 1000000); /* TSC kHz */
    cpuid(0x8000000a, 0, &r);
    ck_assert_uint_eq(r.eax | r.ebx | r.ecx | r.edx, 0);
    cpuid(5, 0, &r);
    ck_assert_uint_eq(r.eax | r.ebx | r.ecx | r.edx, 0);
    cpuid(0xb, 1, &r);
    ck_assert_uint_eq((r.ecx >> 8) & 0xff, 2);
    cpuid(0, 0, &r); /* the host's vendor passes through */
    ck_assert_mem_eq(&r.ebx, "Auth", 4);
}
END_TEST

/* KVM's paravirtual clock: found at 0x4000_0100, its record written where the guest says
 * and only there. */
START_TEST(kvm_clock)
{
    struct x86_cpuid_regs r;
    cpuid(0x40000100, 0, &r);
    char sig[13];
    signature(&r, sig);
    ck_assert_str_eq(sig, "KVMKVMKVM");
    ck_assert_uint_eq(r.eax, 0x40000101);
    cpuid(0x40000101, 0, &r);
    ck_assert_uint_eq(r.eax, KVM_FEATURE_NOP_IO_DELAY | KVM_FEATURE_CLOCKSOURCE2 |
                                 KVM_FEATURE_CLOCKSOURCE_STABLE);
    ck_assert_uint_eq(r.edx, 0);
    cpuid(0x40000102, 0, &r);
    ck_assert_uint_eq(r.eax | r.ebx | r.ecx | r.edx, 0);

    /* The system-time record at 0x3000, 5 s after the clock's zero (TSC at 1 GHz). */
    memset(fx.ram + 0x3000, 0xaa, 64);
    fx.now_ns = 5000000000ull;
    ck_assert(fx_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0x3000 | 1));
    struct pvclock_time_record rec;
    memcpy(&rec, fx.ram + 0x3000, sizeof(rec));
    ck_assert_uint_eq(rec.version, 2);
    ck_assert_uint_eq(rec.system_time, 5000000000ull);
    ck_assert_uint_eq(rec.tsc_timestamp, 5000000000ull);
    ck_assert_uint_eq(rec.flags, PVCLOCK_TSC_STABLE);
    struct pvclock_scale sc = {rec.tsc_to_system_mul, rec.tsc_shift};
    ck_assert_uint_ge(pvclock_scale_delta(1000000000ull, sc), 999999998ull);
    ck_assert_uint_eq(fx.ram[0x3000 + sizeof(rec)], 0xaa); /* nothing past the record */
    uint64_t v;
    ck_assert(fx_rdmsr(MSR_KVM_SYSTEM_TIME_NEW, &v));
    ck_assert_uint_eq(v, 0x3001);

    /* Disabled, misaligned, straddling the end of RAM, far outside it: accepted (the MSR
     * keeps the value) and RAM is untouched. */
    memset(fx.ram + 0x3000, 0xaa, 64);
    ck_assert(fx_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0x3000));
    ck_assert(fx_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0x3002 | 1));
    ck_assert_uint_eq(fx.ram[0x3002], 0xaa);
    ck_assert_uint_eq(fx.ram[0x3004], 0xaa);
    memset(fx.ram + FX_RAM_SIZE - 16, 0xaa, 16);
    ck_assert(fx_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, (FX_RAM_SIZE - 16) | 1));
    ck_assert_uint_eq(fx.ram[FX_RAM_SIZE - 16], 0xaa);
    ck_assert(fx_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, UINT64_MAX));
    ck_assert(fx_rdmsr(MSR_KVM_SYSTEM_TIME_NEW, &v));
    ck_assert_uint_eq(v, UINT64_MAX);

    /* The wall clock: the CMOS clock's time of day at system time 0. */
    fxv.pf.cmos.epoch_s = 1700000000;
    ck_assert(fx_wrmsr(MSR_KVM_WALL_CLOCK_NEW, 0x4000));
    struct pvclock_wall_record w;
    memcpy(&w, fx.ram + 0x4000, sizeof(w));
    ck_assert_uint_eq(w.version, 2);
    ck_assert_uint_eq(w.sec, 1700000000);
    ck_assert_uint_eq(w.nsec, 0);
    ck_assert(fx_wrmsr(MSR_KVM_WALL_CLOCK_NEW, FX_RAM_SIZE - 4));
    ck_assert(fx_wrmsr(MSR_KVM_WALL_CLOCK_NEW, UINT64_MAX - 3));
    ck_assert(fx_rdmsr(MSR_KVM_WALL_CLOCK_NEW, &v));
    ck_assert_uint_eq(v, UINT64_MAX - 3);
    /* The neighbours of the pair are still unknown MSRs. */
    ck_assert(!fx_rdmsr(MSR_KVM_WALL_CLOCK_NEW - 1, &v));
    ck_assert(!fx_rdmsr(MSR_KVM_SYSTEM_TIME_NEW + 1, &v));
}
END_TEST

/* Runs an NPF exit for instruction bytes placed at RIP 0x2000. */
static enum vmm_exit_action npf(const char *insn, size_t n, uint64_t gpa, bool write, uint64_t rax)
{
    memcpy(fx.ram + 0x2000, insn, n);
    return fx_exit(SVM_EXIT_NPF, SVM_NPF_FINAL | (write ? SVM_NPF_WRITE : 0) | SVM_NPF_PRESENT, gpa,
                   0x2000, rax, reply, &len);
}

START_TEST(mmio_ioapic_through_npf)
{
    fx_long_mode();
    /* movl $0x1,(%rdi) to IOREGSEL; mov (%rsi),%ecx from IOWIN: the version register. */
    npf("\xc7\x07\x01\x00\x00\x00", 6, IOAPIC_BASE, true, 0);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(reply[1], 6);
    fx.regs[HV_X86_RCX] = 0xaaaaaaaaaaaaaaaaull;
    npf("\x8b\x0e", 2, IOAPIC_BASE + 0x10, false, 0);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(reply[1], 2);
    ck_assert_uint_eq(reply[2], HV_X86_RCX);
    ck_assert_uint_eq(reply[3], 0x00170011);
    /* mov %eax,(%rdi) uses RAX from the exit words */
    npf("\x89\x07", 2, IOAPIC_BASE, true, 0x10);
    npf("\x8b\x07", 2, IOAPIC_BASE + 0x10, false, 0);
    ck_assert_uint_eq(reply[3] & IOAPIC_RTE_MASKED, IOAPIC_RTE_MASKED);
    /* Unclaimed MMIO (an empty virtio slot): reads all ones, writes ignored. */
    npf("\x8b\x07", 2, X86_VIRTIO_MMIO_BASE, false, 0);
    ck_assert_uint_eq(reply[3], 0xffffffff);
    npf("\x88\x27", 2, X86_VIRTIO_MMIO_BASE, true, 0x1234); /* mov %ah,(%rdi) */
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_ADVANCE);
    /* The xAPIC page answers nothing while the LAPIC is in x2APIC mode. */
    npf("\x8b\x07", 2, LAPIC_BASE + LAPIC_VER, false, 0);
    ck_assert_uint_eq(reply[3], 0xffffffff);
}
END_TEST

/* CR8 is the TPR: MOV to CR8 sets TPR[7:4], MOV from CR8 reads it (APM vol. 2, "CR8 and the
 * TPR"); the instruction at RIP 0x2000 says which register. */
static enum vmm_exit_action cr8(const char *insn, size_t n, bool write, uint64_t rax)
{
    memcpy(fx.ram + 0x2000, insn, n);
    return fx_exit(write ? SVM_EXIT_WRITE_CR8 : SVM_EXIT_READ_CR8, 0, 0, 0x2000, rax, reply,
                   &len);
}

START_TEST(cr8_is_the_tpr)
{
    fx_long_mode();
    uint64_t tpr;
    cr8("\x44\x0f\x22\xc0", 4, true, 5); /* mov %rax,%cr8 */
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(reply[1], 4);
    ck_assert(fx_rdmsr(0x808, &tpr)); /* the x2APIC TPR: one register whatever the door */
    ck_assert_uint_eq(tpr, 0x50);
    ck_assert(fx_wrmsr(0x808, 0x3f));
    cr8("\x44\x0f\x20\xc1", 4, false, 0); /* mov %cr8,%rcx */
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(reply[2], HV_X86_RCX);
    ck_assert_uint_eq(reply[3], 3);
    /* mov %r9,%cr8: REX.RB */
    fx.regs[HV_X86_R8 + 1] = 0xf; /* R9 */
    cr8("\x45\x0f\x22\xc1", 4, true, 0);
    ck_assert_uint_eq(lapic_tpr(&fxv.pf.lapic), 0xf0);
    /* Reserved bits 63:4: #GP(0), the TPR unchanged. */
    cr8("\x44\x0f\x22\xc0", 4, true, 0x10);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    ck_assert_uint_eq(reply[1], HV_VCPU_FAULT_VECTOR(X86_VEC_GP, 0));
    ck_assert_uint_eq(lapic_tpr(&fxv.pf.lapic), 0xf0);
    /* Bytes that are not the MOV the exit names (CR0, the other direction, garbage): #GP. */
    cr8("\x0f\x22\xc0", 3, true, 0);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    cr8("\x44\x0f\x20\xc0", 4, true, 0);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    cr8("\x90\x90", 2, false, 0);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    ck_assert_uint_eq(lapic_tpr(&fxv.pf.lapic), 0xf0);
}
END_TEST

START_TEST(npf_refusals)
{
    fx_long_mode();
    /* Not a MOV: #GP */
    npf("\x01\x07", 2, IOAPIC_BASE, true, 0);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    /* LOCK MOV: #UD */
    npf("\xf0\x89\x07", 3, IOAPIC_BASE, true, 0);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    ck_assert_uint_eq(reply[1], HV_VCPU_FAULT_VECTOR(X86_VEC_UD, 0));
    /* A load where the fault says write: #GP */
    npf("\x8b\x07", 2, IOAPIC_BASE, true, 0);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    /* Fetch and page-walk NPFs are not emulated */
    fx_exit(SVM_EXIT_NPF, SVM_NPF_FETCH, IOAPIC_BASE, 0x2000, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    fx_exit(SVM_EXIT_NPF, SVM_NPF_IN_WALK, IOAPIC_BASE, 0x2000, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    /* RIP not mapped: #GP */
    fx_exit(SVM_EXIT_NPF, SVM_NPF_FINAL, IOAPIC_BASE, 0x7000000, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    /* An instruction crossing into an unmapped page: #GP; into a mapped one: fine. */
    uint64_t *pt = (uint64_t *)(fx.ram + 0x103000);
    memcpy(fx.ram + 0x3ffe, "\xc7\x07", 2);
    memcpy(fx.ram + 0x4000, "\x01\x00\x00\x00", 4);
    fx_exit(SVM_EXIT_NPF, SVM_NPF_FINAL | SVM_NPF_WRITE, IOAPIC_BASE, 0x3ffe, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(reply[1], 6);
    pt[4] = 0;
    fx_exit(SVM_EXIT_NPF, SVM_NPF_FINAL | SVM_NPF_WRITE, IOAPIC_BASE, 0x3ffe, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    /* 32-bit protected mode without paging, CS base added */
    fx.regs[HV_X86_CR0] = X86_CR0_PE;
    fx.regs[HV_X86_EFER] = 0;
    fx.regs[HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR)] = HV_X86_ATTR_CODE32;
    fx.regs[HV_X86_SEG(HV_X86_CS, HV_X86_SEG_BASE)] = 0x1000;
    memcpy(fx.ram + 0x5000, "\x8b\x07", 2);
    fx_exit(SVM_EXIT_NPF, SVM_NPF_FINAL, IOAPIC_BASE, 0x4000, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(reply[1], 2);
}
END_TEST

START_TEST(power_requests)
{
    /* ACPI S5 through PM1a_CNT: SLP_TYP 5, SLP_EN. */
    ck_assert_uint_eq(fx_in(0x604, 2) & 1, 1); /* SCI_EN */
    fx_out(0x604, 2, 5u << 10 | 1);
    ck_assert_uint_eq(fx.power_calls, 0);
    uint64_t r[6];
    unsigned n;
    enum vmm_exit_action a = fx_exit(SVM_EXIT_IOIO, 0x604ull << 16 | SVM_IOIO_SZ16, 0, 0x1000,
                                     5u << 10 | 1u << 13 | 1, r, &n);
    ck_assert_int_eq(a, VMM_EXIT_STOP);
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(fx.power_calls, 1);
    ck_assert_int_eq(fx.last_power, VMM_POWER_OFF);
    /* Keyboard-controller reset, 0xcf9, triple fault. */
    fx_setup();
    a = fx_exit(SVM_EXIT_IOIO, 0x64ull << 16 | SVM_IOIO_SZ8, 0, 0x1000, 0xfe, r, &n);
    ck_assert_int_eq(a, VMM_EXIT_STOP);
    ck_assert_int_eq(fx.last_power, VMM_POWER_RESET);
    fx_setup();
    a = fx_exit(SVM_EXIT_IOIO, 0xcf9ull << 16 | SVM_IOIO_SZ8, 0, 0x1000, 0x06, r, &n);
    ck_assert_int_eq(a, VMM_EXIT_STOP);
    ck_assert_int_eq(fx.last_power, VMM_POWER_RESET);
    fx_setup();
    a = fx_exit(SVM_EXIT_SHUTDOWN, 0, 0, 0x1000, 0, r, &n);
    ck_assert_int_eq(a, VMM_EXIT_STOP);
    ck_assert_int_eq(fx.last_power, VMM_POWER_RESET);
    /* The test exit port: a write of v stops the partition with status v << 1 | 1, at any
     * access width (QEMU's isa-debug-exit with iosize 4). */
    fx_setup();
    a = fx_exit(SVM_EXIT_IOIO, 0xf4ull << 16 | SVM_IOIO_SZ32, 0, 0x1000, 0x21, r, &n);
    ck_assert_int_eq(a, VMM_EXIT_STOP);
    ck_assert_int_eq(fx.last_power, VMM_POWER_EXIT);
    ck_assert_uint_eq(fxv.vmm.exit_status, 0x43);
    fx_setup();
    a = fx_exit(SVM_EXIT_IOIO, 0xf4ull << 16 | SVM_IOIO_SZ8, 0, 0x1000, 0, r, &n);
    ck_assert_int_eq(fx.last_power, VMM_POWER_EXIT);
    ck_assert_uint_eq(fxv.vmm.exit_status, 1);
    /* A read of it stops nothing. */
    fx_setup();
    ck_assert_uint_eq(fx_in(0xf4, 1), 0xff);
    ck_assert_uint_eq(fx.power_calls, 0);
    /* Other sleep types, and other 0x64 commands, do nothing. */
    fx_setup();
    fx_out(0x604, 2, 3u << 10 | 1u << 13);
    fx_out(0x64, 1, 0xad);
    ck_assert_uint_eq(fx.power_calls, 0);
}
END_TEST

START_TEST(other_exits)
{
    fx_exit(SVM_EXIT_VMMCALL, 0, 0, 0x1000, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    ck_assert_uint_eq(reply[1], HV_VCPU_FAULT_VECTOR(X86_VEC_UD, 0));
    fx_exit(SVM_EXIT_HLT, 0, 0, 0x1000, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_ADVANCE);
    fx_exit(0x1234, 0, 0, 0x1000, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    fx_exit(SVM_EXIT_INVALID, 0, 0, 0x1000, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    fx_exit(HV_VCPU_EXIT_KERNEL | 1, 0, 0, 0x1000, 0, reply, &len);
    ck_assert_uint_eq(len, 0);
    fx_exit(SVM_EXIT_VINTR, 0, 0, 0x1000, 0, reply, &len);
    ck_assert_uint_eq(len, 0);
}
END_TEST

/* Linux's IOAPIC set-up for COM1: pin 4, vector 0x24, edge, to APIC 0. */
START_TEST(uart_interrupt_delivered)
{
    ck_assert(fx_wrmsr(0x80f, 0x1ff));
    fx_out(0xfec0, 1, 0); /* an unknown port on the way: harmless */
    /* IOAPIC through the platform directly (the MMIO path is tested above). */
    ck_assert(ioapic_mmio_write(&fxv.pf.ioapic, 0, 4, 0x18));
    ck_assert(ioapic_mmio_write(&fxv.pf.ioapic, 0x10, 4, 0x24));
    fx_out(0x3f9, 1, UART_IER_ERBFI);
    ck_assert_uint_eq(fx_injected(0x24), 0);
    const uint8_t in[3] = {'a', 'b', 'c'};
    /* Console input outside an exit is injected at once (the guest may be halted). */
    ck_assert_uint_eq(vmm_console_input(&fxv.vmm, in, 3), 1); /* FIFO off: one byte */
    ck_assert_uint_eq(fx_injected(0x24), 1);
    ck_assert_uint_eq(fx.inject_flags[0], HV_X86_INJECT_INTR);
    vmm_x86_deliver(&fxv);
    ck_assert_uint_eq(fx_injected(0x24), 1); /* in service: not again */
    ck_assert_uint_eq(fx_in(0x3f8, 1), 'a');
    ck_assert(fx_wrmsr(0x80b, 0)); /* EOI */
    /* A full kernel queue: the vector goes back to IRR and is offered again later. */
    fx.inject_result = 12; /* HV_EBUSY */
    ck_assert_uint_eq(vmm_console_input(&fxv.vmm, in + 1, 1), 1);
    fx.inject_result = 0;
    ck_assert_int_eq(lapic_pending_vector(&fxv.pf.lapic), 0x24);
    vmm_x86_deliver(&fxv);
    ck_assert_uint_eq(fx_injected(0x24), 2);
}
END_TEST

START_TEST(cmos_and_misc_ports)
{
    fxv.pf.cmos.epoch_s = 1700000000; /* 2023-11-14 22:13:20 UTC */
    fx_out(0x70, 1, RTC_YEAR);
    ck_assert_uint_eq(fx_in(0x71, 1), 0x23);
    fx_out(0x70, 1, RTC_CENTURY | 0x80); /* with the NMI-mask bit */
    ck_assert_uint_eq(fx_in(0x71, 1), 0x20);
    fx_out(0x70, 1, RTC_HOURS);
    ck_assert_uint_eq(fx_in(0x71, 1), 0x22);
    fx_out(0x70, 1, RTC_REG_D);
    ck_assert_uint_eq(fx_in(0x71, 1), 0x80);
    fx_out(0x70, 1, 0x40);
    ck_assert_uint_eq(fx_in(0x71, 1), 0xff);
    fx_out(0x70, 1, RTC_REG_B);
    fx_out(0x71, 1, RTC_B_24H | RTC_B_BINARY);
    fx_out(0x70, 1, RTC_MINUTES);
    ck_assert_uint_eq(fx_in(0x71, 1), 13);
    struct rtc_time t;
    rtc_from_unix(951782400, &t); /* 2000-02-29 */
    ck_assert_uint_eq(t.year * 10000 + t.month * 100 + t.day, 20000229);
    /* A 16-bit access to the PIC data ports is two byte accesses. */
    fx_out(0x20, 1, 0x11);
    fx_out(0x21, 1, 0x20);
    fx_out(0x21, 1, 0x04);
    fx_out(0x21, 1, 0x01);
    fx_out(0x21, 1, 0xfb);
    ck_assert_uint_eq(fx_in(0x20, 2), 0xfb00);
    /* The POST port swallows writes quietly. */
    unsigned logs = fx.log_lines;
    fx_out(0x80, 1, 0);
    ck_assert_uint_eq(fx.log_lines, logs);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("x86_exit");
    TCase *tc = tcase_create("exit");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, uart_output_reaches_console);
    tcase_add_test(tc, unknown_ports_and_malformed_ioio);
    tcase_add_test(tc, string_io);
    tcase_add_test(tc, msrs);
    tcase_add_test(tc, cpuid_filtered);
    tcase_add_test(tc, kvm_clock);
    tcase_add_test(tc, mmio_ioapic_through_npf);
    tcase_add_test(tc, npf_refusals);
    tcase_add_test(tc, cr8_is_the_tpr);
    tcase_add_test(tc, power_requests);
    tcase_add_test(tc, other_exits);
    tcase_add_test(tc, uart_interrupt_delivered);
    tcase_add_test(tc, cmos_and_misc_ports);
    suite_add_tcase(s, tc);
    return check_run(s);
}
