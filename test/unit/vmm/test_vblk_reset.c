/* The VMM's virtio-blk transport (servers/vmm/core/vblk.c) against a fake storage server:
 * resets (mid-request, unconfirmed by the server, a stop before the reload) and garbage in
 * every register of the window. */
#include "check_run.h"
#include "vblk_driver.h"
#include "vmm_fixture.h"

#include <hv/abi/error.h>
#include <hv/virtio/virtio_spec.h>
#include <string.h>

/* The guest resets the device while the server holds requests: the server is told before the
 * VMM answers the guest, and completions of the old queue never interrupt the new driver. */
START_TEST(reset_mid_request)
{
    open_ok();
    bring_up();
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(srv.doorbells, 1);
    srv.shared.irq = HV_VDEV_IRQ_USED; /* the server finished one as the guest resets */
    unsigned calls = srv.ncalls;
    wr(VIRTIO_MMIO_STATUS, 0);
    ck_assert_uint_eq(srv.ncalls, calls + 1);
    ck_assert_uint_eq(vblk_fake_label(&srv, calls), HV_VDEV_RESET);
    ck_assert(!srv.live);
    ck_assert_uint_eq(srv.shared.irq, 0); /* the stale bit went with the old queue */
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
    vmm_vdev_complete(&vb);
    ck_assert(!srv.level);
    /* A completion arriving after the reset for the old queue: nothing for the guest. */
    srv.shared.irq = HV_VDEV_IRQ_USED;
    vmm_vdev_complete(&vb);
    ck_assert(!srv.level);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    /* Reset twice, mid bring-up, and with QueueReady = 0: each one reaches the server. */
    wr(VIRTIO_MMIO_STATUS, 0);
    negotiate(~0ull);
    queue_regs(128, DESC, AVAIL, USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert(srv.live);
    wr(VIRTIO_MMIO_QUEUE_READY, 0);
    ck_assert(!srv.live);
    wr(VIRTIO_MMIO_QUEUE_READY, 0); /* already off: nothing more */
    ck_assert_uint_eq(srv.resets, 5); /* bring-up, guest, guest, bring-up, QueueReady = 0 */
    ck_assert_uint_eq(srv.setups_while_live, 0);
}
END_TEST

/* The server does not confirm a reset: it may still use the old rings, so no new queue goes to
 * it until a reset succeeds. */
START_TEST(reset_not_confirmed)
{
    open_ok();
    bring_up();
    srv.reset_result = HV_ECANCELED;
    wr(VIRTIO_MMIO_STATUS, 0);
    ck_assert(vb.server_unsure);
    ck_assert_ptr_nonnull(strstr(env.last_log, "did not confirm a reset"));
    negotiate(~0ull);
    queue_regs(128, DESC, AVAIL, USED);
    unsigned setups = srv.setups;
    wr(VIRTIO_MMIO_QUEUE_READY, 1); /* a reset is tried first, and fails again */
    ck_assert_uint_eq(srv.setups, setups);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
    ck_assert_uint_ne(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET, 0);
    srv.reset_result = HV_OK;
    bring_up();
    ck_assert_uint_eq(srv.setups, setups + 1);
    ck_assert(!vb.server_unsure);
    ck_assert_uint_eq(srv.setups_while_live, 0);
}
END_TEST

/* Before the root wipes the guest's RAM: the server lets go, the transport is as after reset. */
START_TEST(stop_before_reload)
{
    open_ok();
    bring_up();
    srv.shared.irq = HV_VDEV_IRQ_USED;
    vmm_vdev_complete(&vb);
    ck_assert(srv.level);
    ck_assert(vmm_vdev_stop(&vb));
    ck_assert(!srv.live);
    ck_assert(!srv.level);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
    bring_up();
    srv.reset_result = HV_EPERM;
    ck_assert(!vmm_vdev_stop(&vb));
}
END_TEST

/* Every offset and width of the window, read and written with awkward values in each state:
 * no server call the protocol does not allow, no set-up outside RAM, never two set-ups of a
 * running queue, and the window still works afterwards. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void)
{
    return fixture_random(&rng);
}

START_TEST(register_garbage)
{
    static const unsigned widths[] = {1, 2, 4, 8};
    static const uint64_t values[] = {0, 1, 2, 0x7f, 0xff, 0x100, 0xffffffff, 0x80000000,
                                      VBLK_FAKE_RAM_GPA, VBLK_FAKE_RAM_GPA + 0x1000, ~0ull};
    open_ok();
    for (unsigned pass = 0; pass < 3; pass++) {
        if (pass == 1)
            negotiate(~0ull);
        if (pass == 2)
            bring_up();
        for (uint32_t off = 0; off < VDEV_WINDOW; off++)
            for (unsigned w = 0; w < 4; w++) {
                if (off + widths[w] > VDEV_WINDOW)
                    continue;
                uint64_t v;
                ck_assert_int_eq(vmm_bus_read(&a64.vmm.bus, BASE + off, widths[w], &v),
                                 VMM_BUS_OK);
                if (off >= 0x100 && off < 0x100 + 60)
                    continue; /* config reads are checked above */
                if (off % 4 || widths[w] != 4 ||
                    (off >= 0x0c0 && off < 0x0fc) || (off > 0xfc && off < 0x100))
                    ck_assert_uint_eq(v, 0);
            }
    }
    for (unsigned i = 0; i < 60000; i++) {
        uint64_t r = next_random();
        uint32_t off = (uint32_t)(r % 0x100) & ~3u;
        if (r & (1ull << 40))
            off = (uint32_t)(r % VDEV_WINDOW);
        unsigned w = widths[(r >> 16) & 3];
        if (!(r & (1ull << 41)))
            w = 4;
        if (off + w > VDEV_WINDOW)
            continue;
        uint64_t v = (r & (1ull << 42)) ? values[(r >> 20) % 11] : next_random();
        if ((r >> 24) % 64 == 0) {
            srv.shared.irq = (uint32_t)(r >> 32);
            vmm_vdev_complete(&vb);
        } else if ((r >> 24) % 64 == 1) {
            srv.setup_result = (r >> 30) & 1 ? HV_EINVAL : HV_OK;
            srv.reset_result = (r >> 31) & 1 ? HV_ECANCELED : HV_OK;
        } else {
            vmm_vdev_write(&vb, off, w, v);
        }
        ck_assert_uint_eq(srv.bad_setups, 0);
        ck_assert_uint_eq(srv.setups_while_live, 0);
        ck_assert_uint_eq(srv.opens, 1);
        ck_assert(srv.level == (vb.mmio.interrupt_status != 0));
    }
    srv.setup_result = srv.reset_result = HV_OK;
    unsigned setups = srv.setups;
    bring_up();
    ck_assert_uint_eq(srv.setups, setups + 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vblk_reset");
    TCase *tc = tcase_create("vblk_reset");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reset_mid_request);
    tcase_add_test(tc, reset_not_confirmed);
    tcase_add_test(tc, stop_before_reload);
    tcase_add_test(tc, register_garbage);
    suite_add_tcase(s, tc);
    return check_run(s);
}
