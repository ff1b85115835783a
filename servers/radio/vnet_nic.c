/* The physical virtio-net NIC (vnet_nic.h): receive buffers posted once and reposted after each
 * frame, transmit by copy into one of the server's own buffers, every used entry checked by
 * libhv's driver-side queue before it is believed. */
#include "vnet_nic.h"

#include <hv/string.h>
#include <hv/virtio/virtio_net.h>
#include <hv/virtio/virtio_spec.h>

#define VNET_HDR_STRIDE 16u

/* DMA layout: rx rings, tx rings, headers (rx i, then tx i), rx buffers, tx buffers. */
static uint64_t hdr_off(unsigned q, unsigned i)
{
    return 2 * VNET_RINGS_BYTES + VNET_HDR_STRIDE * (q * VNET_BUFS + i);
}

static uint64_t buf_off(unsigned q, unsigned i)
{
    return 2 * VNET_RINGS_BYTES + VNET_HDRS_BYTES + (uint64_t)VNET_BUF_BYTES * (q * VNET_BUFS + i);
}

static uint8_t *va(const struct vnet_nic *n, uint64_t off)
{
    return (uint8_t *)n->dma.va + off;
}

/* Receive buffer i to the device: the header and the frame in two device-writable parts
 * (a legacy device without ANY_LAYOUT expects the header alone in its first descriptor). */
static enum vqd_result post_rx(struct vnet_nic *n, unsigned i)
{
    struct vqd_buf b[2] = {{n->dma.pa + hdr_off(0, i), n->hdr_len},
                           {n->dma.pa + buf_off(0, i), VNET_BUF_BYTES}};
    return vqd_add(&n->rx, b, 0, 2, (void *)(uintptr_t)(i + 1));
}

static void stop(struct vnet_nic *n, enum vqd_result why)
{
    n->broken = true;
    n->why = why;
    virtio_drv_fail(n->t);
}

static void kick(struct vnet_nic *n, struct vqd *vq, uint16_t q)
{
    if (vqd_kick_needed(vq)) {
        n->kicks++;
        n->t->ops->notify(n->t, q);
    }
}

/* Sent frames back: their buffers are free again. */
static void reclaim_tx(struct vnet_nic *n)
{
    void *token;
    uint32_t len;
    enum vqd_result r;
    while ((r = vqd_get_used(&n->tx, &token, &len)) == VQD_OK) {
        uintptr_t i = (uintptr_t)token - 1;
        if (i < VNET_BUFS)
            n->tx_busy[i] = false;
    }
    if (r != VQD_EMPTY)
        stop(n, r);
}

bool vnet_nic_send(struct vnet_nic *n, const uint8_t *frame, uint32_t len)
{
    if (n->broken || len < 14 || len > VNET_FRAME_MAX)
        return false;
    reclaim_tx(n);
    unsigned i = 0;
    while (i < VNET_BUFS && n->tx_busy[i])
        i++;
    if (i == VNET_BUFS || n->broken) {
        n->tx_full += !n->broken;
        return false;
    }
    memset(va(n, hdr_off(1, i)), 0, n->hdr_len); /* no checksum offload, no GSO */
    memcpy(va(n, buf_off(1, i)), frame, len);
    struct vqd_buf b[2] = {{n->dma.pa + hdr_off(1, i), n->hdr_len},
                           {n->dma.pa + buf_off(1, i), len}};
    if (vqd_add(&n->tx, b, 2, 0, (void *)(uintptr_t)(i + 1)) != VQD_OK)
        return false;
    n->tx_busy[i] = true;
    n->tx_frames++;
    kick(n, &n->tx, 1);
    return true;
}

void vnet_nic_poll(struct vnet_nic *n, void (*deliver)(void *ctx, const uint8_t *frame,
                                                        uint32_t len),
                   void *ctx)
{
    for (unsigned round = 0; !n->broken && round < VNET_QUEUE_SIZE; round++) {
        void *token;
        uint32_t len;
        enum vqd_result r;
        bool reposted = false;
        while ((r = vqd_get_used(&n->rx, &token, &len)) == VQD_OK) {
            uintptr_t i = (uintptr_t)token - 1; /* one of ours: vqd checked it was in flight */
            if (len < n->hdr_len + 14 || len > n->hdr_len + VNET_FRAME_MAX)
                n->rx_bad++;
            else {
                n->rx_frames++;
                deliver(ctx, va(n, buf_off(0, (unsigned)i)), len - n->hdr_len);
            }
            if (post_rx(n, (unsigned)i) != VQD_OK) {
                stop(n, VQD_BROKEN);
                return;
            }
            reposted = true;
        }
        if (r != VQD_EMPTY) {
            stop(n, r);
            return;
        }
        if (reposted)
            kick(n, &n->rx, 0);
        reclaim_tx(n);
        /* Armed for the next interrupt; a frame that came meanwhile is taken now. */
        if (!vqd_arm(&n->rx))
            return;
    }
}

enum virtio_drv_error vnet_nic_init(struct vnet_nic *n, struct virtio_transport *t,
                                    const struct virtio_dma *dma)
{
    memset(n, 0, sizeof(*n));
    n->t = t;
    n->dma = *dma;
    if (t->device_id != VIRTIO_ID_NET)
        return VIRTIO_DRV_WRONG_DEVICE;
    if (dma->size < VNET_DMA_BYTES || dma->pa % 4096 != 0)
        return VIRTIO_DRV_QUEUE_MEMORY;
    enum virtio_drv_error e = virtio_drv_negotiate(t, VIRTIO_BIT(VIRTIO_NET_F_MAC), 0);
    n->hdr_len = t->legacy ? VIRTIO_NET_HDR_SIZE_LEGACY : VIRTIO_NET_HDR_SIZE;
    if (e == VIRTIO_DRV_OK && (t->features & VIRTIO_BIT(VIRTIO_NET_F_MAC)))
        e = virtio_drv_config_read(t, VIRTIO_NET_CFG_MAC, n->mac, sizeof(n->mac));
    if (e == VIRTIO_DRV_OK) {
        struct virtio_dma rings = {dma->va, dma->pa, VNET_RINGS_BYTES};
        e = virtio_drv_queue_setup(t, 0, VNET_QUEUE_SIZE, &rings, n->rx_slots, &n->rx);
    }
    if (e == VIRTIO_DRV_OK) {
        struct virtio_dma rings = {(uint8_t *)dma->va + VNET_RINGS_BYTES,
                                   dma->pa + VNET_RINGS_BYTES, VNET_RINGS_BYTES};
        e = virtio_drv_queue_setup(t, 1, VNET_QUEUE_SIZE, &rings, n->tx_slots, &n->tx);
    }
    /* Queues the device offers smaller than ours hold fewer buffers: post what fits. */
    for (unsigned i = 0; e == VIRTIO_DRV_OK && i < VNET_BUFS && i < n->rx.size / 2u; i++)
        if (post_rx(n, i) != VQD_OK)
            e = VIRTIO_DRV_QUEUE_MEMORY;
    if (e == VIRTIO_DRV_OK && n->tx.size < 2)
        e = VIRTIO_DRV_QUEUE_MEMORY;
    if (e == VIRTIO_DRV_OK)
        e = virtio_drv_ready(t);
    if (e != VIRTIO_DRV_OK) {
        virtio_drv_fail(t);
        return e;
    }
    (void)vqd_arm(&n->rx);
    n->t->ops->notify(n->t, 0); /* the receive buffers are there */
    return VIRTIO_DRV_OK;
}
