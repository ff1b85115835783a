/* The 8259A pair: fully nested priorities with rotation, specific and non-specific EOI,
 * automatic EOI, special mask mode, poll, and edge or level inputs per ELCR. */
#include "x86_64/devices/pic8259.h"

#include <hv/string.h>

/* Priority rank of IR n: 0 is the highest, the IR after `lowest` (datasheet "rotation"). */
static unsigned pic_rank(const struct pic_chip *c, unsigned ir)
{
    return (ir - c->lowest - 1) & 7;
}

/* The highest-priority IR set in mask, or -1. */
static int pic_highest(const struct pic_chip *c, uint8_t mask)
{
    for (unsigned r = 0; r < 8; r++) {
        unsigned ir = (c->lowest + 1 + r) & 7;
        if (mask & (1u << ir))
            return (int)ir;
    }
    return -1;
}

/* The IR this chip would present now, or -1: a request must beat everything in service (in
 * special mask mode only the masked-out in-service levels stop lower ones). */
static int pic_chip_pending(const struct pic_chip *c, bool is_master, const struct pic_pair *p)
{
    uint8_t req = c->irr & ~c->imr;
    int ir = pic_highest(c, req);
    if (ir < 0)
        return -1;
    uint8_t blocking = c->isr;
    if (c->special_mask)
        blocking &= c->imr;
    /* The cascade input in service does not block the slave's own higher requests only in
     * special fully nested mode, which PCs do not use: it blocks, like any other IR. */
    int in_service = pic_highest(c, blocking);
    if (in_service >= 0 && pic_rank(c, (unsigned)in_service) <= pic_rank(c, (unsigned)ir))
        return -1;
    return ir;
}

static void pic_update(struct pic_pair *p)
{
    /* The slave's INT output drives the master's IR2 like any other (edge or level) input. */
    bool slave_int = pic_chip_pending(&p->chip[1], false, p) >= 0;
    struct pic_chip *m = &p->chip[0];
    uint8_t bit = 1u << PIC_CASCADE_IRQ;
    if (slave_int)
        m->irr |= bit;
    else
        m->irr &= (uint8_t)~bit;
    m->lines = slave_int ? (m->lines | bit) : (m->lines & (uint8_t)~bit);
    bool level = pic_chip_pending(m, true, p) >= 0;
    if (level != p->output) {
        p->output = level;
        if (p->out)
            p->out(p->ctx, level);
    }
}

static void chip_reset(struct pic_chip *c, uint8_t elcr_mask)
{
    uint8_t elcr = c->elcr, lines = c->lines;
    memset(c, 0, sizeof(*c));
    c->elcr = elcr & elcr_mask;
    c->elcr_mask = elcr_mask;
    c->lines = lines;
    c->lowest = 7;
}

void pic_init(struct pic_pair *p, pic_output_fn *out, void *ctx)
{
    memset(p, 0, sizeof(*p));
    /* IRQ0-2 (timer, keyboard, cascade) and IRQ8/IRQ13 are edge only: their ELCR bits are
     * hardwired to 0 (Intel PIIX/ICH datasheets). */
    chip_reset(&p->chip[0], 0xf8);
    chip_reset(&p->chip[1], 0xde);
    p->out = out;
    p->ctx = ctx;
}

void pic_set_irq(struct pic_pair *p, unsigned irq, bool level)
{
    if (irq >= 16 || irq == PIC_CASCADE_IRQ)
        return;
    struct pic_chip *c = &p->chip[irq >> 3];
    uint8_t bit = 1u << (irq & 7);
    bool was = c->lines & bit;
    if (level)
        c->lines |= bit;
    else
        c->lines &= (uint8_t)~bit;
    if (c->elcr & bit) {
        /* Level: the request follows the line. */
        if (level)
            c->irr |= bit;
        else
            c->irr &= (uint8_t)~bit;
    } else if (level && !was) {
        c->irr |= bit; /* edge: a rising edge latches a request */
    }
    pic_update(p);
}

bool pic_output(const struct pic_pair *p)
{
    return p->output;
}

/* End of interrupt for IR ir on chip c, with the rotation the command asked for. */
static void chip_eoi(struct pic_chip *c, int ir, bool rotate)
{
    if (ir < 0)
        return;
    c->isr &= (uint8_t) ~(1u << ir);
    if (rotate)
        c->lowest = (uint8_t)ir;
}

static void chip_write_cmd(struct pic_pair *p, struct pic_chip *c, uint8_t v)
{
    if (v & 0x10) {
        /* ICW1: restart initialisation. */
        chip_reset(c, c->elcr_mask);
        c->icw4_needed = v & 0x01;
        c->single = v & 0x02;
        c->step = PIC_WANT_ICW2;
        /* A restart clears the edge detector: a line already high is not an edge. */
        c->irr = c->lines & c->elcr;
        return;
    }
    if (v & 0x08) {
        /* OCW3 */
        if (v & 0x04)
            c->poll = true;
        if (v & 0x02)
            c->read_isr = v & 0x01;
        if (v & 0x40)
            c->special_mask = v & 0x20;
        return;
    }
    /* OCW2: bits 7-5 are R, SL, EOI; bits 2-0 the level for the specific forms. */
    unsigned level = v & 7;
    switch (v >> 5) {
    case 1: /* non-specific EOI */
        chip_eoi(c, pic_highest(c, c->isr), false);
        break;
    case 3: /* specific EOI */
        chip_eoi(c, (int)level, false);
        break;
    case 5: /* rotate on non-specific EOI */
        chip_eoi(c, pic_highest(c, c->isr), true);
        break;
    case 4: /* set rotate in automatic EOI mode */
        c->rotate_on_aeoi = true;
        break;
    case 0: /* clear rotate in automatic EOI mode */
        c->rotate_on_aeoi = false;
        break;
    case 7: /* rotate on specific EOI */
        chip_eoi(c, (int)level, true);
        break;
    case 6: /* set priority: the level becomes the lowest */
        c->lowest = (uint8_t)level;
        break;
    default: /* 2: no operation */
        break;
    }
}

static void chip_write_data(struct pic_chip *c, uint8_t v)
{
    switch (c->step) {
    case PIC_WANT_ICW2:
        /* In 8086 mode the low three bits come from the IR number. */
        c->vector_base = v & 0xf8;
        c->step = !c->single ? PIC_WANT_ICW3 : c->icw4_needed ? PIC_WANT_ICW4 : PIC_READY;
        return;
    case PIC_WANT_ICW3:
        /* Which IR is cascaded (master) or our ID (slave): fixed by the PC's wiring. */
        c->step = c->icw4_needed ? PIC_WANT_ICW4 : PIC_READY;
        return;
    case PIC_WANT_ICW4:
        c->auto_eoi = v & 0x02;
        c->step = PIC_READY;
        return;
    case PIC_READY:
        c->imr = v; /* OCW1 */
        return;
    }
}

/* Poll command: the highest pending IR, acknowledged as by an INTA, or 0 for none. */
static uint8_t chip_poll(struct pic_pair *p, struct pic_chip *c, bool is_master)
{
    c->poll = false;
    int ir = pic_chip_pending(c, is_master, p);
    if (ir < 0)
        return 0;
    uint8_t bit = 1u << ir;
    if (!(c->elcr & bit))
        c->irr &= (uint8_t)~bit;
    if (!c->auto_eoi)
        c->isr |= bit;
    return (uint8_t)(0x80 | ir);
}

/* Which chip a port reaches: the slave answers at 0xa0/0xa1 and at the second ELCR. */
static bool port_is_master(uint16_t port)
{
    return port != PIC_SLAVE_CMD && port != PIC_SLAVE_DATA && port != PIC_ELCR_SLAVE;
}

uint8_t pic_read(struct pic_pair *p, uint16_t port)
{
    bool is_master = port_is_master(port);
    struct pic_chip *c = &p->chip[is_master ? 0 : 1];
    switch (port) {
    case PIC_MASTER_CMD:
    case PIC_SLAVE_CMD: {
        if (!c->poll)
            return c->read_isr ? c->isr : c->irr;
        uint8_t v = chip_poll(p, c, is_master);
        pic_update(p);
        return v;
    }
    case PIC_MASTER_DATA:
    case PIC_SLAVE_DATA:
        return c->imr;
    case PIC_ELCR_MASTER:
    case PIC_ELCR_SLAVE:
        return c->elcr;
    default:
        return 0xff;
    }
}

static void chip_write_elcr(struct pic_chip *c, uint8_t v)
{
    c->elcr = v & c->elcr_mask;
    /* Inputs that just became level take the line's current level as their request. */
    c->irr = (uint8_t)((c->irr & ~c->elcr) | (c->lines & c->elcr));
}

void pic_write(struct pic_pair *p, uint16_t port, uint8_t value)
{
    struct pic_chip *c = &p->chip[port_is_master(port) ? 0 : 1];
    switch (port) {
    case PIC_MASTER_CMD:
    case PIC_SLAVE_CMD:
        chip_write_cmd(p, c, value);
        break;
    case PIC_MASTER_DATA:
    case PIC_SLAVE_DATA:
        chip_write_data(c, value);
        break;
    case PIC_ELCR_MASTER:
    case PIC_ELCR_SLAVE:
        chip_write_elcr(c, value);
        break;
    default:
        return;
    }
    pic_update(p);
}

/* INTA on one chip: the IR it presents (or the spurious IR7), moved into service. */
static int chip_ack(struct pic_pair *p, struct pic_chip *c, bool is_master)
{
    int ir = pic_chip_pending(c, is_master, p);
    if (ir < 0)
        return -1;
    uint8_t bit = 1u << ir;
    if (!(c->elcr & bit))
        c->irr &= (uint8_t)~bit;
    if (c->auto_eoi) {
        if (c->rotate_on_aeoi)
            c->lowest = (uint8_t)ir;
    } else {
        c->isr |= bit;
    }
    return ir;
}

uint8_t pic_ack(struct pic_pair *p)
{
    struct pic_chip *m = &p->chip[0], *s = &p->chip[1];
    uint8_t vector;
    int ir = chip_ack(p, m, true);
    if (ir < 0) {
        /* The request went away between INTR and INTA: the datasheet's spurious IR7. */
        vector = m->vector_base | 7;
    } else if (ir == PIC_CASCADE_IRQ) {
        int sir = chip_ack(p, s, false);
        vector = s->vector_base | (uint8_t)(sir < 0 ? 7 : sir);
    } else {
        vector = m->vector_base | (uint8_t)ir;
    }
    pic_update(p);
    return vector;
}
