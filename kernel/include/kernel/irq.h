/* Interrupt handlers: a user-claimable interrupt line bound to a notification; the line stays
 * masked from its delivery until the handler acks it. */
#pragma once

#include <kernel/notification.h>

#define IRQ_MAX 1024

struct irq_handler {
    struct obj_header hdr;
    unsigned irq;
    uint64_t bits;              /* what delivery signals */
    struct notification *ntfn;  /* NULL while unbound */
    bool pending_ack;           /* delivered and masked, not yet acked */
};

void irq_init(void);
/* The handler object of a line (static: lines are not made of untyped memory). */
struct irq_handler *irq_handler_of(unsigned irq);
/* HV_OK if a handler cap for irq may be made now, else HV_ERANGE / HV_EBUSY. */
int irq_check_claim(uint64_t irq);
void irq_bind(struct irq_handler *h, struct notification *n, uint64_t bits);
void irq_ack(struct irq_handler *h);
/* The handler's line is masked and its notification (if any) forgotten: its last cap is
 * gone, or (irq_unbind_ntfn) the notification's. */
void irq_handler_unbind(struct irq_handler *h);
void irq_unbind_ntfn(struct notification *n);

/* Called by the arch from its interrupt handler for a line that is not the kernel's. */
void irq_deliver(unsigned irq);
