/* libFuzzer target for the AArch64 VMM: arbitrary exit words and register values through the
 * whole exit handler and the platform's devices (MMIO bus, GICv3, PL011, PSCI), interleaved
 * with console input, device interrupt lines and refused injections. Checks that every reply
 * is well-formed per hv/abi/vcpu.h and that what the VMM asks of its environment stays in range. */
#include "aarch64/a64_dabt.h"
#include "aarch64/vmm_a64.h"
#include <hv/proto/console.h>
#include <hv/abi/error.h>
#include <hv/abi/vcpu.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "fuzz_invariant.h"

#define NCPUS 2

static struct vmm_a64 a64;
static struct fuzz_input in;
static bool inject_busy;
static unsigned power_calls;
static uint8_t ring[64];
static size_t ring_len, ring_pos;

static int f_inject(void *ctx, unsigned cpu, uint32_t irq, uint64_t flags)
{
    INVARIANT(cpu < NCPUS);
    INVARIANT(irq < GIC_NR_IRQS);
    INVARIANT(flags <= 0xff);
    return inject_busy ? HV_EBUSY : HV_OK;
}

static void f_console_write(void *ctx, const uint8_t *bytes, size_t len)
{
    /* Output goes in lines of at most one console message (hv/proto/console.h). */
    INVARIANT(len >= 1 && len <= HV_CONSOLE_WRITE_MAX && bytes != NULL);
}

static size_t f_console_read(void *ctx, uint8_t *bytes, size_t max)
{
    INVARIANT(max > 0 && max <= 64);
    size_t n = ring_len - ring_pos < max ? ring_len - ring_pos : max;
    memcpy(bytes, ring + ring_pos, n);
    ring_pos += n;
    return n;
}

static void f_power(void *ctx, enum vmm_power what)
{
    INVARIANT(what == VMM_POWER_OFF || what == VMM_POWER_RESET);
    power_calls++;
}

static void f_log(void *ctx, const char *line)
{
    size_t n = strlen(line);
    INVARIANT(n > 0 && n < 160);
}

/* The kernel's timer registers (gicv3_timer.c): only the mask is written, only the timers'
 * PPIs in it, and only the level is read; the level alternates so both paths run. */
static int f_vcpu_read(void *ctx, unsigned cpu, unsigned reg, uint64_t *val)
{
    static uint64_t reads;
    INVARIANT(cpu < VMM_MAX_CPUS && reg == HV_A64_TIMER_LEVEL);
    *val = reads++ & 1 ? HV_A64_TIMER_PPIS : 0;
    return HV_OK;
}

static int f_vcpu_write(void *ctx, unsigned cpu, unsigned reg, uint64_t val)
{
    INVARIANT(cpu < VMM_MAX_CPUS && reg == HV_A64_TIMER_MASK && !(val & ~HV_A64_TIMER_PPIS));
    return HV_OK;
}

static const struct vmm_ops ops = {f_inject,    f_console_write, f_console_read, f_power,
                                   f_log,       f_vcpu_read,     f_vcpu_write};

/* Function IDs worth hitting more often than chance would. */
static const uint32_t fn_ids[] = {
    0x84000000, 0x84000001, 0xc4000001, 0x84000002, 0x84000003, 0xc4000003, 0x84000004,
    0xc4000004, 0x84000005, 0x84000006, 0x84000007, 0x84000008, 0x84000009, 0x8400000a,
    0x8400000e, 0xc4000012, 0x80000000, 0x80000001, 0x80008000, 0x86000000, 0x04000000,
};

static uint64_t pick_addr(void)
{
    switch (in_u8(&in) % 5) {
    case 0:
        return GICD_BASE + in_u16(&in);
    case 1:
        return GICR_BASE + (in_u32(&in) % (NCPUS * GICR_STRIDE + 0x100));
    case 2:
        return PL011_BASE + (in_u16(&in) & 0xfff);
    case 3:
        return in_u64(&in);
    default:
        return GICD_BASE + GICD_IROUTER + in_u16(&in) % 0x2000;
    }
}

static uint64_t pick_esr(void)
{
    uint8_t kind = in_u8(&in);
    uint64_t esr = (uint64_t)ESR_IL;
    switch (kind % 6) {
    case 0:
        return in_u64(&in);
    case 1: { /* a data abort, usually a plausible one */
        uint32_t iss = in_u32(&in) & ESR_ISS_MASK;
        if (kind & 0x10) /* ISV, translation fault, no oddities */
            iss = (iss & 0x00ffc000u) | ESR_DABT_ISV | (iss & ESR_DABT_WNR) | (4 + (iss & 3));
        return esr | (uint64_t)ESR_EC_DABT_LOW << ESR_EC_SHIFT | iss;
    }
    case 2:
        return esr | (uint64_t)ESR_EC_HVC64 << ESR_EC_SHIFT | (kind & 0x80 ? in_u16(&in) : 0);
    case 3: { /* a trapped MSR/MRS, often one of the SGI registers */
        uint32_t iss = in_u32(&in) & ESR_ISS_MASK;
        if (kind & 0x10)
            iss = (iss & (31u << ESR_SYS_RT_SHIFT | (uint32_t)(kind >> 7))) |
                  3u << ESR_SYS_OP0_SHIFT | (5u + (kind >> 5 & 3) % 3) << ESR_SYS_OP2_SHIFT |
                  12u << ESR_SYS_CRN_SHIFT | 11u << ESR_SYS_CRM_SHIFT;
        return esr | (uint64_t)ESR_EC_SYS64 << ESR_EC_SHIFT | iss;
    }
    case 4:
        return esr | (uint64_t)(in_u8(&in) & ESR_EC_MASK) << ESR_EC_SHIFT |
               (in_u32(&in) & ESR_ISS_MASK);
    default:
        return HV_VCPU_EXIT_KERNEL | in_u8(&in);
    }
}

static void check_reply(const uint64_t *w, enum vmm_exit_action act, const uint64_t *r,
                        unsigned len)
{
    INVARIANT(len <= HV_VCPU_EXIT_WORDS);
    for (unsigned i = len; i < HV_VCPU_EXIT_WORDS; i++)
        INVARIANT(r[i] == 0);
    if (act != VMM_EXIT_RESUME) {
        INVARIANT(len == 0);
        INVARIANT(esr_ec(w[0]) == ESR_EC_HVC64 && !(w[0] & HV_VCPU_EXIT_KERNEL));
        return;
    }
    if (w[0] & HV_VCPU_EXIT_KERNEL) {
        INVARIANT(len == 0);
        return;
    }
    INVARIANT(len >= 2); /* every guest exit is either finished (ADVANCE) or refused (FAULT) */
    uint64_t f = r[0];
    INVARIANT((f & ~(uint64_t)HV_VCPU_RESUME_ALL) == 0);
    INVARIANT(!!(f & HV_VCPU_RESUME_ADVANCE) != !!(f & HV_VCPU_RESUME_FAULT));
    INVARIANT(r[1] == 0);
    if (f & HV_VCPU_RESUME_FAULT)
        INVARIANT(len == 2 && !(f & (HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_SET_B)));
    if (f & HV_VCPU_RESUME_SET_A) {
        INVARIANT(len >= 4 && r[2] <= HV_A64_X30);
        struct a64_mmio_access acc;
        if (a64_decode_dabt(w[0], &acc) == A64_DABT_OK) {
            INVARIANT(!acc.write && r[2] == acc.reg);
            INVARIANT(acc.reg64 || r[3] <= 0xffffffffu);
        } else if (esr_ec(w[0]) == ESR_EC_SYS64) {
            /* A read of a debug or PMU register: zero into Rt. */
            INVARIANT((w[0] & ESR_SYS_READ) && r[3] == 0);
            INVARIANT(r[2] == ((esr_iss(w[0]) >> ESR_SYS_RT_SHIFT) & 31));
        } else {
            INVARIANT(esr_ec(w[0]) == ESR_EC_HVC64 && r[2] == HV_A64_X0);
        }
    } else {
        INVARIANT(len == 2);
    }
    INVARIANT(!(f & HV_VCPU_RESUME_SET_B)); /* nothing here sets two registers */
}

static void run_exit(void)
{
    uint64_t w[HV_VCPU_EXIT_WORDS];
    w[HV_VCPU_W_CODE] = pick_esr();
    w[HV_VCPU_W_ADDR] = pick_addr();
    w[HV_VCPU_W_PC] = in_u64(&in);
    w[3] =
        (in_u8(&in) & 1) ? fn_ids[in_u8(&in) % (sizeof(fn_ids) / sizeof(fn_ids[0]))] : in_u64(&in);
    w[4] = in_u8(&in) & 1 ? in_u8(&in) : in_u64(&in);
    w[5] = in_u8(&in) & 1 ? in_u8(&in) : in_u64(&in);
    unsigned cpu = in_u8(&in) % (NCPUS + 1); /* sometimes a vcpu that does not exist */
    uint64_t reply[HV_VCPU_EXIT_WORDS];
    memset(reply, 0xa5, sizeof(reply));
    unsigned len = 1234;
    unsigned power_before = power_calls;
    enum vmm_exit_action act = vmm_a64_handle_exit_cpu(&a64.vmm, cpu, w, reply, &len);
    INVARIANT(act == VMM_EXIT_RESUME || act == VMM_EXIT_STOP_CPU || act == VMM_EXIT_STOP);
    if (cpu >= NCPUS) {
        INVARIANT(act == VMM_EXIT_RESUME && len == 2 && reply[0] == HV_VCPU_RESUME_FAULT);
        return;
    }
    check_reply(w, act, reply, len);
    INVARIANT((act == VMM_EXIT_STOP) == (power_calls == power_before + 1));
}

/* What Linux's GICv3 and PL011 drivers leave behind at boot, so that the fuzzer starts deep
 * inside the delivery paths instead of having to discover the WAKER handshake first. */
static void linux_like_init(uint8_t how)
{
    struct vmm_bus *bus = &a64.vmm.bus;
    for (uint32_t i = 1; i < GIC_NR_IRQS / 32; i++) {
        vmm_bus_write(bus, GICD_BASE + GICD_IGROUPR + 4 * i, 4, ~0u);
        vmm_bus_write(bus, GICD_BASE + GICD_ISENABLER + 4 * i, 4, how & 2 ? ~0u : 0x2);
    }
    for (unsigned c = 0; c < NCPUS; c++) {
        uint64_t sgi = GICR_BASE + c * GICR_STRIDE + GICR_FRAME_SIZE;
        vmm_bus_write(bus, sgi + GICD_IGROUPR, 4, ~0u);
        vmm_bus_write(bus, sgi + GICD_ISENABLER, 4, 0xffff);
        vmm_bus_write(bus, GICR_BASE + c * GICR_STRIDE + GICR_WAKER, 4, 0);
    }
    vmm_bus_write(bus, GICD_BASE + GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1 | GICD_CTLR_ARE);
    vmm_bus_write(bus, PL011_BASE + UARTLCR_H, 4, how & 4 ? UARTLCR_H_FEN : 0);
    vmm_bus_write(bus, PL011_BASE + UARTIMSC, 4,
                  how & 8 ? UART_INT_ALL : UART_INT_RX | UART_INT_RT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    in = (struct fuzz_input){data, size, 0};
    inject_busy = false;
    power_calls = 0;
    ring_len = ring_pos = 0;
    const uint64_t mpidr[NCPUS] = {0, 1};
    INVARIANT(vmm_a64_init(&a64, &ops, NULL, "fuzz", NCPUS, mpidr) == HV_OK);
    uint8_t how = in_u8(&in);
    if (how & 1)
        linux_like_init(how);
    for (unsigned steps = 0; steps < 512 && !in_done(&in); steps++) {
        switch (in_u8(&in) % 7) {
        case 0:
        case 1:
            run_exit();
            break;
        case 2: { /* console input: some pushed, some left in the ring */
            uint8_t bytes[32];
            size_t n = in_u8(&in) % sizeof(bytes);
            in_bytes(&in, bytes, n);
            size_t took = vmm_console_input(&a64.vmm, bytes, n);
            INVARIANT(took <= n);
            ring_len = in_u8(&in) % sizeof(ring);
            ring_pos = 0;
            in_bytes(&in, ring, ring_len);
            vmm_console_refill(&a64.vmm);
            break;
        }
        case 3: {
            uint32_t intid = in_u8(&in);
            bool ok = gicv3_set_level(&a64.gic, intid, in_u8(&in) & 1);
            INVARIANT(ok == (intid >= GIC_NR_PRIVATE && intid < GIC_NR_IRQS));
            break;
        }
        case 4:
            gicv3_pulse(&a64.gic, in_u16(&in) % 1100);
            break;
        case 5:
            inject_busy = in_u8(&in) & 1;
            break;
        default:
            gicv3_sync(&a64.gic);
            break;
        }
        INVARIANT(a64.uart.count <= PL011_FIFO);
        INVARIANT(a64.vmm.bus.nlogged <= VMM_BUS_LOG_TABLE);
    }
    return 0;
}
