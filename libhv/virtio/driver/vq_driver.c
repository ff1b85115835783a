/* Driver side of the split virtqueue: descriptors from a private free list, available ring
 * publishing, and a used-ring harvest that checks every id and length the device reports. */
#include <hv/enum_name.h>
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/vq_driver.h>

#include <string.h>

#include "../split_ring.h"
#include <hv/dma_io.h>

static bool power_of_two(uint32_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

bool vqd_layout(uint16_t n, uint32_t used_align, struct vqd_layout *layout)
{
    if (!power_of_two(n) || !power_of_two(used_align) || used_align < VIRTQ_USED_ALIGN)
        return false;
    layout->desc = 0;
    layout->avail = (uint64_t)n * VIRTQ_DESC_SIZE;
    uint64_t avail_end = layout->avail + VIRTQ_AVAIL_SIZE(n);
    layout->used = (avail_end + used_align - 1) & ~(uint64_t)(used_align - 1);
    layout->total = layout->used + VIRTQ_USED_SIZE(n);
    return true;
}

static bool ring_fits(const struct virtio_dma *mem, uint64_t offset, uint64_t len, uint64_t align)
{
    if (offset > mem->size || len > mem->size - offset)
        return false;
    return (mem->pa + offset) % align == 0 && ((uintptr_t)mem->va + offset) % align == 0;
}

static void free_list_reset(struct vqd *vq)
{
    for (uint32_t i = 0; i < vq->size; i++) {
        vq->slots[i] = (struct vqd_slot){.next = (uint16_t)(i + 1)};
    }
    vq->free_head = 0;
    vq->num_free = vq->size;
    vq->inflight = 0;
}

enum vqd_result vqd_init(struct vqd *vq, uint16_t size, const struct virtio_dma *mem,
                         const struct vqd_layout *layout, struct vqd_slot *slots, bool event_idx)
{
    memset(vq, 0, sizeof(*vq));
    if (!power_of_two(size) || slots == NULL || mem == NULL || mem->va == NULL)
        return VQD_BAD_ARG;
    if (!ring_fits(mem, layout->desc, (uint64_t)size * VIRTQ_DESC_SIZE, VIRTQ_DESC_ALIGN) ||
        !ring_fits(mem, layout->avail, VIRTQ_AVAIL_SIZE(size), VIRTQ_AVAIL_ALIGN) ||
        !ring_fits(mem, layout->used, VIRTQ_USED_SIZE(size), VIRTQ_USED_ALIGN))
        return VQD_BAD_ARG;
    uint8_t *base = mem->va;
    vq->size = size;
    vq->desc = base + layout->desc;
    vq->avail = base + layout->avail;
    vq->used = base + layout->used;
    vq->desc_pa = mem->pa + layout->desc;
    vq->avail_pa = mem->pa + layout->avail;
    vq->used_pa = mem->pa + layout->used;
    vq->slots = slots;
    vq->event_idx = event_idx;
    memset(vq->desc, 0, (size_t)size * VIRTQ_DESC_SIZE);
    memset(vq->avail, 0, VIRTQ_AVAIL_SIZE(size));
    memset(vq->used, 0, VIRTQ_USED_SIZE(size));
    free_list_reset(vq);
    return VQD_OK;
}

static void desc_write(struct vqd *vq, uint16_t index, const struct vqd_buf *b, uint16_t flags,
                       uint16_t next)
{
    uint8_t *d = vq->desc + (size_t)index * VIRTQ_DESC_SIZE;
    hv_put_le64(d, b->pa);
    hv_put_le32(d + 8, b->len);
    hv_put_le16(d + 12, flags);
    hv_put_le16(d + 14, next);
}

/* The caller's buffers, checked before any descriptor is taken: all or nothing. */
static enum vqd_result bufs_check(const struct vqd_buf *bufs, unsigned n, unsigned out,
                                  uint32_t *writable)
{
    uint64_t w = 0;
    for (unsigned i = 0; i < n; i++) {
        if (bufs[i].len == 0 || bufs[i].pa > UINT64_MAX - (bufs[i].len - 1))
            return VQD_BAD_ARG;
        if (i >= out)
            w += bufs[i].len;
    }
    /* The device reports written bytes in a 32-bit field. */
    if (w > UINT32_MAX)
        return VQD_BAD_ARG;
    *writable = (uint32_t)w;
    return VQD_OK;
}

/* Publishes descriptor head as the next available entry. */
static void publish(struct vqd *vq, uint16_t head)
{
    dma_store16(split_avail_entry(vq->avail, vq->size, vq->avail_idx), head);
    vq->avail_idx++;
    /* §2.7.13.3: descriptors and the ring entry before the idx that makes them visible. */
    dma_wmb();
    dma_store16(vq->avail + AVAIL_IDX, vq->avail_idx);
}

enum vqd_result vqd_add(struct vqd *vq, const struct vqd_buf *bufs, unsigned out, unsigned in,
                        void *token)
{
    if (vq->broken)
        return VQD_BROKEN;
    unsigned n = out + in;
    if (n == 0 || n < out || n > vq->size)
        return VQD_BAD_ARG;
    uint32_t writable;
    enum vqd_result r = bufs_check(bufs, n, out, &writable);
    if (r != VQD_OK)
        return r;
    if (n > vq->num_free)
        return VQD_NO_SPACE;

    uint16_t head = vq->free_head, index = head;
    for (unsigned i = 0; i < n; i++) {
        uint16_t next = vq->slots[index].next;
        uint16_t flags =
            (uint16_t)((i + 1 < n ? VIRTQ_DESC_F_NEXT : 0) | (i >= out ? VIRTQ_DESC_F_WRITE : 0));
        desc_write(vq, index, &bufs[i], flags, i + 1 < n ? next : 0);
        if (i + 1 < n)
            index = next;
        else
            vq->free_head = next;
    }
    vq->num_free = (uint16_t)(vq->num_free - n);
    struct vqd_slot *s = &vq->slots[head];
    s->token = token;
    s->writable = writable;
    s->count = (uint16_t)n;
    s->inflight = true;
    vq->inflight++;
    publish(vq, head);
    return VQD_OK;
}

enum vqd_result vqd_indirect_fill(const struct virtio_dma *table, const struct vqd_buf *bufs,
                                  unsigned out, unsigned in, struct vqd_table *filled)
{
    unsigned n = out + in;
    if (n == 0 || n < out || n > UINT16_MAX || table == NULL || table->va == NULL ||
        table->size < (uint64_t)n * VIRTQ_DESC_SIZE || table->pa % VIRTQ_DESC_ALIGN != 0)
        return VQD_BAD_ARG;
    uint32_t writable;
    enum vqd_result r = bufs_check(bufs, n, out, &writable);
    if (r != VQD_OK)
        return r;
    /* The table's entries are numbered from 0 and linked in order (§2.7.5.3.2). */
    for (unsigned i = 0; i < n; i++) {
        uint8_t *d = (uint8_t *)table->va + (size_t)i * VIRTQ_DESC_SIZE;
        uint16_t flags =
            (uint16_t)((i + 1 < n ? VIRTQ_DESC_F_NEXT : 0) | (i >= out ? VIRTQ_DESC_F_WRITE : 0));
        hv_put_le64(d, bufs[i].pa);
        hv_put_le32(d + 8, bufs[i].len);
        hv_put_le16(d + 12, flags);
        hv_put_le16(d + 14, (uint16_t)(i + 1 < n ? i + 1 : 0));
    }
    *filled = (struct vqd_table){table->pa, (uint16_t)n, writable};
    return VQD_OK;
}

enum vqd_result vqd_add_table(struct vqd *vq, const struct vqd_table *t, void *token)
{
    if (vq->broken)
        return VQD_BROKEN;
    /* §2.7.5.3.1: the chain, its indirect part included, no longer than the queue. */
    if (t->count == 0 || t->count > vq->size || t->pa % VIRTQ_DESC_ALIGN != 0)
        return VQD_BAD_ARG;
    if (vq->num_free == 0)
        return VQD_NO_SPACE;
    uint16_t head = vq->free_head;
    struct vqd_buf whole = {t->pa, (uint32_t)t->count * VIRTQ_DESC_SIZE};
    desc_write(vq, head, &whole, VIRTQ_DESC_F_INDIRECT, 0);
    vq->free_head = vq->slots[head].next;
    vq->num_free--;
    struct vqd_slot *s = &vq->slots[head];
    s->token = token;
    s->writable = t->writable; /* what the device may say it wrote: the table's writable bytes */
    s->count = 1;
    s->inflight = true;
    vq->inflight++;
    publish(vq, head);
    return VQD_OK;
}

enum vqd_result vqd_add_indirect(struct vqd *vq, const struct virtio_dma *table,
                                 const struct vqd_buf *bufs, unsigned out, unsigned in,
                                 void *token)
{
    if (vq->broken)
        return VQD_BROKEN;
    if (out + in > vq->size)
        return VQD_BAD_ARG;
    struct vqd_table t;
    enum vqd_result r = vqd_indirect_fill(table, bufs, out, in, &t);
    return r != VQD_OK ? r : vqd_add_table(vq, &t, token);
}

bool vqd_kick_needed(struct vqd *vq)
{
    uint16_t old_idx = vq->kicked, new_idx = vq->avail_idx;
    vq->kicked = new_idx;
    if (old_idx == new_idx)
        return false;
    /* The published idx must be visible before reading what the device asked for. */
    dma_mb();
    /* The device's avail_event (the avail idx it wants a notification at), or its flags. */
    uint8_t *asked = vq->event_idx ? split_avail_event(vq->used, vq->size) : vq->used + USED_FLAGS;
    return split_wants_signal(vq->event_idx, dma_load16(asked), VIRTQ_USED_F_NO_NOTIFY, old_idx,
                              new_idx);
}

static enum vqd_result queue_break(struct vqd *vq, enum vqd_result why)
{
    vq->broken = true;
    vq->why = why;
    return why;
}

static void chain_free(struct vqd *vq, uint16_t head)
{
    struct vqd_slot *h = &vq->slots[head];
    uint16_t tail = head;
    for (uint16_t i = 1; i < h->count; i++)
        tail = vq->slots[tail].next;
    vq->slots[tail].next = vq->free_head;
    vq->free_head = head;
    vq->num_free = (uint16_t)(vq->num_free + h->count);
    h->inflight = false;
    h->token = NULL;
    vq->inflight--;
}

enum vqd_result vqd_get_used(struct vqd *vq, void **token, uint32_t *len)
{
    if (vq->broken)
        return VQD_BROKEN;
    uint16_t used_idx = dma_load16(vq->used + USED_IDX);
    if (used_idx == vq->last_used)
        return VQD_EMPTY;
    /* A device can only return chains it holds. */
    if ((uint16_t)(used_idx - vq->last_used) > vq->inflight)
        return queue_break(vq, VQD_USED_IDX);
    /* §2.7.13: the idx before the entries it covers. */
    dma_rmb();
    uint8_t elem[USED_ELEM_SIZE];
    dma_snapshot(elem, split_used_entry(vq->used, vq->size, vq->last_used), sizeof(elem));
    uint32_t id = hv_le32(elem), written = hv_le32(elem + 4);
    if (id >= vq->size)
        return queue_break(vq, VQD_USED_ID);
    if (!vq->slots[id].inflight)
        return queue_break(vq, VQD_USED_NOT_INFLIGHT);
    if (written > vq->slots[id].writable)
        return queue_break(vq, VQD_USED_LEN);

    *token = vq->slots[id].token;
    *len = written;
    chain_free(vq, (uint16_t)id);
    vq->last_used++;
    if (vq->event_idx)
        dma_store16(split_used_event(vq->avail, vq->size), vq->last_used);
    return VQD_OK;
}

bool vqd_arm(struct vqd *vq)
{
    if (vq->broken)
        return false;
    if (vq->event_idx)
        dma_store16(split_used_event(vq->avail, vq->size), vq->last_used);
    else
        dma_store16(vq->avail + AVAIL_FLAGS, 0);
    /* The request must be visible before looking again, or an entry added in between would
     * wait for an interrupt the device was never asked for. */
    dma_mb();
    return dma_load16(vq->used + USED_IDX) != vq->last_used;
}

void vqd_drain(struct vqd *vq, void (*fn)(void *ctx, void *token), void *ctx)
{
    for (uint32_t i = 0; i < vq->size; i++) {
        if (vq->slots[i].inflight)
            fn(ctx, vq->slots[i].token);
    }
    free_list_reset(vq);
}

const char *vqd_result_name(enum vqd_result r)
{
    /* Indexed from the lowest result, VQD_USED_LEN: the errors are negative. */
    static const char *const names[] = {
        [VQD_OK - VQD_USED_LEN] = "ok",
        [VQD_EMPTY - VQD_USED_LEN] = "empty",
        [VQD_NO_SPACE - VQD_USED_LEN] = "no free descriptors",
        [VQD_BAD_ARG - VQD_USED_LEN] = "bad argument",
        [VQD_BROKEN - VQD_USED_LEN] = "queue stopped after a device error",
        [VQD_USED_IDX - VQD_USED_LEN] = "used idx ahead of the buffers in flight",
        [VQD_USED_ID - VQD_USED_LEN] = "used id beyond the queue",
        [VQD_USED_NOT_INFLIGHT - VQD_USED_LEN] = "used id not in flight",
        [VQD_USED_LEN - VQD_USED_LEN] = "used length beyond the buffer",
    };
    return HV_ENUM_NAME(names, (long)r - VQD_USED_LEN, "?");
}
