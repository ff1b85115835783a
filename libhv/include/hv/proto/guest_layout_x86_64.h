/* The guest-physical map of an x86_64 partition: a minimal PC (QEMU's microvm and Firecracker
 * in spirit) booted through Linux's 64-bit boot protocol (Documentation/arch/x86/boot.rst).
 * A protocol between the image builder (tools/mkimage: where the setup header, kernel,
 * initramfs and command line are loaded) and the VMM (servers/vmm/x86_64: the zero page, boot
 * tables and ACPI tables it writes around them, the devices it models in the window). Where
 * each device sits in that window is the VMM's alone (servers/vmm/x86_64/pc_wiring.h).
 * docs/manifest.md, "Guest load layout"; docs/vmm-x86.md, "What the guest sees". */
#pragma once

/* RAM is [0, size), less the reserved areas below 1 MiB, and ends below the device window. */
#define HV_X86_GUEST_RAM_GPA 0x0ull
#define HV_X86_GUEST_ZERO_PAGE 0x7000ull    /* struct boot_params */
#define HV_X86_GUEST_BOOT_SCRATCH 0x8000ull /* the VMM's boot GDT and identity page tables */
#define HV_X86_GUEST_BOOT_SCRATCH_SIZE 0x18000ull
#define HV_X86_GUEST_CMDLINE 0x20000ull /* the kernel command line, NUL-terminated */
#define HV_X86_GUEST_EBDA 0x9fc00ull    /* reserved from here to 1 MiB */
#define HV_X86_GUEST_ACPI 0xe0000ull    /* ACPI tables; the BIOS-area scan finds the RSDP */
#define HV_X86_GUEST_ACPI_SIZE 0x20000ull
#define HV_X86_GUEST_HIGH_RAM 0x100000ull  /* the kernel loads above this */
#define HV_X86_GUEST_DEVICES 0xc0000000ull /* [this, 4 GiB): the device window */
#define HV_X86_GUEST_DEVICES_END 0x100000000ull
#define HV_X86_GUEST_VIRTIO_MMIO 0xd0000000ull /* the virtio-mmio slots' page (8 of 0x200) */
