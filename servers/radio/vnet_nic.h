/* The radio server's physical NIC: a virtio-net device behind any virtio transport (mmio on
 * AArch64, pci on x86_64), driven with libhv's driver side. Frames only, no offloads: a receive
 * queue kept full of the server's own buffers, a transmit queue of copies. The device never
 * sees a guest's memory. */
#pragma once

#include <hv/virtio/virtio_transport.h>
#include <hv/virtio/vq_driver.h>

#define VNET_QUEUE_SIZE 64u /* two descriptors a buffer (header, frame): 32 buffers a queue */
#define VNET_BUFS (VNET_QUEUE_SIZE / 2)
#define VNET_FRAME_MAX 1514u /* an Ethernet frame without FCS, no VLAN tag: no jumbo frames */
#define VNET_BUF_BYTES 2048u
#define VNET_RINGS_BYTES 0x4000u /* per queue: a legacy layout of 64 entries fits in 8 KiB */
#define VNET_HDRS_BYTES 0x1000u
/* DMA memory a vnet_nic needs: two queues' rings, headers, the buffers of both queues. */
#define VNET_DMA_BYTES (2 * VNET_RINGS_BYTES + VNET_HDRS_BYTES + 2ull * VNET_BUFS * VNET_BUF_BYTES)

struct vnet_nic {
    struct virtio_transport *t;
    struct virtio_dma dma;
    struct vqd rx, tx;
    struct vqd_slot rx_slots[VNET_QUEUE_SIZE], tx_slots[VNET_QUEUE_SIZE];
    bool tx_busy[VNET_BUFS];
    unsigned hdr_len;  /* struct virtio_net_hdr: 10 bytes legacy, 12 with VERSION_1 */
    uint8_t mac[6];    /* the device's, or 0 if it has none (no VIRTIO_NET_F_MAC) */
    bool broken;       /* the device lied: no frame goes in or out from now on */
    enum vqd_result why;
    uint64_t rx_frames, tx_frames, rx_bad, tx_full, kicks;
};

/* Brings the device up (features, MAC, queues 0 and 1, receive buffers, DRIVER_OK) in dma
 * (VNET_DMA_BYTES, page aligned). */
enum virtio_drv_error vnet_nic_init(struct vnet_nic *n, struct virtio_transport *t,
                                    const struct virtio_dma *dma);

/* Sends one frame (14..VNET_FRAME_MAX bytes) by copy. False if it is malformed, the device is
 * broken, or all transmit buffers are in flight (counted in tx_full: the caller drops it). */
bool vnet_nic_send(struct vnet_nic *n, const uint8_t *frame, uint32_t len);

/* After the device's interrupt (acknowledged by the caller): hands every received frame to
 * deliver (which must copy what it keeps: the buffer goes back to the device), reposts the
 * buffers, takes back sent ones, and asks for the next interrupt. */
void vnet_nic_poll(struct vnet_nic *n, void (*deliver)(void *ctx, const uint8_t *frame,
                                                        uint32_t len),
                   void *ctx);
