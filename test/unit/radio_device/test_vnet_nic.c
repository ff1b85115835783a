/* Check tests of the radio server's NIC driver: frames in and out through libhv's driver side
 * and a virtio-mmio transport (legacy and modern) to a virtio-net device model, a full
 * transmit queue, frames of bad sizes, and a device that lies about its used ring. */
#include "check_run.h"
#include "dev_model.h"
#include "vnet_nic.h"

#include <hv/bytes.h>
#include <hv/virtio/virtio_net.h>
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/vmmio_driver.h>
#include <stdlib.h>
#include <string.h>

#define PHYS_PA 0x90000000ull

static const uint8_t dev_mac[6] = {0x52, 0x54, 0x00, 0x00, 0x02, 0xfe};
static struct mmio_model m;
static struct virtio_dma pdma;
static struct virtio_mem_region pregion;
static struct virtio_mem pmem;
static struct virtq rxq, txq; /* the device's sides of the queues */
static struct virtio_faults dev_faults;
static bool live;
static struct vmmio_drv drv;
static struct vnet_nic nic;
static unsigned hdr;

static uint8_t got[4][2048];
static uint32_t got_len[4];
static unsigned ngot;

static void deliver(void *ctx, const uint8_t *f, uint32_t len)
{
    (void)ctx;
    if (ngot < 4) {
        memcpy(got[ngot], f, len);
        got_len[ngot] = len;
    }
    ngot++;
}

static void device_queues(void)
{
    if (!live) {
        ck_assert(mmio_model_queue(&m, 0, &pmem, &dev_faults, &rxq));
        ck_assert(mmio_model_queue(&m, 1, &pmem, &dev_faults, &txq));
        live = true;
    }
}

/* The device receives a frame from the wire: header (zeroes) and frame into the next receive
 * buffer, as many bytes as given (wrote lets a test claim another length). */
static void wire_in(const uint8_t *frame, uint32_t len, uint32_t wrote)
{
    device_queues();
    struct virtq_seg segs[4];
    struct virtq_req req = {.segs = segs, .capacity = 4};
    ck_assert_int_eq(virtq_pop(&rxq, &req), VIRTQ_POP_REQUEST);
    ck_assert_uint_eq(req.readable_bytes, 0);
    ck_assert_uint_ge(req.writable_bytes, hdr + VNET_FRAME_MAX);
    uint8_t zero[12] = {0};
    virtq_req_write(&req, 0, zero, hdr);
    virtq_req_write(&req, hdr, frame, len);
    ck_assert_int_eq(virtq_push(&rxq, &req, wrote), VIRTQ_PUSH_OK);
}

/* The device sends every queued frame to the wire; returns how many, the last in out. */
static unsigned wire_out(uint8_t *out, uint32_t *len)
{
    device_queues();
    struct virtq_seg segs[4];
    struct virtq_req req = {.segs = segs, .capacity = 4};
    unsigned n = 0;
    while (virtq_pop(&txq, &req) == VIRTQ_POP_REQUEST) {
        uint8_t h[12];
        ck_assert_uint_eq(virtq_req_read(&req, 0, h, hdr), hdr);
        for (unsigned i = 0; i < hdr; i++)
            ck_assert_uint_eq(h[i], 0); /* no offloads asked for */
        *len = (uint32_t)req.readable_bytes - hdr;
        virtq_req_read(&req, hdr, out, *len);
        ck_assert_int_eq(virtq_push(&txq, &req, 0), VIRTQ_PUSH_OK);
        n++;
    }
    return n;
}

static void setup_version(uint32_t version)
{
    mmio_model_init(&m, version, VIRTIO_ID_NET);
    m.features = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_NET_F_MAC);
    m.queue_max[0] = m.queue_max[1] = 256;
    memcpy(m.config, dev_mac, 6);
    pdma = (struct virtio_dma){aligned_alloc(4096, VNET_DMA_BYTES), PHYS_PA, VNET_DMA_BYTES};
    pregion = (struct virtio_mem_region){PHYS_PA, VNET_DMA_BYTES, pdma.va};
    pmem = (struct virtio_mem){&pregion, 1};
    memset(&dev_faults, 0, sizeof(dev_faults));
    live = false;
    ngot = 0;
    struct virtio_regs r = mmio_model_regs(&m);
    ck_assert_int_eq(vmmio_drv_probe(&drv, &r, 0x200, VIRTIO_ID_NET), VIRTIO_DRV_OK);
    ck_assert_int_eq(vnet_nic_init(&nic, &drv.t, &pdma), VIRTIO_DRV_OK);
    hdr = version == 1 ? 10 : 12;
}

static void setup_legacy(void)
{
    setup_version(1);
}

static void setup_modern(void)
{
    setup_version(2);
}

static void teardown(void)
{
    free(pdma.va);
}

static void frame(uint8_t *f, uint32_t len, uint8_t seed)
{
    for (uint32_t i = 0; i < len; i++)
        f[i] = (uint8_t)(seed + i * 13);
}

START_TEST(brought_up)
{
    ck_assert_uint_eq(nic.hdr_len, hdr);
    ck_assert_mem_eq(nic.mac, dev_mac, 6);
    ck_assert_uint_eq(nic.rx.inflight, VNET_BUFS); /* every receive buffer is the device's */
    ck_assert(m.status & VIRTIO_STATUS_DRIVER_OK);
    ck_assert_uint_eq(m.notifies[0], 1);
}
END_TEST

START_TEST(frames_in_and_buffers_back)
{
    uint8_t a[60], b[VNET_FRAME_MAX];
    frame(a, sizeof(a), 1);
    frame(b, sizeof(b), 2);
    wire_in(a, sizeof(a), hdr + sizeof(a));
    wire_in(b, sizeof(b), hdr + sizeof(b));
    vnet_nic_poll(&nic, deliver, NULL);
    ck_assert_uint_eq(ngot, 2);
    ck_assert_uint_eq(got_len[0], sizeof(a));
    ck_assert_mem_eq(got[0], a, sizeof(a));
    ck_assert_uint_eq(got_len[1], sizeof(b));
    ck_assert_mem_eq(got[1], b, sizeof(b));
    ck_assert_uint_eq(nic.rx.inflight, VNET_BUFS); /* reposted */
    ck_assert_uint_eq(nic.rx_frames, 2);
    /* More frames than buffers, over several rounds: the buffers keep coming back. */
    for (unsigned i = 0; i < 3 * VNET_BUFS; i++) {
        wire_in(a, sizeof(a), hdr + sizeof(a));
        vnet_nic_poll(&nic, deliver, NULL);
    }
    ck_assert_uint_eq(ngot, 2 + 3 * VNET_BUFS);
    ck_assert(!nic.broken);
}
END_TEST

START_TEST(runts_and_giants_are_dropped)
{
    uint8_t a[64];
    frame(a, sizeof(a), 3);
    wire_in(a, 13, hdr + 13); /* shorter than an Ethernet header */
    wire_in(a, sizeof(a), hdr - 1); /* not even the virtio-net header */
    vnet_nic_poll(&nic, deliver, NULL);
    ck_assert_uint_eq(ngot, 0);
    ck_assert_uint_eq(nic.rx_bad, 2);
    ck_assert_uint_eq(nic.rx.inflight, VNET_BUFS);
    ck_assert(!vnet_nic_send(&nic, a, 13));
    static uint8_t big[VNET_FRAME_MAX + 1];
    ck_assert(!vnet_nic_send(&nic, big, sizeof(big)));
    ck_assert_uint_eq(nic.tx_frames, 0);
}
END_TEST

START_TEST(frames_out_and_a_full_queue)
{
    uint8_t a[100], out[2048];
    uint32_t len = 0;
    frame(a, sizeof(a), 4);
    ck_assert(vnet_nic_send(&nic, a, sizeof(a)));
    ck_assert_uint_eq(wire_out(out, &len), 1);
    ck_assert_uint_eq(len, sizeof(a));
    ck_assert_mem_eq(out, a, sizeof(a));
    ck_assert_uint_ge(m.notifies[1], 1);
    /* The device stops taking frames: VNET_BUFS go out, the next is refused and counted. */
    for (unsigned i = 0; i < VNET_BUFS; i++)
        ck_assert(vnet_nic_send(&nic, a, sizeof(a)));
    ck_assert(!vnet_nic_send(&nic, a, sizeof(a)));
    ck_assert_uint_eq(nic.tx_full, 1);
    ck_assert_uint_eq(wire_out(out, &len), VNET_BUFS);
    ck_assert(vnet_nic_send(&nic, a, sizeof(a))); /* sent ones are taken back */
}
END_TEST

START_TEST(lying_device_is_stopped)
{
    /* A used entry for a descriptor that is no receive buffer's head. */
    hv_put_le32(nic.rx.used + 4, 1);
    hv_put_le32(nic.rx.used + 8, 64);
    hv_put_le16(nic.rx.used + 2, 1);
    vnet_nic_poll(&nic, deliver, NULL);
    ck_assert(nic.broken);
    ck_assert_int_eq(nic.why, VQD_USED_NOT_INFLIGHT);
    ck_assert(m.status & VIRTIO_STATUS_FAILED);
    ck_assert_uint_eq(ngot, 0);
    uint8_t a[60] = {0};
    ck_assert(!vnet_nic_send(&nic, a, sizeof(a)));
}
END_TEST

START_TEST(refuses_unfit_devices)
{
    struct virtio_dma small = pdma;
    small.size = VNET_DMA_BYTES - 1;
    ck_assert_int_eq(vnet_nic_init(&nic, &drv.t, &small), VIRTIO_DRV_QUEUE_MEMORY);
    struct mmio_model blk;
    struct vmmio_drv d2;
    mmio_model_init(&blk, 2, VIRTIO_ID_BLOCK);
    blk.features = VIRTIO_BIT(VIRTIO_F_VERSION_1);
    struct virtio_regs r = mmio_model_regs(&blk);
    ck_assert_int_eq(vmmio_drv_probe(&d2, &r, 0x200, 0), VIRTIO_DRV_OK);
    ck_assert_int_eq(vnet_nic_init(&nic, &d2.t, &pdma), VIRTIO_DRV_WRONG_DEVICE);
    /* Without VIRTIO_NET_F_MAC the NIC comes up with no MAC of its own. */
    m.features &= ~VIRTIO_BIT(VIRTIO_NET_F_MAC);
    live = false;
    ck_assert_int_eq(vnet_nic_init(&nic, &drv.t, &pdma), VIRTIO_DRV_OK);
    static const uint8_t none[6];
    ck_assert_mem_eq(nic.mac, none, 6);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vnet_nic");
    const char *names[2] = {"legacy", "modern"};
    void (*setups[2])(void) = {setup_legacy, setup_modern};
    for (unsigned i = 0; i < 2; i++) {
        TCase *t = tcase_create(names[i]);
        tcase_add_checked_fixture(t, setups[i], teardown);
        tcase_add_test(t, brought_up);
        tcase_add_test(t, frames_in_and_buffers_back);
        tcase_add_test(t, runts_and_giants_are_dropped);
        tcase_add_test(t, frames_out_and_a_full_queue);
        tcase_add_test(t, lying_device_is_stopped);
        tcase_add_test(t, refuses_unfit_devices);
        suite_add_tcase(s, t);
    }
    return check_run(s);
}
