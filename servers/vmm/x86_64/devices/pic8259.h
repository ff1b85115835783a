/* The PC's cascaded pair of 8259A interrupt controllers (master at 0x20, slave at 0xa0 on the
 * master's IR2) with the edge/level control registers at 0x4d0/0x4d1. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum {
    PIC_MASTER_CMD = 0x20,
    PIC_MASTER_DATA = 0x21,
    PIC_SLAVE_CMD = 0xa0,
    PIC_SLAVE_DATA = 0xa1,
    PIC_ELCR_MASTER = 0x4d0,
    PIC_ELCR_SLAVE = 0x4d1,
};

#define PIC_CASCADE_IRQ 2

/* Where one chip is in its initialisation sequence (8259A datasheet, "ICW"). */
enum pic_init_step { PIC_READY, PIC_WANT_ICW2, PIC_WANT_ICW3, PIC_WANT_ICW4 };

struct pic_chip {
    uint8_t irr, isr, imr;
    uint8_t elcr;      /* 1 = level-triggered input */
    uint8_t elcr_mask; /* the bits of ELCR that exist on this chip */
    uint8_t lines;     /* input levels, for edge detection */
    uint8_t vector_base;
    uint8_t lowest; /* the IR with the lowest priority (rotation); 7 after init */
    enum pic_init_step step;
    bool icw4_needed, single;
    bool auto_eoi, rotate_on_aeoi;
    bool read_isr; /* OCW3: the command port reads ISR instead of IRR */
    bool poll;     /* OCW3: the next command-port read is a poll */
    bool special_mask;
};

typedef void pic_output_fn(void *ctx, bool level);

struct pic_pair {
    struct pic_chip chip[2]; /* 0 master, 1 slave */
    bool output;             /* INTR to the CPU (LAPIC LINT0) */
    pic_output_fn *out;
    void *ctx;
};

void pic_init(struct pic_pair *p, pic_output_fn *out, void *ctx);
/* Drives input irq 0..15 (8..15 on the slave); others are ignored. */
void pic_set_irq(struct pic_pair *p, unsigned irq, bool level);
/* Ports 0x20/0x21/0xa0/0xa1/0x4d0/0x4d1; any other port reads 0xff and ignores writes. */
uint8_t pic_read(struct pic_pair *p, uint16_t port);
void pic_write(struct pic_pair *p, uint16_t port, uint8_t value);
/* The CPU's interrupt acknowledge: the vector the pair answers with (a spurious IR7/IR15 when
 * nothing is pending any more), moving the request into service. */
uint8_t pic_ack(struct pic_pair *p);
/* Whether INTR is asserted. */
bool pic_output(const struct pic_pair *p);
