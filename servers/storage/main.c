/* The storage server: owns the physical virtio-blk disk through the caps the root task gave it
 * (register pages, interrupt, DMA memory), brings the device up with libhv's driver side, reads
 * and checks the disk's GPT, resolves the slice each partition is to get, and then serves each
 * partition's VMM the block protocol (hv/proto/block.h) with storage.c over its mapping of that
 * partition's RAM. A disk whose GPT fails a check is refused whole, in one line, and no
 * partition is served from it (every HV_VDEV_OPEN is answered HV_ENOENT). */
#include "gpt.h"
#include "slices.h"
#include "storage_calls.h"
#include "vblk_disk.h"

#include <hv/abi/error.h>
#include <hv/device_server.h>
#include <hv/log_limit.h>
#include <hv/print.h>
#include <hv/proto/block.h>
#include <hv/proto/storage.h>
#include <hv/string.h>
#include <hv/sys.h>
#include <hv/virtio/virtio_spec.h>

static const struct hv_storage_config *config = (const void *)HV_DEVICE_CONFIG_VA;

/* ---- the device ---- */

static struct device_server device;
static struct vblk_disk vblk;
static struct storage_disk disk;

/* ---- the GPT, read through the device ---- */

/* Until the device answers: its interrupt; the device's own acknowledgement (which lowers a
 * level-triggered line), then the kernel's, which unmasks the line again. Every read waits for
 * one (vblk_disk_read asks the device for it), so reads and interrupts come in pairs. */
static unsigned reads, interrupts;

static void wait_interrupt(void *ctx)
{
    uint64_t bits;
    device_server_wait_irq(ctx, &bits);
    interrupts++;
}

static bool disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    (void)ctx;
    uint8_t *out = buf;
    while (count) {
        uint32_t n = count < BLK_MAX_BYTES / GPT_SECTOR ? count : BLK_MAX_BYTES / GPT_SECTOR;
        if (!vblk_disk_read(&vblk, lba, n, out, wait_interrupt, vblk.t))
            return false;
        reads++;
        lba += n;
        count -= n;
        out += (uint64_t)n * GPT_SECTOR;
    }
    return true;
}

static struct gpt_scratch scratch;
static struct gpt_table table;
static struct slice_spec specs[SLICES_MAX];
static struct slice slices[SLICES_MAX];

static uint32_t copy_specs(void)
{
    uint32_t n = config->nslices < SLICES_MAX ? config->nslices : SLICES_MAX;
    for (uint32_t i = 0; i < n; i++) {
        const struct hv_storage_slice_spec *c = &config->slices[i];
        struct slice_spec *s = &specs[i];
        memset(s, 0, sizeof(*s));
        memcpy(s->partition, c->partition, sizeof(s->partition) - 1);
        memcpy(s->gpt_name, c->gpt_name, sizeof(s->gpt_name) - 1);
        memcpy(s->gpt_guid, c->gpt_guid, sizeof(s->gpt_guid));
        s->by = c->by == HV_STORAGE_BY_GUID ? SLICE_BY_GUID : SLICE_BY_NAME;
        s->writable = c->writable != 0;
    }
    return n;
}

static void report_slices(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        const struct slice *s = &slices[i];
        const struct gpt_part *g = NULL;
        for (uint32_t k = 0; k < table.count; k++)
            if (table.parts[k].index == s->gpt_index)
                g = &table.parts[k];
        hv_printf("storage: slice %s: GPT partition %u \"%s\", sectors %lu..%lu (%lu MiB), %s\n",
                  s->partition, s->gpt_index + 1, g ? g->name : "?", s->first_lba,
                  s->first_lba + s->sectors - 1, s->sectors >> 11,
                  s->writable ? "read-write" : "read-only");
    }
}

/* The slices resolved: how many (0: the disk serves nobody). */
static uint32_t resolve_disk(void)
{
    struct gpt_disk gd = {disk_read, NULL, disk.sectors};
    struct gpt_result g = gpt_read(&gd, &scratch, &table);
    if (g.check != GPT_OK) {
        char why[160];
        gpt_describe(&g, why, sizeof(why));
        hv_printf("storage: %s\n", why);
        hv_printf("storage: the disk's GPT is refused: no partition is served from it\n");
        return 0;
    }
    uint32_t n = copy_specs();
    struct slice_result s = slices_resolve(&table, specs, n, slices);
    if (s.error != SLICE_OK) {
        hv_printf("storage: slice of %s: %s: no partition is served from the disk\n",
                  s.spec < n ? specs[s.spec].partition : "?", slice_error_name(s.error));
        return 0;
    }
    hv_printf("storage: GPT checked: %u partition(s) on %lu sectors (%u reads, %u interrupts)\n",
              table.count, disk.sectors, reads, interrupts);
    report_slices(n);
    return n;
}

/* ---- serving the partitions ---- */

static struct storage srv;
static uint32_t nclients; /* clients served: 0 when the disk or a slice was refused */
static struct virtio_mem_region ram_regions[SLICES_MAX];
static struct virtio_mem rams[SLICES_MAX];
/* For the request path's figures (docs/storage.md): wake-ups of the event thread with a
 * client's doorbell bit, the disk's interrupts, and resets logged (1st, 2nd, 4th, ...); all
 * wake-ups and each client's completion signals (published in the shared pages). */
static uint64_t doorbells[SLICES_MAX], disk_irqs, resets_logged[SLICES_MAX];
static uint64_t wakeups, signals[SLICES_MAX];

static struct hv_blk_shared *shared_page(unsigned c)
{
    return (struct hv_blk_shared *)(uintptr_t)HV_DEVICE_SHARED_VA(c);
}

/* Completion: the bits for the VMM in the shared page, then its event notification. */
static void raise_irq(void *ctx, unsigned c, uint32_t bits)
{
    (void)ctx;
    __atomic_or_fetch(&shared_page(c)->irq, bits, __ATOMIC_RELEASE);
    hv_signal(HV_DEVICE_SLOT_VMM_EVENTS + c);
    signals[c]++;
}

/* A guest's malformed queue: said at the 1st, 2nd, 4th, ... of each kind. */
static void log_fault(void *ctx, enum virtio_fault kind, uint64_t count, const char *what)
{
    (void)ctx;
    if (count && (count & (count - 1)) == 0)
        hv_printf("storage: a guest's queue: %s (%lu): %s\n", virtio_fault_name(kind), count,
                  what ? what : "");
}

/* Each client's RAM as the root task mapped it; false if a spec's RAM can't be one. */
static bool client_memory(uint32_t n)
{
    for (uint32_t c = 0; c < n; c++) {
        const struct hv_storage_slice_spec *sp = &config->slices[c];
        if (!sp->ram_size || sp->ram_size > HV_DEVICE_RAM_MAX) {
            hv_printf("storage: slice %s: RAM of %lu bytes refused\n", sp->partition,
                      sp->ram_size);
            return false;
        }
        ram_regions[c] = (struct virtio_mem_region){
            sp->ram_gpa, sp->ram_size, (void *)(uintptr_t)HV_DEVICE_RAM_VA(c)};
        rams[c] = (struct virtio_mem){&ram_regions[c], 1};
    }
    return true;
}

static void serve_init(uint32_t n)
{
    const struct storage_hooks hooks = {.irq = raise_irq, .log = log_fault};
    if (n && client_memory(n) && storage_init(&srv, &disk, &hooks, slices, rams, n))
        nclients = n;
    else if (n)
        hv_printf("storage: the slices could not be served\n");
    for (uint32_t c = 0; c < nclients; c++)
        shared_page(c)->version = HV_BLK_VERSION;
}

/* The counters the VMM may log, after each round of work. */
static void publish_stats(void)
{
    for (uint32_t c = 0; c < nclients; c++) {
        const struct blk_stats *st = &srv.parts[c].stats;
        struct hv_blk_shared *sh = shared_page(c);
        sh->requests = st->requests;
        sh->out_of_range = st->out_of_range;
        sh->read_only = st->read_only;
        sh->malformed = st->malformed;
        sh->doorbell_wakeups = doorbells[c];
        sh->completion_signals = signals[c];
        sh->wakeups = wakeups;
        sh->disk_irqs = disk_irqs;
    }
}

/* Passes until no partition has work it may start now; each pass is bounded, and a pass
 * that starts nothing ends the loop (the ring is finite), so this ends. */
static void run_passes(void)
{
    for (unsigned i = 0; i < 1024 && storage_run(&srv); i++)
        ;
    publish_stats();
}

/* The notification's bits: the disk's interrupt and the VMMs' doorbells. */
static void events(uint64_t bits)
{
    wakeups++;
    if (!nclients)
        return;
    if (bits & HV_DEVICE_BIT_IRQ) {
        disk_irqs++;
        vblk_disk_interrupt(&vblk);
        hv_sys(HV_SYS_IRQ_ACK, HV_DEVICE_SLOT_IRQ, 0, 0, 0, 0, 0);
    }
    for (uint32_t c = 0; c < nclients; c++)
        if (bits & HV_VDEV_DOORBELL(c)) {
            doorbells[c]++;
            storage_notify(&srv, c);
        }
    run_passes();
}

/* A VMM's call; the badge (client + 1) alone says which partition it speaks for. */
static void answer_vmm(uint64_t badge, struct hv_msg *m)
{
    uint64_t label = hv_msginfo_label(m->info);
    unsigned c = (unsigned)badge - 1;
    /* A reset that ends a run of requests (a driver's start resets before any) says what the
     * run took: requests against the wake-ups they cost. */
    if (label == HV_VDEV_RESET && c < nclients && srv.parts[c].stats.requests &&
        hv_count_and_check(&resets_logged[c]))
        hv_printf("storage: %s: reset; so far %lu requests, %lu doorbell wake-ups; "
                  "disk interrupts %lu (all partitions)\n",
                  slices[c].partition, srv.parts[c].stats.requests, doorbells[c], disk_irqs);
    struct storage_answer a;
    storage_call(&srv, nclients, badge, label, m->w, hv_msginfo_len(m->info), &a);
    if (label == HV_VDEV_RESET && a.label == HV_OK) {
        __atomic_store_n(&shared_page(c)->irq, 0, __ATOMIC_RELEASE);
        run_passes();
    }
    memcpy(m->w, a.w, a.nwords * sizeof(uint64_t));
    m->info = hv_msginfo(a.label, a.nwords);
}

static _Noreturn void serve_forever(void)
{
    device_server_serve("storage", config->prio, &nclients, events, answer_vmm);
}

void hv_main(uint64_t arg)
{
    (void)arg;
    hv_print_to_console(HV_DEVICE_SLOT_LOG);
    if (config->version != HV_STORAGE_CONFIG_VERSION) {
        hv_printf("storage: configuration version %u, not %u\n", config->version,
                  HV_STORAGE_CONFIG_VERSION);
        serve_forever(); /* the root task waits for it: it answers, serving nobody */
    }
    struct virtio_dma dma;
    enum virtio_drv_error e;
    struct virtio_transport *t =
        device_server_probe(&device, "storage", &config->dev, VIRTIO_ID_BLOCK, &e);
    if (e == VIRTIO_DRV_OK && !device_server_dma(&device, &dma))
        serve_forever();
    if (e == VIRTIO_DRV_OK)
        e = vblk_disk_init(&vblk, t, &dma, &disk);
    if (e != VIRTIO_DRV_OK) {
        hv_printf("storage: disk at %s refused: %s\n", config->dev.location, virtio_drv_error_name(e));
        serve_forever(); /* every OPEN answered HV_ENOENT */
    }
    hv_printf("storage: disk at %s (irq %u): %lu sectors, DMA at 0x%lx\n", config->dev.location,
              config->dev.irq, disk.sectors, dma.pa);
    /* The line is bound and unmasked; an interrupt from before the reset is acked away. */
    hv_sys(HV_SYS_IRQ_ACK, HV_DEVICE_SLOT_IRQ, 0, 0, 0, 0, 0);
    serve_init(resolve_disk());
    serve_forever();
}
