/* The 8254 programmable interval timer at ports 0x40-0x43 (channel 0 drives IRQ0, channel 2
 * the speaker gate and output through port 0x61), clocked at 1.193182 MHz from a nanosecond
 * clock the VMM supplies. Linux calibrates the TSC against channel 2. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum {
    PIT_PORT_CH0 = 0x40,
    PIT_PORT_CH2 = 0x42,
    PIT_PORT_CONTROL = 0x43,
    PIT_PORT_B = 0x61, /* NMI status and control (AT "port B") */
};

#define PIT_HZ 1193182u

/* Port 0x61 bits. */
#define PORTB_GATE2 0x01   /* channel 2 gate (r/w) */
#define PORTB_SPEAKER 0x02 /* speaker data enable (r/w) */
#define PORTB_RW_MASK 0x0f /* bits 2-3 are parity/channel check enables, kept */
#define PORTB_REFRESH 0x10 /* toggles every 15.085 us (read only) */
#define PORTB_OUT2 0x20    /* channel 2 output (read only) */

/* The read/write access mode of a channel's control word (bits 5-4). */
enum pit_rw { PIT_RW_LATCH = 0, PIT_RW_LSB = 1, PIT_RW_MSB = 2, PIT_RW_WORD = 3 };

/* Where a channel is between its control word and its count (datasheet "operation"). */
enum pit_state {
    PIT_IDLE, /* control word written, no count yet */
    PIT_WAIT, /* count written, waiting for the gate (or, modes 1/5, a gate edge) */
    PIT_RUN,  /* counting since start_ns */
    PIT_HELD, /* modes 0/4 with the gate low: counting suspended after held_ticks */
};

struct pit_channel {
    uint8_t mode; /* 0..5 (6 and 7 alias 2 and 3) */
    uint8_t rw;   /* enum pit_rw */
    bool bcd;
    enum pit_state state;
    uint32_t reload;     /* the count written, 1..0x10000 (0 written means 0x10000) */
    uint64_t start_ns;   /* PIT_RUN: when counting started from reload */
    uint64_t held_ticks; /* PIT_HELD: clocks counted before the gate fell */
    uint16_t idle_count; /* PIT_IDLE: the value the counter stopped at */
    bool gate;
    bool null_count;     /* a written count not yet loaded into the counter */
    bool write_lsb_done; /* RW_WORD: the LSB is written and the MSB awaited */
    uint8_t write_lsb;
    bool read_msb_next; /* RW_WORD: the LSB was read, the MSB comes next */
    bool latched;       /* counter latch command: value held until read */
    uint16_t latch;
    bool latch_msb_next;
    bool status_latched;
    uint8_t status;
    uint64_t irq_seen; /* channel 0: output rising edges already reported */
};

typedef uint64_t pit_clock_fn(void *ctx);       /* now, in ns */
typedef void pit_irq_fn(void *ctx, bool level); /* IRQ0 line */

struct pit8254 {
    struct pit_channel ch[3];
    uint8_t portb; /* the r/w bits of port 0x61 */
    bool irq_level;
    pit_clock_fn *now;
    pit_irq_fn *irq;
    void *ctx;
};

void pit_init(struct pit8254 *pit, pit_clock_fn *now, pit_irq_fn *irq, void *ctx);
/* Ports 0x40-0x43 and 0x61; any other reads 0xff and ignores writes. Channel 1 (DRAM refresh
 * on an AT) exists and counts, but drives nothing. */
uint8_t pit_read(struct pit8254 *pit, uint16_t port);
void pit_write(struct pit8254 *pit, uint16_t port, uint8_t value);
/* Brings IRQ0 up to date with the clock: pulses it once if channel 0's output rose since
 * the last call (missed periods coalesce into one tick, as a late timer interrupt would). */
void pit_update(struct pit8254 *pit);
/* When channel 0's output next rises (ns), or UINT64_MAX if it never will on its own. */
uint64_t pit_next_deadline(struct pit8254 *pit);
/* The output of a channel now (for tests and port 0x61). */
bool pit_output(struct pit8254 *pit, unsigned channel);
