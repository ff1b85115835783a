/* The GICv3 of QEMU virt as a test guest drives it: the distributor, the first CPU's
 * redistributor, and the system-register CPU interface (GICv3 spec IHI 0069). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_PIDR2 0xffe8
#define GICR_WAKER 0x0014
#define GICR_PIDR2 0xffe8
#define GICR_SGI 0x10000 /* the SGI_base frame follows RD_base */
#define GICR_IGROUPR0 (GICR_SGI + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI + 0x0180)
#define GICR_ISPENDR0 (GICR_SGI + 0x0200)
#define GICR_ICPENDR0 (GICR_SGI + 0x0280)
#define GICR_IPRIORITYR(n) (GICR_SGI + 0x0400 + (n))
#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)

/* The architected PPIs of the generic timer (Arm BSA; QEMU virt's DT says the same). */
#define INTID_PTIMER 30
#define INTID_VTIMER 27

uint32_t gicd_read(uint32_t off);
uint32_t gicr_read(uint32_t off);
void gicr_write(uint32_t off, uint32_t v);

/* Distributor on (group 1, affinity routing), every SGI/PPI in group 1 at priority 0x80, the
 * CPU interface on with the priority mask open. With wake: ProcessorSleep cleared first (what
 * Linux does); without, GICR_WAKER is left alone. */
void gic_init(bool wake);
void gic_enable(unsigned intid, bool on);
/* An SGI to this CPU (ICC_SGI1R_EL1, target list bit 0, affinity 0). */
void gic_send_sgi_self(unsigned intid);
bool gic_pending(unsigned intid);
