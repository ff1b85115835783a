/* Builds the root task's capabilities by hand, the only objects not made by retype: its cnode,
 * thread and address space in a reserved region, then irq-control, io-port and untyped caps. */
#include <arch.h>
#include <kernel/cnode.h>
#include <kernel/core_boot.h>
#include <kernel/irq.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/untyped.h>
#include <kernel/vspace.h>

#define ROOT_VSPACE_BITS 16
/* The cnode takes at most the first half of CORE_BOOT_MEM (64-byte slots). */
#define ROOT_CNODE_MAX_BITS (CORE_BOOT_MEM_BITS - 1 - HV_CNODE_SLOT_BITS)
_Static_assert(ROOT_VSPACE_BITS <= CORE_BOOT_MEM_BITS - 2, "the vspace fits its quarter");

static bool layout_ok(const struct core_boot *b)
{
    if (b->root_slot_bits < HV_CNODE_MIN_SLOTS_BITS || b->root_slot_bits > ROOT_CNODE_MAX_BITS)
        return false;
    if (!IS_ALIGNED(pa_addr(b->kernel_mem), 1ull << CORE_BOOT_MEM_BITS))
        return false;
    if (b->untyped_count > ARRAY_SIZE(b->untyped) ||
        ROOT_SLOT_UNTYPED + b->untyped_count > (1u << b->root_slot_bits))
        return false;
    for (unsigned i = 0; i < b->untyped_count; i++) {
        unsigned bits = b->untyped[i].size_bits;
        if (bits < HV_UNTYPED_MIN_BITS || bits > HV_UNTYPED_MAX_BITS ||
            !IS_ALIGNED(pa_addr(b->untyped[i].base), 1ull << bits))
            return false;
    }
    return true;
}

struct thread *core_boot_root(const struct core_boot *b)
{
    if (!layout_ok(b))
        return NULL;
    sched_init();
    irq_init();

    /* Layout: cnode (at most half) at 0, address space (a quarter) at half, thread at the
     * end. */
    paddr_t cn_pa = b->kernel_mem;
    paddr_t vs_pa = pa_add(b->kernel_mem, 1ull << (CORE_BOOT_MEM_BITS - 1));
    paddr_t th_pa = pa_add(b->kernel_mem, (1ull << CORE_BOOT_MEM_BITS) - (1ull << HV_THREAD_SIZE_BITS));
    memset(arch_phys_to_virt(b->kernel_mem), 0, 1ull << CORE_BOOT_MEM_BITS);
    struct cnode *cn = cnode_init(arch_phys_to_virt(cn_pa), b->root_slot_bits);
    struct thread *t = arch_phys_to_virt(th_pa);
    thread_init(t);
    struct vspace *vs = vspace_init(vs_pa, ROOT_VSPACE_BITS);

    cap_install(cnode_slot(cn, ROOT_SLOT_CNODE), NULL, HV_OBJ_CNODE, HV_RIGHTS_ALL,
                (uintptr_t)cn, 0, b->root_slot_bits);
    cap_install(cnode_slot(cn, ROOT_SLOT_THREAD), NULL, HV_OBJ_THREAD, HV_RIGHTS_ALL,
                (uintptr_t)t, 0, 0);
    cap_install(cnode_slot(cn, ROOT_SLOT_VSPACE), NULL, HV_OBJ_VSPACE, HV_RIGHTS_ALL,
                (uintptr_t)vs, 0, ROOT_VSPACE_BITS);
    cap_install(cnode_slot(cn, ROOT_SLOT_IRQ_CONTROL), NULL, HV_OBJ_IRQ_CONTROL,
                HV_RIGHTS_ALL, 0, 0, 0);
    cap_install(cnode_slot(cn, ROOT_SLOT_SCHED_CONTROL), NULL, HV_OBJ_SCHED_CONTROL,
                HV_RIGHTS_ALL, 0, 0, 0);
    cap_install(cnode_slot(cn, ROOT_SLOT_DEBUG_CONSOLE), NULL, HV_OBJ_DEBUG_CONSOLE,
                HV_RIGHTS_ALL, 0, 0, 0);
    struct cap_slot *io = cnode_slot(cn, ROOT_SLOT_IOPORT);
    cap_install(io, NULL, HV_OBJ_IOPORT, HV_RIGHTS_ALL, 0, 0, 0);
    io->aux = 65536;
    for (unsigned i = 0; i < b->untyped_count; i++) {
        struct cap_slot *ut = cnode_slot(cn, ROOT_SLOT_UNTYPED + i);
        cap_install(ut, NULL, HV_OBJ_UNTYPED, HV_RIGHTS_ALL, pa_addr(b->untyped[i].base), 0,
                    b->untyped[i].size_bits);
        ut->flags = b->untyped[i].device ? CAP_FLAG_DEVICE : 0;
    }

    thread_configure(t, cnode_slot(cn, ROOT_SLOT_CNODE), cnode_slot(cn, ROOT_SLOT_VSPACE), NULL,
                     HV_PRIO_MAX, NULL); /* the system context: unbudgeted */
    return t;
}
