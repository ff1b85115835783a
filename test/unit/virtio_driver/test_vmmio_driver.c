/* Check tests of the virtio-mmio driver, legacy (v1, QEMU virt's default) and v2, against a
 * register model: probe, status sequence, features, queue setup, config reads, interrupts. */
#include "check_run.h"
#include "dev_model.h"

#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/vmmio_driver.h>
#include <string.h>

static struct mmio_model m;
static struct vmmio_drv d;
static struct model_dma md;
static struct vqd vq;
static struct vqd_slot slots[256];

static void setup(void)
{
    model_dma_init(&md, 0);
}
static void teardown(void)
{
    model_dma_free(&md);
}

static void probe(uint32_t version)
{
    mmio_model_init(&m, version, VIRTIO_ID_BLOCK);
    struct virtio_regs r = mmio_model_regs(&m);
    ck_assert_int_eq(vmmio_drv_probe(&d, &r, 0x200, VIRTIO_ID_BLOCK), VIRTIO_DRV_OK);
}

START_TEST(probe_checks_magic_version_and_id)
{
    struct virtio_regs r = mmio_model_regs(&m);
    mmio_model_init(&m, 2, VIRTIO_ID_BLOCK);
    m.magic = 0x12345678;
    ck_assert_int_eq(vmmio_drv_probe(&d, &r, 0x200, 0), VIRTIO_DRV_NO_DEVICE);
    mmio_model_init(&m, 3, VIRTIO_ID_BLOCK);
    ck_assert_int_eq(vmmio_drv_probe(&d, &r, 0x200, 0), VIRTIO_DRV_BAD_VERSION);
    mmio_model_init(&m, 1, 0); /* an empty slot of QEMU virt */
    ck_assert_int_eq(vmmio_drv_probe(&d, &r, 0x200, 0), VIRTIO_DRV_NO_DEVICE);
    mmio_model_init(&m, 1, VIRTIO_ID_NET);
    ck_assert_int_eq(vmmio_drv_probe(&d, &r, 0x200, VIRTIO_ID_BLOCK), VIRTIO_DRV_WRONG_DEVICE);
    ck_assert_int_eq(vmmio_drv_probe(&d, &r, 0x100, 0), VIRTIO_DRV_NO_DEVICE);
    ck_assert_int_eq(vmmio_drv_probe(&d, &r, 0x200, 0), VIRTIO_DRV_OK);
    ck_assert(d.t.legacy);
    ck_assert_uint_eq(d.t.device_id, VIRTIO_ID_NET);
    ck_assert_uint_eq(d.t.used_align, 4096);
}
END_TEST

START_TEST(modern_negotiation)
{
    probe(2);
    uint64_t want = VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | 0x4;
    ck_assert_int_eq(virtio_drv_negotiate(&d.t, want, 0x1), VIRTIO_DRV_OK);
    ck_assert_uint_eq(m.resets, 1);
    ck_assert_uint_eq(m.driver_features, want | 0x1 | VIRTIO_BIT(VIRTIO_F_VERSION_1));
    ck_assert_uint_eq(d.t.features, m.driver_features);
    ck_assert_uint_eq(m.status,
                      VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    ck_assert_uint_eq(m.bad_accesses, 0);
}
END_TEST

START_TEST(modern_needs_version_1)
{
    probe(2);
    m.features &= ~VIRTIO_BIT(VIRTIO_F_VERSION_1);
    ck_assert_int_eq(virtio_drv_negotiate(&d.t, 0, 0), VIRTIO_DRV_FEATURES_MISSING);
    ck_assert(m.status & VIRTIO_STATUS_FAILED);
}
END_TEST

START_TEST(missing_required_feature_fails_device)
{
    probe(2);
    ck_assert_int_eq(virtio_drv_negotiate(&d.t, 0, VIRTIO_BIT(9)), VIRTIO_DRV_FEATURES_MISSING);
    ck_assert(m.status & VIRTIO_STATUS_FAILED);
    ck_assert_uint_eq(d.t.features, 0);
}
END_TEST

START_TEST(features_ok_refused)
{
    probe(2);
    m.refuse_features_ok = true;
    ck_assert_int_eq(virtio_drv_negotiate(&d.t, 0, 0), VIRTIO_DRV_FEATURES_REFUSED);
    ck_assert(m.status & VIRTIO_STATUS_FAILED);
}
END_TEST

START_TEST(reset_waits_for_zero_bounded)
{
    probe(2);
    m.reset_delay = 5;
    ck_assert_int_eq(virtio_drv_negotiate(&d.t, 0, 0), VIRTIO_DRV_OK);
    m.reset_delay = VIRTIO_DRV_RESET_POLLS + 1;
    ck_assert_int_eq(virtio_drv_reset(&d.t), VIRTIO_DRV_RESET_TIMEOUT);
}
END_TEST

START_TEST(legacy_negotiation_has_no_features_ok)
{
    probe(1);
    ck_assert_int_eq(virtio_drv_negotiate(&d.t, 0xffffffffffull, 0x1), VIRTIO_DRV_OK);
    /* 32 bits only, and no VERSION_1 (it does not exist for a legacy device). */
    ck_assert_uint_eq(m.driver_features, (uint32_t)m.features);
    ck_assert_uint_eq(m.status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    ck_assert_uint_eq(m.bad_accesses, 0);
}
END_TEST

START_TEST(legacy_queue_by_page_frame)
{
    probe(1);
    ck_assert_int_eq(virtio_drv_negotiate(&d.t, 0, 0), VIRTIO_DRV_OK);
    ck_assert_int_eq(virtio_drv_queue_setup(&d.t, 0, 256, &md.dma, slots, &vq), VIRTIO_DRV_OK);
    ck_assert_uint_eq(vq.size, 128); /* the device's maximum */
    ck_assert_uint_eq(m.page_size, 4096);
    ck_assert_uint_eq(m.queue_align, 4096);
    ck_assert_uint_eq(m.q[0].num, 128);
    ck_assert_uint_eq(m.q[0].pfn, MODEL_DMA_PA / 4096);
    ck_assert_uint_eq(vq.used_pa, MODEL_DMA_PA + 4096);
    ck_assert_int_eq(virtio_drv_ready(&d.t), VIRTIO_DRV_OK);
    ck_assert(m.status & VIRTIO_STATUS_DRIVER_OK);
    /* Again while live: refused. */
    struct vqd vq2;
    ck_assert_int_eq(virtio_drv_queue_setup(&d.t, 0, 256, &md.dma, slots, &vq2),
                     VIRTIO_DRV_QUEUE_IN_USE);
}
END_TEST

START_TEST(legacy_queue_needs_page_aligned_memory)
{
    probe(1);
    struct model_dma off;
    model_dma_init(&off, 0x800); /* bus address not page-aligned */
    ck_assert_int_eq(virtio_drv_queue_setup(&d.t, 0, 16, &off.dma, slots, &vq),
                     VIRTIO_DRV_QUEUE_MEMORY);
    ck_assert_uint_eq(m.q[0].pfn, 0);
    model_dma_free(&off);
}
END_TEST

START_TEST(modern_queue_addresses_and_ready)
{
    probe(2);
    ck_assert_int_eq(virtio_drv_negotiate(&d.t, VIRTIO_BIT(VIRTIO_F_EVENT_IDX), 0), VIRTIO_DRV_OK);
    ck_assert_int_eq(virtio_drv_queue_setup(&d.t, 0, 16, &md.dma, slots, &vq), VIRTIO_DRV_OK);
    ck_assert_uint_eq(m.q[0].num, 16);
    ck_assert_uint_eq(m.q[0].desc, vq.desc_pa);
    ck_assert_uint_eq(m.q[0].driver, vq.avail_pa);
    ck_assert_uint_eq(m.q[0].device, vq.used_pa);
    ck_assert_uint_eq(m.q[0].ready, 1);
    ck_assert(vq.event_idx);
    ck_assert_int_eq(virtio_drv_queue_setup(&d.t, 1, 16, &md.dma, slots, &vq),
                     VIRTIO_DRV_QUEUE_UNAVAILABLE); /* QueueNumMax 0 */
    ck_assert_int_eq(virtio_drv_queue_setup(&d.t, 0, 16, &md.dma, slots, &vq),
                     VIRTIO_DRV_QUEUE_IN_USE);
}
END_TEST

START_TEST(queue_size_rounds_down_to_power_of_two)
{
    probe(2);
    m.queue_max[0] = 100;
    ck_assert_int_eq(virtio_drv_queue_setup(&d.t, 0, 256, &md.dma, slots, &vq), VIRTIO_DRV_OK);
    ck_assert_uint_eq(vq.size, 64);
}
END_TEST

START_TEST(config_read_retries_while_generation_moves)
{
    probe(2);
    for (unsigned i = 0; i < 8; i++)
        m.config[i] = (uint8_t)(0x10 + i);
    m.generation_bumps = 3; /* first passes see it change */
    uint8_t buf[7];
    ck_assert_int_eq(virtio_drv_config_read(&d.t, 1, buf, sizeof(buf)), VIRTIO_DRV_OK);
    for (unsigned i = 0; i < 7; i++)
        ck_assert_uint_eq(buf[i], 0x11 + i);
    m.generation_bumps = 100;
    ck_assert_int_eq(virtio_drv_config_read(&d.t, 0, buf, 4), VIRTIO_DRV_CONFIG_UNSTABLE);
    ck_assert_int_eq(virtio_drv_config_read(&d.t, 0xfe, buf, 4), VIRTIO_DRV_CONFIG_RANGE);
    ck_assert_int_eq(virtio_drv_config_read(&d.t, UINT32_MAX - 1, buf, 4), VIRTIO_DRV_CONFIG_RANGE);
}
END_TEST

START_TEST(interrupt_ack_acknowledges_what_it_read)
{
    probe(2);
    m.interrupt_status = VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG | 0x80;
    ck_assert_uint_eq(d.t.ops->interrupt_ack(&d.t), VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);
    ck_assert_uint_eq(m.acked, VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);
    ck_assert_uint_eq(m.interrupt_status, 0x80);
}
END_TEST

static void round_trip(uint32_t version)
{
    probe(version);
    ck_assert_int_eq(virtio_drv_negotiate(&d.t, VIRTIO_BIT(VIRTIO_F_EVENT_IDX), 0), VIRTIO_DRV_OK);
    ck_assert_int_eq(virtio_drv_queue_setup(&d.t, 0, 8, &md.dma, slots, &vq), VIRTIO_DRV_OK);
    ck_assert_int_eq(virtio_drv_ready(&d.t), VIRTIO_DRV_OK);
    struct virtio_faults f = {0};
    struct virtq dev;
    ck_assert(mmio_model_queue(&m, 0, &md.mem, &f, &dev));

    uint8_t *data = (uint8_t *)md.dma.va + 0x8000;
    memcpy(data, "ping", 4);
    struct vqd_buf b[2] = {{md.dma.pa + 0x8000, 4}, {md.dma.pa + 0x8100, 8}};
    ck_assert_int_eq(vqd_add(&vq, b, 1, 1, (void *)7), VQD_OK);
    ck_assert(vqd_kick_needed(&vq));
    d.t.ops->notify(&d.t, 0);
    ck_assert_uint_eq(m.notifies[0], 1);

    struct virtq_seg segs[4];
    struct virtq_req req = {.segs = segs, .capacity = 4};
    ck_assert_int_eq(virtq_pop(&dev, &req), VIRTQ_POP_REQUEST);
    uint8_t got[4];
    ck_assert_uint_eq(virtq_req_read(&req, 0, got, 4), 4);
    ck_assert_mem_eq(got, "ping", 4);
    ck_assert_uint_eq(virtq_req_write(&req, 0, "pong", 4), 4);
    ck_assert_int_eq(virtq_push(&dev, &req, 4), VIRTQ_PUSH_OK);

    void *tok;
    uint32_t len;
    ck_assert_int_eq(vqd_get_used(&vq, &tok, &len), VQD_OK);
    ck_assert_ptr_eq(tok, (void *)7);
    ck_assert_uint_eq(len, 4);
    ck_assert_mem_eq(data + 0x100, "pong", 4);
    ck_assert_uint_eq(m.bad_accesses, 0);
}

START_TEST(legacy_round_trip)
{
    round_trip(1);
}
END_TEST

START_TEST(modern_round_trip)
{
    round_trip(2);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("vmmio_driver");
    TCase *t = tcase_create("vmmio");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, probe_checks_magic_version_and_id);
    tcase_add_test(t, modern_negotiation);
    tcase_add_test(t, modern_needs_version_1);
    tcase_add_test(t, missing_required_feature_fails_device);
    tcase_add_test(t, features_ok_refused);
    tcase_add_test(t, reset_waits_for_zero_bounded);
    tcase_add_test(t, legacy_negotiation_has_no_features_ok);
    tcase_add_test(t, legacy_queue_by_page_frame);
    tcase_add_test(t, legacy_queue_needs_page_aligned_memory);
    tcase_add_test(t, modern_queue_addresses_and_ready);
    tcase_add_test(t, queue_size_rounds_down_to_power_of_two);
    tcase_add_test(t, config_read_retries_while_generation_moves);
    tcase_add_test(t, interrupt_ack_acknowledges_what_it_read);
    tcase_add_test(t, legacy_round_trip);
    tcase_add_test(t, modern_round_trip);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return check_run(suite());
}
