/* The VMM's virtio-blk transport (servers/vmm/core/vblk.c) against a fake storage server: the
 * register window a guest driver sees, what reaches the server (HV_VDEV_OPEN, QUEUE_SETUP,
 * the doorbell), completions, and bad opens, set-ups and rings (resets and register garbage:
 * test_vblk_reset.c). */
#include "check_run.h"
#include "vblk_driver.h"
#include "vmm_fixture.h"

#include "blk_req.h" /* servers/storage: the limits the config space must state */
#include <hv/abi/error.h>
#include <hv/virtio/virtio_spec.h>
#include <string.h>

/* What the VMM writes into the config space is what the server takes. */
_Static_assert(HV_BLK_DISCARD_SECTORS_MAX == BLK_MAX_DISCARD_SECTORS, "discard limit");
_Static_assert(HV_BLK_WRITE_ZEROES_SECTORS_MAX == BLK_MAX_ZERO_SECTORS, "write-zeroes limit");

START_TEST(identity_features_and_config)
{
    open_ok();
    ck_assert_uint_eq(srv.opens, 1);
    ck_assert_uint_eq(srv.calls[0].n, HV_BLK_OPEN_WORDS);
    ck_assert_uint_eq(srv.calls[0].w[0], HV_BLK_VERSION);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_VERSION), 2);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 256);
    wr(VIRTIO_MMIO_QUEUE_SEL, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0); /* one queue */

    /* The server's device bits, less MQ (one queue, no num_queues in the config), plus the
     * transport bits the server's libhv queue implements. */
    uint64_t want = VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) |
                    VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) |
                    VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES) |
                    VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
                    VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
    ck_assert_uint_eq(features(), want);

    const uint64_t cfg = BASE + VIRTIO_MMIO_CONFIG;
    ck_assert_uint_eq(bus_read(cfg + VIRTIO_BLK_CFG_CAPACITY, 8), 4u << 20);
    ck_assert_uint_eq(bus_read(cfg + VIRTIO_BLK_CFG_CAPACITY, 4), 4u << 20);
    ck_assert_uint_eq(bus_read(cfg + VIRTIO_BLK_CFG_CAPACITY + 4, 4), 0);
    ck_assert_uint_eq(bus_read(cfg + VIRTIO_BLK_CFG_SIZE_MAX, 4), 4096);
    ck_assert_uint_eq(bus_read(cfg + VIRTIO_BLK_CFG_SEG_MAX, 4), 64);
    ck_assert_uint_eq(bus_read(cfg + VIRTIO_BLK_CFG_BLK_SIZE, 4), 512);
    ck_assert_uint_eq(bus_read(cfg + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, 4),
                      BLK_MAX_DISCARD_SECTORS);
    ck_assert_uint_eq(bus_read(cfg + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, 4), 1);
    ck_assert_uint_eq(bus_read(cfg + VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SECTORS, 4),
                      BLK_MAX_ZERO_SECTORS);
    ck_assert_uint_eq(bus_read(cfg + VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SEG, 4), 1);
    ck_assert_uint_eq(bus_read(cfg + VIRTIO_BLK_CFG_NUM_QUEUES, 2), 0);
    /* Read-only: a write changes nothing. Misaligned, oversized and out-of-range accesses read
     * zero and are counted. */
    bus_write(cfg + VIRTIO_BLK_CFG_CAPACITY, 8, 1);
    ck_assert_uint_eq(bus_read(cfg + VIRTIO_BLK_CFG_CAPACITY, 8), 4u << 20);
    ck_assert_uint_eq(bus_read(cfg + 1, 4), 0);
    ck_assert_uint_eq(bus_read(cfg + VIRTIO_BLK_CFG_SIZE, 4), 0);
    ck_assert_uint_eq(bus_read(cfg + 0xf8, 8), 0);
    ck_assert_uint_eq(vb.mmio.faults.count[VIRTIO_FAULT_CONFIG_ACCESS], 3);
    ck_assert_uint_eq(srv.ncalls, 1); /* nothing of this reached the server */
}
END_TEST

/* A read-only slice: the RO bit, no DISCARD/WRITE_ZEROES fields. */
START_TEST(read_only_slice)
{
    srv.open_reply[2] = VIRTIO_BIT(VIRTIO_BLK_F_RO) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
    open_ok();
    ck_assert_uint_eq(features() & 0xffffff, VIRTIO_BIT(VIRTIO_BLK_F_RO) |
                                                 VIRTIO_BIT(VIRTIO_BLK_F_FLUSH));
    const uint64_t cfg = BASE + VIRTIO_MMIO_CONFIG;
    ck_assert_uint_eq(bus_read(cfg + VIRTIO_BLK_CFG_SEG_MAX, 4), 0);
    ck_assert_uint_eq(bus_read(cfg + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, 4), 0);
}
END_TEST

/* Answers to HV_VDEV_OPEN that break the protocol: the device is refused, nothing on the bus. */
static const struct bad_open {
    const char *what;
    int result;
    unsigned len, word;
    uint64_t value;
    int want;
} bad_opens[] = {
    {"server error", HV_EINVAL, 5, 0, HV_BLK_VERSION, HV_EINVAL},
    {"IPC error", HV_ECANCELED, 0, 0, HV_BLK_VERSION, HV_ECANCELED},
    {"short reply", HV_OK, 4, 0, HV_BLK_VERSION, HV_EFORMAT},
    {"long reply", HV_OK, 6, 0, HV_BLK_VERSION, HV_EFORMAT},
    {"other version", HV_OK, 5, 0, 2, HV_EFORMAT},
    {"transport bit", HV_OK, 5, 2, VIRTIO_BIT(VIRTIO_F_VERSION_1), HV_EFORMAT},
    {"ring reset bit", HV_OK, 5, 2, VIRTIO_BIT(VIRTIO_F_RING_RESET), HV_EFORMAT},
    {"queue 0", HV_OK, 5, 4, 0, HV_EFORMAT},
    {"queue 3", HV_OK, 5, 4, 3, HV_EFORMAT},
    {"queue 65536", HV_OK, 5, 4, 65536, HV_EFORMAT},
    {"queue 2^63", HV_OK, 5, 4, 1ull << 63, HV_EFORMAT},
    {"seg_max 0", HV_OK, 5, 3, 4096ull << 32, HV_EFORMAT},
    {"size_max 0", HV_OK, 5, 3, 64, HV_EFORMAT},
};

START_TEST(open_refused)
{
    const struct bad_open *b = &bad_opens[_i];
    srv.open_result = b->result;
    srv.open_len = b->len;
    srv.open_reply[b->word] = b->value;
    const struct vdev_setup s = vblk_fake_setup(&srv);
    ck_assert_msg(vmm_vblk_open(&vb, &a64.vmm, &s) == b->want, "%s", b->what);
    ck_assert_uint_eq(srv.setups + srv.resets, 0);

    /* The placement then leaves an empty slot (AArch64) or nothing (x86), and says so. */
    struct vmm_boot boot = {.disk_in_table = true, .storage_given = true};
    enum vblk_placed placed;
    env.log_lines = 0;
    ck_assert_int_eq(vmm_vblk_place(&vb, &a64.vmm, &boot, BASE, &s, true, &placed), HV_OK);
    ck_assert_int_eq(placed, VBLK_PLACED_EMPTY);
    ck_assert_ptr_nonnull(strstr(env.last_log, "did not open it"));
    ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), 0);
}
END_TEST

START_TEST(setups_are_bad_inputs_too)
{
    const struct vdev_setup good = vblk_fake_setup(&srv);
    struct vdev_setup s = good;
    s.ops = NULL;
    ck_assert_int_eq(vmm_vblk_open(&vb, &a64.vmm, &s), HV_EINVAL);
    s = good;
    s.irq_bits = NULL;
    ck_assert_int_eq(vmm_vblk_open(&vb, &a64.vmm, &s), HV_EINVAL);
    s = good;
    s.mem = NULL;
    ck_assert_int_eq(vmm_vblk_open(&vb, &a64.vmm, &s), HV_EINVAL);
    ck_assert_uint_eq(srv.ncalls, 0);
    /* A server leaving completion bits from an earlier run: taken away at open. */
    srv.shared.irq = HV_VDEV_IRQ_USED;
    open_ok();
    ck_assert_uint_eq(srv.shared.irq, 0);
    ck_assert(!srv.level);
}
END_TEST

START_TEST(placement)
{
    const struct vdev_setup s = vblk_fake_setup(&srv);
    enum vblk_placed placed;
    struct vmm_boot boot = {0};
    ck_assert_int_eq(vmm_vblk_place(&vb, &a64.vmm, &boot, BASE, &s, true, &placed), HV_OK);
    ck_assert_int_eq(placed, VBLK_PLACED_NONE);
    ck_assert_ptr_null(vmm_bus_find(&a64.vmm.bus, BASE));
    ck_assert_uint_eq(srv.ncalls, 0);

    boot.disk_in_table = true;
    ck_assert_int_eq(vmm_vblk_place(&vb, &a64.vmm, &boot, BASE, &s, false, &placed), HV_OK);
    ck_assert_int_eq(placed, VBLK_PLACED_ABSENT);
    ck_assert_ptr_null(vmm_bus_find(&a64.vmm.bus, BASE));
    ck_assert_ptr_nonnull(strstr(env.last_log, "no storage server"));
    ck_assert_int_eq(vmm_vblk_place(&vb, &a64.vmm, &boot, BASE, &s, true, &placed), HV_OK);
    ck_assert_int_eq(placed, VBLK_PLACED_EMPTY);
    /* The empty slot: magic, version 2, device 0, everything else 0; writes ignored. */
    ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_VERSION), 2);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), 0);
    wr(VIRTIO_MMIO_STATUS, 0xff);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
    ck_assert_uint_eq(bus_read(BASE + 1, 1), 0);
    ck_assert_uint_eq(srv.ncalls, 0);

    fixture_setup(); /* a fresh bus */
    boot.storage_given = true;
    ck_assert_int_eq(vmm_vblk_place(&vb, &a64.vmm, &boot, BASE, &s, true, &placed), HV_OK);
    ck_assert_int_eq(placed, VBLK_PLACED_DEVICE);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
    /* Twice at one address: the bus refuses, nothing is half placed. */
    ck_assert_int_eq(vmm_vblk_place(&vb, &a64.vmm, &boot, BASE, &s, true, &placed), HV_EEXIST);
}
END_TEST

/* QueueReady hands the rings to the server, with the features the driver accepted. */
START_TEST(queue_setup_reaches_the_server)
{
    open_ok();
    negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
              VIRTIO_BIT(VIRTIO_BLK_F_FLUSH));
    queue_regs(128, DESC, AVAIL, USED);
    ck_assert_uint_eq(srv.setups, 0); /* registers alone reach nobody */
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(srv.setups, 1);
    const struct vblk_fake_call *c = &srv.calls[srv.ncalls - 1];
    ck_assert_uint_eq(c->label, HV_VDEV_QUEUE_SETUP);
    ck_assert_uint_eq(c->n, HV_VDEV_QUEUE_SETUP_WORDS);
    ck_assert_uint_eq(c->w[0], 0 | 128u << 16);
    ck_assert_uint_eq(c->w[1], DESC);
    ck_assert_uint_eq(c->w[2], AVAIL);
    ck_assert_uint_eq(c->w[3], USED);
    ck_assert_uint_eq(c->w[4], VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
                                   VIRTIO_BIT(VIRTIO_BLK_F_FLUSH));
    ck_assert_uint_eq(srv.bad_setups, 0);
    wr(VIRTIO_MMIO_STATUS, status_live);
    ck_assert_uint_eq(vb.stats.setups, 1);
    /* Reconfiguring a live queue is ignored and reaches nobody. */
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(DESC + 0x100));
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(srv.setups, 1);
    ck_assert_uint_eq(vb.mmio.faults.count[VIRTIO_FAULT_QUEUE_LIVE], 1);
}
END_TEST

/* Rings outside the guest's RAM, misaligned, or a bad size: refused by the VMM before the
 * server hears of them; the driver sees DEVICE_NEEDS_RESET. */
static const struct bad_ring {
    uint32_t num;
    uint64_t desc, avail, used;
} bad_rings[] = {
    {128, 0x1000, AVAIL, USED},                                  /* below RAM */
    {128, DESC, VBLK_FAKE_RAM_GPA + VBLK_FAKE_RAM_SIZE, USED},   /* just past it */
    {128, DESC, AVAIL, VBLK_FAKE_RAM_GPA + VBLK_FAKE_RAM_SIZE - 8}, /* runs past the end */
    {128, DESC + 8, AVAIL, USED},                                /* descriptors not 16-aligned */
    {128, DESC, AVAIL + 1, USED},                                /* avail not 2-aligned */
    {128, DESC, AVAIL, USED + 2},                                /* used not 4-aligned */
    {100, DESC, AVAIL, USED},                                    /* not a power of two */
    {512, DESC, AVAIL, USED},                                    /* above QueueNumMax */
    {0, DESC, AVAIL, USED},
    {128, 0xfffffffffffff000ull, AVAIL, USED},                   /* wraps */
};

START_TEST(bad_rings_never_reach_the_server)
{
    const struct bad_ring *b = &bad_rings[_i];
    open_ok();
    negotiate(~0ull);
    queue_regs(b->num, b->desc, b->avail, b->used);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(srv.setups, 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
    ck_assert_uint_ne(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET, 0);
    ck_assert_uint_eq(vb.mmio.faults.count[VIRTIO_FAULT_RING_SETUP], 1);
    /* Kicks of the dead queue reach nobody either. */
    wr(VIRTIO_MMIO_STATUS, status_live);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(srv.doorbells, 0);
    /* A reset recovers: the server is told, and a good queue follows. */
    unsigned resets = srv.resets;
    bring_up();
    ck_assert_uint_eq(srv.resets, resets + 1);
    ck_assert_uint_eq(srv.setups, 1);
    ck_assert_uint_eq(srv.bad_setups, 0);
}
END_TEST

/* The server refuses QUEUE_SETUP (its own ring checks, a queue too large for it, ...). */
START_TEST(server_refuses_the_queue)
{
    open_ok();
    srv.setup_result = HV_EINVAL;
    negotiate(~0ull);
    queue_regs(128, DESC, AVAIL, USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(srv.setups, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET,
                      VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    ck_assert_uint_eq(vb.stats.setup_refused, 1);
    ck_assert_ptr_nonnull(strstr(env.last_log, "refused queue 0 (size 128, error 1)"));
    /* Not a driver fault: the rings were fine. */
    ck_assert_uint_eq(vb.mmio.faults.count[VIRTIO_FAULT_RING_SETUP], 0);
    /* A driver already live hears of it through a configuration change interrupt. */
    wr(VIRTIO_MMIO_STATUS, status_live | VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    ck_assert(srv.level);
    /* The same with an IPC failure. */
    srv.setup_result = HV_ECANCELED;
    negotiate(~0ull);
    ck_assert(!srv.level); /* the reset lowered the line */
    queue_regs(128, DESC, AVAIL, USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
    ck_assert_uint_eq(vb.stats.setup_refused, 2);
    /* And then it takes it. */
    srv.setup_result = HV_OK;
    bring_up();
    ck_assert(srv.live);
    ck_assert_uint_eq(srv.setups_while_live, 0);
}
END_TEST

START_TEST(doorbell_only_for_a_live_queue)
{
    open_ok();
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0); /* before any bring-up */
    negotiate(~0ull);
    queue_regs(128, DESC, AVAIL, USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0); /* before DRIVER_OK */
    ck_assert_uint_eq(srv.doorbells, 0);
    wr(VIRTIO_MMIO_STATUS, status_live);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(srv.doorbells, 2);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1); /* no such queue */
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0xffffffff);
    bus_write(BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 2, 0); /* wrong width */
    ck_assert_uint_eq(srv.doorbells, 2);
    ck_assert_uint_eq(vb.stats.kicks, 2);
    ck_assert_uint_eq(vb.mmio.faults.count[VIRTIO_FAULT_NOTIFY], 4);
    ck_assert_uint_eq(vb.mmio.faults.count[VIRTIO_FAULT_MMIO_ACCESS], 1);
}
END_TEST

/* Completion: the server's bits in the shared page become the guest's interrupt. */
START_TEST(completion_raises_the_interrupt)
{
    open_ok();
    bring_up();
    vmm_vdev_complete(&vb); /* a signal with no bits: nothing */
    ck_assert(!srv.level);
    __atomic_or_fetch(&srv.shared.irq, HV_VDEV_IRQ_USED, __ATOMIC_RELEASE);
    vmm_vdev_complete(&vb);
    ck_assert_uint_eq(srv.shared.irq, 0);
    ck_assert(srv.level);
    ck_assert_uint_eq(srv.rises, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
    wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
    ck_assert(!srv.level);
    ck_assert_uint_eq(vb.stats.used_irqs, 1);
    /* Unknown bits are ignored; NEEDS_RESET stops the device and tells the driver. */
    srv.shared.irq = 0xf0 | HV_VDEV_IRQ_NEEDS_RESET;
    vmm_vdev_complete(&vb);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), status_live | VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    ck_assert(srv.level);
    ck_assert_uint_eq(vb.stats.needs_reset, 1);
    /* A used notification for the stopped queue is dropped, and kicks no longer ring. */
    srv.shared.irq = HV_VDEV_IRQ_USED;
    vmm_vdev_complete(&vb);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    ck_assert_uint_eq(vb.stats.dropped_irqs, 1);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(srv.doorbells, 0);
}
END_TEST


int main(void)
{
    Suite *s = suite_create("vblk");
    TCase *tc = tcase_create("vblk");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, identity_features_and_config);
    tcase_add_test(tc, read_only_slice);
    tcase_add_loop_test(tc, open_refused, 0, (int)(sizeof(bad_opens) / sizeof(bad_opens[0])));
    tcase_add_test(tc, setups_are_bad_inputs_too);
    tcase_add_test(tc, placement);
    tcase_add_test(tc, queue_setup_reaches_the_server);
    tcase_add_loop_test(tc, bad_rings_never_reach_the_server, 0,
                        (int)(sizeof(bad_rings) / sizeof(bad_rings[0])));
    tcase_add_test(tc, server_refuses_the_queue);
    tcase_add_test(tc, doorbell_only_for_a_live_queue);
    tcase_add_test(tc, completion_raises_the_interrupt);
    suite_add_tcase(s, tc);
    return check_run(s);
}
