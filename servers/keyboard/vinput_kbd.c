/* The physical virtio keyboard (vinput_kbd.h): 64 buffers of one event each, reposted as soon
 * as the event is read; malformed events and short writes are counted and dropped. */
#include "vinput_kbd.h"
#include "virtio_input_event.h"
#include <hv/string.h>
#include <hv/virtio/virtio_spec.h>

static uint64_t buf_off(unsigned i)
{
    return VKBD_RINGS_BYTES + (uint64_t)i * VIRTIO_INPUT_EVENT_SIZE;
}

static enum vqd_result post(struct vinput_kbd *k, unsigned i)
{
    struct vqd_buf b = {k->dma.pa + buf_off(i), VIRTIO_INPUT_EVENT_SIZE};
    return vqd_add(&k->eventq, &b, 0, 1, (void *)(uintptr_t)(i + 1));
}

static void stop(struct vinput_kbd *k, enum vqd_result why)
{
    k->broken = true;
    k->why = why;
    virtio_drv_fail(k->t);
}

void vinput_kbd_poll(struct vinput_kbd *k, void (*key)(struct key_event ev))
{
    for (unsigned round = 0; !k->broken && round < VKBD_QUEUE_SIZE; round++) {
        void *token;
        uint32_t len;
        enum vqd_result r;
        bool reposted = false;
        while ((r = vqd_get_used(&k->eventq, &token, &len)) == VQD_OK) {
            unsigned i = (unsigned)((uintptr_t)token - 1); /* one of ours: vqd checked it */
            uint8_t bytes[VIRTIO_INPUT_EVENT_SIZE];
            /* A copy first: the device may write the buffer again while it is read. */
            memcpy(bytes, (const uint8_t *)k->dma.va + buf_off(i), sizeof(bytes));
            struct key_event ev;
            enum vinput_kind kind = virtio_input_event_decode(bytes, &ev);
            if (len != VIRTIO_INPUT_EVENT_SIZE)
                k->short_events++;
            else if (kind == VINPUT_KEY)
                k->events++, key(ev);
            else if (kind == VINPUT_BAD)
                k->bad++;
            if (post(k, i) != VQD_OK) {
                stop(k, VQD_BROKEN);
                return;
            }
            reposted = true;
        }
        if (r != VQD_EMPTY) {
            stop(k, r);
            return;
        }
        if (reposted && vqd_kick_needed(&k->eventq))
            k->t->ops->notify(k->t, 0);
        if (!vqd_arm(&k->eventq))
            return;
    }
}

enum virtio_drv_error vinput_kbd_init(struct vinput_kbd *k, struct virtio_transport *t,
                                      const struct virtio_dma *dma)
{
    memset(k, 0, sizeof(*k));
    k->t = t;
    k->dma = *dma;
    if (t->device_id != VIRTIO_ID_INPUT)
        return VIRTIO_DRV_WRONG_DEVICE;
    if (dma->size < VKBD_DMA_BYTES || dma->pa % 4096 != 0)
        return VIRTIO_DRV_QUEUE_MEMORY;
    enum virtio_drv_error e = virtio_drv_negotiate(t, 0, 0);
    if (e == VIRTIO_DRV_OK) {
        struct virtio_dma rings = {dma->va, dma->pa, VKBD_RINGS_BYTES};
        e = virtio_drv_queue_setup(t, 0, VKBD_QUEUE_SIZE, &rings, k->slots, &k->eventq);
    }
    for (unsigned i = 0; e == VIRTIO_DRV_OK && i < k->eventq.size; i++)
        if (post(k, i) != VQD_OK)
            e = VIRTIO_DRV_QUEUE_MEMORY;
    if (e == VIRTIO_DRV_OK)
        e = virtio_drv_ready(t);
    if (e != VIRTIO_DRV_OK) {
        virtio_drv_fail(t);
        return e;
    }
    (void)vqd_arm(&k->eventq);
    t->ops->notify(t, 0); /* the buffers are there */
    return VIRTIO_DRV_OK;
}
