/* Untyped memory: carves naturally aligned objects below a watermark that resets once every
 * object made from the untyped is gone, so memory is never used twice and can be reused. */
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/assert.h>
#include <kernel/object_type.h>
#include <kernel/string.h>
#include <kernel/untyped.h>

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

int untyped_retype(struct cap_slot *ut, unsigned type, unsigned size_bits,
                   struct cap_slot *const *dest, unsigned count)
{
    const struct object_type *ot = object_type(type);
    unsigned obj_bits = object_bits(type, size_bits);
    assert(obj_bits != 0 && ut->type == HV_OBJ_UNTYPED);
    uint64_t start = untyped_next_fit(ut, obj_bits, count);
    if (start == UINT64_MAX)
        return HV_ENOMEM;
    /* What may run out (a guest vspace's VMID / ASID) is taken before any change, so that a
     * failure leaves everything as it was (one such object per retype, see sys_retype). */
    struct obj_reserve res = {{{0}}};
    if (ot->reserve) {
        assert(count == 1);
        int r = ot->reserve(pa_init(start), &res);
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
        uint64_t obj = ot->init ? ot->init(pa, size_bits, &res) : pa_addr(pa);
        cap_install(dest[i], ut, type, HV_RIGHTS_ALL, obj, 0, size_bits);
        dest[i]->flags = ut->flags & CAP_FLAG_DEVICE;
    }
    ut->data = start + ((uint64_t)count << obj_bits) - ut->obj;
    return HV_OK;
}
