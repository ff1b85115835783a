/* The x86_64 vcpu test's guests (vcpu_guest_setup_x86_64.c): a 2 MiB frame of RAM at GPA 0
 * with identity page tables, a GDT, an IDT and the code of vcpu_guest_x86_64.S, and a vcpu in
 * 64-bit mode bound to a thread of the root task, whose exits come to an endpoint of its own. */
#pragma once

#include <hv/abi/error.h>
#include <hv/sys.h>
#include <hv/abi/vcpu.h>
#include <stdbool.h>

#define GUEST_CODE 0x10000   /* where the code is copied (GPA = GVA) */
#define GUEST_COUNTER 0x9000 /* guest_x86_spin's counter */

struct vcpu_guest {
    uint64_t vspace, frame, frame_root, vcpu, thread, ep, fault, badge;
    volatile uint64_t *ram; /* the root's view of the guest's RAM */
    bool started;
};

/* Entry points and handlers of the guest (vcpu_guest_x86_64.S). */
extern const char guest_x86_start[], guest_x86_end[], guest_x86_main[], guest_x86_bench[], guest_x86_spin[],
    guest_x86_peek[], guest_x86_ud[], guest_x86_db[], guest_x86_irq[], guest_x86_timer[], guest_x86_unexpected[];

static inline uint64_t guest_va(const char *sym)
{
    return GUEST_CODE + (uint64_t)(sym - guest_x86_start);
}

/* Guest number index (0..7: its RAM's window in the root's space), starting at entry when its
 * thread is resumed, with the thread's priority and budget. */
int vcpu_guest_create(struct vcpu_guest *g, unsigned index, const char *entry, unsigned prio,
                      uint32_t budget, uint32_t period);
/* Puts the vcpu back in 64-bit mode at rip (its RAM unchanged). */
int vcpu_guest_reset(struct vcpu_guest *g, uint64_t rip);
/* Stops the guest and deletes everything it had (its ASID comes free). */
void vcpu_guest_stop(struct vcpu_guest *g);

static inline int vcpu_write(uint64_t vcpu, unsigned reg, uint64_t val)
{
    return hv_sys(HV_SYS_VCPU_WRITE, vcpu, reg, val, 0, 0, 0);
}

static inline int vcpu_read(uint64_t vcpu, unsigned reg, uint64_t *val)
{
    struct hv_regs regs = {{vcpu, reg, 0, 0, 0, 0, 0, 0, 0}};
    hv_syscall(HV_SYS_VCPU_READ, &regs);
    *val = regs.r[1];
    return (int)regs.r[0];
}

static inline int vcpu_inject(uint64_t vcpu, uint64_t vector, uint64_t flags)
{
    return hv_sys(HV_SYS_VCPU_INJECT, vcpu, vector, flags, 0, 0, 0);
}

static inline int vcpu_bind(uint64_t vcpu, uint64_t thread, uint64_t gvspace)
{
    return hv_sys(HV_SYS_VCPU_BIND, vcpu, thread, gvspace, 0, 0, 0);
}

/* A register of g's vcpu, or a value no test expects if the read fails. */
static inline uint64_t vcpu_reg(const struct vcpu_guest *g, unsigned reg)
{
    uint64_t v;
    return vcpu_read(g->vcpu, reg, &v) == HV_OK ? v : 0xbad0bad0bad0bad0ull;
}
