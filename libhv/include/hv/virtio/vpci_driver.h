/* The driver side of virtio over PCI, modern interface (§4.1): finds the common, notify, ISR
 * and device configuration structures by walking the function's vendor capabilities. */
#pragma once

#include <hv/virtio/virtio_drv_io.h>
#include <hv/virtio/virtio_transport.h>

/* PCI configuration space (PCI Local Bus 3.0, type 0 header). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_COMMAND_MEMORY 0x0002u
#define PCI_COMMAND_MASTER 0x0004u
#define PCI_COMMAND_INTX_DISABLE 0x0400u
#define PCI_STATUS_CAP_LIST 0x0010u
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CONFIG_SPACE 256u /* conventional config space: capabilities live here */

/* §4.1.4 virtio structure PCI capabilities. */
#define VIRTIO_PCI_VENDOR 0x1af4u
#define VIRTIO_PCI_DEVICE_MODERN 0x1040u       /* + device type */
#define VIRTIO_PCI_DEVICE_TRANSITIONAL 0x1000u /* 0x1000..0x103f: type in the subsystem id */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG 5
/* struct virtio_pci_cap: cap_vndr, cap_next, cap_len, cfg_type, bar, id, pad[2], le32 offset,
 * le32 length; the notify capability adds le32 notify_off_multiplier. */
#define VIRTIO_PCI_CAP_CFG_TYPE 3
#define VIRTIO_PCI_CAP_BAR 4
#define VIRTIO_PCI_CAP_OFFSET 8
#define VIRTIO_PCI_CAP_LENGTH 12
#define VIRTIO_PCI_CAP_SIZE 16u
#define VIRTIO_PCI_NOTIFY_MULTIPLIER 16
#define VIRTIO_PCI_NOTIFY_CAP_SIZE 20u

/* §4.1.4.3 struct virtio_pci_common_cfg field offsets. */
#define VIRTIO_PCI_COMMON_DFSELECT 0x00
#define VIRTIO_PCI_COMMON_DF 0x04
#define VIRTIO_PCI_COMMON_GFSELECT 0x08
#define VIRTIO_PCI_COMMON_GF 0x0c
#define VIRTIO_PCI_COMMON_MSIX 0x10
#define VIRTIO_PCI_COMMON_NUMQ 0x12
#define VIRTIO_PCI_COMMON_STATUS 0x14
#define VIRTIO_PCI_COMMON_CFGGENERATION 0x15
#define VIRTIO_PCI_COMMON_Q_SELECT 0x16
#define VIRTIO_PCI_COMMON_Q_SIZE 0x18
#define VIRTIO_PCI_COMMON_Q_MSIX 0x1a
#define VIRTIO_PCI_COMMON_Q_ENABLE 0x1c
#define VIRTIO_PCI_COMMON_Q_NOFF 0x1e
#define VIRTIO_PCI_COMMON_Q_DESCLO 0x20
#define VIRTIO_PCI_COMMON_Q_AVAILLO 0x28
#define VIRTIO_PCI_COMMON_Q_USEDLO 0x30
#define VIRTIO_PCI_COMMON_CFG_SIZE 0x38u /* up to queue_device: all a 1.0 driver needs */
#define VIRTIO_MSI_NO_VECTOR 0xffffu

/* Capabilities walked before the list is called a loop (48 fit in 192 bytes of 4). */
#define VPCI_MAX_CAPS 48u
/* Queues whose notify address the driver keeps. */
#define VPCI_MAX_QUEUES 8u

/* A BAR the bus owner (the root task) mapped for the server (regs.read NULL: not mapped), and its size. */
struct vpci_bar {
    struct virtio_regs regs;
    uint64_t size;
};

/* One virtio structure: which BAR, where in it, how long. */
struct vpci_region {
    uint8_t bar;
    uint32_t offset;
    uint32_t length;
};

struct vpci_drv {
    struct virtio_transport t; /* first: the transport ops get the driver back from it */
    struct virtio_regs cfg;    /* the function's configuration space */
    struct vpci_bar bars[6];
    struct vpci_region common, notify, isr, device;
    uint32_t notify_multiplier;
    uint16_t num_queues;
    uint32_t queue_notify[VPCI_MAX_QUEUES]; /* offset in the notify region, per queue */
};

/*
 * Checks the function (vendor 0x1af4, a modern or transitional device id), walks its
 * capability list and validates the four structures against the mapped BARs (every
 * structure inside its BAR; common config at least 0x38 bytes), then turns on memory
 * decoding and bus mastering in the command register. expect_id 0 accepts any type.
 */
enum virtio_drv_error vpci_drv_probe(struct vpci_drv *d, const struct virtio_regs *cfg,
                                     const struct vpci_bar bars[6], uint32_t expect_id);
