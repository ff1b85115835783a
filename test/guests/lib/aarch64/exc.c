/* What the EL1 vectors call: a synchronous exception or SError goes to the innermost exc_catch
 * (or ends the run as a FAIL); an IRQ is acknowledged at the GIC's CPU interface, handed to its
 * handler and ended. */
#include <guest/a64.h>
#include <guest/exc.h>

#include "../common/lib.h"

struct a64_frame {
    uint64_t x[31];
    uint64_t elr, spsr, sp, esr, far;
};

/* The vector's kind: entry index 0..15 = source (current EL SP0, SPx, lower 64, lower 32) * 4 +
 * type (sync, IRQ, FIQ, SError). */
enum { TYPE_SYNC, TYPE_IRQ, TYPE_FIQ, TYPE_SERROR };
#define SOURCE_CUR_SPX 1

#define MAX_INTID 128
static irq_handler_fn irq_handlers[MAX_INTID];

void irq_set_handler(unsigned id, irq_handler_fn fn)
{
    if (id < MAX_INTID)
        irq_handlers[id] = fn;
}

void irq_enable(void)
{
    __asm__ volatile("msr daifclr, #2" ::: "memory");
}

void irq_disable(void)
{
    __asm__ volatile("msr daifset, #2" ::: "memory");
}

uint64_t arch_irq_save(void)
{
    return read_sysreg(daif);
}

void arch_irq_restore(uint64_t saved)
{
    write_sysreg(daif, saved);
}

const char *exc_kind_name(uint64_t ec)
{
    switch (ec) {
    case EC_UNKNOWN:
        return "undefined instruction (EC 0x00)";
    case EC_SVC64:
        return "SVC (EC 0x15)";
    case EC_HVC64:
        return "HVC (EC 0x16)";
    case EC_SYS64:
        return "trapped system register (EC 0x18)";
    case EC_IABT_LOW:
        return "instruction abort, lower EL (EC 0x20)";
    case EC_IABT_CUR:
        return "instruction abort (EC 0x21)";
    case EC_PC_ALIGN:
        return "PC alignment fault (EC 0x22)";
    case EC_DABT_LOW:
        return "data abort, lower EL (EC 0x24)";
    case EC_DABT_CUR:
        return "data abort (EC 0x25)";
    case EC_SERROR:
        return "SError (EC 0x2f)";
    case EC_BREAKPT_CUR:
        return "breakpoint (EC 0x31)";
    case EC_SOFTSTP_CUR:
        return "software step (EC 0x33)";
    case EC_WATCHPT_CUR:
        return "watchpoint (EC 0x35)";
    case EC_BRK64:
        return "BRK (EC 0x3c)";
    default:
        return "exception (EC see syndrome)";
    }
}

static void irq(void)
{
    uint64_t iar = read_sysreg(icc_iar1_el1);
    unsigned intid = (unsigned)(iar & 0xffffff);
    if (intid >= 1020)
        return; /* spurious: nothing to end */
    if (intid < MAX_INTID && irq_handlers[intid]) {
        irq_handlers[intid](intid, 0);
    } else {
        irq_unexpected++;
        irq_unexpected_last = intid;
    }
    write_sysreg(icc_eoir1_el1, iar);
    isb();
}

/* Called by every vector of vectors.S with the saved frame and the vector's kind. */
void a64_exception(struct a64_frame *f, uint64_t kind)
{
    unsigned type = kind & 3, source = (unsigned)(kind >> 2);
    if (source == SOURCE_CUR_SPX && type == TYPE_IRQ) {
        irq();
        return;
    }
    struct exc_info e = {
        .kind = type == TYPE_SERROR ? EC_SERROR : ESR_EC(f->esr),
        .syndrome = f->esr,
        .addr = f->far,
        .pc = f->elr,
    };
    if (source != SOURCE_CUR_SPX || type == TYPE_FIQ)
        e.kind = 0x100 | kind; /* a vector this guest never uses */
    struct exc_jmp *j = exc_taken(&e);
    if (!j)
        exc_fatal(&e);
    /* Return into exc_longjmp(j) at EL1h with every exception masked; exc_catch restores
     * the caller's mask. */
    f->elr = (uint64_t)exc_longjmp;
    f->x[0] = (uint64_t)j;
    f->spsr = PSR_MODE_EL1H | PSR_D | PSR_A | PSR_I | PSR_F;
}
