/* The register page (mmio_bus.h, docs/vmm.md "The register page"): the guest's loads of its
 * virtio-mmio slots read a page the VMM keeps, not the VMM itself. Whatever the guest and the
 * servers do, every word of that page must be what a trapped aligned 32-bit load of it returns:
 * a disk (slot 0), an empty transport (slot 1) and a keyboard, whose configuration space
 * changes with its select and subsel writes (slot 2), under a bring-up and then random writes
 * of every register and completions of every kind. */
#include "check_run.h"
#include "core/vblk.h"
#include "core/vinput.h"
#include "core/virtio_empty_slot.h"
#include "vblk_fake.h"
#include "vmm_fixture.h"

#include <hv/abi/error.h>
#include <hv/proto/input.h>
#include <hv/virtio/virtio_spec.h>

#define PAGE_BASE 0x0a000000ull
#define DISK PAGE_BASE
#define EMPTY (PAGE_BASE + 0x200)
#define KBD (PAGE_BASE + 0x400)
#define USED_END 0x600u /* the three slots; the rest of the page has no device */

static uint32_t page[VMM_BUS_PAGE / 4];
static struct vblk_fake disk_srv, kbd_srv;
static struct vmm_vdev disk, kbd;

static void setup(void)
{
    fixture_setup();
    vblk_fake_init(&disk_srv);
    vblk_fake_init(&kbd_srv);
    kbd_srv.open_len = HV_INPUT_OPEN_REPLY_WORDS;
    kbd_srv.open_reply[0] = HV_INPUT_VERSION;
    kbd_srv.open_reply[1] = 0;
    kbd_srv.open_reply[2] = 256;
    ck_assert_int_eq(vmm_bus_page_init(&a64.vmm.bus, PAGE_BASE, page, 0), HV_OK);
    struct vdev_setup s = vblk_fake_setup(&disk_srv);
    ck_assert_int_eq(vmm_vblk_open(&disk, &a64.vmm, &s), HV_OK);
    ck_assert_int_eq(vmm_vdev_attach(&disk, DISK), HV_OK);
    ck_assert_int_eq(vmm_virtio_empty_slot_attach(&a64.vmm, EMPTY), HV_OK);
    s = vblk_fake_setup(&kbd_srv);
    ck_assert_int_eq(vmm_vinput_open(&kbd, &a64.vmm, &s), HV_OK);
    ck_assert_int_eq(vmm_vdev_attach(&kbd, KBD), HV_OK);
}

static void teardown(void)
{
    vblk_fake_free(&disk_srv);
    vblk_fake_free(&kbd_srv);
}

/* Every word of the devices' slots against a trapped load of the same address (the rest of
 * the page, which no device claims, is checked once: page_from_the_start). */
static void slots_match(const char *after, uint32_t end)
{
    for (uint32_t off = 0; off < end; off += 4) {
        uint64_t v = 0;
        if (off < USED_END)
            ck_assert_int_eq(vmm_bus_read(&a64.vmm.bus, PAGE_BASE + off, 4, &v), VMM_BUS_OK);
        ck_assert_msg(page[off / 4] == (uint32_t)v,
                      "after %s: word 0x%x is 0x%x in the page, 0x%x by a trapped load", after,
                      off, page[off / 4], (uint32_t)v);
    }
}

static void page_matches(const char *after)
{
    slots_match(after, USED_END);
}

static void wr(uint64_t base, uint32_t off, uint32_t v)
{
    ck_assert_int_eq(vmm_bus_write(&a64.vmm.bus, base + off, 4, v), VMM_BUS_OK);
}

/* Linux's bring-up of a device with one queue of 64 in the fake's RAM. */
static void bring_up(uint64_t base)
{
    static const uint32_t steps[] = {0, VIRTIO_STATUS_ACKNOWLEDGE,
                                     VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER};
    for (unsigned i = 0; i < 3; i++)
        wr(base, VIRTIO_MMIO_STATUS, steps[i]);
    wr(base, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(base, VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
    wr(base, VIRTIO_MMIO_STATUS, steps[2] | VIRTIO_STATUS_FEATURES_OK);
    wr(base, VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(base, VIRTIO_MMIO_QUEUE_NUM, 64);
    wr(base, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(VBLK_FAKE_RAM_GPA + 0x1000));
    wr(base, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(VBLK_FAKE_RAM_GPA + 0x2000));
    wr(base, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(VBLK_FAKE_RAM_GPA + 0x3000));
    wr(base, VIRTIO_MMIO_QUEUE_READY, 1);
    wr(base, VIRTIO_MMIO_STATUS, steps[2] | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

START_TEST(page_from_the_start)
{
    slots_match("the devices were attached", VMM_BUS_PAGE);
    ck_assert_uint_eq(page[VIRTIO_MMIO_MAGIC_VALUE / 4], VIRTIO_MMIO_MAGIC);
    ck_assert_uint_eq(page[VIRTIO_MMIO_DEVICE_ID / 4], 2);
    ck_assert_uint_eq(page[(0x200 + VIRTIO_MMIO_DEVICE_ID) / 4], 0);
    ck_assert_uint_eq(page[(0x400 + VIRTIO_MMIO_DEVICE_ID) / 4], 18);
    bring_up(DISK);
    page_matches("the disk's bring-up");
    ck_assert_uint_eq(page[VIRTIO_MMIO_QUEUE_READY / 4], 1);
    bring_up(KBD);
    page_matches("the keyboard's bring-up");
}
END_TEST

/* The request path's three accesses: the kick changes nothing, the completion shows in
 * InterruptStatus before the interrupt is raised, the ACK clears it. */
START_TEST(interrupt_status_without_an_exit)
{
    bring_up(DISK);
    wr(DISK, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(disk_srv.doorbells, 1);
    ck_assert_uint_eq(page[VIRTIO_MMIO_INTERRUPT_STATUS / 4], 0);
    disk_srv.shared.irq = HV_VDEV_IRQ_USED;
    vmm_vdev_complete(&disk);
    ck_assert_uint_eq(page[VIRTIO_MMIO_INTERRUPT_STATUS / 4], VIRTIO_MMIO_INT_VRING);
    ck_assert(disk_srv.level);
    wr(DISK, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
    ck_assert_uint_eq(page[VIRTIO_MMIO_INTERRUPT_STATUS / 4], 0);
    ck_assert(!disk_srv.level);
    disk_srv.shared.irq = HV_VDEV_IRQ_NEEDS_RESET;
    vmm_vdev_complete(&disk);
    page_matches("a ring the server found corrupt");
    ck_assert(page[VIRTIO_MMIO_STATUS / 4] & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    ck_assert(vmm_vdev_stop(&disk));
    page_matches("the stop before a reload");
    ck_assert_uint_eq(page[VIRTIO_MMIO_STATUS / 4], 0);
}
END_TEST

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t next_random(void)
{
    return fixture_random(&rng);
}

START_TEST(page_follows_random_writes)
{
    static const uint32_t values[] = {0, 1, 2, 3, 0xff, 64, 0xffffffff, 0x0f, 0x8000};
    static const uint64_t bases[] = {DISK, EMPTY, KBD};
    bring_up(DISK);
    bring_up(KBD);
    for (unsigned i = 0; i < 12000; i++) {
        uint64_t r = next_random();
        uint64_t base = bases[(r >> 8) % 3];
        uint32_t off = (uint32_t)(r % 0x110) & ~3u; /* the registers and config's start */
        uint32_t v = (r & (1ull << 40)) ? values[(r >> 20) % 9] : (uint32_t)next_random();
        unsigned kind = (r >> 24) % 32;
        if (kind == 0) {
            disk_srv.shared.irq = (uint32_t)(r >> 32) & 3;
            vmm_vdev_complete(&disk);
        } else if (kind == 1) {
            kbd_srv.shared.irq = (uint32_t)(r >> 32) & 3;
            vmm_vdev_complete(&kbd);
        } else if (kind == 2) {
            bring_up(base == KBD ? KBD : DISK);
        } else {
            /* Widths other than 4 too: the config space takes bytes (select, subsel). */
            unsigned size = (r >> 44) & 1 ? 1 : 4;
            ck_assert_int_eq(vmm_bus_write(&a64.vmm.bus, base + off, size, v), VMM_BUS_OK);
        }
        if (i % 16 == 0 || kind < 3)
            page_matches("a random step");
    }
    page_matches("the last step");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vdev_page");
    TCase *tc = tcase_create("vdev_page");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, page_from_the_start);
    tcase_add_test(tc, interrupt_status_without_an_exit);
    tcase_add_test(tc, page_follows_random_writes);
    suite_add_tcase(s, tc);
    return check_run(s);
}
