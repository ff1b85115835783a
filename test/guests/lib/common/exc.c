/* exc_catch: a probe runs with a catcher registered; the arch's exception handler hands the
 * exception to the innermost catcher, which resumes where exc_catch was called (a setjmp the
 * handler returns to), so one bad probe costs one check, not the run. */
#include "lib.h"
#include <guest/check.h>
#include <guest/exc.h>
#include <guest/guest.h>

struct exc_ctx {
    struct exc_jmp jmp;
    struct exc_info info;
    struct exc_ctx *prev;
};

static struct exc_ctx *volatile exc_current;

volatile unsigned irq_unexpected;
volatile unsigned irq_unexpected_last;

bool exc_catch(void (*fn)(void *), void *arg, struct exc_info *info)
{
    struct exc_ctx ctx;
    uint64_t mask = arch_irq_save();

    ctx.prev = exc_current;
    if (exc_setjmp(&ctx.jmp)) {
        /* Back from the handler: fn's frames are abandoned; the interrupt mask it had left
         * is undone too. */
        exc_current = ctx.prev;
        arch_irq_restore(mask);
        *info = ctx.info;
        return true;
    }
    exc_current = &ctx;
    fn(arg);
    exc_current = ctx.prev;
    return false;
}

struct exc_jmp *exc_taken(const struct exc_info *info)
{
    struct exc_ctx *c = exc_current;
    if (!c)
        return 0;
    c->info = *info;
    return &c->jmp;
}

void exc_fatal(const struct exc_info *e)
{
    check_report_outside("GUEST-1", false,
                         "unexpected exception %s outside any check (syndrome 0x%llx, address "
                         "0x%llx, at pc 0x%llx)",
                         exc_kind_name(e->kind), (unsigned long long)e->syndrome,
                         (unsigned long long)e->addr, (unsigned long long)e->pc);
    check_summary();
    guest_exit(1);
}
