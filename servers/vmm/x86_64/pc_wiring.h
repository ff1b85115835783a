/* The PC's fixed wiring inside the x86_64 VMM: the virtio-mmio slots in the device window,
 * which ISA IRQ or IOAPIC pin each device model drives, and COM1's ports. Where RAM and the
 * boot data lie is the image builder's business too: hv/proto/guest_layout_x86_64.h.
 * docs/vmm-x86.md draws both. */
#pragma once

#include <hv/proto/guest_layout_x86_64.h>

/* virtio-mmio slots, each 0x200 bytes, on IOAPIC GSI 16 + n (level, active high). */
#define X86_VIRTIO_MMIO_BASE HV_X86_GUEST_VIRTIO_MMIO
#define X86_VIRTIO_MMIO_SIZE 0x200ull
#define X86_VIRTIO_MMIO_SLOTS 8u
#define X86_VIRTIO_GSI_BASE 16u
#define X86_VIRTIO_SLOT_BLK 0u /* the partition's disk, when the partition table gives one */
#define X86_VIRTIO_SLOT_NET 1u /* its network port, when the partition table gives one */
#define X86_VIRTIO_SLOT_KBD 2u /* its virtio-input keyboard, with HV_PT_UI_KEYBOARD */

/* ISA interrupt lines. */
#define X86_IRQ_PIT 0u
#define X86_IRQ_COM1 4u
#define X86_IRQ_SCI 9u
#define X86_GSI_PIT 2u /* IRQ0 arrives at IOAPIC pin 2 (MADT interrupt source override) */

#define X86_COM1_PORT 0x3f8u
