/* A small system for core tests: the root task, and syscalls made on a thread's behalf. */
#include "core_fixture.h"
#include <check.h>

struct thread *root;

void fix_setup(void)
{
    fake_arch_reset();
    struct core_boot b = {
        .kernel_mem = pa_init(FAKE_PHYS_BASE),
        .root_slot_bits = FIX_ROOT_SLOT_BITS,
        .untyped = {{pa_init(FIX_UNTYPED_BASE), FIX_UNTYPED_BITS, false}},
        .untyped_count = 1,
    };
    root = core_boot_root(&b);
    ck_assert_ptr_nonnull(root);
    thread_resume(root);
    ck_assert_ptr_eq(sched_choose(), root);
}

uint64_t fix_sys_va(struct thread *t, uint64_t n, const uint64_t a[8])
{
    for (unsigned i = 0; i < 8; i++)
        arch_context_set_reg(&t->ctx, i, a[i]);
    arch_context_set_reg(&t->ctx, HV_REG_NUMBER, n);
    syscall_dispatch(t);
    sched_choose();
    return arch_context_reg(&t->ctx, 0);
}

uint64_t fix_sys(struct thread *t, uint64_t n, uint64_t a0, uint64_t a1, uint64_t a2,
                 uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7)
{
    return fix_sys_va(t, n, (uint64_t[8]){a0, a1, a2, a3, a4, a5, a6, a7});
}

void fix_retype(unsigned type, unsigned size_bits, unsigned slot, unsigned count)
{
    ck_assert_uint_eq(SYS(root, HV_SYS_RETYPE, ROOT_SLOT_UNTYPED, type, size_bits,
                          ROOT_SLOT_CNODE, slot, count),
                      HV_OK);
}

struct thread *fix_thread(unsigned th, unsigned cn, unsigned vs, unsigned prio,
                          unsigned budget, unsigned period)
{
    fix_retype(HV_OBJ_THREAD, 0, th, 1);
    fix_retype(HV_OBJ_CNODE, 4, cn, 1);
    fix_retype(HV_OBJ_VSPACE, 15, vs, 1);
    uint64_t sc = HV_SC_INHERIT;
    if (budget < period) {
        sc = th + FIX_SC_SLOT_OFFSET;
        fix_sc(sc, budget, period);
    }
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_CONFIGURE, th, cn, vs, 0, prio, sc, 0x1000,
                          0x8000),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_RESUME, th), HV_OK);
    return cap_ptr(root_slot(th));
}

struct sched_context *fix_sc(unsigned slot, unsigned budget, unsigned period)
{
    fix_retype(HV_OBJ_SCHED_CONTEXT, 0, slot, 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_SC_CONFIGURE, ROOT_SLOT_SCHED_CONTROL, slot,
                          (uint64_t)budget * FIX_TICK_US, (uint64_t)period * FIX_TICK_US),
                      HV_OK);
    return cap_ptr(root_slot(slot));
}
