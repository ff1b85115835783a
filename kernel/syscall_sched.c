/* The scheduling-context system calls: setting a budget (only with the sched-control cap the
 * root task holds) and reading what a context consumed. Binding a thread to a context is
 * thread_configure's R5 (syscall_obj.c). */
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/sched.h>
#include <kernel/sched_context.h>
#include <kernel/syscall.h>

/* Microseconds to counter units (the counter's rate is at most a few GHz and periods at most
 * 100 s, so the product fits 64 bits). */
static uint64_t us_to_counter(uint64_t us)
{
    return us * arch_counter_hz() / 1000000u;
}

static uint64_t counter_to_us(uint64_t units)
{
    uint64_t hz = arch_counter_hz();
    return units / hz * 1000000u + units % hz * 1000000u / hz;
}

/* R0 sched-control (write), R1 scheduling context (write), R2 budget, R3 period (both in
 * microseconds: HV_SC_PERIOD_MIN_US <= period <= HV_SC_PERIOD_MAX_US, 0 < budget <= period). */
int sys_sc_configure(struct thread *t)
{
    struct cap_slot *ctl, *s;
    uint64_t budget = sys_arg(t, 2), period = sys_arg(t, 3);
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_SCHED_CONTROL, HV_RIGHT_WRITE, &ctl);
    if (!r)
        r = sys_lookup(t, sys_arg(t, 1), HV_OBJ_SCHED_CONTEXT, HV_RIGHT_WRITE, &s);
    if (r)
        return r;
    if (period < HV_SC_PERIOD_MIN_US || period > HV_SC_PERIOD_MAX_US || budget == 0 ||
        budget > period)
        return HV_EINVAL;
    uint64_t b = us_to_counter(budget), p = us_to_counter(period);
    if (b == 0)
        return HV_EINVAL; /* below the counter's resolution */
    sc_configure(cap_ptr(s), b, p, arch_counter_now());
    return HV_OK;
}

/* R0 scheduling context (read) -> R1 microseconds charged to it so far, R2 microseconds since
 * it was first configured (0 if never): the share it had, from the kernel's own clock. */
int sys_sc_consumed(struct thread *t)
{
    struct cap_slot *s;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_SCHED_CONTEXT, HV_RIGHT_READ, &s);
    if (r)
        return r;
    struct sched_context *sc = cap_ptr(s);
    /* The running context (maybe sc itself, lent to the caller) owes the time since its last
     * charge: settle it so the answer is current. A budget it spends is handled by the timer
     * already armed at its end. */
    sched_charge_now();
    arch_context_set_reg(&t->ctx, 1, counter_to_us(sc->consumed));
    arch_context_set_reg(&t->ctx, 2,
                         sc->configured ? counter_to_us(arch_counter_now() - sc->configured_at) : 0);
    return HV_OK;
}
