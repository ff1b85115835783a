/* An 82093AA-style I/O APIC (version 0x11, 24 pins) at 0xfec0_0000: IOREGSEL/IOWIN, ID,
 * VER, ARB and the redirection table, edge and level pins with remote IRR, EOI from the
 * LAPIC's broadcast. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define IOAPIC_BASE 0xfec00000ull
#define IOAPIC_SIZE 0x1000ull
#define IOAPIC_PINS 24
#define IOAPIC_VERSION 0x11

enum {
    IOAPIC_IOREGSEL = 0x00,
    IOAPIC_IOWIN = 0x10,
};
enum {
    IOAPIC_REG_ID = 0x00,
    IOAPIC_REG_VER = 0x01,
    IOAPIC_REG_ARB = 0x02,
    IOAPIC_REG_REDTBL = 0x10, /* two registers per pin: low then high */
};

/* Redirection entry fields (82093AA datasheet 3.2.4). */
#define IOAPIC_RTE_VECTOR 0xffull
#define IOAPIC_RTE_DELMODE_SHIFT 8
#define IOAPIC_RTE_DESTMODE (1ull << 11)
#define IOAPIC_RTE_DELIVS (1ull << 12) /* read only */
#define IOAPIC_RTE_POLARITY_LOW (1ull << 13)
#define IOAPIC_RTE_REMOTE_IRR (1ull << 14) /* read only */
#define IOAPIC_RTE_LEVEL (1ull << 15)
#define IOAPIC_RTE_MASKED (1ull << 16)
#define IOAPIC_RTE_DEST_SHIFT 56
/* Bits software may write: everything but delivery status, remote IRR and reserved ones. */
#define IOAPIC_RTE_WRITABLE                                                                        \
    (0xff000000000000ffull | 0x7ull << 8 | IOAPIC_RTE_DESTMODE | IOAPIC_RTE_POLARITY_LOW |         \
     IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED)

/* Delivery modes (3 bits). */
enum apic_delivery {
    APIC_DM_FIXED = 0,
    APIC_DM_LOWEST = 1,
    APIC_DM_SMI = 2,
    APIC_DM_NMI = 4,
    APIC_DM_INIT = 5,
    APIC_DM_STARTUP = 6,
    APIC_DM_EXTINT = 7,
};

/* An interrupt message on the APIC bus, from the IOAPIC (or a LAPIC's ICR). */
struct apic_msg {
    uint8_t vector;
    uint8_t delivery; /* enum apic_delivery */
    bool logical;     /* destination mode */
    bool level;       /* level-triggered: the LAPIC sets TMR and EOIs back */
    uint32_t dest;
};

typedef void ioapic_deliver_fn(void *ctx, const struct apic_msg *msg);

struct ioapic {
    uint8_t id;
    uint8_t regsel;
    uint64_t rte[IOAPIC_PINS];
    uint32_t lines; /* input pin levels (electrical, before polarity) */
    ioapic_deliver_fn *deliver;
    void *ctx;
};

void ioapic_init(struct ioapic *io, uint8_t id, ioapic_deliver_fn *deliver, void *ctx);
/* MMIO at offset from IOAPIC_BASE. Only 32-bit accesses to IOREGSEL and IOWIN mean
 * anything (datasheet); others read all ones and are ignored. Returns false for them so the
 * caller can log. */
bool ioapic_mmio_read(struct ioapic *io, uint64_t offset, unsigned size, uint64_t *value);
bool ioapic_mmio_write(struct ioapic *io, uint64_t offset, unsigned size, uint64_t value);
/* Drives pin 0..23 to an electrical level; others are ignored. */
void ioapic_set_pin(struct ioapic *io, unsigned pin, bool level);
/* The LAPIC broadcast an EOI for a level-triggered vector: clear remote IRR there. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);
