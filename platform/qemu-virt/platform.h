/* QEMU `virt` (AArch64): the physical addresses and interrupt numbers Duet relies on. */
#pragma once

#define PLAT_RAM_BASE 0x40000000ull       /* QEMU puts the DTB here for an ELF -kernel */
#define PLAT_DTB_MAX_SIZE 0x100000ull     /* QEMU's limit for the generated DTB (1 MiB) */
#define PLAT_DEVICE_BASE 0x0ull           /* everything below RAM is device space */
#define PLAT_DEVICE_SIZE 0x40000000ull

#define PLAT_UART_BASE 0x09000000ull      /* PL011: the console server's, the kernel writes too */
#define PLAT_UART_SIZE 0x1000ull
#define PLAT_RTC_BASE 0x09010000ull       /* PL031: not the kernel's, handed to the root task */
#define PLAT_RTC_SIZE 0x1000ull
#define PLAT_FW_CFG_BASE 0x09020000ull    /* QEMU's fw_cfg (MMIO, with DMA): the display server's */
#define PLAT_FW_CFG_SIZE 0x1000ull
#define PLAT_GICD_BASE 0x08000000ull      /* GICv3 distributor */
#define PLAT_GICR_BASE 0x080a0000ull      /* redistributor of CPU 0 (RD_base) */
#define PLAT_GICR_STRIDE 0x20000ull       /* RD_base + SGI_base frames per CPU */

#define PLAT_IRQ_HYP_TIMER 26             /* PPI: EL2 physical timer (CNTHP) */
#define PLAT_IRQ_VIRT_TIMER 27            /* PPI: EL1 virtual timer (CNTV) */
#define PLAT_IRQ_UART 33                  /* SPI 1 */
#define PLAT_IRQ_RTC 34                   /* SPI 2 */
/* The 32 virtio-mmio transports (0x200 bytes each, slot n at BASE + n * 0x200, SPI 16 + n, i.e.
 * INTID 48 + n): handed to the root task as device memory for the device servers. */
#define PLAT_VIRTIO_MMIO_BASE 0x0a000000ull
#define PLAT_VIRTIO_MMIO_SIZE 0x4000ull
#define PLAT_VIRTIO_MMIO_STRIDE 0x200ull
#define PLAT_VIRTIO_MMIO_SLOTS 32u
#define PLAT_IRQ_VIRTIO_MMIO0 48u
