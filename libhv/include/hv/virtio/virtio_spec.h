/* Constants and wire layouts from the virtio 1.x specification, named as the spec names them. */
#pragma once

#include <stdint.h>

/* §2.1 Device Status Field. */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01u
#define VIRTIO_STATUS_DRIVER 0x02u
#define VIRTIO_STATUS_DRIVER_OK 0x04u
#define VIRTIO_STATUS_FEATURES_OK 0x08u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40u
#define VIRTIO_STATUS_FAILED 0x80u

/* §6 Reserved Feature Bits (bit numbers). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_PACKED 34
#define VIRTIO_F_IN_ORDER 35
#define VIRTIO_F_ORDER_PLATFORM 36
#define VIRTIO_F_SR_IOV 37
#define VIRTIO_F_NOTIFICATION_DATA 38
#define VIRTIO_F_NOTIF_CONFIG_DATA 39
#define VIRTIO_F_RING_RESET 40

#define VIRTIO_BIT(n) (UINT64_C(1) << (n))

/* §2.7 Split virtqueue: the largest queue size a split ring may have. */
#define VIRTQ_MAX_SIZE 32768u

/* §2.7.5 The Virtqueue Descriptor Table. */
#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_DESC_F_INDIRECT 4u

/* §2.7.6 The Virtqueue Available Ring. */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u

/* §2.7.8 The Virtqueue Used Ring. */
#define VIRTQ_USED_F_NO_NOTIFY 1u

/*
 * Wire layouts (all fields little-endian). Documented here as sizes and offsets rather
 * than C structs because guest memory is read through copies, never through pointers
 * to these types.
 *
 * struct virtq_desc  { le64 addr; le32 len; le16 flags; le16 next; }            16 bytes
 * struct virtq_avail { le16 flags; le16 idx; le16 ring[N]; le16 used_event; }
 * struct virtq_used  { le16 flags; le16 idx; struct { le32 id; le32 len; } ring[N];
 *                      le16 avail_event; }
 */
#define VIRTQ_DESC_SIZE 16u
#define VIRTQ_DESC_ALIGN 16u
#define VIRTQ_AVAIL_ALIGN 2u
#define VIRTQ_USED_ALIGN 4u
#define VIRTQ_AVAIL_SIZE(n) (4u + 2u * (uint64_t)(n) + 2u)
#define VIRTQ_USED_SIZE(n) (4u + 8u * (uint64_t)(n) + 2u)

/* §4.2.2 MMIO Device Register Layout (version 2, no legacy registers). */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_SHM_SEL 0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW 0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH 0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW 0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH 0x0bc
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100

/* Largest device-specific configuration space that fits in a 4 KiB register window. */
#define VIRTIO_MMIO_CONFIG_MAX (0x1000u - VIRTIO_MMIO_CONFIG)

#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt" */
#define VIRTIO_MMIO_VERSION_2 2u

/* §4.2.2 InterruptStatus bits. */
#define VIRTIO_MMIO_INT_VRING 1u  /* Used Buffer Notification */
#define VIRTIO_MMIO_INT_CONFIG 2u /* Configuration Change Notification */

/* §5 Device Types (the ones Duet's servers implement). */
#define VIRTIO_ID_NET 1u
#define VIRTIO_ID_BLOCK 2u
#define VIRTIO_ID_CONSOLE 3u
#define VIRTIO_ID_INPUT 18u
