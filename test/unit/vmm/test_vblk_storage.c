/* The disk end to end on the host: a guest driver (libhv's virtio-mmio and virtqueue driver
 * side) on each partition's VMM transport (servers/vmm/core/vblk.c), the block protocol carried
 * by direct calls into the storage server's logic (servers/storage/storage.c, as its main loop
 * would), and a RAM disk. Checks that the two sides speak the same protocol: data reaches the
 * partition's slice and comes back, the other slice is untouched, completions become the
 * guest's interrupt, and a reset mid-request leaves the guest's memory alone. */
#include "check_run.h"
#include "core/vblk.h"
#include "storage.h"

#include <hv/abi/error.h>
#include <hv/bytes.h>
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/vmmio_driver.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARTS 2
#define DISK_SECTORS 8192u
#define RAM_GPA 0x40000000ull
#define RAM_SIZE 0x100000u
#define RING_AREA 0x10000u
#define DATA_GPA (RAM_GPA + 0x20000)
#define QSIZE 64

/* ---- the storage server, as its main loop would drive storage.c ---- */

static struct storage srv;
static uint8_t *disk;
static bool defer;
static struct blk_io *deferred[STORAGE_IOS];
static unsigned ndeferred;
static struct hv_blk_shared shared[PARTS];
static unsigned signals[PARTS]; /* signals of each VMM's event notification */

static void disk_do(struct blk_io *io)
{
    uint8_t *at = disk + io->lba * 512;
    size_t n = (size_t)io->sectors * 512;
    if (io->op == BLK_OP_READ)
        blk_io_to_guest(io, 0, at, n);
    else if (io->op == BLK_OP_WRITE)
        blk_io_from_guest(io, 0, at, n);
    else if (io->op == BLK_OP_ZERO)
        memset(at, 0, n);
    storage_io_done(io, true);
}

static void disk_submit(void *ctx, struct blk_io *io)
{
    (void)ctx;
    if (defer)
        deferred[ndeferred++] = io;
    else
        disk_do(io);
}

static void server_irq(void *ctx, unsigned part, uint32_t bits)
{
    (void)ctx;
    __atomic_or_fetch(&shared[part].irq, bits, __ATOMIC_RELEASE);
    signals[part]++;
}

/* One client of the server: a partition's VMM, known by its badge. */
struct client {
    unsigned part;
    unsigned bells;
};
static struct client clients[PARTS];

/* The server's answer to a call, decoded the way the protocol header says. */
static int server_call(void *ctx, uint64_t label, const uint64_t *w, unsigned n, uint64_t *reply,
                       unsigned reply_max, unsigned *reply_len)
{
    struct client *c = ctx;
    *reply_len = 0;
    switch (label) {
    case HV_VDEV_OPEN: {
        struct hv_blk_open m;
        struct hv_blk_open_reply r;
        if (!hv_blk_open_decode(w, n, &m) || !storage_open(&srv, c->part, &m, &r))
            return HV_EINVAL;
        const uint64_t words[] = {r.version, r.capacity, r.features, r.seg_limits,
                                  r.queue_num_max};
        ck_assert_uint_ge(reply_max, HV_BLK_OPEN_REPLY_WORDS);
        memcpy(reply, words, sizeof(words));
        *reply_len = HV_BLK_OPEN_REPLY_WORDS;
        return HV_OK;
    }
    case HV_VDEV_QUEUE_SETUP: {
        struct hv_vdev_queue_setup m;
        if (!hv_vdev_queue_setup_decode(w, n, &m))
            return HV_EINVAL;
        return storage_queue_setup(&srv, c->part, &m) == STORAGE_SETUP_OK ? HV_OK : HV_EINVAL;
    }
    case HV_VDEV_RESET:
        storage_reset(&srv, c->part);
        return HV_OK;
    default:
        return HV_EINVAL;
    }
}

static void server_doorbell(void *ctx)
{
    struct client *c = ctx;
    c->bells++;
    storage_notify(&srv, c->part);
}

static const struct vdev_server_ops server_ops = {.call = server_call, .doorbell = server_doorbell};

/* ---- each partition: guest RAM, its VMM's transport, the guest's driver ---- */

struct partition {
    uint8_t *ram;
    struct virtio_mem_region region;
    struct virtio_mem mem;
    struct vmm vmm;
    struct vmm_vdev vb;
    bool line;
    unsigned rises;
    struct vmmio_drv drv;
    struct vqd vq;
    struct vqd_slot slots[QSIZE];
};
static struct partition parts[PARTS];
static unsigned log_lines;

static int v_inject(void *ctx, unsigned cpu, uint32_t irq, uint64_t flags)
{
    (void)ctx, (void)cpu, (void)irq, (void)flags;
    return HV_OK;
}
static void v_write(void *ctx, const uint8_t *b, size_t n)
{
    (void)ctx, (void)b, (void)n;
}
static void v_power(void *ctx, enum vmm_power w)
{
    (void)ctx, (void)w;
}
static void v_log(void *ctx, const char *line)
{
    (void)ctx;
    log_lines++;
    fprintf(stderr, "vmm: %s\n", line);
}
static const struct vmm_ops vmm_ops = {
    .inject = v_inject, .console_write = v_write, .power = v_power, .log = v_log};

static void set_line(void *ctrl, uint32_t line, bool level)
{
    struct partition *p = ctrl;
    (void)line;
    p->rises += level && !p->line;
    p->line = level;
}

/* The guest's register accesses go to its VMM's transport (as MMIO exits would). */
static uint32_t g_read(void *ctx, uint32_t off, unsigned size)
{
    return (uint32_t)vmm_vdev_read(&((struct partition *)ctx)->vb, off, size);
}
static void g_write(void *ctx, uint32_t off, unsigned size, uint32_t value)
{
    vmm_vdev_write(&((struct partition *)ctx)->vb, off, size, value);
}

static void setup(void)
{
    disk = calloc(DISK_SECTORS, 512);
    defer = false;
    ndeferred = 0;
    memset(shared, 0, sizeof(shared));
    memset(signals, 0, sizeof(signals));
    struct virtio_mem mems[PARTS];
    for (unsigned i = 0; i < PARTS; i++) {
        struct partition *p = &parts[i];
        memset(p, 0, sizeof(*p));
        p->ram = aligned_alloc(4096, RAM_SIZE);
        memset(p->ram, 0, RAM_SIZE);
        p->region = (struct virtio_mem_region){RAM_GPA, RAM_SIZE, p->ram};
        p->mem = (struct virtio_mem){&p->region, 1};
        mems[i] = p->mem;
        clients[i] = (struct client){.part = i};
    }
    const struct slice slices[PARTS] = {{"personal", 2048, 2048, true, 0},
                                        {"work", 4096, 2048, true, 1}};
    const struct storage_disk d = {.sectors = DISK_SECTORS, .submit = disk_submit};
    const struct storage_hooks h = {.irq = server_irq};
    ck_assert(storage_init(&srv, &d, &h, slices, mems, PARTS));
    for (unsigned i = 0; i < PARTS; i++) {
        struct partition *p = &parts[i];
        ck_assert(vmm_init(&p->vmm, &vmm_ops, NULL, i ? "work" : "personal", 1));
        const struct vdev_setup s = {.ops = &server_ops, .ctx = &clients[i],
                                     .irq_bits = &shared[i].irq, .mem = &p->mem,
                                     .irq = {.set = set_line, .ctrl = p, .line = 48}};
        ck_assert_int_eq(vmm_vblk_open(&p->vb, &p->vmm, &s), HV_OK);
    }
}

static void teardown(void)
{
    for (unsigned i = 0; i < PARTS; i++)
        free(parts[i].ram);
    free(disk);
}

/* What Linux's virtio_blk does at probe: the whole bring-up through the VMM's registers. */
static void guest_bring_up(unsigned i)
{
    struct partition *p = &parts[i];
    const struct virtio_regs regs = {g_read, g_write, p};
    ck_assert_int_eq(vmmio_drv_probe(&p->drv, &regs, VDEV_WINDOW, VIRTIO_ID_BLOCK), VIRTIO_DRV_OK);
    ck_assert_uint_eq(p->drv.version, 2);
    uint64_t want = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
                    VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX);
    ck_assert_int_eq(virtio_drv_negotiate(&p->drv.t, want, VIRTIO_BIT(VIRTIO_F_VERSION_1)),
                     VIRTIO_DRV_OK);
    const struct virtio_dma dma = {p->ram, RAM_GPA, RING_AREA};
    ck_assert_int_eq(virtio_drv_queue_setup(&p->drv.t, 0, QSIZE, &dma, p->slots, &p->vq),
                     VIRTIO_DRV_OK);
    ck_assert_int_eq(virtio_drv_ready(&p->drv.t), VIRTIO_DRV_OK);
    uint64_t capacity = 0;
    ck_assert_int_eq(virtio_drv_config_read(&p->drv.t, VIRTIO_BLK_CFG_CAPACITY, &capacity, 8),
                     VIRTIO_DRV_OK);
    ck_assert_uint_eq(capacity, 2048);
}

static void *at(unsigned i, uint64_t gpa)
{
    return parts[i].ram + (gpa - RAM_GPA);
}

/* Request `slot`: header, data of len bytes at DATA_GPA + slot * 0x10000 + 512, status byte. */
static void guest_request(unsigned i, unsigned slot, uint32_t type, uint64_t sector, uint32_t len)
{
    struct partition *p = &parts[i];
    uint64_t base = DATA_GPA + (uint64_t)slot * 0x10000;
    hv_put_le32(at(i, base), type);
    hv_put_le32(at(i, base + 4), 0);
    hv_put_le64(at(i, base + 8), sector);
    *(uint8_t *)at(i, base + 0xffff) = 0xee;
    const struct vqd_buf b[3] = {{base, 16}, {base + 512, len}, {base + 0xffff, 1}};
    unsigned out = type == VIRTIO_BLK_T_OUT ? 2 : 1;
    ck_assert_int_eq(vqd_add(&p->vq, b, out, 3 - out, (void *)(uintptr_t)(slot + 1)), VQD_OK);
    if (vqd_kick_needed(&p->vq))
        p->drv.t.ops->notify(&p->drv.t, 0);
}

static uint8_t guest_status(unsigned i, unsigned slot)
{
    return *(uint8_t *)at(i, DATA_GPA + (uint64_t)slot * 0x10000 + 0xffff);
}

static uint8_t *guest_data(unsigned i, unsigned slot)
{
    return at(i, DATA_GPA + (uint64_t)slot * 0x10000 + 512);
}

/* The server runs until it has nothing left; each VMM takes what the server signalled. */
static void run(void)
{
    for (unsigned n = 0; storage_run(&srv); n++)
        ck_assert_uint_lt(n, 100);
    for (unsigned i = 0; i < PARTS; i++)
        if (signals[i])
            vmm_vdev_complete(&parts[i].vb);
}

/* The guest's interrupt handler: acknowledge, then take one used buffer (its slot). */
static unsigned guest_take(unsigned i)
{
    struct partition *p = &parts[i];
    ck_assert(p->line);
    ck_assert_uint_eq(p->drv.t.ops->interrupt_ack(&p->drv.t) & VIRTIO_ISR_QUEUE, VIRTIO_ISR_QUEUE);
    ck_assert(!p->line);
    void *tok;
    uint32_t len;
    ck_assert_int_eq(vqd_get_used(&p->vq, &tok, &len), VQD_OK);
    return (unsigned)(uintptr_t)tok - 1;
}

START_TEST(write_then_read_back_through_both_sides)
{
    guest_bring_up(0);
    guest_bring_up(1);
    ck_assert_uint_eq(parts[0].vb.stats.setups, 1);

    for (unsigned k = 0; k < 4096; k++)
        guest_data(0, 0)[k] = (uint8_t)(k * 7 + 1);
    guest_request(0, 0, VIRTIO_BLK_T_OUT, 8, 4096);
    ck_assert_uint_eq(clients[0].bells, 1);
    run();
    ck_assert_uint_eq(guest_take(0), 0);
    ck_assert_uint_eq(guest_status(0, 0), VIRTIO_BLK_S_OK);
    /* On the disk at the slice's base (2048) + 8, and nowhere in work's slice. */
    ck_assert_mem_eq(disk + (2048 + 8) * 512, guest_data(0, 0), 4096);
    static const uint8_t zero[2048 * 512];
    ck_assert(memcmp(disk + 4096 * 512, zero, sizeof(zero)) == 0);

    guest_request(0, 1, VIRTIO_BLK_T_IN, 8, 4096);
    run();
    ck_assert_uint_eq(guest_take(0), 1);
    ck_assert_uint_eq(guest_status(0, 1), VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(guest_data(0, 1), guest_data(0, 0), 4096);

    /* work's sector 8 is its own (zeros); its sector 2048 is past its slice: IOERR. */
    memset(guest_data(1, 0), 0x55, 4096);
    guest_request(1, 0, VIRTIO_BLK_T_IN, 8, 4096);
    guest_request(1, 1, VIRTIO_BLK_T_IN, 2048, 512);
    run();
    ck_assert_uint_eq(guest_take(1), 0);
    ck_assert_uint_eq(guest_status(1, 0), VIRTIO_BLK_S_OK);
    ck_assert(memcmp(guest_data(1, 0), zero, 4096) == 0);
    void *tok;
    uint32_t len;
    ck_assert_int_eq(vqd_get_used(&parts[1].vq, &tok, &len), VQD_OK);
    ck_assert_uint_eq(guest_status(1, 1), VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(srv.parts[1].stats.out_of_range, 1);
    ck_assert_uint_eq(parts[0].vb.stats.used_irqs, 2);
}
END_TEST

/* The guest resets its device while a read is at the disk: the VMM's HV_VDEV_RESET reaches the
 * server first, so the late completion writes neither data nor status into the guest's memory
 * and raises no interrupt; the device then comes back and works. */
START_TEST(reset_while_the_disk_holds_a_request)
{
    guest_bring_up(0);
    memset(disk + 2048 * 512, 0xab, 4096);
    defer = true;
    memset(guest_data(0, 0), 0x11, 512);
    guest_request(0, 0, VIRTIO_BLK_T_IN, 0, 512);
    run();
    ck_assert_uint_eq(ndeferred, 1);
    ck_assert(!parts[0].line);
    uint64_t resets = parts[0].vb.stats.resets;
    parts[0].drv.t.ops->set_status(&parts[0].drv.t, 0); /* the guest's Status = 0 */
    ck_assert_uint_eq(parts[0].vb.stats.resets, resets + 1);
    for (unsigned k = 0; k < ndeferred; k++)
        disk_do(deferred[k]);
    ndeferred = 0;
    defer = false;
    run();
    ck_assert_uint_eq(guest_status(0, 0), 0xee);
    ck_assert_uint_eq(guest_data(0, 0)[0], 0x11);
    ck_assert(!parts[0].line);

    guest_bring_up(0);
    guest_request(0, 0, VIRTIO_BLK_T_IN, 0, 512);
    run();
    ck_assert_uint_eq(guest_take(0), 0);
    ck_assert_uint_eq(guest_status(0, 0), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(guest_data(0, 0)[0], 0xab);
}
END_TEST

/* A ring the server's own checks refuse (here: larger than it takes) comes back to the guest as
 * DEVICE_NEEDS_RESET through the VMM. */
START_TEST(server_refusal_reaches_the_guest)
{
    struct partition *p = &parts[0];
    const struct virtio_regs regs = {g_read, g_write, p};
    ck_assert_int_eq(vmmio_drv_probe(&p->drv, &regs, VDEV_WINDOW, VIRTIO_ID_BLOCK), VIRTIO_DRV_OK);
    ck_assert_int_eq(virtio_drv_negotiate(&p->drv.t, VIRTIO_BIT(VIRTIO_F_VERSION_1),
                                          VIRTIO_BIT(VIRTIO_F_VERSION_1)),
                     VIRTIO_DRV_OK);
    /* Queue 0 made ready twice on the server's side: a protocol error the server refuses. */
    struct hv_vdev_queue_setup m = {.queue = 0 | (uint64_t)QSIZE << 16, .desc = RAM_GPA,
                                   .driver = RAM_GPA + 0x1000, .device = RAM_GPA + 0x2000,
                                   .features = VIRTIO_BIT(VIRTIO_F_VERSION_1)};
    ck_assert_int_eq(storage_queue_setup(&srv, 0, &m), STORAGE_SETUP_OK);
    const struct virtio_dma dma = {p->ram, RAM_GPA, RING_AREA};
    virtio_drv_queue_setup(&p->drv.t, 0, QSIZE, &dma, p->slots, &p->vq);
    ck_assert(virtio_drv_needs_reset(&p->drv.t));
    ck_assert_uint_eq(p->vb.stats.setup_refused, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vblk_storage");
    TCase *tc = tcase_create("end to end");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, write_then_read_back_through_both_sides);
    tcase_add_test(tc, reset_while_the_disk_holds_a_request);
    tcase_add_test(tc, server_refusal_reaches_the_guest);
    suite_add_tcase(s, tc);
    return check_run(s);
}
