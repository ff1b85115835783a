/* Local APIC interrupt delivery checks (Intel SDM Vol. 3A 10.8 "Handling Interrupts"; AMD APM
 * Vol. 2, "Interrupt Priority"): a fixed
 * interrupt is in service until its EOI, pending interrupts are delivered highest priority
 * first, and the TPR holds back the classes at or below it. */
#include <guest/check.h>
#include <guest/exc.h>
#include <guest/lapic.h>
#include <guest/time.h>
#include <guest/x86.h>

#define VEC_LOW 0x41  /* priority class 4 */
#define VEC_HIGH 0x81 /* priority class 8 */
#define VEC_TEST 0x50
#define VEC_TIMER_LOW 0x42 /* priority class 4 */
#define VEC_IPI_HIGH 0x82  /* priority class 8 */

static volatile unsigned order[4], taken;
static volatile bool in_service_during;

static void record(unsigned vec, void *frame)
{
    if (taken < 4)
        order[taken] = vec;
    taken++;
    in_service_during = lapic_in_service(vec);
}

/* SDM 10.8.4: an accepted fixed interrupt sets its ISR bit when the CPU takes it, and the EOI
 * clears it (10.8.5). */
CHECK(irq_fixed, "IRQ-X1")
{
    taken = 0;
    irq_set_handler(VEC_TEST, record);
    irq_enable();
    lapic_self_ipi(VEC_TEST);
    bool got = WAIT_UNTIL(taken > 0, 100000);
    irq_disable();
    bool isr_after = lapic_in_service(VEC_TEST);
    irq_set_handler(VEC_TEST, 0);
    report(got && in_service_during && !isr_after,
           "self IPI 0x%x: %s, in ISR during the handler: %s, after the EOI: %s", VEC_TEST,
           got ? "delivered" : "not delivered in 100 ms", in_service_during ? "yes" : "no",
           isr_after ? "yes" : "no");
}

/* SDM 10.8.3.1 "Task and Processor Priorities": of the pending interrupts the one with the highest
 * vector (priority class) is delivered first, whatever order they arrived in. VEC_LOW is sent
 * first. */
CHECK(irq_priority_order, "IRQ-X2")
{
    taken = 0;
    order[0] = order[1] = 0;
    irq_set_handler(VEC_LOW, record);
    irq_set_handler(VEC_HIGH, record);
    lapic_self_ipi(VEC_LOW);
    lapic_self_ipi(VEC_HIGH);
    bool both_pending = lapic_requested(VEC_LOW) && lapic_requested(VEC_HIGH);
    irq_enable();
    bool got = WAIT_UNTIL(taken >= 2, 100000);
    irq_disable();
    irq_set_handler(VEC_LOW, 0);
    irq_set_handler(VEC_HIGH, 0);
    report(got && order[0] == VEC_HIGH && order[1] == VEC_LOW,
           "0x%x then 0x%x sent with IF = 0 (both in IRR: %s): delivered 0x%x then 0x%x", VEC_LOW,
           VEC_HIGH, both_pending ? "yes" : "no", order[0], order[1]);
}

/* SDM 10.8.3.1: an interrupt whose priority class is not above TPR[7:4] stays in the IRR until
 * the TPR is lowered. */
CHECK(irq_tpr_holds, "IRQ-X3")
{
    taken = 0;
    irq_set_handler(VEC_LOW, record);
    lapic_write(LAPIC_TPR, 0x50);
    irq_enable();
    lapic_self_ipi(VEC_LOW);
    delay_us(10000);
    unsigned held = taken;
    bool in_irr = lapic_requested(VEC_LOW);
    lapic_write(LAPIC_TPR, 0);
    bool got = WAIT_UNTIL(taken > 0, 100000);
    irq_disable();
    irq_set_handler(VEC_LOW, 0);
    report(held == 0 && in_irr && got,
           "TPR 0x50, vector 0x%x: %u taken in 10 ms, in IRR: %s; with TPR 0: %s", VEC_LOW, held,
           in_irr ? "yes" : "no", got ? "delivered" : "not delivered");
}

/* The same order when the two come from different sources: the local APIC timer's vector
 * (class 4) becomes pending first, while IF = 0, then a self IPI of class 8; on STI the IPI is
 * delivered first (SDM 10.8.3.1). */
CHECK(irq_priority_sources, "IRQ-X4")
{
    taken = 0;
    order[0] = order[1] = 0;
    irq_set_handler(VEC_TIMER_LOW, record);
    irq_set_handler(VEC_IPI_HIGH, record);
    lapic_write(LAPIC_TIMER_DIVIDE, 0xb); /* divide by 1 */
    lapic_write(LAPIC_LVT_TIMER, VEC_TIMER_LOW);
    lapic_write(LAPIC_TIMER_INITIAL, 100000); /* about 100 us */
    bool timer_pending = WAIT_UNTIL(lapic_requested(VEC_TIMER_LOW), 100000);
    delay_us(1000);
    lapic_self_ipi(VEC_IPI_HIGH);
    irq_enable();
    bool got = WAIT_UNTIL(taken >= 2, 100000);
    irq_disable();
    lapic_write(LAPIC_TIMER_INITIAL, 0);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    irq_set_handler(VEC_TIMER_LOW, 0);
    irq_set_handler(VEC_IPI_HIGH, 0);
    report(got && order[0] == VEC_IPI_HIGH && order[1] == VEC_TIMER_LOW,
           "timer 0x%x (in IRR: %s), then IPI 0x%x, IF = 0: delivered 0x%x then 0x%x",
           VEC_TIMER_LOW, timer_pending ? "yes" : "no", VEC_IPI_HIGH, order[0], order[1]);
}

/* SDM 10.8.4: an interrupt the local APIC has accepted but not yet dispatched (IF = 0 here) is
 * held in the IRR, not the ISR: the one-shot timer's vector after its count ran out. */
CHECK(irq_pending_in_irr, "IRQ-X5")
{
    lapic_write(LAPIC_TIMER_DIVIDE, 0xb);
    lapic_write(LAPIC_LVT_TIMER, VEC_TIMER_LOW);
    lapic_write(LAPIC_TIMER_INITIAL, 100000);
    bool expired = WAIT_UNTIL(lapic_read(LAPIC_TIMER_CURRENT) == 0, 100000);
    delay_us(1000);
    bool irr = lapic_requested(VEC_TIMER_LOW), isr = lapic_in_service(VEC_TIMER_LOW);
    taken = 0;
    irq_set_handler(VEC_TIMER_LOW, record);
    irq_enable();
    bool got = WAIT_UNTIL(taken > 0, 100000);
    irq_disable();
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    irq_set_handler(VEC_TIMER_LOW, 0);
    report(expired && irr && !isr && got,
           "one-shot timer ran out with IF = 0 (count 0: %s): vector 0x%x in IRR %s, in ISR %s; "
           "after STI %s",
           expired ? "yes" : "no", VEC_TIMER_LOW, irr ? "yes" : "no", isr ? "yes" : "no",
           got ? "delivered" : "not delivered");
}

/* IRQ-X6's handler of the higher class: with interrupts on again inside it (a nested handler's
 * STI), the local APIC timer's lower vector runs out; it must wait for this handler's EOI. */
static volatile unsigned timer_taken, timer_during;

static void timer_record(unsigned vec, void *frame)
{
    timer_taken++;
}

static void high_handler(unsigned vec, void *frame)
{
    lapic_write(LAPIC_TIMER_DIVIDE, 0xb);
    lapic_write(LAPIC_LVT_TIMER, VEC_TIMER_LOW);
    lapic_write(LAPIC_TIMER_INITIAL, 100000); /* about 100 us */
    irq_enable();
    delay_us(2000);
    WAIT_UNTIL(lapic_read(LAPIC_TIMER_CURRENT) == 0, 100000);
    delay_us(1000);
    irq_disable();
    timer_during = timer_taken;
    taken++;
}

/* SDM 10.8.3.1: while a vector of class 8 is in service the processor priority is 0x80, and an
 * interrupt of class 4 is not dispatched, whatever IF says, until the EOI lowers it; then it
 * is dispatched, once. Here the class-4 vector is the timer's, which in a partition the
 * kernel's per-vcpu timer raises. */
CHECK(irq_timer_waits_for_eoi, "IRQ-X6")
{
    taken = 0;
    timer_taken = timer_during = 0;
    irq_set_handler(VEC_IPI_HIGH, high_handler);
    irq_set_handler(VEC_TIMER_LOW, timer_record);
    lapic_self_ipi(VEC_IPI_HIGH);
    irq_enable();
    bool got = WAIT_UNTIL(taken > 0 && timer_taken > 0, 100000);
    delay_us(5000);
    irq_disable();
    unsigned total = timer_taken;
    lapic_write(LAPIC_TIMER_INITIAL, 0);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    irq_set_handler(VEC_IPI_HIGH, 0);
    irq_set_handler(VEC_TIMER_LOW, 0);
    report(got && timer_during == 0 && total == 1,
           "timer 0x%x ran out in the handler of 0x%x (IF = 1): %u taken before its EOI, %u in "
           "all",
           VEC_TIMER_LOW, VEC_IPI_HIGH, timer_during, total);
}
