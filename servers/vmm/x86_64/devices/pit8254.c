/* The 8254 model. Counters are not stepped: a running channel keeps the time its count
 * started, and its value, its output and its next edge are computed from the clock. */
#include "x86_64/devices/pit8254.h"
#include "x86_64/x86_time.h"

#include <hv/bits.h>
#include <hv/string.h>

/* Whole PIT clocks between two instants. */
static uint64_t pit_ticks(uint64_t from_ns, uint64_t to_ns)
{
    if (to_ns <= from_ns)
        return 0;
    return x86_muldiv(to_ns - from_ns, PIT_HZ, NS_PER_S, false);
}

/* Nanoseconds that `ticks` clocks take, rounded up so an edge computed from it is past. */
static uint64_t pit_ticks_ns(uint64_t ticks)
{
    return x86_muldiv(ticks, NS_PER_S, PIT_HZ, true);
}

static uint8_t effective_mode(const struct pit_channel *c)
{
    return c->mode > 5 ? c->mode - 4 : c->mode;
}

/* Clocks counted since the count started (frozen while held). */
static uint64_t channel_elapsed(struct pit8254 *pit, const struct pit_channel *c)
{
    if (c->state == PIT_HELD)
        return c->held_ticks;
    return pit_ticks(c->start_ns, pit->now(pit->ctx));
}

/* The counting element's value now (what a latch captures). */
static uint16_t channel_count(struct pit8254 *pit, const struct pit_channel *c)
{
    if (c->state == PIT_IDLE)
        return c->idle_count;
    if (c->state == PIT_WAIT)
        return (uint16_t)c->reload;
    uint64_t t = channel_elapsed(pit, c);
    uint32_t n = c->reload;
    switch (effective_mode(c)) {
    case 2:
        return (uint16_t)(n - t % n);
    case 3: {
        /* Square wave: the counter steps by two through each half period. */
        uint64_t half = (n + 1) / 2;
        return (uint16_t)(n - 2 * (t % n % half));
    }
    default:
        /* 0, 1, 4, 5 count down once and wrap through 0xffff, continuing to count. */
        return (uint16_t)(n - t);
    }
}

bool pit_output(struct pit8254 *pit, unsigned channel)
{
    if (channel > 2)
        return false;
    const struct pit_channel *c = &pit->ch[channel];
    uint8_t mode = effective_mode(c);
    /* Before counting, mode 0 holds OUT low from its control word on; the others high. */
    if (c->state == PIT_IDLE || c->state == PIT_WAIT)
        return mode != 0;
    uint64_t t = channel_elapsed(pit, c);
    uint32_t n = c->reload;
    switch (mode) {
    case 0:
        return t >= n; /* high at terminal count, and stays high */
    case 1:
        return t >= n; /* low for the count after the trigger */
    case 2:
        return t % n != n - 1; /* low for one clock as the count reaches 1 */
    case 3:
        return t % n < (n + 1) / 2;
    default:
        return t != n; /* 4/5: a one-clock low strobe at terminal count */
    }
}

void pit_init(struct pit8254 *pit, pit_clock_fn *now, pit_irq_fn *irq, void *ctx)
{
    memset(pit, 0, sizeof(*pit));
    pit->now = now;
    pit->irq = irq;
    pit->ctx = ctx;
    for (unsigned i = 0; i < 3; i++) {
        pit->ch[i].reload = 0x10000;
        pit->ch[i].rw = PIT_RW_WORD;
        pit->ch[i].state = PIT_IDLE;
        /* Channels 0 and 1 have their gates tied high; channel 2's is port 0x61 bit 0. */
        pit->ch[i].gate = i != 2;
    }
}

static void channel_start(struct pit8254 *pit, struct pit_channel *c)
{
    c->state = PIT_RUN;
    c->start_ns = pit->now(pit->ctx);
    c->null_count = false;
    c->irq_seen = 0;
}

/* A complete count was written: modes 0/2/3/4 start if the gate allows, 1/5 wait for it. */
static void channel_load(struct pit8254 *pit, struct pit_channel *c, uint32_t value)
{
    c->reload = value ? value : 0x10000;
    c->null_count = true;
    uint8_t mode = effective_mode(c);
    if (mode != 1 && mode != 5 && c->gate)
        channel_start(pit, c);
    else
        c->state = PIT_WAIT;
}

static void latch_count(struct pit8254 *pit, struct pit_channel *c)
{
    /* A second latch before the first is read has no effect. */
    if (c->latched)
        return;
    c->latched = true;
    c->latch = channel_count(pit, c);
    c->latch_msb_next = false;
}

static void channel_control(struct pit8254 *pit, struct pit_channel *c, uint8_t cw)
{
    uint8_t rw = (cw >> 4) & 3;
    if (rw == PIT_RW_LATCH) {
        latch_count(pit, c);
        return;
    }
    /* A control word stops the channel until a new count arrives. */
    c->idle_count = channel_count(pit, c);
    c->state = PIT_IDLE;
    c->rw = rw;
    c->mode = (cw >> 1) & 7;
    c->bcd = cw & 1;
    c->write_lsb_done = false;
    c->read_msb_next = false;
    c->latched = false;
    c->status_latched = false;
    c->null_count = true;
}

static void read_back(struct pit8254 *pit, uint8_t cw)
{
    for (unsigned i = 0; i < 3; i++) {
        if (!(cw & (2u << i)))
            continue;
        struct pit_channel *c = &pit->ch[i];
        /* Bit 5 clear: latch the count; bit 4 clear: latch the status. */
        if (!(cw & 0x20))
            latch_count(pit, c);
        if (!(cw & 0x10) && !c->status_latched) {
            c->status_latched = true;
            c->status = (uint8_t)((pit_output(pit, i) ? 0x80 : 0) | (c->null_count ? 0x40 : 0) |
                                  c->rw << 4 | c->mode << 1 | (c->bcd ? 1 : 0));
        }
    }
}

/* Which byte of a 16-bit value a read returns, stepping the word-mode flip-flop. */
static bool next_is_msb(const struct pit_channel *c, bool *flipflop)
{
    if (c->rw != PIT_RW_WORD)
        return c->rw == PIT_RW_MSB;
    bool msb = *flipflop;
    *flipflop = !msb;
    return msb;
}

static uint8_t channel_read(struct pit8254 *pit, struct pit_channel *c)
{
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    if (c->latched) {
        bool msb = next_is_msb(c, &c->latch_msb_next);
        /* The latch lets go once every byte of it has been read. */
        if (c->rw != PIT_RW_WORD || msb)
            c->latched = false;
        return msb ? (uint8_t)(c->latch >> 8) : (uint8_t)c->latch;
    }
    uint16_t v = channel_count(pit, c);
    return next_is_msb(c, &c->read_msb_next) ? (uint8_t)(v >> 8) : (uint8_t)v;
}

static void channel_write(struct pit8254 *pit, struct pit_channel *c, uint8_t value)
{
    switch (c->rw) {
    case PIT_RW_LSB:
        channel_load(pit, c, value);
        break;
    case PIT_RW_MSB:
        channel_load(pit, c, (uint32_t)value << 8);
        break;
    default:
        if (!c->write_lsb_done) {
            c->write_lsb = value;
            c->write_lsb_done = true;
        } else {
            c->write_lsb_done = false;
            channel_load(pit, c, c->write_lsb | (uint32_t)value << 8);
        }
        break;
    }
}

/* Channel 2's gate, from port 0x61 bit 0 (datasheet "gate" column per mode). */
static void set_gate2(struct pit8254 *pit, bool gate)
{
    struct pit_channel *c = &pit->ch[2];
    if (gate == c->gate)
        return;
    c->gate = gate;
    uint8_t mode = effective_mode(c);
    if (!gate) {
        if (c->state != PIT_RUN)
            return;
        if (mode == 0 || mode == 4) {
            /* Counting is suspended; the output keeps its level. */
            c->held_ticks = channel_elapsed(pit, c);
            c->state = PIT_HELD;
        } else if (mode == 2 || mode == 3) {
            c->state = PIT_WAIT; /* output forced high; reload on the next rising edge */
        }
        return;
    }
    if (c->state == PIT_HELD) {
        /* Resume as if the count had started held_ticks ago. */
        uint64_t now = pit->now(pit->ctx), back = pit_ticks_ns(c->held_ticks);
        c->start_ns = now > back ? now - back : 0;
        c->state = PIT_RUN;
    } else if (c->state == PIT_WAIT || (c->state == PIT_RUN && (mode == 1 || mode == 5))) {
        channel_start(pit, c); /* start, trigger or retrigger from the reload value */
    }
}

uint8_t pit_read(struct pit8254 *pit, uint16_t port)
{
    switch (port) {
    case PIT_PORT_CH0:
    case PIT_PORT_CH0 + 1:
    case PIT_PORT_CH2:
        return channel_read(pit, &pit->ch[port - PIT_PORT_CH0]);
    case PIT_PORT_CONTROL:
        return 0xff; /* the control word register is write-only */
    case PIT_PORT_B: {
        uint8_t v = pit->portb & PORTB_RW_MASK;
        if (pit_output(pit, 2))
            v |= PORTB_OUT2;
        /* The refresh request toggles every 15.085 us; old delay loops watch it change. */
        if ((pit->now(pit->ctx) / 15085) & 1)
            v |= PORTB_REFRESH;
        return v;
    }
    default:
        return 0xff;
    }
}

void pit_write(struct pit8254 *pit, uint16_t port, uint8_t value)
{
    switch (port) {
    case PIT_PORT_CH0:
    case PIT_PORT_CH0 + 1:
    case PIT_PORT_CH2:
        channel_write(pit, &pit->ch[port - PIT_PORT_CH0], value);
        break;
    case PIT_PORT_CONTROL:
        if ((value >> 6) == 3)
            read_back(pit, value);
        else
            channel_control(pit, &pit->ch[value >> 6], value);
        break;
    case PIT_PORT_B:
        pit->portb = value & PORTB_RW_MASK;
        set_gate2(pit, value & PORTB_GATE2);
        break;
    default:
        return;
    }
}

/* Rising edges of channel 0's output since it started counting. */
static uint64_t ch0_edges(struct pit8254 *pit)
{
    const struct pit_channel *c = &pit->ch[0];
    if (c->state != PIT_RUN)
        return 0;
    uint64_t t = channel_elapsed(pit, c);
    uint32_t n = c->reload;
    switch (effective_mode(c)) {
    case 0:
    case 1:
        return t >= n ? 1 : 0;
    case 2:
    case 3:
        /* Mode 2 rises one clock after each low pulse, mode 3 at each period start. */
        return t / n;
    default:
        return t > n ? 1 : 0; /* after the strobe */
    }
}

void pit_update(struct pit8254 *pit)
{
    uint64_t edges = ch0_edges(pit);
    if (edges <= pit->ch[0].irq_seen)
        return;
    pit->ch[0].irq_seen = edges;
    /* IRQ0 is edge-triggered at both controllers: one pulse is one tick, and periods the
     * VMM was too late for coalesce into it, as a late timer interrupt would. */
    if (pit->irq) {
        pit->irq(pit->ctx, true);
        pit->irq(pit->ctx, false);
    }
}

uint64_t pit_next_deadline(struct pit8254 *pit)
{
    const struct pit_channel *c = &pit->ch[0];
    if (c->state != PIT_RUN)
        return UINT64_MAX;
    uint64_t n = c->reload;
    switch (effective_mode(c)) {
    case 0:
    case 1:
        return c->irq_seen ? UINT64_MAX : hv_sat_add(c->start_ns, pit_ticks_ns(n));
    case 2:
    case 3:
        return hv_sat_add(c->start_ns, pit_ticks_ns((c->irq_seen + 1) * n));
    default:
        return c->irq_seen ? UINT64_MAX : hv_sat_add(c->start_ns, pit_ticks_ns(n + 1));
    }
}
