/* Unit tests for the virtio-mmio v2 transport: setup, registers, configuration space and the
 * status state machine (queues and interrupts: test_virtio_mmio_queues.c). */
#include "mmio_fixture.h"

/* ---- setup ---- */

static enum virtio_mmio_init_result init_with(const struct virtio_device_ops *ops)
{
    struct virtio_mmio d;
    struct virtio_mmio_setup s = {.ops = ops, .queues = queues, .mem = &g.mem, .set_irq = set_irq};
    return virtio_mmio_init(&d, &s);
}

START_TEST(init_refuses_bad_device_descriptions)
{
    setup();
    struct virtio_device_ops ops = rec_ops;
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_OK);
    ops.features = DEV_FEATURE_0;
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_FEATURES);
    ops.features = V1 | VIRTIO_BIT(VIRTIO_F_RING_PACKED);
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_FEATURES);
    ops.features = V1 | VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA);
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_FEATURES);
    ops = rec_ops;
    ops.queue_num_max = 24;
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_OPS);
    ops.queue_num_max = 0;
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_OPS);
    ops = rec_ops;
    ops.num_queues = 0;
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_OPS);
    ops = rec_ops;
    ops.config_size = 0xf01;
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_OPS);
    ops = rec_ops;
    ops.queue_notify = NULL;
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_OPS);
    ck_assert_int_eq(init_with(NULL), VIRTIO_MMIO_INIT_BAD_OPS);
    struct virtio_mem_region bad = {0x1000, 0, g.ram};
    struct virtio_mem bad_mem = {&bad, 1};
    struct virtio_mmio d;
    struct virtio_mmio_setup s = {
        .ops = &rec_ops, .queues = queues, .mem = &bad_mem, .set_irq = set_irq};
    ck_assert_int_eq(virtio_mmio_init(&d, &s), VIRTIO_MMIO_INIT_BAD_MEM);
    teardown();
}
END_TEST

/* ---- registers ---- */

START_TEST(identification_registers)
{
    setup();
    ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_VERSION), 2);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_VENDOR_ID), 0x44554554);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    ck_assert_uint_eq(all_faults(), 0);
    teardown();
}
END_TEST

START_TEST(device_features_by_word)
{
    setup();
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), (uint32_t)OFFERED);
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1); /* VERSION_1 is bit 32 */
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0xffffffff);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
    ck_assert_uint_eq(all_faults(), 0);
    teardown();
}
END_TEST

START_TEST(shared_memory_regions_are_absent)
{
    setup();
    wr(VIRTIO_MMIO_SHM_SEL, 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffff);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_SHM_BASE_LOW), 0xffffffff);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_SHM_BASE_HIGH), 0xffffffff);
    ck_assert_uint_eq(all_faults(), 0);
    teardown();
}
END_TEST

START_TEST(register_access_must_be_32_bit_aligned)
{
    setup();
    static const unsigned sizes[] = {1, 2, 8, 0, 3};
    for (unsigned i = 0; i < 5; i++)
        ck_assert_uint_eq(virtio_mmio_read(&dev, VIRTIO_MMIO_MAGIC_VALUE, sizes[i]), 0);
    ck_assert_uint_eq(virtio_mmio_read(&dev, VIRTIO_MMIO_MAGIC_VALUE + 1, 4), 0);
    ck_assert_uint_eq(virtio_mmio_read(&dev, VIRTIO_MMIO_VERSION + 2, 2), 0);
    virtio_mmio_write(&dev, VIRTIO_MMIO_STATUS, 1, ACK);
    virtio_mmio_write(&dev, VIRTIO_MMIO_STATUS, 2, ACK);
    virtio_mmio_write(&dev, VIRTIO_MMIO_STATUS, 8, ACK);
    virtio_mmio_write(&dev, VIRTIO_MMIO_STATUS + 1, 4, ACK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_MMIO_ACCESS), 11);
    ck_assert_uint_eq(all_faults(), 11);
    /* Lines at counts 1, 2, 4, 8. */
    ck_assert_uint_eq(log_lines, 4);
    teardown();
}
END_TEST

START_TEST(reserved_offsets_read_zero)
{
    setup();
    static const uint32_t reserved[] = {0x018, 0x028, 0x03c, 0x040, 0x0a8, 0x0c0, 0x0f8};
    for (unsigned i = 0; i < 7; i++) {
        ck_assert_uint_eq(rd(reserved[i]), 0);
        wr(reserved[i], 0xffffffff);
    }
    ck_assert_uint_eq(faults(VIRTIO_FAULT_MMIO_OFFSET), 14);
    ck_assert_uint_eq(all_faults(), 14);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
    teardown();
}
END_TEST

START_TEST(register_directions_are_enforced)
{
    setup();
    wr(VIRTIO_MMIO_MAGIC_VALUE, 0);
    wr(VIRTIO_MMIO_INTERRUPT_STATUS, 3);
    wr(VIRTIO_MMIO_CONFIG_GENERATION, 5);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_SEL), 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NOTIFY), 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DRIVER_FEATURES), 0);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_MMIO_DIRECTION), 6);
    ck_assert_uint_eq(all_faults(), 6);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
    teardown();
}
END_TEST

/* ---- configuration space ---- */

START_TEST(config_space_takes_every_width)
{
    setup();
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x100, 1), 0x10);
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x10f, 1), 0x1f);
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x102, 2), 0x1312);
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x104, 4), 0x17161514);
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x108, 8), 0x1f1e1d1c1b1a1918ull);
    virtio_mmio_write(&dev, 0x101, 1, 0xabcd);
    virtio_mmio_write(&dev, 0x104, 4, 0x1122334455667788ull);
    virtio_mmio_write(&dev, 0x108, 8, 0x0102030405060708ull);
    ck_assert_uint_eq(rec.config[1], 0xcd);
    ck_assert_uint_eq(rec.config[2], 0x12);
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x104, 4), 0x55667788);
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x108, 8), 0x0102030405060708ull);
    ck_assert_uint_eq(all_faults(), 0);
    teardown();
}
END_TEST

START_TEST(config_space_refuses_bad_accesses)
{
    setup();
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x101, 2), 0);  /* misaligned */
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x102, 4), 0);  /* misaligned */
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x104, 8), 0);  /* misaligned */
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x100, 3), 0);  /* no such width */
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x100, 16), 0); /* no such width */
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x110, 1), 0);  /* past config_size */
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x10c, 8), 0);  /* runs past it */
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0xfffffff8, 8), 0);
    virtio_mmio_write(&dev, 0x110, 4, 0);
    virtio_mmio_write(&dev, 0x103, 2, 0);
    ck_assert_uint_eq(rec.config_reads, 0);
    ck_assert_uint_eq(rec.config[3], 0x13);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_CONFIG_ACCESS), 10);
    ck_assert_uint_eq(all_faults(), 10);
    teardown();
}
END_TEST

START_TEST(config_change_bumps_generation)
{
    setup();
    virtio_mmio_config_changed(&dev);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG_GENERATION), 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0); /* no driver running yet */
    bring_up();
    virtio_mmio_config_changed(&dev);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG_GENERATION), 2);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    ck_assert(irq_level);
    teardown();
}
END_TEST

/* ---- status state machine ---- */

START_TEST(status_handshake_reaches_driver_ok)
{
    setup();
    bring_up();
    ck_assert_uint_eq(virtio_mmio_features(&dev), V1 | DEV_FEATURE_5);
    teardown();
}
END_TEST

START_TEST(features_ok_refused_for_unoffered_feature)
{
    setup();
    ck_assert_uint_eq(negotiate(V1 | VIRTIO_BIT(7)), ACK | DRV);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_FEATURES_REFUSED), 1);
    ck_assert_uint_eq(all_faults(), 1);
    teardown();
}
END_TEST

START_TEST(features_ok_refused_without_version_1)
{
    setup();
    ck_assert_uint_eq(negotiate(DEV_FEATURE_0), ACK | DRV);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_FEATURES_REFUSED), 1);
    /* The driver may try again with a correct set. */
    write_driver_features(V1 | DEV_FEATURE_0);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | FOK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FOK);
    teardown();
}
END_TEST

START_TEST(features_ok_refused_for_bits_beyond_64)
{
    setup();
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
    ck_assert_uint_eq(negotiate(V1), ACK | DRV);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_FEATURES_REFUSED), 1);
    teardown();
}
END_TEST

START_TEST(driver_features_frozen_after_features_ok)
{
    setup();
    ck_assert_uint_eq(negotiate(V1), ACK | DRV | FOK);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)DEV_FEATURE_0);
    ck_assert_uint_eq(virtio_mmio_features(&dev), V1);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_FEATURES_LATE), 1);
    ck_assert_uint_eq(all_faults(), 1);
    teardown();
}
END_TEST

START_TEST(status_steps_out_of_order_are_refused)
{
    setup();
    wr(VIRTIO_MMIO_STATUS, DRV); /* no ACKNOWLEDGE yet */
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
    wr(VIRTIO_MMIO_STATUS, ACK | FOK); /* FEATURES_OK without DRIVER */
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | DOK); /* DRIVER_OK without FEATURES_OK */
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_STATUS_ILLEGAL), 3);
    /* All steps in one write, in order, is fine. */
    write_driver_features(V1);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | FOK | DOK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FOK | DOK);
    ck_assert_uint_eq(all_faults(), 3);
    teardown();
}
END_TEST

START_TEST(status_bits_cannot_be_cleared)
{
    setup();
    bring_up();
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | FOK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FOK | DOK);
    wr(VIRTIO_MMIO_STATUS, ACK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FOK | DOK);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_STATUS_ILLEGAL), 2);
    ck_assert_uint_eq(all_faults(), 2);
    teardown();
}
END_TEST

START_TEST(failed_may_be_set_from_any_state)
{
    setup();
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FAILED);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_FAILED);
    wr(VIRTIO_MMIO_STATUS, 0);
    bring_up();
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | FOK | DOK | VIRTIO_STATUS_FAILED);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FOK | DOK | VIRTIO_STATUS_FAILED);
    ck_assert_uint_eq(all_faults(), 0);
    teardown();
}
END_TEST

START_TEST(driver_cannot_set_needs_reset_but_may_echo_it)
{
    setup();
    wr(VIRTIO_MMIO_STATUS, ACK | NEEDS_RESET | 0x10);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_STATUS_ILLEGAL), 1);
    virtio_mmio_needs_reset(&dev);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | NEEDS_RESET);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | NEEDS_RESET);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | NEEDS_RESET);
    ck_assert_uint_eq(all_faults(), 1);
    teardown();
}
END_TEST

START_TEST(reset_from_driver_ok_clears_everything)
{
    setup();
    bring_up();
    virtio_mmio_config_changed(&dev);
    ck_assert(irq_level);
    wr(VIRTIO_MMIO_QUEUE_SEL, 1);
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_STATUS, 0);
    ck_assert_uint_eq(rec.resets, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    ck_assert(!irq_level);
    ck_assert_uint_eq(virtio_mmio_features(&dev), 0);
    /* Selectors back to 0, queue 0 no longer ready, its registers cleared. */
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), (uint32_t)OFFERED);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
    ck_assert(!virtio_mmio_queue(&dev, 0)->ready);
    ck_assert_uint_eq(queues[0].desc, 0);
    ck_assert_uint_eq(queues[0].driver, 0);
    ck_assert_uint_eq(queues[0].device, 0);
    ck_assert_uint_eq(queues[0].num, QMAX);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), QMAX);
    /* The configuration generation survives: it only ever moves forward. */
    ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG_GENERATION), 1);
    /* And the device comes up again. */
    bring_up();
    teardown();
}
END_TEST

static Suite *mmio_suite(void)
{
    Suite *s = suite_create("virtio_mmio");
    TCase *regs = tcase_create("registers");
    tcase_add_test(regs, init_refuses_bad_device_descriptions);
    tcase_add_test(regs, identification_registers);
    tcase_add_test(regs, device_features_by_word);
    tcase_add_test(regs, shared_memory_regions_are_absent);
    tcase_add_test(regs, register_access_must_be_32_bit_aligned);
    tcase_add_test(regs, reserved_offsets_read_zero);
    tcase_add_test(regs, register_directions_are_enforced);
    tcase_add_test(regs, config_space_takes_every_width);
    tcase_add_test(regs, config_space_refuses_bad_accesses);
    tcase_add_test(regs, config_change_bumps_generation);
    suite_add_tcase(s, regs);

    TCase *status = tcase_create("status");
    tcase_add_test(status, status_handshake_reaches_driver_ok);
    tcase_add_test(status, features_ok_refused_for_unoffered_feature);
    tcase_add_test(status, features_ok_refused_without_version_1);
    tcase_add_test(status, features_ok_refused_for_bits_beyond_64);
    tcase_add_test(status, driver_features_frozen_after_features_ok);
    tcase_add_test(status, status_steps_out_of_order_are_refused);
    tcase_add_test(status, status_bits_cannot_be_cleared);
    tcase_add_test(status, failed_may_be_set_from_any_state);
    tcase_add_test(status, driver_cannot_set_needs_reset_but_may_echo_it);
    tcase_add_test(status, reset_from_driver_ok_clears_everything);
    suite_add_tcase(s, status);
    return s;
}

int main(void)
{
    return check_run(mmio_suite());
}
