/* Decoders of the object-management system calls: retype, map/unmap, capability copy,
 * delete and revoke, thread control, interrupt handlers, port I/O and DMA addresses. */
#include <hv/abi/error.h>
#include <kernel/cnode.h>
#include <kernel/irq.h>
#include <kernel/object_type.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/untyped.h>
#include <kernel/vspace.h>

/* R0 untyped, R1 type, R2 size_bits, R3 dest cnode, R4 dest index, R5 count. */
int sys_retype(struct thread *t)
{
    struct cap_slot *ut, *dest[SYS_RETYPE_MAX_COUNT];
    uint64_t type = sys_arg(t, 1), size_bits = sys_arg(t, 2), count = sys_arg(t, 5);
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_UNTYPED, HV_RIGHT_WRITE, &ut);
    if (r)
        return r;
    if (type >= HV_OBJ_TYPE_COUNT || size_bits > 63 ||
        !object_bits((unsigned)type, (unsigned)size_bits))
        return HV_EINVAL;
    unsigned flags = object_type((unsigned)type)->flags;
    if (count == 0 || count > SYS_RETYPE_MAX_COUNT)
        return HV_ERANGE;
    /* An object that takes something which may run out (a guest vspace's VMID / ASID): one
     * per call keeps the all-or-nothing rule simple. */
    if ((flags & OBJ_ONE_PER_RETYPE) && count != 1)
        return HV_ERANGE;
    /* Kernel objects never live in device memory. */
    if ((ut->flags & CAP_FLAG_DEVICE) && !(flags & OBJ_DEVICE_MEMORY))
        return HV_ETYPE;
    r = sys_lookup_dest(t, sys_arg(t, 3), sys_arg(t, 4), count, dest);
    if (r)
        return r;
    return untyped_retype(ut, (unsigned)type, (unsigned)size_bits, dest, (unsigned)count);
}

/* A task or guest vspace cap with the write right (sys_lookup's errors, in its order). */
static int lookup_any_vspace(struct thread *t, uint64_t idx, struct cap_slot **out)
{
    int r = sys_lookup(t, idx, HV_OBJ_NONE, 0, out);
    if (r)
        return r;
    if ((*out)->type != HV_OBJ_VSPACE && (*out)->type != HV_OBJ_GUEST_VSPACE)
        return HV_ETYPE;
    return (*out)->rights & HV_RIGHT_WRITE ? HV_OK : HV_EPERM;
}

/* R0 frame, R1 vspace (task or guest), R2 vaddr (or guest-physical address), R3 HV_MAP_*. */
int sys_map(struct thread *t)
{
    struct cap_slot *frame, *vs;
    uint64_t addr = sys_arg(t, 2), flags = sys_arg(t, 3);
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_FRAME, HV_RIGHT_READ, &frame);
    if (!r)
        r = lookup_any_vspace(t, sys_arg(t, 1), &vs);
    if (r)
        return r;
    uint64_t top = vspace_top(cap_ptr(vs));
    unsigned all = HV_MAP_READ | HV_MAP_WRITE | HV_MAP_EXEC | HV_MAP_DEVICE;
    if (!(flags & HV_MAP_READ) || (flags & ~(uint64_t)all))
        return HV_EINVAL;
    if ((flags & HV_MAP_WRITE) && !(frame->rights & HV_RIGHT_WRITE))
        return HV_EPERM;
    if ((flags & HV_MAP_EXEC) && !(frame->rights & HV_RIGHT_EXEC))
        return HV_EPERM;
    uint64_t size = 1ull << frame->size_bits;
    if (addr & (size - 1))
        return HV_EALIGN;
    if (addr >= top || size > top - addr)
        return HV_ERANGE;
    if (frame->map_vs)
        return HV_EBUSY; /* one mapping per cap: copy the cap to map the frame again */
    struct vspace *space = cap_ptr(vs);
    if (vspace_is_guest(space))
        return vspace_map_guest(space, frame, ipa_init(addr), (unsigned)flags);
    return vspace_map(space, frame, addr, (unsigned)flags);
}

/* R0 frame. */
int sys_unmap(struct thread *t)
{
    struct cap_slot *frame;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_FRAME, HV_RIGHT_WRITE, &frame);
    if (r)
        return r;
    if (!frame->map_vs)
        return HV_ENOENT;
    vspace_unmap(frame);
    return HV_OK;
}

/* Whether an ioport cap's copy may cover ports range = first | count << 16 (a sub-range). */
static int check_ioport_range(const struct cap_slot *src, uint64_t range)
{
    uint64_t first = range & HV_IOPORT_MAX, count = range >> 16;
    if (count == 0 || count > HV_IOPORT_MAX + 1)
        return HV_EINVAL;
    if (first < src->data || first + count > src->data + src->aux)
        return HV_ERANGE;
    return HV_OK;
}

/* R0 source, R1 dest cnode, R2 dest index, R3 rights mask, R4 badge (0: keep); for an ioport
 * cap R4 is instead the narrowed range, HV_IOPORT_RANGE(first, count) (0: the same range). */
int sys_cap_copy(struct thread *t)
{
    struct cap_slot *src, *dest;
    uint64_t rights = sys_arg(t, 3), badge = sys_arg(t, 4);
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_NONE, HV_RIGHT_GRANT, &src);
    if (r)
        return r;
    if (rights & ~(uint64_t)HV_RIGHTS_ALL)
        return HV_EINVAL;
    bool narrow = src->type == HV_OBJ_IOPORT && badge != 0;
    r = narrow ? check_ioport_range(src, badge) : cap_check_derive(src, badge != 0, badge);
    if (!r)
        r = sys_lookup_dest(t, sys_arg(t, 1), sys_arg(t, 2), 1, &dest);
    if (r)
        return r;
    cap_derive(dest, src, (unsigned)rights, badge != 0 && !narrow, badge);
    if (narrow) {
        dest->data = badge & HV_IOPORT_MAX;
        dest->aux = (uint32_t)(badge >> 16);
    }
    return HV_OK;
}

/* R0 slot. */
int sys_cap_delete(struct thread *t)
{
    struct cap_slot *s;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_NONE, 0, &s);
    if (r)
        return r;
    cap_delete(s);
    return HV_OK;
}

/* R0 slot. */
int sys_cap_revoke(struct thread *t)
{
    struct cap_slot *s;
    /* It reaches caps in other tables: the write right. Deleting one's own copy needs none. */
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_NONE, HV_RIGHT_WRITE, &s);
    if (r)
        return r;
    cap_revoke(s);
    return HV_OK;
}

/* The scheduling context a thread being configured by t will run on: R5 names one (write
 * right) or is HV_SC_INHERIT, t's own. So a task can share its own budget, or hand out one it
 * was given, but never make a budget: that takes the sched-control cap (sc_configure). */
static int thread_sc_arg(struct thread *t, uint64_t slot, struct sched_context **out)
{
    if (slot == HV_SC_INHERIT) {
        *out = t->sc;
        return HV_OK;
    }
    struct cap_slot *s;
    int r = sys_lookup(t, slot, HV_OBJ_SCHED_CONTEXT, HV_RIGHT_WRITE, &s);
    if (!r)
        *out = cap_ptr(s);
    return r;
}

/* R0 thread, R1 cnode, R2 vspace, R3 fault endpoint (0: none), R4 priority,
 * R5 scheduling context (HV_SC_INHERIT: the caller's), R6 pc, R7 sp. */
int sys_thread_configure(struct thread *t)
{
    struct cap_slot *th, *cn, *vs, *fault = NULL;
    struct sched_context *sc = NULL;
    uint64_t prio = sys_arg(t, 4), pc = sys_arg(t, 6), sp = sys_arg(t, 7);
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_THREAD, HV_RIGHT_WRITE, &th);
    /* The thread will change both (caps into its cnode, stores into its space): write. */
    if (!r)
        r = sys_lookup(t, sys_arg(t, 1), HV_OBJ_CNODE, HV_RIGHT_WRITE, &cn);
    if (!r)
        r = sys_lookup(t, sys_arg(t, 2), HV_OBJ_VSPACE, HV_RIGHT_WRITE, &vs);
    if (!r && sys_arg(t, 3))
        r = sys_lookup(t, sys_arg(t, 3), HV_OBJ_ENDPOINT, HV_RIGHT_WRITE, &fault);
    if (!r)
        r = thread_sc_arg(t, sys_arg(t, 5), &sc);
    if (r)
        return r;
    /* A thread can't hand out more priority than it has itself. */
    if (prio > t->prio)
        return HV_EPERM;
    if (pc >= vspace_user_top() || sp > vspace_user_top())
        return HV_ERANGE;
    struct thread *target = cap_ptr(th);
    if (target->state != THREAD_INACTIVE)
        return HV_EBUSY;
    thread_set_entry(target, pc, sp, 0);
    thread_configure(target, cn, vs, fault, (unsigned)prio, sc);
    return HV_OK;
}

/* R0 thread. */
int sys_thread_resume(struct thread *t)
{
    struct cap_slot *th;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_THREAD, HV_RIGHT_WRITE, &th);
    if (r)
        return r;
    struct thread *target = cap_ptr(th);
    if (target->state != THREAD_INACTIVE)
        return HV_EBUSY;
    if (cap_is_empty(&target->cnode_cap) || cap_is_empty(&target->vspace_cap))
        return HV_EINVAL; /* never configured */
    thread_resume(target);
    return HV_OK;
}

/* R0 thread. */
int sys_thread_suspend(struct thread *t)
{
    struct cap_slot *th;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_THREAD, HV_RIGHT_WRITE, &th);
    if (r)
        return r;
    thread_suspend(cap_ptr(th));
    return HV_OK;
}

/* R0 irq control, R1 irq number, R2 dest cnode, R3 dest index, R4 trigger (HV_IRQ_*; 0: the
 * line's default). The trigger is the claimer's to say (the root task knows the bus), not the
 * handler's holder's. */
int sys_irq_get(struct thread *t)
{
    struct cap_slot *ctl, *dest;
    uint64_t trigger = sys_arg(t, 4);
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_IRQ_CONTROL, 0, &ctl);
    if (!r)
        r = irq_check_claim(sys_arg(t, 1));
    if (!r && (trigger > HV_IRQ_TRIGGER_MAX ||
               (trigger && !arch_irq_trigger_ok((unsigned)sys_arg(t, 1), (unsigned)trigger))))
        r = HV_EINVAL;
    if (!r)
        r = sys_lookup_dest(t, sys_arg(t, 2), sys_arg(t, 3), 1, &dest);
    if (r)
        return r;
    arch_irq_set_trigger((unsigned)sys_arg(t, 1), (unsigned)trigger);
    struct irq_handler *h = irq_handler_of((unsigned)sys_arg(t, 1));
    cap_install(dest, ctl, HV_OBJ_IRQ_HANDLER, HV_RIGHTS_ALL, (uintptr_t)h, 0, 0);
    return HV_OK;
}

/* R0 irq handler, R1 notification (its badge, or 1, is what each interrupt signals). */
int sys_irq_bind(struct thread *t)
{
    struct cap_slot *hs, *ns;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_IRQ_HANDLER, HV_RIGHT_WRITE, &hs);
    if (!r)
        r = sys_lookup(t, sys_arg(t, 1), HV_OBJ_NOTIFICATION, HV_RIGHT_WRITE, &ns);
    if (r)
        return r;
    struct irq_handler *h = cap_ptr(hs);
    struct notification *n = cap_ptr(ns);
    if (h->ntfn || n->irq)
        return HV_EBUSY;
    irq_bind(h, n, ns->data ? ns->data : 1);
    return HV_OK;
}

/* R0 irq handler. */
int sys_irq_ack(struct thread *t)
{
    struct cap_slot *hs;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_IRQ_HANDLER, HV_RIGHT_WRITE, &hs);
    if (r)
        return r;
    irq_ack(cap_ptr(hs));
    return HV_OK;
}

/* The ioport cap idx (with rights) covers ports [port, port + size), none of them the
 * kernel's, and size is 1, 2 or 4. */
static int ioport_check(struct thread *t, uint64_t idx, unsigned rights, uint64_t port,
                        uint64_t size)
{
    struct cap_slot *io;
    if (!arch_has_ioports())
        return HV_ENOSYS;
    int r = sys_lookup(t, idx, HV_OBJ_IOPORT, rights, &io);
    if (r)
        return r;
    if (size != 1 && size != 2 && size != 4)
        return HV_EINVAL;
    if (port > HV_IOPORT_MAX || port + size - 1 > HV_IOPORT_MAX || port < io->data ||
        port + size > io->data + io->aux)
        return HV_ERANGE;
    for (uint64_t p = port; p < port + size; p++)
        if (arch_ioport_reserved((unsigned)p))
            return HV_EPERM;
    return HV_OK;
}

/* R0 ioport cap (R), R1 port, R2 size (1, 2, 4); the value read comes back in R1. */
int sys_ioport_in(struct thread *t)
{
    uint64_t port = sys_arg(t, 1), size = sys_arg(t, 2);
    int r = ioport_check(t, sys_arg(t, 0), HV_RIGHT_READ, port, size);
    if (r)
        return r;
    arch_context_set_reg(&t->ctx, 1, arch_ioport_in((unsigned)port, (unsigned)size));
    return HV_OK;
}

/* R0 ioport cap (W), R1 port, R2 size (1, 2, 4), R3 value (must fit the size). */
int sys_ioport_out(struct thread *t)
{
    uint64_t port = sys_arg(t, 1), size = sys_arg(t, 2), v = sys_arg(t, 3);
    int r = ioport_check(t, sys_arg(t, 0), HV_RIGHT_WRITE, port, size);
    if (r)
        return r;
    if (v >> (size * 8))
        return HV_EINVAL;
    arch_ioport_out((unsigned)port, (unsigned)size, (uint32_t)v);
    return HV_OK;
}

/* R0 frame (read and write: a device may do both), R1 a register frame of the device (write,
 * device memory): the frame's bus address for that device comes back in R1. With no IOMMU it
 * is the physical address and nothing is programmed; the device argument is where an IOMMU's
 * translation for that device will be set up, so servers will not change (docs/storage.md). */
int sys_dma_map(struct thread *t)
{
    struct cap_slot *frame, *dev;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_FRAME, HV_RIGHT_READ | HV_RIGHT_WRITE, &frame);
    if (!r)
        r = sys_lookup(t, sys_arg(t, 1), HV_OBJ_FRAME, HV_RIGHT_WRITE, &dev);
    if (r)
        return r;
    /* Only a driver, holding its device's registers, learns where RAM is. */
    if (!(dev->flags & CAP_FLAG_DEVICE))
        return HV_EPERM;
    /* DMA memory is RAM: a device's registers are not a buffer for another device. */
    if (frame->flags & CAP_FLAG_DEVICE)
        return HV_EINVAL;
    arch_context_set_reg(&t->ctx, 1, pa_addr(cap_paddr(frame)));
    return HV_OK;
}
