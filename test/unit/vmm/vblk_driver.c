/* A guest driver's steps on the VMM's virtio-blk window (vblk_driver.h). */
#include "vblk_driver.h"
#include "vmm_fixture.h"
#include <check.h>
#include <hv/abi/error.h>
#include <hv/virtio/virtio_spec.h>

struct vblk_fake srv;
struct vmm_vdev vb;

void setup(void)
{
    fixture_setup();
    vblk_fake_init(&srv);
}

void teardown(void)
{
    vblk_fake_free(&srv);
}

void open_ok(void)
{
    const struct vdev_setup s = vblk_fake_setup(&srv);
    ck_assert_int_eq(vmm_vblk_open(&vb, &a64.vmm, &s), HV_OK);
    ck_assert_int_eq(vmm_vdev_attach(&vb, BASE), HV_OK);
}

uint32_t rd(uint32_t off)
{
    return (uint32_t)bus_read(BASE + off, 4);
}

void wr(uint32_t off, uint32_t v)
{
    bus_write(BASE + off, 4, v);
}

uint64_t features(void)
{
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t f = rd(VIRTIO_MMIO_DEVICE_FEATURES);
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    return f | (uint64_t)rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
}

void negotiate(uint64_t want)
{
    wr(VIRTIO_MMIO_STATUS, 0);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    uint64_t f = features() & want;
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                               VIRTIO_STATUS_FEATURES_OK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK,
                      VIRTIO_STATUS_FEATURES_OK);
}

void queue_regs(uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
    wr(VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(VIRTIO_MMIO_QUEUE_NUM, num);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
    wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
    wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
}

const uint32_t status_live = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                    VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK;

void bring_up(void)
{
    negotiate(~0ull);
    queue_regs(128, DESC, AVAIL, USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 1);
    wr(VIRTIO_MMIO_STATUS, status_live);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), status_live);
}
