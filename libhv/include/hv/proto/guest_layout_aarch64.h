/* The guest-physical map of an AArch64 partition, QEMU virt's, so that an image booting on
 * `qemu-system-aarch64 -M virt` boots here. A protocol between the image builder
 * (tools/mkimage: load addresses and the device tree it writes) and the VMM
 * (servers/vmm/aarch64: the devices it models at the addresses that tree names).
 * docs/manifest.md, "Guest load layout"; docs/vmm.md, "What a guest sees (AArch64)". */
#pragma once

/* Devices below 1 GiB; RAM from 1 GiB (a manifest's memory-base may move it up) to the 40-bit
 * IPA limit of the cortex-a76 the device tree names. */
#define HV_A64_GUEST_DEVICES_END 0x40000000ull
#define HV_A64_GUEST_RAM_GPA 0x40000000ull
#define HV_A64_GUEST_IPA_LIMIT (1ull << 40)

/* booting.rst: the DTB must not share its 2 MiB block with anything mapped otherwise, so it
 * sits alone in the last 2 MiB of RAM; the initramfs ends just below it. */
#define HV_A64_GUEST_DTB_BLOCK 0x200000ull

/* The GICv3: the distributor, then one redistributor (RD_base and SGI_base frames) per vcpu. */
#define HV_A64_GUEST_GICD 0x08000000ull
#define HV_A64_GUEST_GICD_SIZE 0x10000ull
#define HV_A64_GUEST_GICR 0x080a0000ull
#define HV_A64_GUEST_GICR_STRIDE 0x20000ull

/* The PL011 UART, on SPI 1 (INTID 33), level-high. */
#define HV_A64_GUEST_UART 0x09000000ull
#define HV_A64_GUEST_UART_SIZE 0x1000ull
#define HV_A64_GUEST_UART_SPI 1u

/* virtio-mmio transports as QEMU virt places them: slot n at 0x0a00_0000 + 0x200·n on SPI
 * 16 + n (INTID 48 + n), edge-triggered. The VMM puts a partition's virtio-blk device (when the
 * partition table gives it a disk) in slot HV_A64_GUEST_VIRTIO_SLOT_BLK, and the device tree
 * names it there. */
#define HV_A64_GUEST_VIRTIO_MMIO 0x0a000000ull
#define HV_A64_GUEST_VIRTIO_MMIO_SIZE 0x200ull
#define HV_A64_GUEST_VIRTIO_MMIO_SLOTS 32u
#define HV_A64_GUEST_VIRTIO_SPI 16u
#define HV_A64_GUEST_VIRTIO_SLOT_BLK 0u
#define HV_A64_GUEST_VIRTIO_SLOT_NET 1u /* its virtio-net device, when it has a network port */
#define HV_A64_GUEST_VIRTIO_SLOT_KBD 2u /* its virtio-input keyboard, with HV_PT_UI_KEYBOARD */
