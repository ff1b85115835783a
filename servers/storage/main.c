/* The storage server: owns the physical virtio-blk disk through the caps the root task gave it
 * (register pages, interrupt, DMA memory), brings the device up with libhv's driver side, reads
 * and checks the disk's GPT, resolves the slice each partition is to get, and then serves each
 * partition's VMM the block protocol (hv/proto/block.h) with storage.c over its mapping of that
 * partition's RAM. A disk whose GPT fails a check is refused whole, in one line, and no
 * partition is served from it (every HV_VDEV_OPEN is answered HV_ENOENT). */
#include "gpt.h"
#include "io_ring.h"
#include "slices.h"
#include "storage_calls.h"
#include "vblk_disk.h"

#include <hv/abi/error.h>
#include <hv/cycles.h>
#include <hv/device_handoff.h>
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

/*
 * Three kinds of thread (docs/storage.md, "Whose CPU time"), none of which waits for another
 * while it holds anything the others need:
 *  - one per client, on its partition's scheduling context at its VMM's priority (started by
 *    the root task): takes the partition's requests from its ring, copies a write's data into
 *    its bounce buffer, hands them to the disk thread; copies a read's data back, writes the
 *    status and the used ring, signals the VMM; and answers its VMM's calls. It alone touches
 *    that partition's export and its share of the request pool, so a partition whose budget
 *    is spent stops its own I/O only;
 *  - the disk thread, on the server's own small budget at the server's priority: puts prepared
 *    requests on the physical queue, takes the disk's interrupt and used ring, and hands each
 *    request back to its client's thread: descriptors only, never a copy;
 *  - the main thread: receives the VMMs' calls (lent the caller's budget) and hands each to
 *    the caller's client thread, waiting for its answer.
 * Requests move between them through io_ring (one producer, one consumer each way).
 */
static struct storage srv;
static uint32_t nclients; /* clients served: 0 when the disk or a slice was refused */
static struct virtio_mem_region ram_regions[SLICES_MAX];
static struct virtio_mem rams[SLICES_MAX];
static struct io_ring to_disk[SLICES_MAX], from_disk[SLICES_MAX];

/* A call the main thread hands to client c's thread. */
static struct device_handoff calls[SLICES_MAX];

/* For the request path's figures (docs/storage.md), each counter written by one thread: the
 * disk thread's wake-ups by the disk's interrupt and by client threads' kicks, and its
 * signals to client threads; each client thread's doorbell wake-ups, completion signals and
 * resets logged (1st, 2nd, 4th, ...). The disk thread runs above every client thread, so a
 * kick wakes it at once: its kick wake-ups are the kicks. */
static uint64_t disk_irqs, disk_kicks, disk_signals;
static uint64_t doorbells[SLICES_MAX], signals[SLICES_MAX], resets_logged[SLICES_MAX];
/* The hops of client c's requests (struct hv_blk_shared's timed..out_cycles), and when its
 * thread last woke. */
static uint64_t woke_at[SLICES_MAX], timed[SLICES_MAX], in_cycles[SLICES_MAX],
    device_cycles[SLICES_MAX], out_cycles[SLICES_MAX], kicks_timed[SLICES_MAX],
    kick_cycles[SLICES_MAX];

static struct hv_blk_shared *shared_page(unsigned c)
{
    return (struct hv_blk_shared *)(uintptr_t)HV_DEVICE_SHARED_VA(c);
}

/* Completion (client c's thread): the bits for the VMM in the shared page, then its event
 * notification. */
static void raise_irq(void *ctx, unsigned c, uint32_t bits)
{
    (void)ctx;
    __atomic_store_n(&shared_page(c)->signal_at, hv_cycles(), __ATOMIC_RELAXED);
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

/* The disk as storage.c sees it on target, called in a client's thread: the request is
 * prepared there (its data copied on that partition's budget) and queued for the disk
 * thread, which the pass's kick wakes. */
static void client_submit(void *ctx, struct blk_io *io)
{
    (void)ctx;
    bool ok;
    io->t_wake = woke_at[io->part];
    io->t_posted = io->t_used = 0;
    if (!vblk_disk_prepare(&vblk, io, &ok))
        storage_io_done(io, ok);
    else if (!io_ring_push(&to_disk[io->part], (struct io_ring_entry){io->index, false}))
        storage_io_done(io, false); /* cannot happen: the ring holds the partition's share */
}

static void client_kick(void *ctx)
{
    (void)ctx;
    hv_signal(HV_STORAGE_SLOT_DISK_BELL);
}

/* Each client's RAM as the root task mapped it; false if a spec's RAM can't be one. */
static bool ram_for_device[SLICES_MAX]; /* the device may move client c's data itself */

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
        /* The device reads and writes this RAM itself (the root task's table of its bus
         * addresses); without the table the data goes through the bounce buffers. */
        const struct vblk_ram ram = {HV_DEVICE_RAM_VA(c), sp->ram_size,
                                     (const uint64_t *)(uintptr_t)HV_DEVICE_RAM_BUS_VA(c)};
        ram_for_device[c] = vblk_disk_set_ram(&vblk, c, &ram);
        if (!ram_for_device[c])
            hv_printf("storage: slice %s: its RAM's bus addresses are unusable: its data "
                      "goes through bounce buffers\n",
                      sp->partition);
    }
    return true;
}

/* The disk thread's: a request the disk answered (or refused), back to its client's thread. */
static uint32_t clients_to_wake;

static void disk_done(void *ctx, struct blk_io *io, bool ok)
{
    (void)ctx;
    io->t_used = hv_cycles();
    if (io_ring_push(&from_disk[io->part], (struct io_ring_entry){io->index, ok}))
        clients_to_wake |= 1u << io->part;
    /* else cannot happen: a partition's requests fit its ring, so the request stays busy */
}

static void serve_init(uint32_t n)
{
    const struct storage_hooks hooks = {.irq = raise_irq, .log = log_fault};
    struct storage_disk threaded = disk;
    threaded.submit = client_submit;
    threaded.kick = client_kick;
    if (n && client_memory(n) && storage_init(&srv, &threaded, &hooks, slices, rams, n))
        nclients = n;
    else if (n)
        hv_printf("storage: the slices could not be served\n");
    /* Requests the device takes straight from the guest's buffers need no bounce buffer to
     * fit: about 1 MiB each rather than 256 KiB, four times fewer hops per MiB. */
    uint32_t direct = vblk_disk_direct_seg_max(&vblk);
    for (uint32_t c = 0; c < nclients; c++)
        if (direct > BLK_SEG_MAX && ram_for_device[c])
            storage_set_seg_max(&srv, c, direct);
    if (nclients)
        hv_printf("storage: requests of up to %u segments, %s\n",
                  srv.parts[0].seg_max,
                  direct ? "moved by the disk to and from the guests' buffers"
                         : "through bounce buffers (the disk takes no indirect descriptors)");
    vblk_disk_set_done(&vblk, disk_done, NULL);
    for (uint32_t c = 0; c < nclients; c++)
        shared_page(c)->version = HV_BLK_VERSION;
}

/* The counters client c's VMM may log, after each round of its thread's work. */
static void publish_stats(unsigned c)
{
    const struct blk_stats *st = &srv.parts[c].stats;
    struct hv_blk_shared *sh = shared_page(c);
    sh->requests = st->requests;
    sh->out_of_range = st->out_of_range;
    sh->read_only = st->read_only;
    sh->malformed = st->malformed;
    sh->doorbell_wakeups = doorbells[c];
    sh->completion_signals = signals[c];
    sh->wakeups = __atomic_load_n(&disk_kicks, __ATOMIC_RELAXED) +
                  __atomic_load_n(&disk_signals, __ATOMIC_RELAXED);
    sh->disk_irqs = __atomic_load_n(&disk_irqs, __ATOMIC_RELAXED);
    sh->timed = timed[c];
    sh->in_cycles = in_cycles[c];
    sh->device_cycles = device_cycles[c];
    sh->out_cycles = out_cycles[c];
    sh->kicks_timed = kicks_timed[c];
    sh->kick_cycles = kick_cycles[c];
}

/* Client c's thread: a request back from the disk thread, finished in the guest's ring, its
 * hops counted when all three were timed. */
static void finish_from_disk(unsigned c, struct io_ring_entry e)
{
    struct blk_io *io = &srv.ios[e.io];
    uint64_t now = hv_cycles();
    if (io->t_wake && io->t_posted >= io->t_wake && io->t_used >= io->t_posted &&
        now >= io->t_used) {
        timed[c]++;
        in_cycles[c] += io->t_posted - io->t_wake;
        device_cycles[c] += io->t_used - io->t_posted;
        out_cycles[c] += now - io->t_used;
    }
    vblk_disk_finish(&vblk, io, e.ok);
}

/* ---- the disk thread ---- */

static uint8_t disk_stack[4096] __attribute__((aligned(16)));

static void disk_loop(void)
{
    uint32_t next = 0;
    for (;;) {
        uint64_t bits;
        if (hv_wait(HV_DEVICE_SLOT_IRQ_NTFN, &bits) != 0) {
            hv_thread_suspend(HV_DEVICE_SLOT_EVENT_THREAD);
            continue;
        }
        if (bits & HV_STORAGE_BIT_SUBMIT)
            __atomic_store_n(&disk_kicks, disk_kicks + 1, __ATOMIC_RELAXED);
        if (!nclients)
            continue; /* a refused disk: its interrupt stays masked */
        if (bits & HV_DEVICE_BIT_IRQ) {
            __atomic_store_n(&disk_irqs, disk_irqs + 1, __ATOMIC_RELAXED);
            vblk_disk_interrupt(&vblk);
            hv_sys(HV_SYS_IRQ_ACK, HV_DEVICE_SLOT_IRQ, 0, 0, 0, 0, 0);
        }
        /* Whatever the bits: every ring is short, and the interrupt freed descriptors. Each
         * partition's share of the pool bounds what it can have queued here. */
        bool posted = false;
        for (uint32_t k = 0; k < nclients; k++) {
            unsigned c = (next + k) % nclients;
            struct io_ring_entry e;
            while (io_ring_pop(&to_disk[c], &e)) {
                srv.ios[e.io].t_posted = hv_cycles();
                vblk_disk_post(&vblk, &srv.ios[e.io]);
                posted = true;
            }
        }
        next = nclients ? (next + 1) % nclients : 0;
        if (posted)
            vblk_disk_kick(&vblk);
        for (uint32_t c = 0; c < nclients; c++)
            if (clients_to_wake & (1u << c)) {
                hv_signal(HV_STORAGE_SLOT_WORKER_WAKE + c);
                __atomic_store_n(&disk_signals, disk_signals + 1, __ATOMIC_RELAXED);
            }
        clients_to_wake = 0;
    }
}

/* ---- a client's thread ---- */

/* Notification bits client c's thread took while it waited for the disk in a reset, and the
 * resets that had to wait (logged 1st, 2nd, 4th, ...). */
static uint64_t held_bits[SLICES_MAX], waited_resets[SLICES_MAX];

/* The device may still be moving data to or from the guest's memory for c's requests at the
 * disk: a reset is answered only once they are back, so that nothing lands in the guest's
 * memory after its VMM (or the root task, wiping it for a new boot) was told the device let
 * go. The disk answers every request, or fails them all once it breaks its rules. */
static void wait_for_disk(unsigned c)
{
    uint32_t at_disk = srv.parts[c].inflight;
    while (srv.parts[c].inflight) {
        uint64_t bits;
        if (hv_wait(HV_STORAGE_SLOT_WORKER_NTFN + c, &bits) != 0)
            return;
        held_bits[c] |= bits;
        struct io_ring_entry e;
        while (io_ring_pop(&from_disk[c], &e))
            finish_from_disk(c, e);
    }
    if (at_disk && hv_count_and_check(&waited_resets[c]))
        hv_printf("storage: %s: reset answered once its %u request(s) at the disk were back "
                  "(resets that waited: %lu)\n",
                  slices[c].partition, at_disk, waited_resets[c]);
}

/* Client c's VMM's call, handed over by the main thread. */
static void answer_call(unsigned c)
{
    struct device_handoff *h = &calls[c];
    /* A reset that ends a run of requests (a driver's start resets before any) says what the
     * run took: requests against the wake-ups they cost. */
    if (h->label == HV_VDEV_RESET && srv.parts[c].stats.requests &&
        hv_count_and_check(&resets_logged[c]))
        hv_printf("storage: %s: reset; so far %lu requests (%lu on its own buffers, %lu "
                  "bounced), %lu doorbell wake-ups; disk interrupts %lu (all partitions)\n",
                  slices[c].partition, srv.parts[c].stats.requests, vblk.direct_ios[c],
                  vblk.bounced_ios[c], doorbells[c],
                  __atomic_load_n(&disk_irqs, __ATOMIC_RELAXED));
    struct storage_answer a;
    storage_call(&srv, nclients, h->badge, h->label, h->w, h->len, &a);
    if (h->label == HV_VDEV_RESET)
        wait_for_disk(c);
    if (h->label == HV_VDEV_RESET && a.label == HV_OK)
        __atomic_store_n(&shared_page(c)->irq, 0, __ATOMIC_RELEASE);
    h->reply_label = a.label;
    h->reply_words = a.nwords;
    memcpy(h->w, a.w, a.nwords * sizeof(uint64_t));
    device_handoff_answered(h, HV_STORAGE_SLOT_CALL_DONE);
}

static void client_loop(unsigned c)
{
    for (;;) {
        uint64_t bits;
        if (hv_wait(HV_STORAGE_SLOT_WORKER_NTFN + c, &bits) != 0)
            return; /* the cap is gone: the thread stops (hv_main) */
        woke_at[c] = hv_cycles(); /* the pass that finds a request starts its "in" hop */
        bits |= held_bits[c];
        held_bits[c] = 0;
        if (device_handoff_pending(&calls[c]))
            answer_call(c);
        struct io_ring_entry e;
        while (io_ring_pop(&from_disk[c], &e))
            finish_from_disk(c, e);
        if (bits & HV_VDEV_DOORBELL(c)) {
            doorbells[c]++;
            uint64_t kicked = __atomic_load_n(&shared_page(c)->kick_at, __ATOMIC_RELAXED);
            if (kicked && kicked <= woke_at[c]) {
                kicks_timed[c]++;
                kick_cycles[c] += woke_at[c] - kicked;
            }
            storage_notify(&srv, c);
        }
        /* Each pass is bounded, and one that starts nothing ends the loop (the ring is
         * finite); a spent budget only delays it. */
        for (unsigned i = 0; i < 1024 && storage_run_part(&srv, c); i++)
            ;
        publish_stats(c);
    }
}

/* ---- the main thread: the VMMs' calls ---- */

/* A VMM's call; the badge (client + 1) alone says which partition it speaks for. Its client's
 * thread answers it (it alone touches that partition's export), on the caller's budget. */
static void answer_vmm(uint64_t badge, struct hv_msg *m)
{
    if (badge == 0 || badge > nclients) {
        struct storage_answer a; /* refused by the badge */
        storage_call(&srv, nclients, badge, hv_msginfo_label(m->info), m->w,
                     hv_msginfo_len(m->info), &a);
        memcpy(m->w, a.w, a.nwords * sizeof(uint64_t));
        m->info = hv_msginfo(a.label, a.nwords);
        return;
    }
    unsigned c = (unsigned)badge - 1;
    device_handoff_call(&calls[c], badge, m, HV_STORAGE_SLOT_WORKER_WAKE + c,
                        HV_STORAGE_SLOT_CALL_DONE);
}

/* Starts the disk thread, says the server answers, then serves the VMMs' calls forever. */
static _Noreturn void serve_forever(void)
{
    int r = hv_thread_configure(HV_DEVICE_SLOT_EVENT_THREAD, HV_SLOT_SELF_CNODE,
                                HV_DEVICE_SLOT_VSPACE, HV_DEVICE_SLOT_FAULT, config->prio,
                                HV_SC_INHERIT, (uint64_t)(uintptr_t)disk_loop,
                                (uint64_t)(uintptr_t)(disk_stack + sizeof(disk_stack)));
    if (!r)
        r = hv_thread_resume(HV_DEVICE_SLOT_EVENT_THREAD);
    if (r) {
        hv_printf("storage: no disk thread (error %d): no partition is served\n", r);
        nclients = 0;
    }
    hv_printf("storage: serving %u partition(s)\n", nclients);
    hv_signal(HV_DEVICE_SLOT_READY);
    struct hv_msg m = {0};
    hv_recv(HV_DEVICE_SLOT_EP, &m);
    for (;;) {
        answer_vmm(m.badge, &m);
        hv_reply_recv(HV_DEVICE_SLOT_EP, &m);
    }
}

void hv_main(uint64_t arg)
{
    (void)arg;
    int client = device_worker_of_stack(HV_STORAGE_MAX_SLICES);
    if (client >= 0) {
        /* Started once the server answers: nclients is set for good. */
        if ((unsigned)client < __atomic_load_n(&nclients, __ATOMIC_ACQUIRE))
            client_loop((unsigned)client);
        /* No slice for it, or its notification gone: it stops with its own cap (returning
         * would suspend slot 2, the main thread). */
        for (;;)
            hv_thread_suspend(HV_STORAGE_SLOT_WORKER_THREAD + (unsigned)client);
    }
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
