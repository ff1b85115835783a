/* NMI checks (Intel SDM Vol. 3A 6.7.1 "Handling Multiple NMIs"; AMD APM
 * Vol. 2, "NMI"): an NMI sent through the local
 * APIC is taken through vector 2, and while its handler runs further NMIs are held until the
 * IRET that ends it has completed. */
#include <guest/check.h>
#include <guest/exc.h>
#include <guest/lapic.h>
#include <guest/time.h>
#include <guest/x86.h>

static volatile unsigned nmis;
static volatile bool in_handler, nested, second_in_trap_code;
static volatile uint64_t second_rip;

static TRAP_TEXT void count_nmi(unsigned vec, void *frame)
{
    nmis++;
}

/* SDM 10.6.1: an NMI IPI to this CPU's own APIC ID is delivered as an NMI (vector 2). */
CHECK(nmi_delivered, "NMI-X1")
{
    nmis = 0;
    irq_set_handler(VEC_NMI, count_nmi);
    lapic_nmi_self();
    bool got = WAIT_UNTIL(nmis > 0, 100000);
    delay_us(1000);
    irq_set_handler(VEC_NMI, 0);
    report(got && nmis == 1, "NMI to own APIC ID: %u taken", nmis);
}

/* The first NMI sends a second and waits 5 ms inside its handler: the second must come after
 * the handler's IRETQ, i.e. neither inside the handler nor with a RIP in the trap code (the
 * stub's IRETQ included). */
static TRAP_TEXT void blocking_nmi(unsigned vec, void *frame)
{
    struct x86_frame *f = frame;
    unsigned n = ++nmis;
    if (n == 1) {
        in_handler = true;
        lapic_nmi_self();
        uint64_t end = time_us() + 5000;
        for (unsigned i = 0; i < WAIT_MAX_SPINS && time_us() < end; i++)
            ;
        in_handler = false;
        return;
    }
    if (n == 2) {
        nested = in_handler;
        second_rip = f->rip;
        second_in_trap_code = f->rip >= (uint64_t)__trap_start && f->rip < (uint64_t)__trap_end;
    }
}

CHECK(nmi_blocking, "NMI-X2")
{
    nmis = 0;
    nested = second_in_trap_code = false;
    irq_set_handler(VEC_NMI, blocking_nmi);
    lapic_nmi_self();
    bool got = WAIT_UNTIL(nmis >= 2, 200000);
    delay_us(1000);
    irq_set_handler(VEC_NMI, 0);
    const char *when = nested ? "inside the first handler"
                       : second_in_trap_code
                           ? "in the trap code, before the first's IRETQ completed"
                           : "after the first's IRETQ";
    report(got && nmis == 2 && !nested && !second_in_trap_code,
           "%u NMIs; the second at RIP 0x%llx: %s", nmis, (unsigned long long)second_rip, when);
}
