/* Decoders of the vcpu system calls (bind, read, write, inject): every capability and
 * argument is checked here, then kernel/vcpu.c does the work. */
#include <hv/abi/error.h>
#include <kernel/syscall.h>
#include <kernel/vcpu.h>

/* R0 vcpu (W), R1 thread (W) or 0 to unbind, R2 guest vspace (W). */
int sys_vcpu_bind(struct thread *t)
{
    struct cap_slot *vs, *ts, *gs;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_VCPU, HV_RIGHT_WRITE, &vs);
    if (r)
        return r;
    struct vcpu *v = cap_ptr(vs);
    if (sys_arg(t, 1) == 0) {
        if (v->thread && v->thread->state != THREAD_INACTIVE)
            return HV_EBUSY; /* suspend it first: a running guest is never pulled away */
        vcpu_unbind(v);
        return HV_OK;
    }
    r = sys_lookup(t, sys_arg(t, 1), HV_OBJ_THREAD, HV_RIGHT_WRITE, &ts);
    if (!r)
        r = sys_lookup(t, sys_arg(t, 2), HV_OBJ_GUEST_VSPACE, HV_RIGHT_WRITE, &gs);
    if (r)
        return r;
    struct thread *target = cap_ptr(ts);
    if (v->thread || target->vcpu || target->state != THREAD_INACTIVE)
        return HV_EBUSY;
    if (cap_is_empty(&target->cnode_cap) || cap_is_empty(&target->vspace_cap))
        return HV_EINVAL; /* never configured: it has no cnode, priority or budget yet */
    vcpu_bind(v, target, cap_ptr(gs));
    return HV_OK;
}

/* R0 vcpu (R), R1 register -> R1 value. */
int sys_vcpu_read(struct thread *t)
{
    struct cap_slot *vs;
    uint64_t reg = sys_arg(t, 1), val;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_VCPU, HV_RIGHT_READ, &vs);
    if (r)
        return r;
    if (reg > UINT32_MAX)
        return HV_ERANGE;
    r = vcpu_read(cap_ptr(vs), (unsigned)reg, &val);
    if (r)
        return r;
    arch_context_set_reg(&t->ctx, 1, val);
    return HV_OK;
}

/* R0 vcpu (W), R1 register (or HV_VCPU_REG_RESET), R2 value. */
int sys_vcpu_write(struct thread *t)
{
    struct cap_slot *vs;
    uint64_t reg = sys_arg(t, 1);
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_VCPU, HV_RIGHT_WRITE, &vs);
    if (r)
        return r;
    if (reg == HV_VCPU_REG_RESET) {
        vcpu_reset(cap_ptr(vs));
        return HV_OK;
    }
    if (reg > UINT32_MAX)
        return HV_ERANGE;
    /* The value's legality is the arch's to judge; a refused one changes nothing. */
    return vcpu_write(cap_ptr(vs), (unsigned)reg, sys_arg(t, 2));
}

/* R0 vcpu (W), R1 doorbell index, R2 guest-physical address (0: none), R3 notification (W). */
int sys_vcpu_doorbell(struct thread *t)
{
    if (!arch_vcpu_has_doorbells())
        return HV_ENOSYS;
    struct cap_slot *vs, *ns = NULL;
    uint64_t index = sys_arg(t, 1), ipa = sys_arg(t, 2);
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_VCPU, HV_RIGHT_WRITE, &vs);
    if (r)
        return r;
    if (index >= HV_VCPU_DOORBELLS || ipa >= ipa_addr(arch_guest_vspace_top()))
        return HV_ERANGE;
    if (ipa % 4)
        return HV_EALIGN;
    if (ipa && (r = sys_lookup(t, sys_arg(t, 3), HV_OBJ_NOTIFICATION, HV_RIGHT_WRITE, &ns)))
        return r;
    vcpu_set_doorbell(cap_ptr(vs), (unsigned)index, ipa, ns);
    return HV_OK;
}

/* R0 vcpu (W), R1 interrupt, R2 arch flags. */
int sys_vcpu_inject(struct thread *t)
{
    struct cap_slot *vs;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_VCPU, HV_RIGHT_WRITE, &vs);
    if (r)
        return r;
    return vcpu_inject(cap_ptr(vs), sys_arg(t, 1), sys_arg(t, 2));
}
