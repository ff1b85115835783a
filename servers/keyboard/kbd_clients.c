/* The keyboard server's client partitions (kbd_clients.h): each event written into the guest's
 * next event buffer with libhv's hardened device-side virtqueue, a bounded backlog in between,
 * and the status queue drained and dropped. */
#include "kbd_clients.h"

#include "evdev_codes.h"
#include <hv/abi/error.h>
#include <hv/string.h>
#include <hv/virtio/virtio_spec.h>

void kbd_clients_init(struct kbd_clients *k, const struct kbd_clients_ops *ops)
{
    memset(k, 0, sizeof(*k));
    k->ops = *ops;
}

struct kbd_client *kbd_clients_find(struct kbd_clients *k, unsigned partition)
{
    for (unsigned c = 0; c < k->n; c++)
        if (k->client[c].partition == partition)
            return &k->client[c];
    return NULL;
}

int kbd_clients_add(struct kbd_clients *k, uint32_t partition,
                    const struct virtio_mem_region *ram, struct hv_input_shared *shared)
{
    if (k->n >= KBD_CLIENTS_MAX || kbd_clients_find(k, partition) || !shared)
        return -1;
    struct kbd_client *cl = &k->client[k->n];
    memset(cl, 0, sizeof(*cl));
    cl->partition = partition;
    cl->ram = *ram;
    cl->mem = (struct virtio_mem){.regions = &cl->ram, .count = 1};
    if (virtio_mem_check(&cl->mem) != VIRTIO_MEM_OK)
        return -1;
    cl->shared = shared;
    return (int)k->n++;
}

static unsigned client_index(const struct kbd_clients *k, const struct kbd_client *cl)
{
    return (unsigned)(cl - k->client);
}

/* The counters the VMM and tests read, copied after each pass. */
static void publish(struct kbd_client *cl)
{
    struct hv_input_shared *sh = cl->shared;
    sh->events = cl->stats.events;
    sh->dropped = cl->stats.dropped;
    sh->status = cl->stats.status;
    sh->bad = cl->stats.small_buffers + cl->stats.bad_chains + cl->stats.broken;
}

static void raise_irq(struct kbd_clients *k, struct kbd_client *cl, uint32_t bits)
{
    __atomic_fetch_or(&cl->shared->irq, bits, __ATOMIC_RELEASE);
    k->ops.notify_vmm(k->ops.ctx, client_index(k, cl));
}

/* A ring broke (libhv stopped the queue): the guest must reset the device. */
static void ring_broken(struct kbd_clients *k, struct kbd_client *cl)
{
    cl->stats.broken++;
    raise_irq(k, cl, HV_VDEV_IRQ_NEEDS_RESET);
}

/* After a pass: the interrupt if the driver wants one for what was used. */
static void end_pass(struct kbd_clients *k, struct kbd_client *cl)
{
    publish(cl);
    if (!cl->pushed)
        return;
    cl->pushed = false;
    bool ev = virtq_should_notify(&cl->q[HV_INPUT_EVENTQ]);
    bool st = virtq_should_notify(&cl->q[HV_INPUT_STATUSQ]);
    if (ev || st)
        raise_irq(k, cl, HV_VDEV_IRQ_USED);
}

enum put_result { PUT_OK, PUT_NO_BUFFER, PUT_BROKEN };

/* One event into the guest's next event buffer with room for it; smaller buffers and refused
 * chains go back empty (each pop consumes an avail entry, so this ends within a ring's worth). */
static enum put_result put_event(struct kbd_client *cl, const struct virtio_input_event *ev)
{
    struct virtq *vq = &cl->q[HV_INPUT_EVENTQ];
    struct virtq_seg segs[4];
    struct virtq_req req = {.segs = segs, .capacity = 4};
    for (;;) {
        enum virtq_pop_result r = virtq_pop(vq, &req);
        if (r == VIRTQ_POP_DROPPED) {
            cl->stats.bad_chains++;
            cl->pushed = true;
            continue;
        }
        if (r == VIRTQ_POP_EMPTY || r == VIRTQ_POP_NOT_READY)
            return PUT_NO_BUFFER;
        if (r != VIRTQ_POP_REQUEST)
            return PUT_BROKEN;
        if (req.writable_bytes < VIRTIO_INPUT_EVENT_SIZE) {
            cl->stats.small_buffers++;
            if (virtq_push(vq, &req, 0) == VIRTQ_PUSH_OK)
                cl->pushed = true;
            continue;
        }
        uint8_t bytes[VIRTIO_INPUT_EVENT_SIZE];
        virtio_input_event_encode(ev, bytes);
        /* The event lies after any device-readable part, which a driver may put first. */
        if (virtq_req_write(&req, 0, bytes, sizeof(bytes)) != sizeof(bytes)) {
            cl->stats.small_buffers++;
            if (virtq_push(vq, &req, 0) == VIRTQ_PUSH_OK)
                cl->pushed = true;
            continue;
        }
        if (virtq_push(vq, &req, VIRTIO_INPUT_EVENT_SIZE) == VIRTQ_PUSH_OK) {
            cl->pushed = true;
            cl->stats.events++;
        }
        return PUT_OK;
    }
}

static bool is_report_end(const struct virtio_input_event *ev)
{
    return ev->type == EV_SYN && ev->code == SYN_REPORT;
}

/* Drops the oldest report (up to and including its SYN_REPORT), so what stays is whole. */
static void drop_oldest_report(struct kbd_client *cl)
{
    while (cl->backlog_len > 0) {
        const struct virtio_input_event *ev = &cl->backlog[cl->backlog_head];
        bool end = is_report_end(ev);
        cl->backlog_head = (cl->backlog_head + 1) % KBD_BACKLOG;
        cl->backlog_len--;
        cl->stats.dropped++;
        if (end)
            return;
    }
}

static void backlog_push(struct kbd_client *cl, const struct virtio_input_event *ev)
{
    if (cl->backlog_len == KBD_BACKLOG)
        drop_oldest_report(cl);
    cl->backlog[(cl->backlog_head + cl->backlog_len) % KBD_BACKLOG] = *ev;
    cl->backlog_len++;
    cl->stats.backlogged++;
}

/* The backlog into the guest's buffers, oldest first, while there are buffers. */
static void flush_backlog(struct kbd_clients *k, struct kbd_client *cl)
{
    /* A broken ring waits for the guest's reset: asked once, not at every event. */
    while (cl->backlog_len > 0 && !cl->q[HV_INPUT_EVENTQ].broken) {
        enum put_result r = put_event(cl, &cl->backlog[cl->backlog_head]);
        if (r == PUT_BROKEN) {
            ring_broken(k, cl);
            return;
        }
        if (r == PUT_NO_BUFFER)
            return;
        cl->backlog_head = (cl->backlog_head + 1) % KBD_BACKLOG;
        cl->backlog_len--;
    }
}

void kbd_clients_deliver(void *ctx, unsigned partition, const struct virtio_input_event *ev)
{
    struct kbd_clients *k = ctx;
    struct kbd_client *cl = kbd_clients_find(k, partition);
    if (!cl) {
        k->unknown_partition++;
        return;
    }
    /* Behind the backlog, never ahead of it: the guest sees the keyboard's order. */
    flush_backlog(k, cl);
    enum put_result r = PUT_NO_BUFFER;
    if (cl->backlog_len == 0 && !cl->q[HV_INPUT_EVENTQ].broken)
        r = put_event(cl, ev);
    if (r == PUT_BROKEN)
        ring_broken(k, cl);
    /* No buffer, or a ring that just broke: the event waits (a reset then clears it). */
    if (r != PUT_OK)
        backlog_push(cl, ev);
    end_pass(k, cl);
}

/* The guest's status events (LEDs it set): read, counted and dropped, for the keyboard server
 * drives no LED. Bounded by KBD_STATUS_BATCH per doorbell. */
static void drain_status(struct kbd_clients *k, struct kbd_client *cl)
{
    struct virtq *vq = &cl->q[HV_INPUT_STATUSQ];
    struct virtq_seg segs[4];
    struct virtq_req req = {.segs = segs, .capacity = 4};
    for (unsigned n = 0; n < KBD_STATUS_BATCH; n++) {
        enum virtq_pop_result r = virtq_pop(vq, &req);
        if (r == VIRTQ_POP_DROPPED) {
            cl->stats.bad_chains++;
            cl->pushed = true;
            continue;
        }
        if (r == VIRTQ_POP_BROKEN)
            ring_broken(k, cl); /* libhv stopped the queue: not popped again before a reset */
        if (r != VIRTQ_POP_REQUEST)
            return;
        cl->stats.status++;
        if (virtq_push(vq, &req, 0) == VIRTQ_PUSH_OK)
            cl->pushed = true;
    }
}

void kbd_clients_doorbell(struct kbd_clients *k, uint64_t bits)
{
    for (unsigned c = 0; c < k->n; c++) {
        if (!(bits & HV_VDEV_DOORBELL(c)))
            continue;
        struct kbd_client *cl = &k->client[c];
        flush_backlog(k, cl);
        drain_status(k, cl);
        end_pass(k, cl);
    }
}

static void client_reset(struct kbd_clients *k, struct kbd_client *cl)
{
    virtq_reset(&cl->q[HV_INPUT_EVENTQ]);
    virtq_reset(&cl->q[HV_INPUT_STATUSQ]);
    cl->pushed = false;
    cl->backlog_head = cl->backlog_len = 0;
    __atomic_store_n(&cl->shared->irq, 0, __ATOMIC_RELEASE);
    k->ops.device_reset(k->ops.ctx, cl->partition);
}

static int queue_setup(struct kbd_client *cl, const struct hv_vdev_queue_setup *m)
{
    unsigned q = hv_vdev_queue_index(m);
    const struct virtq_config cfg = {hv_vdev_queue_size(m), m->desc, m->driver, m->device,
                                     m->features};
    if (q > HV_INPUT_STATUSQ || cfg.size > KBD_QUEUE_MAX || cl->q[q].ready ||
        !(cfg.features & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
        return HV_EINVAL;
    if (virtq_init(&cl->q[q], &cfg, &cl->mem, &cl->faults) != VIRTQ_SETUP_OK) {
        virtq_reset(&cl->q[q]);
        return HV_EINVAL;
    }
    return HV_OK;
}

void kbd_clients_call(struct kbd_clients *k, uint64_t badge, uint64_t label, uint64_t *w,
                      unsigned len, uint64_t *reply_label, unsigned *reply_words)
{
    *reply_words = 0;
    *reply_label = HV_EINVAL;
    if (badge == 0 || badge > k->n) {
        *reply_label = HV_EPERM;
        return;
    }
    struct kbd_client *cl = &k->client[badge - 1];
    struct hv_vdev_queue_setup m;
    switch (label) {
    case HV_VDEV_OPEN:
        if (len != HV_INPUT_OPEN_WORDS || w[0] != HV_INPUT_VERSION)
            return;
        w[0] = HV_INPUT_VERSION;
        w[1] = 0;
        w[2] = KBD_QUEUE_MAX;
        cl->shared->version = HV_INPUT_VERSION;
        *reply_words = HV_INPUT_OPEN_REPLY_WORDS;
        *reply_label = HV_OK;
        return;
    case HV_VDEV_QUEUE_SETUP:
        if (!hv_vdev_queue_setup_decode(w, len, &m))
            return;
        *reply_label = (uint64_t)queue_setup(cl, &m);
        /* The guest may have posted buffers before it said so: the backlog takes them. */
        if (*reply_label == HV_OK) {
            flush_backlog(k, cl);
            end_pass(k, cl);
        }
        return;
    case HV_VDEV_RESET:
        if (len != 0)
            return;
        client_reset(k, cl);
        *reply_label = HV_OK;
        return;
    default:
        return;
    }
}
