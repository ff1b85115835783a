/* Notifications: a word of signal bits; signal ORs and never blocks, wait blocks until the word
 * is non-zero and returns and clears it, poll returns and clears it without blocking. */
#pragma once

#include <kernel/sched.h>

struct irq_handler;

struct notification {
    struct obj_header hdr;
    uint64_t word;
    struct thread_queue waiters;
    struct irq_handler *irq; /* bound interrupt line, if any */
};

_Static_assert(sizeof(struct notification) <= 1u << HV_NOTIFICATION_SIZE_BITS, "ntfn size");

void ntfn_init(struct notification *n);
void ntfn_signal(struct notification *n, uint64_t bits);
void ntfn_wait(struct notification *n, struct thread *t);
uint64_t ntfn_poll(struct notification *n);
void ntfn_remove_waiter(struct notification *n, struct thread *t);
void ntfn_destroy(struct notification *n);
