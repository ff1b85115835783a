/* Check tests of the virtio-pci modern driver: the capability walk over good and malformed
 * lists, the common-config protocol, notify addresses, the ISR, and a round trip. */
#include "check_run.h"
#include "dev_model.h"
#include "pci_model.h"

#include <hv/bytes.h>
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/vpci_driver.h>
#include <string.h>

static struct pci_model m;
static struct vpci_drv d;
static struct vpci_bar bars[6];
static struct virtio_regs cfg;
static struct model_dma md;
static struct vqd vq;
static struct vqd_slot slots[256];

static void setup(void)
{
    pci_model_init(&m);
    pci_model_bars(&m, bars);
    cfg = pci_model_cfg_regs(&m);
    model_dma_init(&md, 0);
}

static void teardown(void)
{
    model_dma_free(&md);
}

static enum virtio_drv_error probe(void)
{
    return vpci_drv_probe(&d, &cfg, bars, VIRTIO_ID_BLOCK);
}

START_TEST(walk_finds_the_four_structures)
{
    ck_assert_int_eq(probe(), VIRTIO_DRV_OK);
    ck_assert_uint_eq(d.t.device_id, VIRTIO_ID_BLOCK);
    ck_assert_uint_eq(d.common.bar, 4);
    ck_assert_uint_eq(d.common.offset, PCI_MODEL_COMMON);
    ck_assert_uint_eq(d.isr.offset, PCI_MODEL_ISR);
    ck_assert_uint_eq(d.device.offset, PCI_MODEL_DEVICE);
    ck_assert_uint_eq(d.notify.offset, PCI_MODEL_NOTIFY);
    ck_assert_uint_eq(d.notify_multiplier, PCI_MODEL_NOTIFY_MULT);
    ck_assert_uint_eq(d.num_queues, 1);
    /* Memory decoding and bus mastering on, INTx allowed. */
    ck_assert_uint_eq(hv_le16(&m.cfg[PCI_COMMAND]) & 0x0407, 0x0007);
    ck_assert_uint_eq(m.bad_accesses, 0);
}
END_TEST

START_TEST(modern_device_id_gives_type)
{
    hv_put_le16(&m.cfg[PCI_DEVICE_ID], 0x1040 + VIRTIO_ID_INPUT);
    ck_assert_int_eq(vpci_drv_probe(&d, &cfg, bars, 0), VIRTIO_DRV_OK);
    ck_assert_uint_eq(d.t.device_id, VIRTIO_ID_INPUT);
    ck_assert_int_eq(probe(), VIRTIO_DRV_WRONG_DEVICE);
}
END_TEST

START_TEST(not_virtio)
{
    hv_put_le16(&m.cfg[PCI_VENDOR_ID], 0x8086);
    ck_assert_int_eq(probe(), VIRTIO_DRV_NO_DEVICE);
    pci_model_init(&m);
    hv_put_le16(&m.cfg[PCI_DEVICE_ID], 0x1100);
    ck_assert_int_eq(probe(), VIRTIO_DRV_NO_DEVICE);
    pci_model_init(&m);
    hv_put_le16(&m.cfg[PCI_STATUS], 0); /* no capability list */
    ck_assert_int_eq(probe(), VIRTIO_DRV_NO_DEVICE);
}
END_TEST

START_TEST(capability_loop_is_refused)
{
    m.cfg[0x40 + 1] = 0x98; /* last cap points back to the first */
    ck_assert_int_eq(probe(), VIRTIO_DRV_BAD_CAPABILITY);
}
END_TEST

START_TEST(capability_pointer_into_header_is_refused)
{
    m.cfg[0x64 + 1] = 0x10;
    ck_assert_int_eq(probe(), VIRTIO_DRV_BAD_CAPABILITY);
}
END_TEST

START_TEST(capability_at_end_of_config_space_is_refused)
{
    m.cfg[0x40 + 1] = 0xfc; /* a header would fit, the virtio fields would not */
    m.cfg[0xfc] = PCI_CAP_ID_VNDR;
    m.cfg[0xfd] = 0;
    m.cfg[0xfe] = 16;
    m.cfg[0xff] = VIRTIO_PCI_CAP_COMMON_CFG;
    /* common was already found: a later duplicate is not looked at */
    ck_assert_int_eq(probe(), VIRTIO_DRV_OK);
    pci_model_init(&m);
    m.cfg[PCI_CAPABILITY_LIST] = 0xfc;
    m.cfg[0xfc] = PCI_CAP_ID_VNDR;
    m.cfg[0xfd] = 0;
    m.cfg[0xfe] = 16;
    m.cfg[0xff] = VIRTIO_PCI_CAP_COMMON_CFG;
    ck_assert_int_eq(probe(), VIRTIO_DRV_BAD_CAPABILITY);
}
END_TEST

START_TEST(structure_outside_bar_is_refused)
{
    hv_put_le32(&m.cfg[0x74 + 8], PCI_MODEL_BAR_SIZE - 0x10); /* isr offset */
    hv_put_le32(&m.cfg[0x74 + 12], 0x20);
    ck_assert_int_eq(probe(), VIRTIO_DRV_BAD_CAPABILITY);
    pci_model_init(&m);
    hv_put_le32(&m.cfg[0x84 + 8], 0xfffffff0u); /* offset + length wraps 32 bits */
    hv_put_le32(&m.cfg[0x84 + 12], 0x20);
    ck_assert_int_eq(probe(), VIRTIO_DRV_BAD_CAPABILITY);
}
END_TEST

START_TEST(structure_in_unmapped_bar_is_refused)
{
    m.cfg[0x84 + 4] = 2; /* common cfg in BAR 2, which the bus task did not map */
    ck_assert_int_eq(probe(), VIRTIO_DRV_BAD_CAPABILITY);
}
END_TEST

START_TEST(reserved_bar_is_ignored)
{
    m.cfg[0x84 + 4] = 7; /* §4.1.4.1: ignore; then no common cfg at all */
    ck_assert_int_eq(probe(), VIRTIO_DRV_NO_DEVICE);
}
END_TEST

START_TEST(short_capabilities_are_refused)
{
    m.cfg[0x50 + 2] = 16; /* notify cap without its multiplier */
    ck_assert_int_eq(probe(), VIRTIO_DRV_BAD_CAPABILITY);
    pci_model_init(&m);
    hv_put_le32(&m.cfg[0x84 + 12], 0x30); /* common cfg shorter than 0x38 */
    ck_assert_int_eq(probe(), VIRTIO_DRV_BAD_CAPABILITY);
}
END_TEST

START_TEST(queue_setup_and_notify_address)
{
    m.num_queues = 2;
    ck_assert_int_eq(probe(), VIRTIO_DRV_OK);
    ck_assert_int_eq(virtio_drv_negotiate(&d.t, VIRTIO_BIT(VIRTIO_F_EVENT_IDX), 0), VIRTIO_DRV_OK);
    ck_assert_uint_eq(m.driver_features,
                      VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
    ck_assert_uint_eq(m.status,
                      VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    ck_assert_int_eq(virtio_drv_queue_setup(&d.t, 1, 64, &md.dma, slots, &vq), VIRTIO_DRV_OK);
    ck_assert_uint_eq(m.q[1].size, 64);
    ck_assert_uint_eq(m.q[1].desc, vq.desc_pa);
    ck_assert_uint_eq(m.q[1].driver, vq.avail_pa);
    ck_assert_uint_eq(m.q[1].device, vq.used_pa);
    ck_assert_uint_eq(m.q[1].msix, VIRTIO_MSI_NO_VECTOR);
    ck_assert_uint_eq(m.q[1].enable, 1);
    d.t.ops->notify(&d.t, 1);
    ck_assert_uint_eq(m.notifies[1], 1);
    ck_assert_uint_eq(m.last_notify_offset, 1 * PCI_MODEL_NOTIFY_MULT);
    ck_assert_int_eq(virtio_drv_queue_setup(&d.t, 2, 64, &md.dma, slots, &vq),
                     VIRTIO_DRV_QUEUE_UNAVAILABLE);
    ck_assert_uint_eq(m.bad_accesses, 0);
}
END_TEST

START_TEST(notify_offset_outside_region_is_refused)
{
    ck_assert_int_eq(probe(), VIRTIO_DRV_OK);
    m.q[0].notify_off = 0x400; /* 0x400 * 4 = the region's end */
    ck_assert_int_eq(virtio_drv_queue_setup(&d.t, 0, 64, &md.dma, slots, &vq),
                     VIRTIO_DRV_BAD_CAPABILITY);
    ck_assert_uint_eq(m.q[0].enable, 0);
    d.t.ops->notify(&d.t, 0); /* no doorbell known: nothing written */
    ck_assert_uint_eq(m.notifies[0], 0);
}
END_TEST

START_TEST(isr_read_and_device_config)
{
    ck_assert_int_eq(probe(), VIRTIO_DRV_OK);
    m.isr = 3;
    ck_assert_uint_eq(d.t.ops->interrupt_ack(&d.t), 3);
    ck_assert_uint_eq(m.isr, 0);
    hv_put_le64(m.device_cfg, 0x123456789aull);
    uint8_t cap[8];
    ck_assert_int_eq(virtio_drv_config_read(&d.t, 0, cap, 8), VIRTIO_DRV_OK);
    ck_assert_uint_eq(hv_le64(cap), 0x123456789aull);
    ck_assert_int_eq(virtio_drv_config_read(&d.t, 0xffe, cap, 4), VIRTIO_DRV_CONFIG_RANGE);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("vpci_driver");
    TCase *t = tcase_create("vpci");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, walk_finds_the_four_structures);
    tcase_add_test(t, modern_device_id_gives_type);
    tcase_add_test(t, not_virtio);
    tcase_add_test(t, capability_loop_is_refused);
    tcase_add_test(t, capability_pointer_into_header_is_refused);
    tcase_add_test(t, capability_at_end_of_config_space_is_refused);
    tcase_add_test(t, structure_outside_bar_is_refused);
    tcase_add_test(t, structure_in_unmapped_bar_is_refused);
    tcase_add_test(t, reserved_bar_is_ignored);
    tcase_add_test(t, short_capabilities_are_refused);
    tcase_add_test(t, queue_setup_and_notify_address);
    tcase_add_test(t, notify_offset_outside_region_is_refused);
    tcase_add_test(t, isr_read_and_device_config);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return check_run(suite());
}
