/* The physical virtio keyboard (AArch64's virtio-keyboard-device, DeviceID 18) behind any
 * virtio transport, driven with libhv's driver side: its event queue kept full of the server's
 * own 8-byte buffers, each event checked (virtio_input_event_decode) before anyone acts on it.
 * The device never sees anything but those buffers. */
#pragma once

#include "key_event.h"
#include <hv/virtio/virtio_transport.h>
#include <hv/virtio/vq_driver.h>

#define VKBD_QUEUE_SIZE 64u
#define VKBD_RINGS_BYTES 0x4000u /* a legacy layout of 64 entries fits in 8 KiB */
#define VKBD_DMA_BYTES (VKBD_RINGS_BYTES + VKBD_QUEUE_SIZE * 8u)

struct vinput_kbd {
    struct virtio_transport *t;
    struct virtio_dma dma;
    struct vqd eventq;
    struct vqd_slot slots[VKBD_QUEUE_SIZE];
    bool broken; /* the device broke a queue rule: it is stopped */
    enum vqd_result why;
    uint64_t events, bad, short_events;
};

/* Brings the device up (no features asked, queue 0 filled with buffers, DRIVER_OK) in dma
 * (VKBD_DMA_BYTES at least, page aligned). */
enum virtio_drv_error vinput_kbd_init(struct vinput_kbd *k, struct virtio_transport *t,
                                      const struct virtio_dma *dma);

/* After the device's interrupt (acknowledged by the caller): every key event the device wrote
 * to key() in order, the buffers given back, and the next interrupt asked for. */
void vinput_kbd_poll(struct vinput_kbd *k, void (*key)(struct key_event ev));
