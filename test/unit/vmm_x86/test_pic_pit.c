/* The 8259 pair (ICW/OCW sequences, IRR/ISR/IMR, EOI forms, cascade, ELCR, spurious IRQs,
 * poll) and the 8254 (modes 0/2/3, latch, LSB/MSB, read-back, channel 2 gate through port
 * 0x61 as Linux's TSC calibration uses it, IRQ0 deadlines). */
#include "check_run.h"
#include "x86_64/devices/pic8259.h"
#include "x86_64/devices/pit8254.h"

static struct pic_pair pic;
static bool intr;

static void pic_out(void *ctx, bool level)
{
    intr = level;
}

/* Linux's init_8259A: ICW1 edge+ICW4, ICW2 vector base, ICW3 cascade, ICW4 8086 mode. */
static void pic_linux_init(void)
{
    pic_init(&pic, pic_out, NULL);
    pic_write(&pic, 0x21, 0xff);
    pic_write(&pic, 0xa1, 0xff);
    pic_write(&pic, 0x20, 0x11);
    pic_write(&pic, 0x21, 0x30);
    pic_write(&pic, 0x21, 0x04);
    pic_write(&pic, 0x21, 0x01);
    pic_write(&pic, 0xa0, 0x11);
    pic_write(&pic, 0xa1, 0x38);
    pic_write(&pic, 0xa1, 0x02);
    pic_write(&pic, 0xa1, 0x01);
    pic_write(&pic, 0x21, 0x00);
    pic_write(&pic, 0xa1, 0x00);
}

START_TEST(pic_init_and_edge)
{
    pic_linux_init();
    ck_assert_uint_eq(pic_read(&pic, 0x21), 0);
    ck_assert(!intr);
    pic_set_irq(&pic, 4, true);
    ck_assert(intr);
    ck_assert_uint_eq(pic_read(&pic, 0x20), 0x10); /* IRR */
    ck_assert_uint_eq(pic_ack(&pic), 0x34);
    ck_assert(!intr);
    pic_write(&pic, 0x20, 0x0b); /* OCW3: read ISR */
    ck_assert_uint_eq(pic_read(&pic, 0x20), 0x10);
    /* The line is still high: no new edge, no new request after EOI. */
    pic_write(&pic, 0x20, 0x20);
    ck_assert_uint_eq(pic_read(&pic, 0x20), 0);
    ck_assert(!intr);
    pic_set_irq(&pic, 4, false);
    pic_set_irq(&pic, 4, true);
    ck_assert(intr);
}
END_TEST

START_TEST(pic_priority_and_masks)
{
    pic_linux_init();
    pic_set_irq(&pic, 6, true);
    pic_set_irq(&pic, 3, true);
    ck_assert_uint_eq(pic_ack(&pic), 0x33); /* lower IR first */
    /* IR6 waits behind IR3 in service; IR1 would preempt. */
    ck_assert(!intr);
    pic_set_irq(&pic, 1, true);
    ck_assert(intr);
    ck_assert_uint_eq(pic_ack(&pic), 0x31);
    pic_write(&pic, 0x20, 0x61); /* specific EOI for IR1 */
    pic_write(&pic, 0x20, 0x63); /* specific EOI for IR3 */
    ck_assert(intr);
    /* Masking IR6 drops INTR; unmasking brings it back. */
    pic_write(&pic, 0x21, 0x40);
    ck_assert(!intr);
    pic_write(&pic, 0x21, 0x00);
    ck_assert_uint_eq(pic_ack(&pic), 0x36);
    pic_write(&pic, 0x20, 0x20);
    /* Nothing pending at INTA: the spurious IR7, nothing in service. */
    ck_assert_uint_eq(pic_ack(&pic), 0x37);
    pic_write(&pic, 0x20, 0x0b);
    ck_assert_uint_eq(pic_read(&pic, 0x20), 0);
}
END_TEST

START_TEST(pic_cascade_and_level)
{
    pic_linux_init();
    pic_set_irq(&pic, 12, true);
    ck_assert(intr);
    ck_assert_uint_eq(pic_ack(&pic), 0x3c);
    pic_write(&pic, 0x0a0, 0x0b);
    ck_assert_uint_eq(pic_read(&pic, 0xa0), 0x10);
    pic_write(&pic, 0x020, 0x0b);
    ck_assert_uint_eq(pic_read(&pic, 0x20), 0x04); /* cascade IR2 in service on the master */
    pic_write(&pic, 0xa0, 0x20);
    pic_write(&pic, 0x20, 0x20);
    pic_set_irq(&pic, 12, false);
    /* ELCR: IRQ 9 level-triggered; bits of IRQ 0-2, 8, 13 stay 0. */
    pic_write(&pic, 0x4d0, 0xff);
    pic_write(&pic, 0x4d1, 0xff);
    ck_assert_uint_eq(pic_read(&pic, 0x4d0), 0xf8);
    ck_assert_uint_eq(pic_read(&pic, 0x4d1), 0xde);
    pic_write(&pic, 0x4d0, 0);
    pic_write(&pic, 0x4d1, 0x02);
    pic_set_irq(&pic, 9, true);
    ck_assert_uint_eq(pic_ack(&pic), 0x39);
    pic_write(&pic, 0xa0, 0x20);
    pic_write(&pic, 0x20, 0x20);
    ck_assert(intr); /* still high: requested again */
    pic_set_irq(&pic, 9, false);
    ck_assert(!intr);
    /* Spurious on the slave: IR15 vector, master's IR2 in service. */
    pic_set_irq(&pic, 9, true);
    ck_assert(intr);
    pic_write(&pic, 0xa1, 0x02);            /* masked between INTR and INTA */
    ck_assert_uint_eq(pic_ack(&pic), 0x37); /* master sees nothing either now */
}
END_TEST

START_TEST(pic_poll_aeoi_rotation)
{
    pic_init(&pic, pic_out, NULL);
    pic_write(&pic, 0x20, 0x11);
    pic_write(&pic, 0x21, 0x08);
    pic_write(&pic, 0x21, 0x04);
    pic_write(&pic, 0x21, 0x03); /* AEOI */
    pic_write(&pic, 0x21, 0x00);
    pic_set_irq(&pic, 5, true);
    ck_assert_uint_eq(pic_ack(&pic), 0x0d);
    pic_write(&pic, 0x20, 0x0b);
    ck_assert_uint_eq(pic_read(&pic, 0x20), 0); /* AEOI: nothing stays in service */
    /* Poll */
    pic_set_irq(&pic, 5, false);
    pic_set_irq(&pic, 5, true);
    pic_write(&pic, 0x20, 0x0c);
    ck_assert_uint_eq(pic_read(&pic, 0x20), 0x85);
    pic_write(&pic, 0x20, 0x0c);
    ck_assert_uint_eq(pic_read(&pic, 0x20), 0x00);
    /* Set priority: IR4 lowest, so IR5 beats IR0 */
    pic_write(&pic, 0x20, 0xc4);
    pic_set_irq(&pic, 0, true);
    pic_set_irq(&pic, 5, false);
    pic_set_irq(&pic, 5, true);
    ck_assert_uint_eq(pic_ack(&pic), 0x0d);
    /* Hostile sequences: any byte to any port, no crash, reads defined. */
    for (unsigned v = 0; v < 256; v++) {
        pic_write(&pic, 0x20, (uint8_t)v);
        pic_write(&pic, 0x21, (uint8_t)(v * 7));
        pic_write(&pic, 0xa0, (uint8_t)(v * 13));
        pic_write(&pic, 0xa1, (uint8_t)(v * 3));
        pic_set_irq(&pic, v % 20, v & 1);
        (void)pic_ack(&pic);
    }
    ck_assert_uint_eq(pic_read(&pic, 0x22), 0xff);
}
END_TEST

/* ---- 8254 ---- */

static struct pit8254 pit;
static uint64_t now;
static unsigned irq0_pulses;

static uint64_t clock_ns(void *ctx)
{
    return now;
}

static void pit_irq(void *ctx, bool level)
{
    if (level)
        irq0_pulses++;
}

static void pit_setup(void)
{
    now = 1000000;
    irq0_pulses = 0;
    pit_init(&pit, clock_ns, pit_irq, NULL);
}

static uint64_t ns_for_ticks(uint64_t ticks)
{
    return ticks * 1000000000ull / PIT_HZ + 1;
}

START_TEST(pit_mode2_periodic_irq0)
{
    /* Linux's PIT clockevent: channel 0, LSB/MSB, mode 2, LATCH for HZ=250. */
    uint16_t latch = (PIT_HZ + 125) / 250;
    pit_write(&pit, 0x43, 0x34);
    pit_write(&pit, 0x40, latch & 0xff);
    pit_write(&pit, 0x40, latch >> 8);
    uint64_t start = now;
    uint64_t d = pit_next_deadline(&pit);
    ck_assert_uint_gt(d, start + 3990000);
    ck_assert_uint_lt(d, start + 4010000);
    pit_update(&pit);
    ck_assert_uint_eq(irq0_pulses, 0);
    now = d;
    pit_update(&pit);
    ck_assert_uint_eq(irq0_pulses, 1);
    ck_assert_uint_gt(pit_next_deadline(&pit), d);
    /* Late by ten periods: one tick, not ten, and the next deadline is in the future. */
    now = d + 10 * 4000000;
    pit_update(&pit);
    ck_assert_uint_eq(irq0_pulses, 2);
    ck_assert_uint_gt(pit_next_deadline(&pit), now);
    /* Counter latch reads a value in range, LSB then MSB. */
    pit_write(&pit, 0x43, 0x00);
    uint16_t v = pit_read(&pit, 0x40);
    v |= (uint16_t)pit_read(&pit, 0x40) << 8;
    ck_assert_uint_ge(v, 1);
    ck_assert_uint_le(v, latch);
}
END_TEST

START_TEST(pit_mode0_oneshot)
{
    pit_write(&pit, 0x43, 0x30); /* ch0, LSB/MSB, mode 0 */
    ck_assert(!pit_output(&pit, 0));
    pit_write(&pit, 0x40, 0x00);
    pit_write(&pit, 0x40, 0x10); /* 4096 */
    ck_assert(!pit_output(&pit, 0));
    now += ns_for_ticks(4096);
    ck_assert(pit_output(&pit, 0));
    pit_update(&pit);
    ck_assert_uint_eq(irq0_pulses, 1);
    ck_assert_uint_eq(pit_next_deadline(&pit), UINT64_MAX);
    now += 1000000000;
    pit_update(&pit);
    ck_assert_uint_eq(irq0_pulses, 1); /* fires once */
}
END_TEST

START_TEST(pit_mode3_square_wave)
{
    pit_write(&pit, 0x43, 0x36);
    pit_write(&pit, 0x40, 100);
    pit_write(&pit, 0x40, 0);
    ck_assert(pit_output(&pit, 0));
    now += ns_for_ticks(50);
    ck_assert(!pit_output(&pit, 0));
    now += ns_for_ticks(50);
    ck_assert(pit_output(&pit, 0));
    /* LSB-only access mode, count 0 means 0x10000 */
    pit_write(&pit, 0x43, 0x16);
    pit_write(&pit, 0x40, 0);
    ck_assert_uint_eq(pit.ch[0].reload, 0x10000);
}
END_TEST

/* Linux's pit_calibrate_tsc: gate on, speaker off, channel 2 mode 0, count, wait for OUT2. */
START_TEST(pit_channel2_calibration)
{
    pit_write(&pit, 0x61, (pit_read(&pit, 0x61) & ~0x02) | 0x01);
    pit_write(&pit, 0x43, 0xb0);
    uint16_t latch = PIT_HZ / (1000 / 50);
    pit_write(&pit, 0x42, latch & 0xff);
    pit_write(&pit, 0x42, latch >> 8);
    ck_assert_uint_eq(pit_read(&pit, 0x61) & PORTB_OUT2, 0);
    now += 30000000;
    ck_assert_uint_eq(pit_read(&pit, 0x61) & PORTB_OUT2, 0);
    now += 21000000;
    ck_assert_uint_eq(pit_read(&pit, 0x61) & PORTB_OUT2, PORTB_OUT2);
    /* quick_pit_calibrate: mode 0, 0xffff, MSB reads decrease over time */
    pit_write(&pit, 0x43, 0xb0);
    pit_write(&pit, 0x42, 0xff);
    pit_write(&pit, 0x42, 0xff);
    (void)pit_read(&pit, 0x42);
    uint8_t msb1 = pit_read(&pit, 0x42);
    now += 1000000;
    (void)pit_read(&pit, 0x42);
    uint8_t msb2 = pit_read(&pit, 0x42);
    ck_assert_uint_eq(msb1, 0xff);
    ck_assert_uint_lt(msb2, msb1);
    /* Gate off holds a mode-0 count; on again resumes from it. */
    pit_write(&pit, 0x43, 0x80);
    uint16_t held = pit_read(&pit, 0x42) | pit_read(&pit, 0x42) << 8;
    pit_write(&pit, 0x61, 0x00);
    now += 5000000;
    pit_write(&pit, 0x43, 0x80);
    uint16_t later = pit_read(&pit, 0x42) | pit_read(&pit, 0x42) << 8;
    ck_assert_uint_le(held - later, 1);
    pit_write(&pit, 0x61, 0x01);
    now += 1000000;
    pit_write(&pit, 0x43, 0x80);
    uint16_t resumed = pit_read(&pit, 0x42) | pit_read(&pit, 0x42) << 8;
    ck_assert_uint_lt(resumed, later - 1000);
}
END_TEST

START_TEST(pit_read_back_and_hostile)
{
    pit_write(&pit, 0x43, 0x34);
    pit_write(&pit, 0x40, 0x10);
    /* Status read-back before the count is complete: NULL COUNT set, mode 2, LSB/MSB. */
    pit_write(&pit, 0x43, 0xe2);
    uint8_t st = pit_read(&pit, 0x40);
    ck_assert_uint_eq(st & 0x3f, 0x34);
    ck_assert_uint_eq(st & 0x40, 0x40);
    pit_write(&pit, 0x40, 0x00);
    pit_write(&pit, 0x43, 0xe2);
    ck_assert_uint_eq(pit_read(&pit, 0x40) & 0x40, 0);
    ck_assert_uint_eq(pit_read(&pit, 0x43), 0xff);
    for (unsigned v = 0; v < 4096; v++) {
        pit_write(&pit, 0x40 + (v % 4), (uint8_t)(v * 37));
        pit_write(&pit, 0x61, (uint8_t)v);
        now += v * 1000;
        (void)pit_read(&pit, 0x40 + (v % 3));
        (void)pit_next_deadline(&pit);
        pit_update(&pit);
    }
    /* A count of 1 in mode 2 or 3 must not divide by zero anywhere. */
    pit_write(&pit, 0x43, 0x36);
    pit_write(&pit, 0x40, 1);
    pit_write(&pit, 0x40, 0);
    now += 12345;
    (void)pit_read(&pit, 0x40);
    (void)pit_output(&pit, 0);
    pit_update(&pit);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pic_pit");
    TCase *tp = tcase_create("pic");
    tcase_add_test(tp, pic_init_and_edge);
    tcase_add_test(tp, pic_priority_and_masks);
    tcase_add_test(tp, pic_cascade_and_level);
    tcase_add_test(tp, pic_poll_aeoi_rotation);
    suite_add_tcase(s, tp);
    TCase *tt = tcase_create("pit");
    tcase_add_checked_fixture(tt, pit_setup, NULL);
    tcase_add_test(tt, pit_mode2_periodic_irq0);
    tcase_add_test(tt, pit_mode0_oneshot);
    tcase_add_test(tt, pit_mode3_square_wave);
    tcase_add_test(tt, pit_channel2_calibration);
    tcase_add_test(tt, pit_read_back_and_hostile);
    suite_add_tcase(s, tt);
    return check_run(s);
}
