/* Interrupt lines handed to user space: delivery masks the line and signals the bound
 * notification; the owner's ack unmasks it, so a device can't flood the kernel. */
#include <arch_core.h>
#include <hv/abi/error.h>
#include <kernel/assert.h>
#include <kernel/irq.h>
#include <kernel/string.h>

static struct irq_handler handlers[IRQ_MAX];

void irq_init(void)
{
    memset(handlers, 0, sizeof(handlers));
    for (unsigned i = 0; i < IRQ_MAX; i++) {
        handlers[i].hdr.type = HV_OBJ_IRQ_HANDLER;
        handlers[i].irq = i;
    }
}

struct irq_handler *irq_handler_of(unsigned irq)
{
    assert(irq < IRQ_MAX);
    return &handlers[irq];
}

int irq_check_claim(uint64_t irq)
{
    if (irq >= IRQ_MAX || irq >= arch_irq_count() || arch_irq_reserved((unsigned)irq))
        return HV_ERANGE;
    if (handlers[irq].hdr.refs || handlers[irq].hdr.queued)
        return HV_EBUSY;
    return HV_OK;
}

void irq_bind(struct irq_handler *h, struct notification *n, uint64_t bits)
{
    assert(!h->ntfn && !n->irq);
    h->ntfn = n;
    h->bits = bits;
    n->irq = h;
    h->pending_ack = false;
    arch_irq_unmask(h->irq);
}

void irq_ack(struct irq_handler *h)
{
    if (!h->pending_ack)
        return;
    h->pending_ack = false;
    if (h->ntfn)
        arch_irq_unmask(h->irq);
}

void irq_handler_unbind(struct irq_handler *h)
{
    arch_irq_mask(h->irq);
    if (h->ntfn)
        h->ntfn->irq = NULL;
    h->ntfn = NULL;
    h->pending_ack = false;
}

void irq_unbind_ntfn(struct notification *n)
{
    if (n->irq)
        irq_handler_unbind(n->irq);
}

void irq_deliver(unsigned irq)
{
    /* Masked until acked: the line can't fire again before its server has looked. */
    arch_irq_mask(irq);
    if (irq >= IRQ_MAX || !handlers[irq].ntfn)
        return;
    handlers[irq].pending_ack = true;
    ntfn_signal(handlers[irq].ntfn, handlers[irq].bits);
}
