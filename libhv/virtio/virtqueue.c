/* Device side of the split virtqueue: pop chains, push used entries, suppress notifications. */
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/virtqueue.h>

#include "ring_access.h"
#include "split_ring.h"

/* Internal "no fault" value for the chain walk, one past the last real fault kind. */
#define WALK_OK VIRTIO_FAULT_KINDS

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

/* State of one chain walk: what has been seen so far across direct and indirect parts. */
struct chain_walk {
    const struct virtq *vq;
    struct virtq_req *req;
    uint32_t total; /* descriptors visited, indirect ones included */
    bool seen_writable;
};

static void desc_read(const uint8_t *table, uint32_t index, struct desc *d)
{
    uint8_t raw[VIRTQ_DESC_SIZE];
    guest_snapshot(raw, table + (size_t)index * VIRTQ_DESC_SIZE, sizeof(raw));
    d->addr = hv_le64(raw);
    d->len = hv_le32(raw + 8);
    d->flags = hv_le16(raw + 12);
    d->next = hv_le16(raw + 14);
}

static enum virtio_fault mem_fault(enum virtio_mem_result r)
{
    return r == VIRTIO_MEM_WRAP ? VIRTIO_FAULT_ADDR_WRAP : VIRTIO_FAULT_ADDR_OUTSIDE;
}

static enum virtio_fault add_segment(struct chain_walk *w, const struct desc *d)
{
    struct virtq_req *req = w->req;
    bool writable = (d->flags & VIRTQ_DESC_F_WRITE) != 0;

    /* §2.7.5.3.1: no chain longer than the queue size, indirect descriptors included. */
    if (++w->total > w->vq->size)
        return VIRTIO_FAULT_CHAIN_TOO_LONG;
    /* §2.7.4.2: device-writable descriptors come after all device-readable ones. */
    if (!writable && w->seen_writable)
        return VIRTIO_FAULT_READABLE_AFTER_WRITABLE;
    void *host;
    enum virtio_mem_result r = virtio_mem_translate(w->vq->mem, d->addr, d->len, &host);
    if (r != VIRTIO_MEM_OK)
        return mem_fault(r);
    uint32_t n = req->nreadable + req->nwritable;
    if (n >= req->capacity)
        return VIRTIO_FAULT_SEGS_OVERFLOW;
    req->segs[n].addr = host;
    req->segs[n].len = d->len;
    if (writable) {
        w->seen_writable = true;
        req->nwritable++;
        req->writable_bytes += d->len;
    } else {
        req->nreadable++;
        req->readable_bytes += d->len;
    }
    return WALK_OK;
}

/*
 * Walks the indirect table d points to (§2.7.5.3). The table holds len / 16
 * descriptors chained from entry 0; the walk stops at the table size (a loop) or the
 * queue size (too long), whichever comes first.
 */
static enum virtio_fault walk_indirect(struct chain_walk *w, const struct desc *d)
{
    if (!w->vq->indirect_desc)
        return VIRTIO_FAULT_INDIRECT_UNNEGOTIATED;
    if (d->flags & VIRTQ_DESC_F_NEXT)
        return VIRTIO_FAULT_INDIRECT_NEXT;
    if (d->len == 0 || d->len % VIRTQ_DESC_SIZE != 0)
        return VIRTIO_FAULT_INDIRECT_LEN;
    void *table;
    enum virtio_mem_result r = virtio_mem_translate(w->vq->mem, d->addr, d->len, &table);
    if (r != VIRTIO_MEM_OK)
        return mem_fault(r);

    uint32_t entries = d->len / VIRTQ_DESC_SIZE;
    uint32_t index = 0;
    for (uint32_t steps = 1;; steps++) {
        if (steps > entries)
            return VIRTIO_FAULT_CHAIN_LOOP;
        struct desc e;
        desc_read(table, index, &e);
        if (e.flags & VIRTQ_DESC_F_INDIRECT)
            return VIRTIO_FAULT_INDIRECT_NESTED;
        enum virtio_fault f = add_segment(w, &e);
        if (f != WALK_OK)
            return f;
        if (!(e.flags & VIRTQ_DESC_F_NEXT))
            return WALK_OK;
        if (e.next >= entries)
            return VIRTIO_FAULT_DESC_INDEX;
        index = e.next;
    }
}

/*
 * Walks a chain from head: zero or more direct descriptors, optionally ending in one
 * indirect descriptor (§2.7.5.3.2). Visiting more direct descriptors than the queue
 * holds means one was visited twice.
 */
static enum virtio_fault walk_chain(struct chain_walk *w, uint16_t head)
{
    const struct virtq *vq = w->vq;
    uint16_t index = head;
    for (uint32_t steps = 1;; steps++) {
        if (steps > vq->size)
            return VIRTIO_FAULT_CHAIN_LOOP;
        struct desc d;
        desc_read(vq->desc, index, &d);
        /* §2.7.5.3.2: the device ignores WRITE on a descriptor naming a table. */
        if (d.flags & VIRTQ_DESC_F_INDIRECT)
            return walk_indirect(w, &d);
        enum virtio_fault f = add_segment(w, &d);
        if (f != WALK_OK)
            return f;
        if (!(d.flags & VIRTQ_DESC_F_NEXT))
            return WALK_OK;
        if (d.next >= vq->size)
            return VIRTIO_FAULT_DESC_INDEX;
        index = d.next;
    }
}

static void used_append(struct virtq *vq, uint32_t id, uint32_t len)
{
    uint8_t *elem = split_used_entry(vq->used, vq->size, vq->used_idx);
    ring_store32(elem, id);
    ring_store32(elem + 4, len);
    vq->used_idx++;
    ring_store16_release(vq->used + USED_IDX, vq->used_idx);
}

static void queue_break(struct virtq *vq, enum virtio_fault kind)
{
    vq->broken = true;
    virtio_fault_fatal(vq->faults, kind);
}

void virtq_reset(struct virtq *vq)
{
    uint32_t epoch = vq->epoch;
    memset(vq, 0, sizeof(*vq));
    vq->epoch = epoch + 1;
}

static bool ring_place(const struct virtio_mem *mem, uint64_t gpa, uint64_t len, uint64_t align,
                       void **host)
{
    if (gpa % align != 0)
        return false;
    if (virtio_mem_translate(mem, gpa, len, host) != VIRTIO_MEM_OK)
        return false;
    /* The index accesses are natural-width atomics, so the mapping must be aligned too. */
    return (uintptr_t)*host % align == 0;
}

enum virtq_setup_result virtq_init(struct virtq *vq, const struct virtq_config *cfg,
                                   const struct virtio_mem *mem, struct virtio_faults *faults)
{
    virtq_reset(vq);
    uint32_t n = cfg->size;
    if (n == 0 || n > VIRTQ_MAX_SIZE || (n & (n - 1)) != 0)
        return VIRTQ_SETUP_BAD_SIZE;
    void *desc, *avail, *used;
    if (!ring_place(mem, cfg->desc, (uint64_t)n * VIRTQ_DESC_SIZE, VIRTQ_DESC_ALIGN, &desc) ||
        !ring_place(mem, cfg->driver, VIRTQ_AVAIL_SIZE(n), VIRTQ_AVAIL_ALIGN, &avail) ||
        !ring_place(mem, cfg->device, VIRTQ_USED_SIZE(n), VIRTQ_USED_ALIGN, &used))
        return VIRTQ_SETUP_BAD_RING;

    vq->size = (uint16_t)n;
    vq->desc = desc;
    vq->avail = avail;
    vq->used = used;
    vq->mem = mem;
    vq->faults = faults;
    vq->event_idx = (cfg->features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX)) != 0;
    vq->indirect_desc = (cfg->features & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)) != 0;
    ring_store16(vq->used + USED_FLAGS, 0);
    ring_store16_release(vq->used + USED_IDX, 0);
    vq->ready = true;
    return VIRTQ_SETUP_OK;
}

/*
 * How many entries the driver has made available. Every outstanding chain (made
 * available, not yet in the used ring) holds at least one of the queue's descriptors, so
 * more than the queue size outstanding means a corrupt idx or descriptors handed over
 * twice; either way there is no telling which entries are real.
 */
static bool avail_pending(struct virtq *vq, uint16_t *pending)
{
    uint16_t avail_idx = ring_load16_acquire(vq->avail + AVAIL_IDX);
    uint16_t outstanding = (uint16_t)(avail_idx - vq->used_idx);
    *pending = (uint16_t)(avail_idx - vq->last_avail_idx);
    if (outstanding > vq->size || *pending > outstanding) {
        queue_break(vq, VIRTIO_FAULT_AVAIL_IDX_JUMP);
        return false;
    }
    return true;
}

/*
 * With VIRTIO_F_EVENT_IDX the driver kicks only when it passes avail_event, so before
 * calling the ring empty the device asks for a kick at the next entry, then looks once
 * more: an entry added in between would otherwise sit unnoticed (§2.7.10).
 */
static bool ring_is_empty(struct virtq *vq, uint16_t *pending)
{
    if (!avail_pending(vq, pending))
        return false;
    if (*pending != 0 || !vq->event_idx)
        return *pending == 0;
    ring_store16(split_avail_event(vq->used, vq->size), vq->last_avail_idx);
    full_barrier();
    return avail_pending(vq, pending) && *pending == 0;
}

static void req_clear(struct virtq_req *req, uint16_t head, uint32_t epoch)
{
    req->head = head;
    req->nreadable = 0;
    req->nwritable = 0;
    req->readable_bytes = 0;
    req->writable_bytes = 0;
    req->epoch = epoch;
}

enum virtq_pop_result virtq_pop(struct virtq *vq, struct virtq_req *req)
{
    if (!vq->ready)
        return VIRTQ_POP_NOT_READY;
    if (vq->broken)
        return VIRTQ_POP_BROKEN;
    uint16_t pending;
    if (ring_is_empty(vq, &pending))
        return VIRTQ_POP_EMPTY;
    if (vq->broken)
        return VIRTQ_POP_BROKEN;

    uint16_t head = ring_load16(split_avail_entry(vq->avail, vq->size, vq->last_avail_idx));
    if (head >= vq->size) {
        queue_break(vq, VIRTIO_FAULT_HEAD_INDEX);
        return VIRTQ_POP_BROKEN;
    }
    vq->last_avail_idx++;
    req_clear(req, head, vq->epoch);
    struct chain_walk walk = {.vq = vq, .req = req};
    enum virtio_fault f = walk_chain(&walk, head);
    if (f != WALK_OK) {
        /* Give the descriptors back so a buggy driver can recover; the model never sees them. */
        virtio_fault_record(vq->faults, f);
        req_clear(req, head, vq->epoch);
        used_append(vq, head, 0);
        return VIRTQ_POP_DROPPED;
    }
    vq->inflight++;
    return VIRTQ_POP_REQUEST;
}

enum virtq_push_result virtq_push(struct virtq *vq, const struct virtq_req *req, uint32_t written)
{
    if (!vq->ready || vq->broken)
        return VIRTQ_PUSH_NOT_READY;
    if (req->epoch != vq->epoch || vq->inflight == 0 || req->head >= vq->size)
        return VIRTQ_PUSH_STALE;
    /* The used length is what the device wrote, which cannot exceed what it was given. */
    if (written > req->writable_bytes)
        written = (uint32_t)req->writable_bytes;
    vq->inflight--;
    used_append(vq, req->head, written);
    return VIRTQ_PUSH_OK;
}

enum virtq_poll_result virtq_poll(struct virtq *vq, struct virtq_req *req, virtq_handler_fn *handle,
                                  void *ctx)
{
    /* Queue-size pops at most, so one notification costs bounded work whatever the driver does. */
    for (uint32_t budget = vq->size; budget > 0; budget--) {
        switch (virtq_pop(vq, req)) {
        case VIRTQ_POP_EMPTY:
            return VIRTQ_POLL_DONE;
        case VIRTQ_POP_REQUEST:
            handle(ctx, vq, req);
            break;
        case VIRTQ_POP_DROPPED:
            break;
        case VIRTQ_POP_NOT_READY:
            return VIRTQ_POLL_NOT_READY;
        case VIRTQ_POP_BROKEN:
            return VIRTQ_POLL_BROKEN;
        }
    }
    if (!vq->ready)
        return VIRTQ_POLL_NOT_READY;
    return VIRTQ_POLL_AGAIN;
}

bool virtq_should_notify(struct virtq *vq)
{
    if (!vq->ready)
        return false;
    uint16_t old_idx = vq->signalled_used;
    uint16_t new_idx = vq->used_idx;
    vq->signalled_used = new_idx;
    if (old_idx == new_idx)
        return false;
    /* The used idx store must be visible before reading what the driver asked for. */
    full_barrier();
    /* The driver's used_event (the used idx it wants an interrupt at), or its flags. */
    uint8_t *asked =
        vq->event_idx ? split_used_event(vq->avail, vq->size) : vq->avail + AVAIL_FLAGS;
    return split_wants_signal(vq->event_idx, ring_load16(asked), VIRTQ_AVAIL_F_NO_INTERRUPT,
                              old_idx, new_idx);
}

/* Skips offset bytes into segs[first, first + count), then copies with the given direction. */
static size_t req_copy(const struct virtq_seg *segs, uint32_t count, uint64_t offset,
                       uint8_t *local, size_t n, bool to_guest)
{
    size_t done = 0;
    for (uint32_t i = 0; i < count && done < n; i++) {
        if (offset >= segs[i].len) {
            offset -= segs[i].len;
            continue;
        }
        size_t chunk = segs[i].len - (size_t)offset;
        if (chunk > n - done)
            chunk = n - done;
        uint8_t *guest = (uint8_t *)segs[i].addr + offset;
        if (to_guest)
            memcpy(guest, local + done, chunk);
        else
            memcpy(local + done, guest, chunk);
        done += chunk;
        offset = 0;
    }
    return done;
}

size_t virtq_req_read(const struct virtq_req *req, uint64_t offset, void *dst, size_t n)
{
    return req_copy(req->segs, req->nreadable, offset, dst, n, false);
}

size_t virtq_req_write(const struct virtq_req *req, uint64_t offset, const void *src, size_t n)
{
    return req_copy(req->segs + req->nreadable, req->nwritable, offset, (uint8_t *)src, n, true);
}
