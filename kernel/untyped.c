/* Untyped memory: carves naturally aligned objects below a watermark that resets once every
 * object made from the untyped is gone, so memory is never used twice and can be reused. */
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/assert.h>
#include <kernel/cnode.h>
#include <kernel/endpoint.h>
#include <kernel/notification.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/untyped.h>
#include <kernel/vcpu.h>
#include <kernel/vspace.h>

unsigned untyped_object_bits(unsigned type, unsigned size_bits)
{
    switch (type) {
    case HV_OBJ_UNTYPED:
        return size_bits >= HV_UNTYPED_MIN_BITS && size_bits <= HV_UNTYPED_MAX_BITS ? size_bits
                                                                                     : 0;
    case HV_OBJ_CNODE:
        return size_bits >= HV_CNODE_MIN_SLOTS_BITS && size_bits <= HV_CNODE_MAX_SLOTS_BITS
                   ? size_bits + HV_CNODE_SLOT_BITS
                   : 0;
    case HV_OBJ_FRAME:
        return size_bits == 12 || size_bits == 21 ? size_bits : 0;
    case HV_OBJ_VSPACE:
    case HV_OBJ_GUEST_VSPACE:
        return size_bits >= HV_VSPACE_MIN_BITS && size_bits <= HV_VSPACE_MAX_BITS ? size_bits : 0;
    case HV_OBJ_VCPU:
        return size_bits == 0 ? HV_VCPU_SIZE_BITS : 0;
    case HV_OBJ_THREAD:
        return size_bits == 0 ? HV_THREAD_SIZE_BITS : 0;
    case HV_OBJ_ENDPOINT:
        return size_bits == 0 ? HV_ENDPOINT_SIZE_BITS : 0;
    case HV_OBJ_NOTIFICATION:
        return size_bits == 0 ? HV_NOTIFICATION_SIZE_BITS : 0;
    default:
        return 0; /* irq handlers and io ports are not made of memory */
    }
}

uint64_t untyped_next_fit(const struct cap_slot *ut, unsigned obj_bits, unsigned count)
{
    uint64_t base = ut->obj, size = 1ull << ut->size_bits;
    /* No children: nothing lives in the range any more, start from the bottom again. */
    uint64_t mark = cap_has_children(ut) ? ut->data : 0;

    if (obj_bits > ut->size_bits)
        return UINT64_MAX;
    uint64_t start = ALIGN_UP(base + mark, 1ull << obj_bits);
    uint64_t need = (uint64_t)count << obj_bits;
    if (start > base + size || need > base + size - start)
        return UINT64_MAX;
    return start;
}

/* Formats the zeroed object at pa; returns the value its cap's obj field holds. tag: the
 * guest vspace's, allocated before anything was written. */
static uint64_t init_object(unsigned type, paddr_t pa, unsigned size_bits,
                            const struct arch_vspace *tag)
{
    void *mem = arch_phys_to_virt(pa);

    switch (type) {
    case HV_OBJ_CNODE:
        return (uintptr_t)cnode_init(mem, size_bits);
    case HV_OBJ_THREAD:
        thread_init(mem);
        return (uintptr_t)mem;
    case HV_OBJ_ENDPOINT:
        ep_init(mem);
        return (uintptr_t)mem;
    case HV_OBJ_NOTIFICATION:
        ntfn_init(mem);
        return (uintptr_t)mem;
    case HV_OBJ_VSPACE:
        return (uintptr_t)vspace_init(pa, size_bits);
    case HV_OBJ_GUEST_VSPACE:
        return (uintptr_t)vspace_init_guest(pa, size_bits, tag);
    case HV_OBJ_VCPU:
        return (uintptr_t)vcpu_init(pa);
    default:
        return pa_addr(pa); /* untyped and frames are named by physical address */
    }
}

int untyped_retype(struct cap_slot *ut, unsigned type, unsigned size_bits,
                   struct cap_slot *const *dest, unsigned count)
{
    unsigned obj_bits = untyped_object_bits(type, size_bits);
    assert(obj_bits != 0 && ut->type == HV_OBJ_UNTYPED);
    uint64_t start = untyped_next_fit(ut, obj_bits, count);
    if (start == UINT64_MAX)
        return HV_ENOMEM;
    /* A guest vspace needs a VMID / ASID, which may run out: take it before any change, so
     * that a failure leaves everything as it was (one guest vspace per retype, see sys_retype). */
    struct arch_vspace tag = {{0}};
    if (type == HV_OBJ_GUEST_VSPACE) {
        assert(count == 1);
        int r = arch_guest_vspace_init(&tag, vspace_root_of(pa_init(start), arch_guest_vspace_format()));
        if (r)
            return r;
    }

    for (unsigned i = 0; i < count; i++) {
        paddr_t pa = pa_init(start + ((uint64_t)i << obj_bits));
        /* A child untyped is zeroed piecewise when it is carved in turn; device memory is
         * never written by the kernel (a store to a device register has effects). */
        bool device = ut->flags & CAP_FLAG_DEVICE;
        if (type != HV_OBJ_UNTYPED && !device)
            memset(arch_phys_to_virt(pa), 0, (size_t)1 << obj_bits);
        uint64_t obj = init_object(type, pa, size_bits, &tag);
        cap_install(dest[i], ut, type, HV_RIGHTS_ALL, obj, 0, size_bits);
        dest[i]->flags = ut->flags & CAP_FLAG_DEVICE;
    }
    ut->data = start + ((uint64_t)count << obj_bits) - ut->obj;
    return HV_OK;
}
