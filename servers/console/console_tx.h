/* The console server's transmit queue: what it has drawn for the terminal, waiting for the
 * UART. The server never waits for the line: each writer (a partition, the root task's log)
 * may have at most its quota of bytes waiting, and what would pass it is refused, so a
 * partition that prints faster than the line loses its own lines, counted, and never delays
 * another's by more than a quota (SEC-H4, docs/console.md). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define CONSOLE_TX_SIZE 8192u /* ~0.7 s of a 115200-baud line */
#define CONSOLE_TX_OWNERS 10u /* HV_CONSOLE_MAX_CLIENTS partitions, the root's log, the server */
#define CONSOLE_TX_SERVER (CONSOLE_TX_OWNERS - 1) /* the server's own lines: no quota */

struct console_tx {
    uint8_t buf[CONSOLE_TX_SIZE];
    uint8_t owner[CONSOLE_TX_SIZE]; /* whose each byte is: a byte's worth of bookkeeping, so
                                     * many tiny writes can't run out of anything but bytes */
    uint32_t head, tail;            /* free-running: bytes [tail, head) wait */
    uint32_t waiting[CONSOLE_TX_OWNERS];  /* bytes of each owner in the queue */
    uint32_t quota;                       /* per owner but the server */
};

/* An empty queue whose writers, but the server, may each have quota bytes waiting. */
void tx_init(struct console_tx *t, uint32_t quota);
/* Queues n bytes of owner's whole, or nothing (false) when that would pass its quota or the
 * queue's room. */
bool tx_put(struct console_tx *t, unsigned owner, const void *bytes, unsigned n);
/* The waiting bytes that lie contiguous in the buffer: returns their count, *out their start. */
unsigned tx_peek(const struct console_tx *t, const uint8_t **out);
/* n of the waiting bytes went to the UART. */
void tx_consume(struct console_tx *t, unsigned n);
static inline bool tx_empty(const struct console_tx *t)
{
    return t->head == t->tail;
}
