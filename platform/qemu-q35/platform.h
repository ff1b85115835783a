/* QEMU `q35` (x86_64): the I/O ports and physical addresses Duet relies on. */
#pragma once

/* Legacy I/O ports. */
#define PLAT_COM1_PORT 0x3f8       /* 16550 UART */
#define PLAT_CMOS_PORT 0x70        /* MC146818 RTC and CMOS: index; data at +1 */
#define PLAT_PIC1_PORT 0x20        /* 8259 master (command; data at +1) */
#define PLAT_PIC2_PORT 0xa0        /* 8259 slave */
#define PLAT_DEBUG_EXIT_PORT 0xf4  /* isa-debug-exit from qemu.args: status (v<<1)|1 */
#define PLAT_PCI_CONFIG_ADDR 0xcf8 /* PCI configuration mechanism #1 */
#define PLAT_PCI_CONFIG_DATA 0xcfc

/* ISA interrupts (IOAPIC inputs, identity-routed on q35 except IRQ 0, which is input 2). */
#define PLAT_IRQ_COM1 4
#define PLAT_IRQ_RTC 8             /* the CMOS RTC's periodic, alarm and update interrupt */

/* The ICH9 LPC bridge (bus 0, device 31, function 0) holds the ACPI PM I/O base. */
#define PLAT_LPC_DEVFN ((31 << 3) | 0)

/* Memory-mapped devices (physical addresses), each one 4 KiB page. */
#define PLAT_IOAPIC_BASE 0xfec00000ull
#define PLAT_HPET_BASE 0xfed00000ull
#define PLAT_LAPIC_BASE 0xfee00000ull
/* PCI Express: ECAM as SeaBIOS programs PCIEXBAR (buses 0 and 1 here: 2 MiB), and the 32-bit
 * window where it assigns BARs, [BASE, END), up to the IOAPIC. Both are handed to the root
 * task as device memory: it (not the kernel) reads configuration space and hands out BARs. */
#define PLAT_PCI_ECAM_BASE 0xb0000000ull
#define PLAT_PCI_ECAM_SIZE 0x200000ull
#define PLAT_PCI_WINDOW_BASE 0xc0000000ull
#define PLAT_PCI_WINDOW_END 0xfec00000ull
/* INTx of bus 0 slot s, pin p (0 = INTA): PIRQ (s + p) % 4 + 4, IOAPIC input 16 + PIRQ. */
#define PLAT_PCI_INTX_GSI(slot, pin) (16u + ((slot) + (pin)) % 4u + 4u)
