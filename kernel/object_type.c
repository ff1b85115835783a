/* The kernel's object types, one entry each (seL4's objecttype.c): sizes, making, destroying
 * and the rules of their caps, so that the rest of the kernel asks the table instead of
 * switching on the type. */
#include <arch.h>
#include <arch_vcpu.h>
#include <kernel/assert.h>
#include <kernel/cnode.h>
#include <kernel/endpoint.h>
#include <kernel/irq.h>
#include <kernel/notification.h>
#include <kernel/sched_context.h>
#include <kernel/object_type.h>
#include <kernel/thread.h>
#include <kernel/vcpu.h>
#include <kernel/vspace.h>

/* size_args with bits lo..hi set. */
#define SIZES(lo, hi) ((~0ull >> (63 - (hi))) & ~((1ull << (lo)) - 1))
#define BIT64(n) (1ull << (n))
/* A fixed-size object: retype's size argument is 0. */
#define FIXED(bits) .size_args = 1, .fixed_bits = (bits)

static uint64_t init_cnode(paddr_t pa, unsigned size_bits, const struct obj_reserve *res)
{
    return (uintptr_t)cnode_init(arch_phys_to_virt(pa), size_bits);
}

static uint64_t init_thread(paddr_t pa, unsigned size_bits, const struct obj_reserve *res)
{
    struct thread *t = arch_phys_to_virt(pa);
    thread_init(t);
    return (uintptr_t)t;
}

static uint64_t init_endpoint(paddr_t pa, unsigned size_bits, const struct obj_reserve *res)
{
    struct endpoint *ep = arch_phys_to_virt(pa);
    ep_init(ep);
    return (uintptr_t)ep;
}

static uint64_t init_notification(paddr_t pa, unsigned size_bits, const struct obj_reserve *res)
{
    struct notification *n = arch_phys_to_virt(pa);
    ntfn_init(n);
    return (uintptr_t)n;
}

static uint64_t init_vspace(paddr_t pa, unsigned size_bits, const struct obj_reserve *res)
{
    return (uintptr_t)vspace_init(pa, size_bits);
}

/* A guest vspace's VMID / ASID can run out; it is taken for the root the object will have. */
static int reserve_guest_vspace(paddr_t pa, struct obj_reserve *res)
{
    const struct pt_format *fmt = arch_guest_vspace_format();
    return arch_guest_vspace_init(&res->tag, vspace_root_of(pa, fmt));
}

static uint64_t init_guest_vspace(paddr_t pa, unsigned size_bits, const struct obj_reserve *res)
{
    return (uintptr_t)vspace_init_guest(pa, size_bits, &res->tag);
}

static uint64_t init_vcpu(paddr_t pa, unsigned size_bits, const struct obj_reserve *res)
{
    return (uintptr_t)vcpu_init(pa);
}

static uint64_t init_sched_context(paddr_t pa, unsigned size_bits, const struct obj_reserve *res)
{
    struct sched_context *sc = arch_phys_to_virt(pa);
    sc_init(sc);
    return (uintptr_t)sc;
}

static void destroy_cnode(struct obj_header *h)
{
    cnode_destroy((struct cnode *)h);
}

static void destroy_thread(struct obj_header *h)
{
    thread_destroy((struct thread *)h);
}

static void destroy_endpoint(struct obj_header *h)
{
    ep_destroy((struct endpoint *)h);
}

static void destroy_notification(struct obj_header *h)
{
    ntfn_destroy((struct notification *)h);
}

static void destroy_vspace(struct obj_header *h)
{
    vspace_destroy((struct vspace *)h);
}

/* A vcpu or an interrupt handler is only links: to a thread and a guest vspace (the thread
 * is suspended), to notifications (a vcpu's doorbells; the line is masked). */
static void destroy_vcpu(struct obj_header *h)
{
    vcpu_unbind((struct vcpu *)h);
    vcpu_drop_doorbells((struct vcpu *)h);
}

static void destroy_sched_context(struct obj_header *h)
{
    sc_destroy((struct sched_context *)h);
}

static void destroy_irq_handler(struct obj_header *h)
{
    irq_handler_unbind((struct irq_handler *)h);
}

/* One entry per type, one field per line. */
/* clang-format off */
static const struct object_type types[HV_OBJ_TYPE_COUNT] = {
    [HV_OBJ_UNTYPED] = {
        .size_args = SIZES(HV_UNTYPED_MIN_BITS, HV_UNTYPED_MAX_BITS),
        /* Two caps to one range would carve it twice. */
        .flags = OBJ_DEVICE_MEMORY | OBJ_UNIQUE,
    },
    [HV_OBJ_CNODE] = {
        .size_args = SIZES(HV_CNODE_MIN_SLOTS_BITS, HV_CNODE_MAX_SLOTS_BITS),
        .size_shift = HV_CNODE_SLOT_BITS,
        .init = init_cnode,
        .destroy = destroy_cnode,
    },
    [HV_OBJ_THREAD] = {
        FIXED(HV_THREAD_SIZE_BITS),
        .init = init_thread,
        .destroy = destroy_thread,
    },
    [HV_OBJ_ENDPOINT] = {
        FIXED(HV_ENDPOINT_SIZE_BITS),
        .flags = OBJ_BADGED,
        .init = init_endpoint,
        .destroy = destroy_endpoint,
    },
    [HV_OBJ_NOTIFICATION] = {
        FIXED(HV_NOTIFICATION_SIZE_BITS),
        .flags = OBJ_BADGED,
        .init = init_notification,
        .destroy = destroy_notification,
    },
    [HV_OBJ_FRAME] = {
        .size_args = BIT64(12) | BIT64(21),
        .flags = OBJ_DEVICE_MEMORY | OBJ_CAP_MAPPING,
    },
    [HV_OBJ_VSPACE] = {
        .size_args = SIZES(HV_VSPACE_MIN_BITS, HV_VSPACE_MAX_BITS),
        .init = init_vspace,
        .destroy = destroy_vspace,
    },
    /* Not made by retype: the root task's singleton... */
    [HV_OBJ_IRQ_CONTROL] = {
        .flags = OBJ_UNIQUE,
    },
    /* ...the handlers irq_get makes from it... */
    [HV_OBJ_IRQ_HANDLER] = {
        .destroy = destroy_irq_handler,
    },
    /* ...and port ranges, copied and narrowed from the root task's. */
    [HV_OBJ_IOPORT] = {0},
    [HV_OBJ_VCPU] = {
        FIXED(HV_VCPU_SIZE_BITS),
        .init = init_vcpu,
        .destroy = destroy_vcpu,
    },
    [HV_OBJ_GUEST_VSPACE] = {
        .size_args = SIZES(HV_VSPACE_MIN_BITS, HV_VSPACE_MAX_BITS),
        .flags = OBJ_ONE_PER_RETYPE,
        .reserve = reserve_guest_vspace,
        .init = init_guest_vspace,
        .destroy = destroy_vspace,
    },
    [HV_OBJ_SCHED_CONTEXT] = {
        FIXED(HV_SCHED_CONTEXT_SIZE_BITS),
        .init = init_sched_context,
        .destroy = destroy_sched_context,
    },
    /* The root task's singleton: who holds it sets budgets. */
    [HV_OBJ_SCHED_CONTROL] = {
        .flags = OBJ_UNIQUE,
    },
    /* The root task's: who holds it writes untagged lines to the terminal (SEC-M2). It may
     * be copied, to a task the root trusts as much. */
    [HV_OBJ_DEBUG_CONSOLE] = {0},
};
/* clang-format on */

const struct object_type *object_type(unsigned type)
{
    assert(type < HV_OBJ_TYPE_COUNT);
    return &types[type];
}

unsigned object_bits(unsigned type, unsigned size_bits)
{
    const struct object_type *ot = object_type(type);
    if (size_bits > 63 || !(ot->size_args >> size_bits & 1))
        return 0;
    return ot->fixed_bits ? ot->fixed_bits : size_bits + ot->size_shift;
}
