/* The driver side of the virtio-mmio transport, legacy version 1 (QEMU virt's default) and
 * version 2 (§4.2.2, §4.2.4): a device server driving a physical virtio-mmio device. */
#pragma once

#include <hv/virtio/virtio_drv_io.h>
#include <hv/virtio/virtio_transport.h>

/* §4.2.4 Legacy interface registers (version 1 only). */
#define VIRTIO_MMIO_LEGACY_GUEST_PAGE_SIZE 0x028
#define VIRTIO_MMIO_LEGACY_QUEUE_ALIGN 0x03c
#define VIRTIO_MMIO_LEGACY_QUEUE_PFN 0x040
#define VIRTIO_MMIO_VERSION_LEGACY 1u
/* The page size the driver tells a legacy device; queue addresses are in these units. */
#define VIRTIO_MMIO_LEGACY_PAGE 4096u

/* QEMU's virtio-mmio windows are 0x200 bytes: 0x100 of registers, 0x100 of config. */
#define VIRTIO_MMIO_WINDOW_MIN 0x200u

struct vmmio_drv {
    struct virtio_transport t; /* first: the transport ops get the driver back from it */
    struct virtio_regs regs;
    uint32_t version;
    uint32_t window; /* bytes of the register window the server mapped */
};

/*
 * Checks what is at regs: MagicValue, Version 1 or 2, a non-zero DeviceID (0 is an empty
 * slot). expect_id 0 accepts any device type. window is the mapped size (>= 0x200).
 */
enum virtio_drv_error vmmio_drv_probe(struct vmmio_drv *d, const struct virtio_regs *regs,
                                      uint32_t window, uint32_t expect_id);
