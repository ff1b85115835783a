/* The I/O APIC model: pins are sampled when they change, when unmasked and on EOI, and a
 * message goes to the LAPIC through the deliver callback. */
#include "x86_64/devices/ioapic.h"

#include <hv/bits.h>
#include <hv/string.h>

void ioapic_init(struct ioapic *io, uint8_t id, ioapic_deliver_fn *deliver, void *ctx)
{
    memset(io, 0, sizeof(*io));
    io->id = id & 0x0f;
    /* Reset: every pin masked (datasheet: "mask bit set at reset"). */
    for (unsigned i = 0; i < IOAPIC_PINS; i++)
        io->rte[i] = IOAPIC_RTE_MASKED;
    io->deliver = deliver;
    io->ctx = ctx;
}

/* Whether pin i is asserted (its electrical level through its polarity). */
static bool pin_asserted(const struct ioapic *io, unsigned i)
{
    bool level = io->lines & (1u << i);
    return (io->rte[i] & IOAPIC_RTE_POLARITY_LOW) ? !level : level;
}

static void pin_send(struct ioapic *io, unsigned i)
{
    uint64_t rte = io->rte[i];
    struct apic_msg m = {
        .vector = (uint8_t)(rte & IOAPIC_RTE_VECTOR),
        .delivery = (uint8_t)((rte >> IOAPIC_RTE_DELMODE_SHIFT) & 7),
        .logical = rte & IOAPIC_RTE_DESTMODE,
        .level = rte & IOAPIC_RTE_LEVEL,
        .dest = (uint32_t)(rte >> IOAPIC_RTE_DEST_SHIFT),
    };
    if (m.level)
        io->rte[i] |= IOAPIC_RTE_REMOTE_IRR; /* until the EOI comes back */
    if (io->deliver)
        io->deliver(io->ctx, &m);
}

/* A level pin that is asserted, unmasked and not awaiting an EOI sends (again). */
static void level_service(struct ioapic *io, unsigned i)
{
    uint64_t rte = io->rte[i];
    if ((rte & IOAPIC_RTE_LEVEL) && !(rte & (IOAPIC_RTE_MASKED | IOAPIC_RTE_REMOTE_IRR)) &&
        pin_asserted(io, i))
        pin_send(io, i);
}

void ioapic_set_pin(struct ioapic *io, unsigned pin, bool level)
{
    if (pin >= IOAPIC_PINS)
        return;
    bool before = pin_asserted(io, pin);
    if (level)
        io->lines |= 1u << pin;
    else
        io->lines &= ~(1u << pin);
    bool now = pin_asserted(io, pin);
    uint64_t rte = io->rte[pin];
    if (rte & IOAPIC_RTE_LEVEL)
        level_service(io, pin);
    else if (now && !before && !(rte & IOAPIC_RTE_MASKED))
        pin_send(io, pin); /* an edge while masked is lost, as on the chip */
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
    for (unsigned i = 0; i < IOAPIC_PINS; i++) {
        if ((io->rte[i] & IOAPIC_RTE_VECTOR) != vector || !(io->rte[i] & IOAPIC_RTE_REMOTE_IRR))
            continue;
        io->rte[i] &= ~IOAPIC_RTE_REMOTE_IRR;
        level_service(io, i);
    }
}

static uint32_t reg_read(const struct ioapic *io, uint8_t reg)
{
    switch (reg) {
    case IOAPIC_REG_ID:
    case IOAPIC_REG_ARB:
        return (uint32_t)io->id << 24;
    case IOAPIC_REG_VER:
        return (IOAPIC_PINS - 1) << 16 | IOAPIC_VERSION;
    default:
        if (reg >= IOAPIC_REG_REDTBL && reg < IOAPIC_REG_REDTBL + 2 * IOAPIC_PINS) {
            unsigned i = (reg - IOAPIC_REG_REDTBL) / 2;
            return (reg & 1) ? (uint32_t)(io->rte[i] >> 32) : (uint32_t)io->rte[i];
        }
        return 0xffffffffu; /* no register there */
    }
}

static void rte_write(struct ioapic *io, unsigned i, bool high, uint32_t v)
{
    uint64_t old = io->rte[i];
    uint64_t val =
        high ? ((uint64_t)v << 32 | (old & 0xffffffffull)) : ((old & 0xffffffff00000000ull) | v);
    uint64_t rte = (old & ~IOAPIC_RTE_WRITABLE) | (val & IOAPIC_RTE_WRITABLE);
    /* Remote IRR means nothing for an edge pin: switching to edge clears it. Linux's EOI for
     * IOAPICs without an EOI register (version < 0x20) relies on exactly this. */
    if (!(rte & IOAPIC_RTE_LEVEL))
        rte &= ~IOAPIC_RTE_REMOTE_IRR;
    io->rte[i] = rte;
    level_service(io, i); /* unmasking an asserted level pin delivers it */
}

static void reg_write(struct ioapic *io, uint8_t reg, uint32_t v)
{
    if (reg == IOAPIC_REG_ID) {
        io->id = (v >> 24) & 0x0f;
        return;
    }
    if (reg >= IOAPIC_REG_REDTBL && reg < IOAPIC_REG_REDTBL + 2 * IOAPIC_PINS)
        rte_write(io, (reg - IOAPIC_REG_REDTBL) / 2, reg & 1, v);
    /* VER and ARB are read only; other indices do not exist. */
}

bool ioapic_mmio_read(struct ioapic *io, uint64_t offset, unsigned size, uint64_t *value)
{
    *value = hv_size_mask(size);
    if (size != 4)
        return false;
    if (offset == IOAPIC_IOREGSEL)
        *value = io->regsel;
    else if (offset == IOAPIC_IOWIN)
        *value = reg_read(io, io->regsel);
    else
        return false;
    return true;
}

bool ioapic_mmio_write(struct ioapic *io, uint64_t offset, unsigned size, uint64_t value)
{
    if (size != 4)
        return false;
    if (offset == IOAPIC_IOREGSEL)
        io->regsel = (uint8_t)value;
    else if (offset == IOAPIC_IOWIN)
        reg_write(io, io->regsel, (uint32_t)value);
    else
        return false;
    return true;
}
