/* The guest-physical memory map and I/O assignments of a Duet x86_64 partition: a minimal
 * PC in the spirit of QEMU's microvm and Firecracker. docs/vmm-x86.md draws it. */
#pragma once

/* Real-mode area below 1 MiB. */
#define X86_GDT_GPA 0x500ull        /* boot GDT (4 entries) */
#define X86_ZERO_PAGE_GPA 0x7000ull /* struct boot_params */
#define X86_PT_GPA 0x9000ull        /* PML4, PDPT, 4 PDs: identity map of the low 4 GiB */
#define X86_PT_PAGES 6u
#define X86_BOOT_STACK_GPA 0x8ff0ull
#define X86_CMDLINE_GPA 0x20000ull
#define X86_CMDLINE_MAX 0x10000ull /* 64 KiB, below the EBDA */
#define X86_EBDA_GPA 0x9fc00ull    /* reserved from here to 1 MiB */
#define X86_ACPI_GPA 0xe0000ull    /* ACPI tables; the RSDP is found by the BIOS-area scan */
#define X86_ACPI_SIZE 0x20000ull
#define X86_HIGH_RAM_GPA 0x100000ull

/* RAM is [0, ram_size) minus the reserved hole above; it must end below the device window. */
#define X86_RAM_MAX 0xc0000000ull
#define X86_RAM_MIN (96ull << 20) /* Debian's bzImage needs init_size (~64 MiB) and more */

/* virtio-mmio slots, each 0x200 bytes, on IOAPIC GSI 16 + n (level, active high). */
#define X86_VIRTIO_MMIO_BASE 0xd0000000ull
#define X86_VIRTIO_MMIO_SIZE 0x200ull
#define X86_VIRTIO_MMIO_SLOTS 8u
#define X86_VIRTIO_GSI_BASE 16u

/* ISA interrupt lines. */
#define X86_IRQ_PIT 0u
#define X86_IRQ_COM1 4u
#define X86_IRQ_SCI 9u
#define X86_GSI_PIT 2u /* IRQ0 arrives at IOAPIC pin 2 (MADT interrupt source override) */

#define X86_COM1_PORT 0x3f8u
