/* Unit tests for the GICv3 model: identification, the WAKER handshake, group/enable/pending/
 * priority/configuration/routing semantics, delivery through ops->inject, SGIs, access rules. */
#include "check_run.h"
#include "vmm_fixture.h"
#include <hv/abi/error.h>
#include <hv/abi/vcpu.h>
#include <string.h>

#define D(off) (GICD_BASE + (off))
#define RD(cpu, off) (GICR_BASE + (cpu)*GICR_STRIDE + (off))
#define SGI(cpu, off) (RD(cpu, GICR_FRAME_SIZE + (off)))
#define WORD(base, intid) ((base) + 4 * ((intid) / 32))
#define BIT(intid) (1u << ((intid) % 32))

static struct gicv3 *gic(void)
{
    return &a64.gic;
}

static void wake(unsigned cpu)
{
    bus_write(RD(cpu, GICR_WAKER), 4, 0);
}

/* What Linux does for an SPI: group 1, a priority, enabled; the distributor on; PE awake. */
static void linux_spi(uint32_t intid, uint8_t prio)
{
    bus_write(WORD(D(GICD_IGROUPR), intid), 4,
              bus_read(WORD(D(GICD_IGROUPR), intid), 4) | BIT(intid));
    bus_write(D(GICD_IPRIORITYR) + intid, 1, prio);
    bus_write(D(GICD_CTLR), 4, GICD_CTLR_ENABLE_GRP1 | GICD_CTLR_ARE);
    wake(0);
    bus_write(WORD(D(GICD_ISENABLER), intid), 4, BIT(intid));
}

static void setup(void)
{
    fixture_setup();
}

START_TEST(identification_and_reset_values)
{
    ck_assert_uint_eq(bus_read(D(GICD_CTLR), 4), GICD_CTLR_ARE | GICD_CTLR_DS);
    uint64_t typer = bus_read(D(GICD_TYPER), 4);
    ck_assert_uint_eq(typer & 0x1f, GIC_NR_IRQS / 32 - 1); /* ITLinesNumber: INTIDs up to 127 */
    ck_assert_uint_ge(32 * ((typer & 0x1f) + 1), 96);      /* virtio-mmio slot 31 is INTID 79 */
    ck_assert_uint_eq(typer >> 19 & 0x1f, 9);              /* IDbits: 10 */
    ck_assert_uint_eq(typer & (1u << 17 | 1u << 16 | 1u << 10), 0); /* no LPIs, MBIS, security */
    ck_assert_uint_eq(bus_read(D(GICD_IIDR), 4), GIC_IIDR);
    ck_assert_uint_eq(bus_read(D(GICD_PIDR2), 4) >> 4 & 0xf, 3); /* ArchRev: GICv3 */
    ck_assert_uint_eq(bus_read(RD(0, GICR_PIDR2), 4) >> 4 & 0xf, 3);
    ck_assert_uint_eq(bus_read(D(0xfff0), 4), 0x0d);
    ck_assert_uint_eq(bus_read(D(0xfffc), 4), 0xb1);
    uint64_t rtyper = bus_read(RD(0, GICR_TYPER), 8);
    ck_assert(rtyper & GICR_TYPER_LAST);
    ck_assert_uint_eq(rtyper >> 32, 0); /* affinity 0.0.0.0 */
    ck_assert_uint_eq(rtyper >> 8 & 0xffff, 0);
    ck_assert_uint_eq(rtyper & 1, 0); /* PLPIS */
    /* 32-bit halves of the 64-bit GICR_TYPER. */
    ck_assert_uint_eq(bus_read(RD(0, GICR_TYPER), 4), rtyper & 0xffffffff);
    ck_assert_uint_eq(bus_read(RD(0, GICR_TYPER + 4), 4), rtyper >> 32);
    ck_assert_uint_eq(bus_read(RD(0, GICR_WAKER), 4),
                      GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP);
    ck_assert_uint_eq(bus_read(SGI(0, GICR_ICFGR0), 4), 0xaaaaaaaa); /* SGIs: edge */
    ck_assert_uint_eq(bus_read(RD(0, GICR_CTLR), 4), 0);             /* no LPIs, no RWP */
}
END_TEST

START_TEST(ctlr_are_and_ds_are_fixed)
{
    bus_write(D(GICD_CTLR), 4, 0);
    ck_assert_uint_eq(bus_read(D(GICD_CTLR), 4), GICD_CTLR_ARE | GICD_CTLR_DS);
    bus_write(D(GICD_CTLR), 4, 0xffffffff);
    ck_assert_uint_eq(bus_read(D(GICD_CTLR), 4),
                      GICD_CTLR_ARE | GICD_CTLR_DS | GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
}
END_TEST

START_TEST(waker_handshake_does_not_gate_delivery)
{
    bus_write(WORD(D(GICD_IGROUPR), 48), 4, BIT(48));
    bus_write(D(GICD_CTLR), 4, GICD_CTLR_ENABLE_GRP1);
    bus_write(WORD(D(GICD_ISENABLER), 48), 4, BIT(48));
    /* As QEMU's GICv3: delivered while ProcessorSleep is still set (GIC-A3). */
    gicv3_set_level(gic(), 48, true);
    ck_assert_uint_eq(injected(48), 1);
    /* Linux: clear ProcessorSleep, then poll until ChildrenAsleep reads 0. */
    bus_write(RD(0, GICR_WAKER), 4, bus_read(RD(0, GICR_WAKER), 4) & ~GICR_WAKER_PROCESSOR_SLEEP);
    ck_assert_uint_eq(bus_read(RD(0, GICR_WAKER), 4) & GICR_WAKER_CHILDREN_ASLEEP, 0);
    /* Back to sleep: ChildrenAsleep follows; an edge is still forwarded. */
    bus_write(RD(0, GICR_WAKER), 4, GICR_WAKER_PROCESSOR_SLEEP);
    ck_assert_uint_eq(bus_read(RD(0, GICR_WAKER), 4),
                      GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP);
    gicv3_set_level(gic(), 48, false);
    gicv3_pulse(gic(), 48);
    ck_assert_uint_ge(injected(48), 2);
}
END_TEST

START_TEST(level_spi_delivered_with_its_priority)
{
    linux_spi(48, 0xa0);
    ck_assert_uint_eq(env.ninjects, 0);
    gicv3_set_level(gic(), 48, true);
    ck_assert_uint_eq(env.ninjects, 1);
    ck_assert_uint_eq(env.injects[0].cpu, 0);
    ck_assert_uint_eq(env.injects[0].irq, 48);
    ck_assert_uint_eq(env.injects[0].flags, HV_A64_INJECT_PRIO(0xa0));
    ck_assert_uint_eq(bus_read(WORD(D(GICD_ISPENDR), 48), 4) & BIT(48), BIT(48));
    gicv3_set_level(gic(), 48, false);
    ck_assert_uint_eq(bus_read(WORD(D(GICD_ISPENDR), 48), 4) & BIT(48), 0);
    ck_assert_uint_eq(env.ninjects, 1);
}
END_TEST

START_TEST(level_line_left_high_is_injected_again)
{
    /* The policy of docs/vmm.md: a device re-asserts after each guest access that leaves its
     * line high, and each re-assertion is an injection (the guest may have EOId meanwhile). */
    linux_spi(33, 0x80);
    gicv3_set_level(gic(), 33, true);
    gicv3_set_level(gic(), 33, true);
    gicv3_set_level(gic(), 33, true);
    ck_assert_uint_eq(injected(33), 3);
    gicv3_set_level(gic(), 33, false);
    gicv3_set_level(gic(), 33, false);
    ck_assert_uint_eq(injected(33), 3);
}
END_TEST

START_TEST(edge_spi_only_on_rising_edges_and_pulses)
{
    linux_spi(49, 0x10);
    bus_write(WORD(D(GICD_ICFGR), 49 * 2), 4, 2u << (2 * (49 % 16)));
    ck_assert_uint_eq(bus_read(WORD(D(GICD_ICFGR), 49 * 2), 4), 2u << (2 * (49 % 16)));
    gicv3_set_level(gic(), 49, true);
    gicv3_set_level(gic(), 49, true); /* no edge */
    ck_assert_uint_eq(injected(49), 1);
    ck_assert_uint_eq(bus_read(WORD(D(GICD_ISPENDR), 49), 4) & BIT(49), 0); /* handed over */
    gicv3_set_level(gic(), 49, false);
    gicv3_set_level(gic(), 49, true);
    ck_assert_uint_eq(injected(49), 2);
    gicv3_pulse(gic(), 49);
    ck_assert_uint_eq(injected(49), 3);
}
END_TEST

START_TEST(disabled_interrupt_waits_and_is_delivered_when_enabled)
{
    linux_spi(50, 0x20);
    bus_write(WORD(D(GICD_ICENABLER), 50), 4, BIT(50));
    ck_assert_uint_eq(bus_read(WORD(D(GICD_ISENABLER), 50), 4) & BIT(50), 0);
    ck_assert_uint_eq(bus_read(WORD(D(GICD_ICENABLER), 50), 4) & BIT(50), 0);
    gicv3_set_level(gic(), 50, true);
    ck_assert_uint_eq(injected(50), 0);
    bus_write(WORD(D(GICD_ISENABLER), 50), 4, BIT(50));
    ck_assert_uint_eq(injected(50), 1);
    /* Writing zeros changes nothing; setting an enabled bit again injects nothing new. */
    bus_write(WORD(D(GICD_ICENABLER), 50), 4, 0);
    bus_write(WORD(D(GICD_ISENABLER), 50), 4, BIT(50));
    ck_assert_uint_eq(injected(50), 1);
}
END_TEST

START_TEST(pending_set_and_clear_by_the_guest)
{
    linux_spi(51, 0x30);
    bus_write(D(GICD_CTLR), 4, 0); /* group 1 off: pending waits */
    bus_write(WORD(D(GICD_ISPENDR), 51), 4, BIT(51));
    ck_assert_uint_eq(bus_read(WORD(D(GICD_ICPENDR), 51), 4) & BIT(51), BIT(51));
    bus_write(WORD(D(GICD_ICPENDR), 51), 4, BIT(51));
    ck_assert_uint_eq(bus_read(WORD(D(GICD_ISPENDR), 51), 4) & BIT(51), 0);
    bus_write(D(GICD_CTLR), 4, GICD_CTLR_ENABLE_GRP1);
    ck_assert_uint_eq(injected(51), 0); /* it was cleared before it could be delivered */
    bus_write(WORD(D(GICD_ISPENDR), 51), 4, BIT(51));
    ck_assert_uint_eq(injected(51), 1);
    /* A level input that is high stays pending through ICPENDR. */
    gicv3_set_level(gic(), 52, true);
    bus_write(WORD(D(GICD_ICPENDR), 52), 4, BIT(52));
    ck_assert_uint_eq(bus_read(WORD(D(GICD_ISPENDR), 52), 4) & BIT(52), BIT(52));
}
END_TEST

START_TEST(active_bits_read_back_what_was_written)
{
    bus_write(WORD(D(GICD_ISACTIVER), 60), 4, BIT(60) | BIT(61));
    ck_assert_uint_eq(bus_read(WORD(D(GICD_ICACTIVER), 60), 4), BIT(60) | BIT(61));
    bus_write(WORD(D(GICD_ICACTIVER), 60), 4, BIT(60));
    ck_assert_uint_eq(bus_read(WORD(D(GICD_ISACTIVER), 60), 4), BIT(61));
    ck_assert_uint_eq(env.ninjects, 0);
}
END_TEST

START_TEST(priority_bytes_and_words)
{
    for (unsigned i = 0; i < 4; i++)
        bus_write(D(GICD_IPRIORITYR) + 64 + i, 1, 0x10 * (i + 1));
    ck_assert_uint_eq(bus_read(D(GICD_IPRIORITYR) + 64, 4), 0x40302010);
    bus_write(D(GICD_IPRIORITYR) + 68, 4, 0xa1b2c3d4);
    ck_assert_uint_eq(bus_read(D(GICD_IPRIORITYR) + 68, 1), 0xd4);
    ck_assert_uint_eq(bus_read(D(GICD_IPRIORITYR) + 71, 1), 0xa1);
    /* Halfwords and doublewords are not IPRIORITYR accesses: RAZ/WI, counted. */
    bus_write(D(GICD_IPRIORITYR) + 64, 2, 0xffff);
    ck_assert_uint_eq(bus_read(D(GICD_IPRIORITYR) + 64, 4), 0x40302010);
    ck_assert_uint_eq(bus_read(D(GICD_IPRIORITYR) + 64, 8), 0);
    ck_assert_uint_eq(gic()->warnings[GIC_WARN_ACCESS], 2);
    /* Private INTIDs' priorities live in the redistributor (ARE): RAZ/WI here. */
    bus_write(D(GICD_IPRIORITYR) + 27, 1, 0xee);
    ck_assert_uint_eq(bus_read(D(GICD_IPRIORITYR) + 24, 4), 0);
    bus_write(SGI(0, GICD_IPRIORITYR) + 27, 1, 0xee);
    ck_assert_uint_eq(bus_read(SGI(0, GICD_IPRIORITYR) + 24, 4), 0xee000000);
}
END_TEST

START_TEST(routing_by_affinity)
{
    linux_spi(53, 0x40);
    uint64_t route = D(GICD_IROUTER) + 8 * 53;
    bus_write(route, 8, 0x0000000100000000ull); /* Aff3 = 1: no such vcpu */
    ck_assert_uint_eq(bus_read(route, 8), 0x0000000100000000ull);
    gicv3_set_level(gic(), 53, true);
    ck_assert_uint_eq(injected(53), 0);
    bus_write(route, 4, 0);     /* low half: Aff0..Aff2 */
    bus_write(route + 4, 4, 0); /* high half: Aff3 = 0: vcpu 0 */
    ck_assert_uint_eq(injected(53), 1);
    /* RES0 bits are dropped; IRM (1 of N) reaches the vcpu too. */
    bus_write(route, 8, ~0ull);
    ck_assert_uint_eq(bus_read(route, 8), GIC_IROUTER_MASK);
    bus_write(route, 8, GIC_IROUTER_IRM);
    gicv3_set_level(gic(), 53, true);
    ck_assert_uint_eq(injected(53), 2);
    /* IROUTER of private INTIDs is reserved; of unimplemented ones RAZ/WI. */
    bus_write(D(GICD_IROUTER) + 8 * 5, 8, 1);
    ck_assert_uint_eq(bus_read(D(GICD_IROUTER) + 8 * 5, 8), 0);
    ck_assert_uint_eq(gic()->warnings[GIC_WARN_RESERVED], 2);
    bus_write(D(GICD_IROUTER) + 8 * 500, 8, 1);
    ck_assert_uint_eq(bus_read(D(GICD_IROUTER) + 8 * 500, 8), 0);
    ck_assert_uint_eq(gic()->warnings[GIC_WARN_RESERVED], 2);
    /* Misaligned / odd-sized IROUTER accesses. */
    ck_assert_uint_eq(bus_read(route + 4, 8), 0);
    ck_assert_uint_eq(bus_read(route, 2), 0);
    ck_assert_uint_eq(gic()->warnings[GIC_WARN_ACCESS], 2);
}
END_TEST

START_TEST(word_registers_refuse_other_sizes)
{
    linux_spi(54, 0x40);
    uint64_t before = bus_read(WORD(D(GICD_ISENABLER), 54), 4);
    ck_assert_uint_eq(bus_read(D(GICD_CTLR), 2), 0);
    ck_assert_uint_eq(bus_read(D(GICD_CTLR), 8), 0);
    ck_assert_uint_eq(bus_read(WORD(D(GICD_ISENABLER), 54), 1), 0);
    bus_write(WORD(D(GICD_ICENABLER), 54), 1, 0xff);
    bus_write(WORD(D(GICD_ICENABLER), 54) + 2, 4, ~0u); /* misaligned */
    bus_write(WORD(D(GICD_ICENABLER), 54), 8, ~0ull);
    ck_assert_uint_eq(bus_read(WORD(D(GICD_ISENABLER), 54), 4), before);
    ck_assert_uint_eq(gic()->warnings[GIC_WARN_ACCESS], 6);
    ck_assert_uint_eq(bus_read(RD(0, GICR_WAKER), 8), 0);
    ck_assert_uint_eq(bus_read(RD(0, GICR_TYPER + 4), 8), 0); /* misaligned 64-bit */
}
END_TEST

START_TEST(read_only_and_reserved_offsets)
{
    uint64_t typer = bus_read(D(GICD_TYPER), 4);
    bus_write(D(GICD_TYPER), 4, 0);
    bus_write(D(GICD_IIDR), 4, 0x1234);
    bus_write(D(GICD_PIDR2), 4, 0);
    bus_write(RD(0, GICR_TYPER), 8, 0);
    ck_assert_uint_eq(bus_read(D(GICD_TYPER), 4), typer);
    ck_assert_uint_eq(bus_read(D(GICD_PIDR2), 4), GIC_PIDR2_ARCH_GICV3);
    ck_assert_uint_eq(gic()->warnings[GIC_WARN_READ_ONLY], 4);
    static const uint64_t reserved[] = {0x0020, 0x003c, 0x0f30, 0x1000,
                                        0x5ffc, 0x8000, 0xc000, 0xffcc};
    for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        bus_write(D(reserved[i]), 4, ~0u);
        ck_assert_uint_eq(bus_read(D(reserved[i]), 4), 0);
    }
    ck_assert_uint_eq(gic()->warnings[GIC_WARN_RESERVED], 16);
    /* Inert by design: ITARGETSR, IGRPMODR, NSACR, SGIR with ARE and DS set. */
    bus_write(D(GICD_ITARGETSR) + 40, 1, 0xff);
    ck_assert_uint_eq(bus_read(D(GICD_ITARGETSR) + 40, 1), 0);
    bus_write(D(GICD_IGRPMODR) + 4, 4, ~0u);
    ck_assert_uint_eq(bus_read(D(GICD_IGRPMODR) + 4, 4), 0);
    bus_write(D(GICD_SGIR), 4, 0x01000001);
    ck_assert_uint_eq(gic()->warnings[GIC_WARN_RESERVED], 16);
    ck_assert_uint_eq(env.ninjects, 0);
    /* Redistributor: LPI registers inert, reserved offsets counted, SGI frame beyond word 0. */
    bus_write(RD(0, 0x0070), 8, ~0ull); /* PROPBASER */
    ck_assert_uint_eq(bus_read(RD(0, 0x0070), 8), 0);
    ck_assert_uint_eq(bus_read(RD(0, 0x0200), 4), 0);
    ck_assert_uint_eq(bus_read(SGI(0, GICD_ISENABLER + 4), 4), 0);
    ck_assert_uint_eq(gic()->warnings[GIC_WARN_RESERVED], 18);
}
END_TEST

START_TEST(unimplemented_intids_read_as_zero)
{
    bus_write(D(GICD_ISENABLER) + 4 * (GIC_NR_IRQS / 32), 4, ~0u);
    ck_assert_uint_eq(bus_read(D(GICD_ISENABLER) + 4 * (GIC_NR_IRQS / 32), 4), 0);
    bus_write(D(GICD_IPRIORITYR) + GIC_NR_IRQS, 4, ~0u);
    ck_assert_uint_eq(bus_read(D(GICD_IPRIORITYR) + GIC_NR_IRQS, 4), 0);
    /* Word 0 of the distributor's bitmaps is the private INTIDs: RAZ/WI with ARE. */
    bus_write(D(GICD_ISENABLER), 4, ~0u);
    ck_assert_uint_eq(bus_read(D(GICD_ISENABLER), 4), 0);
    ck_assert_uint_eq(bus_read(SGI(0, GICD_ISENABLER), 4), 0);
    ck_assert(!gicv3_set_level(gic(), 20, true)); /* PPIs are not device lines here */
    ck_assert(!gicv3_set_level(gic(), GIC_NR_IRQS, true));
    ck_assert(!gicv3_pulse(gic(), 1023));
    ck_assert_uint_eq(gic()->warnings[GIC_WARN_RESERVED] + gic()->warnings[GIC_WARN_ACCESS], 0);
}
END_TEST

START_TEST(ppi_configuration_and_sgi_configuration)
{
    bus_write(SGI(0, GICR_ICFGR1), 4, 0x80000000); /* PPI 31 edge */
    ck_assert_uint_eq(bus_read(SGI(0, GICR_ICFGR1), 4), 0x80000000);
    bus_write(SGI(0, GICR_ICFGR0), 4, 0); /* SGIs stay edge */
    ck_assert_uint_eq(bus_read(SGI(0, GICR_ICFGR0), 4), 0xaaaaaaaa);
    ck_assert_uint_ge(gic()->warnings[GIC_WARN_READ_ONLY], 1);
}
END_TEST

static void sgi_setup(uint32_t sgi, bool group1)
{
    bus_write(SGI(0, GICD_IGROUPR), 4, group1 ? BIT(sgi) : 0);
    bus_write(SGI(0, GICD_ISENABLER), 4, BIT(sgi));
    bus_write(D(GICD_CTLR), 4, GICD_CTLR_ENABLE_GRP1 | GICD_CTLR_ENABLE_GRP0);
    wake(0);
}

START_TEST(sgi_to_self_through_the_trapped_register)
{
    sgi_setup(3, true);
    uint64_t reply[6];
    unsigned len;
    uint64_t msr_sgi1r = (uint64_t)ESR_EC_SYS64 << ESR_EC_SHIFT | ESR_IL | 3u << ESR_SYS_OP0_SHIFT |
                         5u << ESR_SYS_OP2_SHIFT | 12u << ESR_SYS_CRN_SHIFT |
                         11u << ESR_SYS_CRM_SHIFT | 7u << ESR_SYS_RT_SHIFT;
    run_exit(msr_sgi1r, 0, 3ull << 24 | 1, 0, 0, reply, &len); /* INTID 3, target Aff0 0 */
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(injected(3), 1);
    run_exit(msr_sgi1r, 0, 3ull << 24 | 2, 0, 0, reply, &len);              /* Aff0 1: nobody */
    run_exit(msr_sgi1r, 0, 3ull << 24 | 1 | 1ull << 16, 0, 0, reply, &len); /* Aff1 1 */
    run_exit(msr_sgi1r, 0, 3ull << 24 | 1 | 1ull << 44, 0, 0, reply, &len); /* RS 1: 16..31 */
    run_exit(msr_sgi1r, 0, 3ull << 24 | 1ull << 40, 0, 0, reply, &len);     /* IRM: others */
    ck_assert_uint_eq(injected(3), 1);
    /* SGI0R asks for a group-0 SGI: SGI 3 is group 1, so nothing. */
    run_exit(msr_sgi1r ^ (5u ^ 7u) << ESR_SYS_OP2_SHIFT, 0, 3ull << 24 | 1, 0, 0, reply, &len);
    ck_assert_uint_eq(injected(3), 1);
    /* ASGI1R behaves as SGI1R with one security state. */
    run_exit(msr_sgi1r ^ (5u ^ 6u) << ESR_SYS_OP2_SHIFT, 0, 3ull << 24 | 1, 0, 0, reply, &len);
    ck_assert_uint_eq(injected(3), 2);
}
END_TEST

START_TEST(group0_interrupts_are_not_delivered)
{
    sgi_setup(4, false);
    gicv3_send_sgi(gic(), 0, 4ull << 24 | 1, false);
    ck_assert_uint_eq(injected(4), 0);
    ck_assert_uint_eq(gic()->warnings[GIC_WARN_GROUP0], 1);
    ck_assert_uint_ge(env.log_lines, 1);
}
END_TEST

START_TEST(refused_injection_is_retried)
{
    linux_spi(55, 0x50);
    env.inject_result = HV_EBUSY;
    gicv3_pulse(gic(), 55);
    ck_assert_uint_eq(injected(55), 0);
    ck_assert_uint_eq(a64.vmm.inject_errors, 1);
    gicv3_sync(gic());
    ck_assert_uint_eq(injected(55), 0); /* still busy */
    env.inject_result = HV_OK;
    gicv3_sync(gic());
    ck_assert_uint_eq(injected(55), 1);
    gicv3_sync(gic());
    ck_assert_uint_eq(injected(55), 1); /* once */
}
END_TEST

START_TEST(two_vcpus_have_their_own_redistributors)
{
    const uint64_t mpidr[2] = {0x0, 0x1};
    fixture_setup_cpus(2, mpidr);
    ck_assert_uint_eq(bus_read(RD(0, GICR_TYPER), 8) & GICR_TYPER_LAST, 0);
    uint64_t t1 = bus_read(RD(1, GICR_TYPER), 8);
    ck_assert(t1 & GICR_TYPER_LAST);
    ck_assert_uint_eq(t1 >> 32, 1);
    ck_assert_uint_eq(t1 >> 8 & 0xffff, 1);
    /* An SPI routed to vcpu 1 goes to vcpu 1, awake or not (as on QEMU); vcpu 0's state is
     * its own. */
    bus_write(WORD(D(GICD_IGROUPR), 56), 4, BIT(56));
    bus_write(D(GICD_IROUTER) + 8 * 56, 8, 1);
    bus_write(D(GICD_CTLR), 4, GICD_CTLR_ENABLE_GRP1);
    bus_write(WORD(D(GICD_ISENABLER), 56), 4, BIT(56));
    wake(0);
    gicv3_pulse(gic(), 56);
    ck_assert_uint_eq(env.ninjects, 1);
    ck_assert_uint_eq(env.injects[0].cpu, 1);
    wake(1);
    bus_write(SGI(1, GICD_ISENABLER), 4, BIT(20));
    ck_assert_uint_eq(bus_read(SGI(0, GICD_ISENABLER), 4), 0);
    ck_assert_uint_eq(bus_read(SGI(1, GICD_ISENABLER), 4), BIT(20));
    /* SGI with IRM from vcpu 0 reaches vcpu 1 only. */
    bus_write(SGI(0, GICD_IGROUPR), 4, ~0u);
    bus_write(SGI(1, GICD_IGROUPR), 4, ~0u);
    bus_write(SGI(0, GICD_ISENABLER), 4, 0xffff);
    bus_write(SGI(1, GICD_ISENABLER), 4, 0xffff);
    clear_injects();
    gicv3_send_sgi(gic(), 0, 2ull << 24 | 1ull << 40, true);
    ck_assert_uint_eq(env.ninjects, 1);
    ck_assert_uint_eq(env.injects[0].cpu, 1);
    ck_assert_uint_eq(env.injects[0].irq, 2);
}
END_TEST

START_TEST(bus_level_malformed_accesses)
{
    uint64_t v;
    ck_assert_int_eq(vmm_bus_read(&a64.vmm.bus, D(GICD_CTLR), 3, &v), VMM_BUS_BAD_SIZE);
    ck_assert_int_eq(vmm_bus_read(&a64.vmm.bus, D(GICD_SIZE - 4), 8, &v), VMM_BUS_CROSSES);
    ck_assert_int_eq(vmm_bus_write(&a64.vmm.bus, RD(1, 0), 4, 0), VMM_BUS_UNCLAIMED); /* 1 vcpu */
    ck_assert_int_eq(vmm_bus_read(&a64.vmm.bus, GICD_BASE + GICD_SIZE, 4, &v), VMM_BUS_UNCLAIMED);
}
END_TEST

/* ---- the timers' PPIs, which the kernel delivers (gicv3_timer.c) ---- */

#define VT HV_A64_VTIMER_PPI
#define PT HV_A64_PTIMER_PPI

START_TEST(timer_ppi_mask_follows_enable_and_groups)
{
    /* Reset: both disabled, group 0, the distributor off: both held back. One write per
     * change, at the end of an exit (gicv3_timer_sync), and none when nothing changed. */
    ck_assert_uint_eq(gicv3_timer_mask(gic(), 0), HV_A64_TIMER_PPIS);
    gicv3_timer_sync(gic());
    ck_assert_uint_eq(env.timer_mask[0], HV_A64_TIMER_PPIS);
    ck_assert_uint_eq(env.vcpu_writes, 1);
    gicv3_timer_sync(gic());
    ck_assert_uint_eq(env.vcpu_writes, 1);
    /* What Linux does: group 1 for all, the distributor's group 1 on, PPI 27 enabled. */
    bus_write(SGI(0, GICD_IGROUPR), 4, 0xffffffffu);
    bus_write(D(GICD_CTLR), 4, GICD_CTLR_ENABLE_GRP1 | GICD_CTLR_ARE);
    gicv3_timer_sync(gic());
    ck_assert_uint_eq(env.timer_mask[0], HV_A64_TIMER_PPIS); /* still disabled */
    bus_write(SGI(0, GICD_ISENABLER), 4, BIT(VT));
    gicv3_timer_sync(gic());
    ck_assert_uint_eq(env.timer_mask[0], 1ull << PT);
    ck_assert_uint_eq(env.vcpu_writes, 2);
    bus_write(SGI(0, GICD_ISENABLER), 4, BIT(PT));
    gicv3_timer_sync(gic());
    ck_assert_uint_eq(env.timer_mask[0], 0);
    /* The model injects neither itself: the kernel does. */
    ck_assert_uint_eq(env.ninjects, 0);
    /* Disabled at the redistributor, group 0, or group 1 off at the distributor: held back. */
    bus_write(SGI(0, GICD_ICENABLER), 4, BIT(VT));
    gicv3_timer_sync(gic());
    ck_assert_uint_eq(env.timer_mask[0], 1ull << VT);
    bus_write(SGI(0, GICD_IGROUPR), 4, ~BIT(PT));
    gicv3_timer_sync(gic());
    ck_assert_uint_eq(env.timer_mask[0], HV_A64_TIMER_PPIS);
    bus_write(SGI(0, GICD_IGROUPR), 4, 0xffffffffu);
    bus_write(SGI(0, GICD_ISENABLER), 4, BIT(VT));
    gicv3_timer_sync(gic());
    ck_assert_uint_eq(env.timer_mask[0], 0);
    bus_write(D(GICD_CTLR), 4, GICD_CTLR_ARE);
    gicv3_timer_sync(gic());
    ck_assert_uint_eq(env.timer_mask[0], HV_A64_TIMER_PPIS);
}
END_TEST

START_TEST(timer_mask_is_told_at_the_end_of_an_exit)
{
    /* A guest's store to GICR_ISENABLER0 through an exit: the kernel knows before the reply. */
    uint64_t reply[6];
    unsigned len;
    const uint64_t enable = SGI(0, GICD_ISENABLER);
    bus_write(SGI(0, GICD_IGROUPR), 4, 0xffffffffu);
    bus_write(D(GICD_CTLR), 4, GICD_CTLR_ENABLE_GRP1 | GICD_CTLR_ARE);
    ck_assert_int_eq(run_exit(esr_dabt(2, false, 3, false, true), enable, BIT(VT), 0, 0, reply,
                              &len),
                     VMM_EXIT_RESUME);
    ck_assert_uint_eq(env.timer_mask[0], 1ull << PT);
    /* A refused write is tried again at the next exit. */
    env.vcpu_reg_result = HV_EINVAL;
    bus_write(SGI(0, GICD_ISENABLER), 4, BIT(PT));
    gicv3_timer_sync(gic());
    ck_assert_uint_eq(env.timer_mask[0], 1ull << PT);
    ck_assert_uint_ge(a64.vmm.vcpu_reg_errors, 1);
    env.vcpu_reg_result = HV_OK;
    gicv3_timer_sync(gic());
    ck_assert_uint_eq(env.timer_mask[0], 0);
}
END_TEST

START_TEST(timer_level_shows_in_the_pending_registers)
{
    ck_assert_uint_eq(bus_read(SGI(0, GICD_ISPENDR), 4), 0);
    /* The virtual timer's output is asserted: pending, though disabled (the kernel holds it). */
    env.timer_level[0] = 1ull << VT;
    ck_assert_uint_eq(bus_read(SGI(0, GICD_ISPENDR), 4), BIT(VT));
    ck_assert_uint_eq(bus_read(SGI(0, GICD_ICPENDR), 4), BIT(VT));
    /* ICPENDR clears a latch, not a level the source still asserts. */
    bus_write(SGI(0, GICD_ICPENDR), 4, BIT(VT));
    ck_assert_uint_eq(bus_read(SGI(0, GICD_ISPENDR), 4), BIT(VT));
    /* Both timers, with an SGI latched by the guest beside them. */
    env.timer_level[0] = HV_A64_TIMER_PPIS;
    bus_write(SGI(0, GICD_ISPENDR), 4, BIT(3));
    ck_assert_uint_eq(bus_read(SGI(0, GICD_ISPENDR), 4), BIT(VT) | BIT(PT) | BIT(3));
    /* Only the timers' bits are taken from the kernel, and only for aligned words. */
    env.timer_level[0] = ~0ull;
    ck_assert_uint_eq(bus_read(SGI(0, GICD_ISPENDR), 4), BIT(VT) | BIT(PT) | BIT(3));
    ck_assert_uint_eq(bus_read(SGI(0, GICD_ISPENDR), 2), 0);
    ck_assert_uint_eq(bus_read(SGI(0, GICD_ISENABLER), 4), 0);
    /* The kernel can't say: the model's own state only. */
    env.vcpu_reg_result = HV_ERANGE;
    ck_assert_uint_eq(bus_read(SGI(0, GICD_ISPENDR), 4), BIT(3));
}
END_TEST

START_TEST(timer_ppis_per_vcpu)
{
    fixture_setup_cpus(2, NULL);
    bus_write(SGI(1, GICD_IGROUPR), 4, 0xffffffffu);
    bus_write(D(GICD_CTLR), 4, GICD_CTLR_ENABLE_GRP1 | GICD_CTLR_ARE);
    bus_write(SGI(1, GICD_ISENABLER), 4, BIT(VT) | BIT(PT));
    gicv3_timer_sync(gic());
    ck_assert_uint_eq(env.timer_mask[0], HV_A64_TIMER_PPIS);
    ck_assert_uint_eq(env.timer_mask[1], 0);
    env.timer_level[1] = 1ull << PT;
    ck_assert_uint_eq(bus_read(SGI(0, GICD_ISPENDR), 4), 0);
    ck_assert_uint_eq(bus_read(SGI(1, GICD_ISPENDR), 4), BIT(PT));
}
END_TEST

START_TEST(timers_without_vcpu_registers)
{
    /* An environment without the ops: nothing crashes, the pending bits are the model's, and
     * the failure is counted and logged, not repeated in the log at every exit. */
    memset(&env, 0, sizeof(env));
    ck_assert_int_eq(vmm_a64_init(&a64, &fake_ops_no_vcpu_regs, &env, "test", 1, NULL), HV_OK);
    for (unsigned i = 0; i < 16; i++)
        gicv3_timer_sync(gic());
    ck_assert_uint_eq(a64.vmm.vcpu_reg_errors, 16);
    ck_assert_uint_eq(env.log_lines, 5); /* at 1, 2, 4, 8 and 16 */
    ck_assert_uint_eq(bus_read(SGI(0, GICD_ISPENDR), 4), 0);
}
END_TEST

static Suite *gic_suite(void)
{
    Suite *s = suite_create("gicv3");
    TCase *t = tcase_create("regs");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, identification_and_reset_values);
    tcase_add_test(t, ctlr_are_and_ds_are_fixed);
    tcase_add_test(t, priority_bytes_and_words);
    tcase_add_test(t, word_registers_refuse_other_sizes);
    tcase_add_test(t, read_only_and_reserved_offsets);
    tcase_add_test(t, unimplemented_intids_read_as_zero);
    tcase_add_test(t, ppi_configuration_and_sgi_configuration);
    tcase_add_test(t, active_bits_read_back_what_was_written);
    tcase_add_test(t, bus_level_malformed_accesses);
    suite_add_tcase(s, t);

    TCase *d = tcase_create("delivery");
    tcase_add_checked_fixture(d, setup, NULL);
    tcase_add_test(d, waker_handshake_does_not_gate_delivery);
    tcase_add_test(d, level_spi_delivered_with_its_priority);
    tcase_add_test(d, level_line_left_high_is_injected_again);
    tcase_add_test(d, edge_spi_only_on_rising_edges_and_pulses);
    tcase_add_test(d, disabled_interrupt_waits_and_is_delivered_when_enabled);
    tcase_add_test(d, pending_set_and_clear_by_the_guest);
    tcase_add_test(d, routing_by_affinity);
    tcase_add_test(d, sgi_to_self_through_the_trapped_register);
    tcase_add_test(d, group0_interrupts_are_not_delivered);
    tcase_add_test(d, refused_injection_is_retried);
    tcase_add_test(d, two_vcpus_have_their_own_redistributors);
    tcase_add_test(d, timer_ppi_mask_follows_enable_and_groups);
    tcase_add_test(d, timer_mask_is_told_at_the_end_of_an_exit);
    tcase_add_test(d, timer_level_shows_in_the_pending_registers);
    tcase_add_test(d, timer_ppis_per_vcpu);
    tcase_add_test(d, timers_without_vcpu_registers);
    suite_add_tcase(s, d);
    return s;
}

int main(void)
{
    return check_run(gic_suite());
}
