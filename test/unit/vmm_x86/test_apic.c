/* The IOAPIC (registers, redirection entries, edge/level with remote IRR, EOI) and the LAPIC
 * (x2APIC MSRs and xAPIC MMIO, priorities, EOI, self-IPI, ESR, mode transitions, the timer
 * in one-shot, periodic and TSC-deadline modes). */
#include "check_run.h"
#include "x86_64/devices/ioapic.h"
#include "x86_64/devices/lapic.h"

#include <string.h>

static struct ioapic io;
static struct apic_msg msgs[64];
static unsigned nmsgs;

static void deliver(void *ctx, const struct apic_msg *m)
{
    if (nmsgs < 64)
        msgs[nmsgs++] = *m;
}

static void io_setup(void)
{
    nmsgs = 0;
    ioapic_init(&io, 0, deliver, NULL);
}

static uint32_t io_reg(uint8_t reg)
{
    uint64_t v;
    ck_assert(ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 4, reg));
    ck_assert(ioapic_mmio_read(&io, IOAPIC_IOWIN, 4, &v));
    return (uint32_t)v;
}

static void io_set(uint8_t reg, uint32_t v)
{
    ck_assert(ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 4, reg));
    ck_assert(ioapic_mmio_write(&io, IOAPIC_IOWIN, 4, v));
}

START_TEST(ioapic_registers)
{
    ck_assert_uint_eq(io_reg(IOAPIC_REG_VER), 0x00170011);
    io_set(IOAPIC_REG_ID, 0x0f000000);
    ck_assert_uint_eq(io_reg(IOAPIC_REG_ID), 0x0f000000);
    ck_assert_uint_eq(io_reg(IOAPIC_REG_ARB), 0x0f000000);
    io_set(IOAPIC_REG_VER, 0);
    ck_assert_uint_eq(io_reg(IOAPIC_REG_VER), 0x00170011);
    for (unsigned i = 0; i < IOAPIC_PINS; i++)
        ck_assert_uint_eq(io_reg(0x10 + 2 * i) & IOAPIC_RTE_MASKED, IOAPIC_RTE_MASKED);
    /* Read-only bits stay clear; high word keeps only the destination. */
    io_set(0x10, 0xffffffff);
    ck_assert_uint_eq(io_reg(0x10), 0x0001afff); /* no delivery status, no remote IRR */
    io_set(0x11, 0xffffffff);
    ck_assert_uint_eq(io_reg(0x11), 0xff000000);
    /* No register beyond the table; odd sizes and offsets are refused (all ones). */
    ck_assert_uint_eq(io_reg(0x10 + 2 * IOAPIC_PINS), 0xffffffff);
    uint64_t v;
    ck_assert(!ioapic_mmio_read(&io, IOAPIC_IOWIN, 1, &v));
    ck_assert_uint_eq(v, 0xff);
    ck_assert(!ioapic_mmio_read(&io, 0x20, 4, &v));
    ck_assert(!ioapic_mmio_write(&io, IOAPIC_IOWIN, 8, 0));
    ck_assert(!ioapic_mmio_read(&io, 0x40, 4, &v)); /* no EOI register at version 0x11 */
}
END_TEST

START_TEST(ioapic_edge_and_level)
{
    /* Pin 2 edge, vector 0x30; pin 16 level, vector 0x41. */
    io_set(0x10 + 4, 0x30);
    io_set(0x10 + 32, 0x41 | IOAPIC_RTE_LEVEL);
    ioapic_set_pin(&io, 2, true);
    ck_assert_uint_eq(nmsgs, 1);
    ck_assert_uint_eq(msgs[0].vector, 0x30);
    ck_assert(!msgs[0].level);
    ioapic_set_pin(&io, 2, true); /* no edge */
    ck_assert_uint_eq(nmsgs, 1);
    ioapic_set_pin(&io, 16, true);
    ck_assert_uint_eq(nmsgs, 2);
    ck_assert(msgs[1].level);
    ck_assert_uint_eq(io_reg(0x10 + 32) & IOAPIC_RTE_REMOTE_IRR, IOAPIC_RTE_REMOTE_IRR);
    ioapic_set_pin(&io, 16, true); /* remote IRR holds it */
    ck_assert_uint_eq(nmsgs, 2);
    ioapic_eoi(&io, 0x41); /* still asserted: delivered again */
    ck_assert_uint_eq(nmsgs, 3);
    ioapic_set_pin(&io, 16, false);
    ioapic_eoi(&io, 0x41);
    ck_assert_uint_eq(nmsgs, 3);
    ck_assert_uint_eq(io_reg(0x10 + 32) & IOAPIC_RTE_REMOTE_IRR, 0);
    /* Masked: a level pin waits and is delivered on unmask; an edge is lost. */
    io_set(0x10 + 32, 0x41 | IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED);
    ioapic_set_pin(&io, 16, true);
    ck_assert_uint_eq(nmsgs, 3);
    io_set(0x10 + 32, 0x41 | IOAPIC_RTE_LEVEL);
    ck_assert_uint_eq(nmsgs, 4);
    /* Linux's EOI for old IOAPICs: switch to edge (clears remote IRR) and back. */
    io_set(0x10 + 32, 0x41 | IOAPIC_RTE_MASKED);
    ck_assert_uint_eq(io_reg(0x10 + 32) & IOAPIC_RTE_REMOTE_IRR, 0);
    io_set(0x10 + 32, 0x41 | IOAPIC_RTE_LEVEL);
    ck_assert_uint_eq(nmsgs, 5);
    /* Active low: asserted while the line is low. */
    io_set(0x10 + 34, 0x42 | IOAPIC_RTE_LEVEL | IOAPIC_RTE_POLARITY_LOW);
    ck_assert_uint_eq(nmsgs, 6);
    /* Out-of-range pins are ignored. */
    ioapic_set_pin(&io, 24, true);
    ioapic_set_pin(&io, 1000, true);
    ck_assert_uint_eq(nmsgs, 6);
}
END_TEST

/* ---- LAPIC ---- */

static struct lapic l;
static uint64_t now;
static uint64_t armed;
static unsigned arms;
static uint8_t eois[16];
static unsigned neois;

static uint64_t l_now(void *c)
{
    return now;
}

/* What the kernel still holds of the vectors handed to it (HV_X86_INTR_PENDING), by word. */
static uint64_t kernel_pending[4];
static unsigned undelivered_calls;

static uint64_t l_undelivered(void *c, unsigned n)
{
    undelivered_calls++;
    return kernel_pending[n];
}

static void l_arm(void *c, uint64_t d)
{
    armed = d;
    arms++;
}

static void l_eoi(void *c, uint8_t v)
{
    if (neois < 16)
        eois[neois++] = v;
}

static void lapic_setup_mode(bool x2)
{
    now = 1000;
    arms = 0;
    neois = 0;
    armed = 0;
    memset(kernel_pending, 0, sizeof(kernel_pending));
    undelivered_calls = 0;
    struct lapic_ops ops = {
        .now_ns = l_now, .timer_arm = l_arm, .eoi = l_eoi, .undelivered = l_undelivered};
    lapic_init(&l, 0, x2, 2000000000ull, 1000000000ull, &ops);
}

static void lapic_setup(void)
{
    lapic_setup_mode(true);
    ck_assert(lapic_msr_write(&l, 0x80f, 0x1ff)); /* SVR: enabled, spurious 0xff */
}

static void fixed(uint8_t vector, bool level)
{
    struct apic_msg m = {.vector = vector, .delivery = APIC_DM_FIXED, .level = level, .dest = 0};
    lapic_deliver(&l, &m);
}

START_TEST(lapic_x2apic_registers)
{
    uint64_t v;
    ck_assert(lapic_msr_read(&l, 0x802, &v));
    ck_assert_uint_eq(v, 0);
    ck_assert(lapic_msr_read(&l, 0x803, &v));
    ck_assert_uint_eq(v & 0xff, 0x14);
    ck_assert_uint_eq((v >> 16) & 0xff, 5);
    ck_assert(lapic_msr_read(&l, 0x80d, &v));
    ck_assert_uint_eq(v, 1); /* LDR derived from ID 0 */
    /* #GP cases: write to read-only, read of write-only, reserved, unknown, high bits. */
    ck_assert(!lapic_msr_write(&l, 0x802, 1));
    ck_assert(!lapic_msr_write(&l, 0x80d, 1));
    ck_assert(!lapic_msr_read(&l, 0x80b, &v));
    ck_assert(!lapic_msr_read(&l, 0x83f, &v));
    ck_assert(!lapic_msr_write(&l, 0x80b, 1));
    ck_assert(!lapic_msr_write(&l, 0x828, 1));
    ck_assert(!lapic_msr_read(&l, 0x809, &v)); /* APR does not exist in x2APIC mode */
    ck_assert(!lapic_msr_read(&l, 0x82f, &v)); /* no CMCI */
    ck_assert(!lapic_msr_write(&l, 0x808, 1ull << 32));
    ck_assert(!lapic_msr_read(&l, 0x7ff, &v));
    ck_assert(!lapic_msr_read(&l, 0x900, &v));
    /* The xAPIC page answers nothing in x2APIC mode. */
    ck_assert(!lapic_mmio_read(&l, LAPIC_ID, 4, &v));
}
END_TEST

START_TEST(lapic_priorities_and_eoi)
{
    fixed(0x41, false);
    fixed(0x35, false);
    ck_assert_int_eq(lapic_pending_vector(&l), 0x41);
    lapic_ack(&l, 0x41);
    /* 0x35 is a lower class than 0x41 in service. */
    ck_assert_int_eq(lapic_pending_vector(&l), -1);
    fixed(0x52, false);
    ck_assert_int_eq(lapic_pending_vector(&l), 0x52);
    lapic_ack(&l, 0x52);
    uint64_t ppr;
    ck_assert(lapic_msr_read(&l, 0x80a, &ppr));
    ck_assert_uint_eq(ppr, 0x50);
    ck_assert(lapic_msr_write(&l, 0x80b, 0)); /* EOI 0x52 */
    ck_assert(lapic_msr_write(&l, 0x80b, 0)); /* EOI 0x41 */
    ck_assert_int_eq(lapic_pending_vector(&l), 0x35);
    /* TPR blocks classes at or below it. */
    ck_assert(lapic_msr_write(&l, 0x808, 0x30));
    ck_assert_int_eq(lapic_pending_vector(&l), -1);
    ck_assert(lapic_msr_write(&l, 0x808, 0x20));
    ck_assert_int_eq(lapic_pending_vector(&l), 0x35);
    /* Level-triggered: TMR set, EOI goes back to the IOAPIC. */
    lapic_ack(&l, 0x35);
    ck_assert(lapic_msr_write(&l, 0x80b, 0));
    fixed(0x61, true);
    uint64_t tmr;
    ck_assert(lapic_msr_read(&l, 0x818 + 3, &tmr));
    ck_assert_uint_eq(tmr, 1u << 1);
    lapic_ack(&l, 0x61);
    ck_assert(lapic_msr_write(&l, 0x80b, 0));
    ck_assert_uint_eq(neois, 1);
    ck_assert_uint_eq(eois[0], 0x61);
    /* An EOI with nothing in service changes nothing. */
    ck_assert(lapic_msr_write(&l, 0x80b, 0));
    ck_assert_uint_eq(neois, 1);
    /* Illegal vectors set ESR instead. */
    fixed(5, false);
    ck_assert_int_eq(lapic_pending_vector(&l), -1);
    uint64_t esr;
    ck_assert(lapic_msr_write(&l, 0x828, 0));
    ck_assert(lapic_msr_read(&l, 0x828, &esr));
    ck_assert_uint_eq(esr, LAPIC_ESR_RECV_ILLEGAL);
}
END_TEST

/* A vector handed to the CPU that the guest has not taken yet (IF = 0) reads as requested, not
 * in service (SDM 10.8.4, IRQ-X5), an EOI meanwhile retires the one really in service, and
 * nothing is asked of the kernel when nothing is handed. */
START_TEST(lapic_handed_not_taken)
{
    uint64_t isr, irr, ppr;
    fixed(0x41, false);
    lapic_ack(&l, 0x41); /* taken: the kernel holds nothing */
    ck_assert(lapic_msr_read(&l, 0x810 + 2, &isr));
    ck_assert_uint_eq(isr, 1u << 1);
    fixed(0x62, false);
    ck_assert_int_eq(lapic_pending_vector(&l), 0x62);
    lapic_ack(&l, 0x62);
    kernel_pending[1] = 1ull << (0x62 - 64); /* waiting for the guest's STI */
    ck_assert(lapic_msr_read(&l, 0x810 + 3, &isr));
    ck_assert(lapic_msr_read(&l, 0x820 + 3, &irr));
    ck_assert(lapic_msr_read(&l, 0x80a, &ppr));
    ck_assert_uint_eq(isr, 0);
    ck_assert_uint_eq(irr, 1u << 2);
    ck_assert_uint_eq(ppr, 0x40);
    /* A lower class still waits behind the handed one (it goes to the CPU first). */
    fixed(0x51, false);
    ck_assert_int_eq(lapic_pending_vector(&l), -1);
    /* The guest's EOI is for 0x41, the one it is handling. */
    ck_assert(lapic_msr_write(&l, 0x80b, 0));
    ck_assert(lapic_msr_read(&l, 0x810 + 2, &isr));
    ck_assert_uint_eq(isr, 0);
    /* Taken now: in service. */
    kernel_pending[1] = 0;
    ck_assert(lapic_msr_read(&l, 0x810 + 3, &isr));
    ck_assert(lapic_msr_read(&l, 0x820 + 3, &irr));
    ck_assert_uint_eq(isr, 1u << 2);
    ck_assert_uint_eq(irr, 0);
    unsigned calls = undelivered_calls;
    ck_assert(lapic_msr_write(&l, 0x80b, 0));
    ck_assert(lapic_msr_read(&l, 0x810 + 3, &isr));
    ck_assert_uint_eq(isr, 0);
    ck_assert_uint_eq(undelivered_calls, calls); /* settled: no more questions */
    ck_assert_int_eq(lapic_pending_vector(&l), 0x51);
    /* Taken back (the kernel refused it): plain IRR, nothing handed. */
    lapic_ack(&l, 0x51);
    lapic_unack(&l, 0x51);
    ck_assert(lapic_msr_read(&l, 0x810 + 2, &isr));
    ck_assert_uint_eq(isr, 0);
    ck_assert_uint_eq(undelivered_calls, calls);
}
END_TEST

START_TEST(lapic_ipis_and_disable)
{
    ck_assert(lapic_msr_write(&l, 0x83f, 0x77)); /* SELF IPI */
    ck_assert_int_eq(lapic_pending_vector(&l), 0x77);
    ck_assert(!lapic_msr_write(&l, 0x83f, 0x177));
    /* ICR: fixed to self by destination 0, and by shorthand; NMI; others ignored. */
    ck_assert(lapic_msr_write(&l, 0x830, 0x88));
    ck_assert(lapic_msr_write(&l, 0x830, 0x40099));
    ck_assert(lapic_msr_write(&l, 0x830, (5ull << 32) | 0xaa)); /* another CPU: nobody */
    ck_assert(lapic_msr_write(&l, 0x830, 0xc00bb));             /* all but self */
    uint64_t irr;
    ck_assert(lapic_msr_read(&l, 0x820 + 4, &irr));
    ck_assert_uint_eq(irr, (1u << 8) | (1u << 25));
    ck_assert(lapic_msr_write(&l, 0x830, 0x400));
    ck_assert(l.nmi_pending);
    ck_assert(lapic_msr_write(&l, 0x830, 0x4));
    uint64_t esr;
    ck_assert(lapic_msr_write(&l, 0x828, 0));
    ck_assert(lapic_msr_read(&l, 0x828, &esr));
    ck_assert_uint_eq(esr, LAPIC_ESR_SEND_ILLEGAL);
    /* Software disable masks the LVTs and drops fixed interrupts. */
    ck_assert(lapic_msr_write(&l, 0x835, 0x700));
    ck_assert(lapic_msr_write(&l, 0x80f, 0xff));
    uint64_t lint0;
    ck_assert(lapic_msr_read(&l, 0x835, &lint0));
    ck_assert_uint_eq(lint0 & LAPIC_LVT_MASKED, LAPIC_LVT_MASKED);
    ck_assert(lapic_msr_write(&l, 0x835, 0x700));
    ck_assert(lapic_msr_read(&l, 0x835, &lint0));
    ck_assert_uint_eq(lint0 & LAPIC_LVT_MASKED, LAPIC_LVT_MASKED);
    fixed(0x90, false);
    ck_assert(lapic_msr_read(&l, 0x820 + 4, &irr));
    ck_assert_uint_eq(irr & 1u << 16, 0);
}
END_TEST

START_TEST(lapic_mode_transitions)
{
    uint64_t base = lapic_base_read(&l);
    ck_assert_uint_eq(base, LAPIC_BASE | APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP);
    /* x2APIC -> xAPIC directly is #GP; via disabled it works. */
    ck_assert(!lapic_base_write(&l, LAPIC_BASE | APIC_BASE_EN));
    ck_assert(lapic_base_write(&l, LAPIC_BASE));
    ck_assert(!lapic_base_write(&l, LAPIC_BASE | APIC_BASE_EN | APIC_BASE_EXTD));
    ck_assert(!lapic_base_write(&l, LAPIC_BASE | APIC_BASE_EXTD));
    ck_assert(lapic_base_write(&l, LAPIC_BASE | APIC_BASE_EN));
    ck_assert(!lapic_base_write(&l, LAPIC_BASE | APIC_BASE_EN | (1ull << 63)));
    /* xAPIC MMIO now, and no MSRs. */
    uint64_t v;
    ck_assert(!lapic_msr_read(&l, 0x802, &v));
    ck_assert(lapic_mmio_read(&l, LAPIC_VER, 4, &v));
    ck_assert_uint_eq(v & 0xff, 0x14);
    ck_assert(lapic_mmio_write(&l, LAPIC_SVR, 4, 0x1ff));
    ck_assert(lapic_mmio_write(&l, LAPIC_LDR, 4, 0x01000000));
    ck_assert(lapic_mmio_write(&l, LAPIC_ICR_HI, 4, 0x01000000));
    ck_assert(lapic_mmio_write(&l, LAPIC_DFR, 4, 0xffffffff));
    ck_assert(lapic_mmio_write(&l, LAPIC_ICR, 4, 0x800 | 0x66)); /* logical, flat, to us */
    ck_assert_int_eq(lapic_pending_vector(&l), 0x66);
    lapic_ack(&l, 0x66);
    ck_assert(lapic_mmio_write(&l, LAPIC_EOI, 4, 0));
    ck_assert_int_eq(lapic_pending_vector(&l), -1);
    /* Misaligned, odd-sized, out-of-page and unknown offsets are refused with all ones. */
    ck_assert(!lapic_mmio_read(&l, LAPIC_VER + 4, 4, &v));
    ck_assert_uint_eq(v, 0xffffffff);
    ck_assert(!lapic_mmio_read(&l, LAPIC_VER, 2, &v));
    ck_assert(!lapic_mmio_read(&l, 0x1000, 4, &v));
    ck_assert(!lapic_mmio_read(&l, 0x3f0, 4, &v));
    ck_assert(!lapic_mmio_write(&l, 0x2f0, 4, 0));
    /* Relocation: the MSR reads back the base written, the page answers where it was. */
    ck_assert(lapic_base_write(&l, 0xfed00000ull | APIC_BASE_EN));
    ck_assert_uint_eq(lapic_base_read(&l), 0xfed00000ull | APIC_BASE_EN | APIC_BASE_BSP);
    ck_assert(lapic_mmio_read(&l, LAPIC_VER, 4, &v));
    ck_assert_uint_eq(v & 0xff, 0x14);
    /* Hardware disable resets the registers. */
    ck_assert(lapic_base_write(&l, LAPIC_BASE));
    ck_assert_uint_eq(l.svr, 0xff);
    ck_assert(lapic_accepts_extint(&l));
}
END_TEST

START_TEST(lapic_timer_oneshot_periodic)
{
    /* bus 1 GHz, divide by 16: 16 ns per count. */
    ck_assert(lapic_msr_write(&l, 0x83e, 0x3));
    ck_assert(lapic_msr_write(&l, 0x832, 0xec));
    ck_assert(lapic_msr_write(&l, 0x838, 1000));
    ck_assert_uint_eq(armed, 1000 + 16000);
    now += 8000;
    uint64_t cur;
    ck_assert(lapic_msr_read(&l, 0x839, &cur));
    ck_assert_uint_eq(cur, 500);
    lapic_timer_update(&l);
    ck_assert_int_eq(lapic_pending_vector(&l), -1);
    now = 1000 + 16000;
    lapic_timer_update(&l);
    ck_assert_int_eq(lapic_pending_vector(&l), 0xec);
    ck_assert_uint_eq(armed, UINT64_MAX);
    ck_assert(lapic_msr_read(&l, 0x839, &cur));
    ck_assert_uint_eq(cur, 0);
    /* Periodic: divide 1, period 100 ns; late updates coalesce and stay on the grid. */
    lapic_ack(&l, 0xec);
    ck_assert(lapic_msr_write(&l, 0x80b, 0));
    ck_assert(lapic_msr_write(&l, 0x83e, 0xb));
    ck_assert(lapic_msr_write(&l, 0x832, (1u << 17) | 0xed));
    ck_assert(lapic_msr_write(&l, 0x838, 100));
    uint64_t start = now;
    now = start + 350;
    lapic_timer_update(&l);
    ck_assert_int_eq(lapic_pending_vector(&l), 0xed);
    ck_assert_uint_eq(armed, start + 400);
    ck_assert(lapic_msr_read(&l, 0x839, &cur));
    ck_assert_uint_eq(cur, 50);
    /* Masked: counts, no interrupt. */
    lapic_ack(&l, 0xed);
    ck_assert(lapic_msr_write(&l, 0x80b, 0));
    ck_assert(lapic_msr_write(&l, 0x832, (1u << 17) | LAPIC_LVT_MASKED | 0xed));
    now = start + 1000;
    lapic_timer_update(&l);
    ck_assert_int_eq(lapic_pending_vector(&l), -1);
    /* Writing 0 stops it. */
    ck_assert(lapic_msr_write(&l, 0x838, 0));
    ck_assert_uint_eq(armed, UINT64_MAX);
}
END_TEST

START_TEST(lapic_timer_tsc_deadline)
{
    /* TSC at 2 GHz: deadline 2,000,000 ticks = 1 ms. */
    lapic_tsc_deadline_write(&l, 12345); /* ignored outside TSC-deadline mode */
    ck_assert_uint_eq(lapic_tsc_deadline_read(&l), 0);
    ck_assert(lapic_msr_write(&l, 0x832, (2u << 17) | 0xef));
    ck_assert(lapic_msr_write(&l, 0x838, 5)); /* TMICT ignored in this mode */
    ck_assert_uint_eq(armed, UINT64_MAX);
    lapic_tsc_deadline_write(&l, 2000000);
    ck_assert_uint_eq(lapic_tsc_deadline_read(&l), 2000000);
    ck_assert_uint_eq(armed, 1000000);
    now = 999999;
    lapic_timer_update(&l);
    ck_assert_int_eq(lapic_pending_vector(&l), -1);
    now = 1000000;
    lapic_timer_update(&l);
    ck_assert_int_eq(lapic_pending_vector(&l), 0xef);
    ck_assert_uint_eq(lapic_tsc_deadline_read(&l), 0); /* cleared when it fires */
    /* A deadline in the past fires at the next update; 0 disarms; a mode change disarms. */
    lapic_tsc_deadline_write(&l, 1);
    ck_assert_uint_eq(armed, 1);
    lapic_tsc_deadline_write(&l, 0);
    ck_assert_uint_eq(armed, UINT64_MAX);
    lapic_tsc_deadline_write(&l, UINT64_MAX);
    ck_assert(lapic_msr_write(&l, 0x832, 0xef));
    ck_assert_uint_eq(armed, UINT64_MAX);
    ck_assert_uint_eq(lapic_tsc_deadline_read(&l), 0);
}
END_TEST

START_TEST(lapic_hostile_msrs)
{
    /* Every x2APIC MSR with awkward values: answers are #GP or defined, never a crash. */
    const uint64_t vals[] = {0, 1, 0xff, 0x10000, 0xffffffff, 1ull << 32, UINT64_MAX};
    for (uint32_t msr = 0x7f0; msr <= 0x90f; msr++) {
        for (unsigned i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
            uint64_t v;
            (void)lapic_msr_write(&l, msr, vals[i]);
            (void)lapic_msr_read(&l, msr, &v);
            now += 17;
            lapic_timer_update(&l);
        }
    }
    for (uint64_t off = 0; off < 0x1010; off += 4) {
        uint64_t v;
        (void)lapic_mmio_write(&l, off, 4, 0xffffffff);
        (void)lapic_mmio_read(&l, off, 4, &v);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("apic");
    TCase *ti = tcase_create("ioapic");
    tcase_add_checked_fixture(ti, io_setup, NULL);
    tcase_add_test(ti, ioapic_registers);
    tcase_add_test(ti, ioapic_edge_and_level);
    suite_add_tcase(s, ti);
    TCase *tl = tcase_create("lapic");
    tcase_add_checked_fixture(tl, lapic_setup, NULL);
    tcase_add_test(tl, lapic_x2apic_registers);
    tcase_add_test(tl, lapic_priorities_and_eoi);
    tcase_add_test(tl, lapic_handed_not_taken);
    tcase_add_test(tl, lapic_ipis_and_disable);
    tcase_add_test(tl, lapic_mode_transitions);
    tcase_add_test(tl, lapic_timer_oneshot_periodic);
    tcase_add_test(tl, lapic_timer_tsc_deadline);
    tcase_add_test(tl, lapic_hostile_msrs);
    suite_add_tcase(s, tl);
    return check_run(s);
}
