/* The console server's protocol (docs/console.md): how a client (a partition's VMM) writes
 * output and receives its input. The console server owns the physical UART; every client is
 * known to it by the badge of the endpoint cap the root task gave that client. */
#pragma once

#include <hv/abi/syscall.h>
#include <stdbool.h>
#include <stdint.h>

/* Output: call the console endpoint with label HV_CONSOLE_WRITE | count << 8 and the bytes
 * packed little-endian into the message words (at most HV_CONSOLE_WRITE_MAX). The reply's
 * label is 0 or an enum hv_error (a bad label or count: nothing was written). */
#define HV_CONSOLE_WRITE 1u
#define HV_CONSOLE_WRITE_MAX (HV_MSG_WORDS * 8u)
static inline uint64_t hv_console_write_label(unsigned count)
{
    return HV_CONSOLE_WRITE | (uint64_t)count << 8;
}

/* A log line (a VMM's or the root task's diagnostics, untagged because the text names its
 * writer): label HV_CONSOLE_LOG | count << 8, plus HV_CONSOLE_LOG_END on the piece that ends
 * the line (the newline itself is not sent). The server prints each log line whole on a
 * terminal line of its own, so diagnostics never split a guest's line; a longer line than the
 * server holds is cut into several. Badge 0 (the root task's own cap) may log, and so may
 * every client. */
#define HV_CONSOLE_LOG 2u
#define HV_CONSOLE_LOG_END (1u << 16)
static inline uint64_t hv_console_log_label(unsigned count, bool end)
{
    return HV_CONSOLE_LOG | (uint64_t)count << 8 | (end ? HV_CONSOLE_LOG_END : 0);
}

/* The device servers' caps to log (their HV_DEVICE_SLOT_LOG) carry a badge each, and the
 * console starts every line of theirs with the server's name and ": " (`storage: `) unless the
 * line already starts so: a server can't write a line that passes for the root task's, a
 * partition's, a VMM's or the console's own (the evaluation's IF-30). The names are the
 * console's, by this number, not the server's to choose. */
enum hv_console_server {
    HV_CONSOLE_SERVER_STORAGE,
    HV_CONSOLE_SERVER_RADIO,
    HV_CONSOLE_SERVER_KEYBOARD,
    HV_CONSOLE_SERVER_DISPLAY,
    HV_CONSOLE_SERVERS
};
#define HV_CONSOLE_BADGE_SERVER_FIRST 0x200u
#define HV_CONSOLE_BADGE_SERVER(s) (HV_CONSOLE_BADGE_SERVER_FIRST + (unsigned)(s))

/* Input: a page shared by the console server (the only writer of head and data) and one
 * client (the only writer of tail). Bytes are data[i % HV_CONSOLE_RING_SIZE] for tail <= i <
 * head; the server signals the client's notification after adding bytes. When the ring is
 * full the server drops input for that client (it never waits for a client). */
#define HV_CONSOLE_RING_SIZE 4032u
struct hv_console_ring {
    uint32_t head; /* written by the server (release), read by the client (acquire) */
    uint32_t tail; /* written by the client (release), read by the server (acquire) */
    uint32_t dropped; /* bytes the server dropped because the ring was full */
    uint32_t reserved[13];
    uint8_t data[HV_CONSOLE_RING_SIZE];
};
_Static_assert(sizeof(struct hv_console_ring) == 4096, "one page");

/* Takes up to max bytes out of the ring (client side); returns how many. */
static inline unsigned hv_console_ring_take(struct hv_console_ring *r, uint8_t *out, unsigned max)
{
    uint32_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE), tail = r->tail;
    unsigned n = 0;
    while (tail != head && n < max)
        out[n++] = r->data[tail++ % HV_CONSOLE_RING_SIZE];
    __atomic_store_n(&r->tail, tail, __ATOMIC_RELEASE);
    return n;
}

/* Adds one byte (server side); false if the ring is full. */
static inline bool hv_console_ring_put(struct hv_console_ring *r, uint8_t c)
{
    uint32_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE), head = r->head;
    if (head - tail >= HV_CONSOLE_RING_SIZE)
        return false;
    r->data[head % HV_CONSOLE_RING_SIZE] = c;
    __atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
    return true;
}

/* The focus key: Ctrl-T followed by a digit 1..9 (that client), n (the next one) or Ctrl-T
 * (a literal Ctrl-T for the focused client). The console server consumes the sequence: no
 * guest ever sees it, and no guest can produce it (guests only write output). */
#define HV_CONSOLE_FOCUS_KEY 0x14

/* What the root task gives the console server: a read-only page at HV_CONSOLE_CONFIG_VA. */
#define HV_CONSOLE_CONFIG_VA 0x7ffe0000ull
#define HV_CONSOLE_UART_VA 0x7ffd0000ull  /* the UART's registers (MMIO arches) */
#define HV_CONSOLE_RINGS_VA 0x7ff00000ull /* client i's ring at + i * 4096 */
#define HV_CONSOLE_MAX_CLIENTS 8
#define HV_CONSOLE_NAME_MAX 16
/* Cap slots of the console server's cnode. */
#define HV_CONSOLE_SLOT_EP 3        /* its endpoint (read) */
#define HV_CONSOLE_SLOT_VSPACE 4    /* its own address space (for the input thread) */
#define HV_CONSOLE_SLOT_RX_THREAD 5 /* an unconfigured thread for the input loop */
#define HV_CONSOLE_SLOT_IRQ 6       /* the UART's irq handler */
#define HV_CONSOLE_SLOT_IRQ_NTFN 7  /* the notification it signals */
#define HV_CONSOLE_SLOT_IOPORT 8    /* x86: the UART's I/O-port cap */
/* Following the focus owner (docs/trusted-path.md; config.follow_focus): its endpoint badged
 * HV_FOCUS_BADGE_CONSOLE (write), given once the owner answers, so that until then (and in a
 * system where it never came up) a Ctrl-T call finds no cap and the console keeps its own. */
#define HV_CONSOLE_SLOT_FOCUS_EP 10
/* The input thread's notification (HV_CONSOLE_SLOT_IRQ_NTFN) carries two bits: the UART's
 * interrupt, and, when following the owner, the owner's "the focus moved". */
#define HV_CONSOLE_BIT_UART 1u
#define HV_CONSOLE_BIT_FOCUS 2u
/* The focus page (struct hv_focus_page), read-only, when following the owner. */
#define HV_CONSOLE_FOCUS_VA 0x7ffc0000ull
#define HV_CONSOLE_SLOT_CLIENT_NTFN 16 /* client i's notification (write) at + i */
struct hv_console_config {
    uint32_t nclients;
    uint32_t focus;       /* the client that has focus at start */
    uint32_t prio;        /* the input thread's priority */
    uint32_t uart_irq;
    uint32_t follow_focus; /* 1: the focus is the owner's page; Ctrl-T asks the owner */
    uint32_t reserved;
    char names[HV_CONSOLE_MAX_CLIENTS][HV_CONSOLE_NAME_MAX]; /* client i has badge i + 1 */
};
