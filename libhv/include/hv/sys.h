/* User-side system-call stubs: one trap per call, registers as hv/abi/syscall.h lays them out. */
#pragma once

#include <hv/abi/syscall.h>
#include <stdint.h>

/* Slots every task's cnode has by convention (the root task's layout, docs/syscalls.md). */
#define HV_SLOT_SELF_CNODE 1
#define HV_SLOT_SELF_THREAD 2

/* The registers of one call: r[0..7] in, r[0..8] out (r[0] the error, r[8] the badge). */
struct hv_regs {
    uint64_t r[HV_SYSCALL_REGS];
};

#include <hv/arch/trap.h> /* hv_syscall(): the arch's trap */

/* A call with up to six arguments and only an error code back. */
static inline int hv_sys(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                         uint64_t a4, uint64_t a5)
{
    struct hv_regs regs = {{a0, a1, a2, a3, a4, a5, 0, 0, 0}};
    hv_syscall(number, &regs);
    return (int)regs.r[0];
}

/* cap: a debug-console cap (the root task's, slot 7 of its cnode). */
static inline int hv_debug_putc(uint64_t cap, char c)
{
    return hv_sys(HV_SYS_DEBUG_PUTC, cap, (uint8_t)c, 0, 0, 0, 0);
}

static inline int hv_yield(void)
{
    return hv_sys(HV_SYS_YIELD, 0, 0, 0, 0, 0, 0);
}

static inline int hv_thread_suspend(uint64_t thread)
{
    return hv_sys(HV_SYS_THREAD_SUSPEND, thread, 0, 0, 0, 0, 0);
}

/* Every program's entry point, called by libhv's start code with the loader's argument;
 * when it returns the thread suspends itself. */
void hv_main(uint64_t arg);

/* Object creation and capabilities (argument order: docs/syscalls.md). */
static inline int hv_retype(uint64_t untyped, unsigned type, unsigned size_bits, uint64_t cnode,
                            uint64_t index, uint64_t count)
{
    return hv_sys(HV_SYS_RETYPE, untyped, type, size_bits, cnode, index, count);
}

static inline int hv_cap_copy(uint64_t src, uint64_t cnode, uint64_t index, unsigned rights,
                              uint64_t badge)
{
    return hv_sys(HV_SYS_CAP_COPY, src, cnode, index, rights, badge, 0);
}

static inline int hv_cap_delete(uint64_t slot) { return hv_sys(HV_SYS_CAP_DELETE, slot, 0, 0, 0, 0, 0); }
static inline int hv_cap_revoke(uint64_t slot) { return hv_sys(HV_SYS_CAP_REVOKE, slot, 0, 0, 0, 0, 0); }

static inline int hv_map(uint64_t frame, uint64_t vspace, uint64_t va, unsigned flags)
{
    return hv_sys(HV_SYS_MAP, frame, vspace, va, flags, 0, 0);
}

static inline int hv_unmap(uint64_t frame) { return hv_sys(HV_SYS_UNMAP, frame, 0, 0, 0, 0, 0); }

/* Threads: budget and period in ticks; the thread starts at pc with stack sp when resumed. */
/* sc: the scheduling context the thread runs on (a cap with the write right), or
 * HV_SC_INHERIT for the caller's own. */
static inline int hv_thread_configure(uint64_t thread, uint64_t cnode, uint64_t vspace,
                                      uint64_t fault_ep, unsigned prio, uint64_t sc, uint64_t pc,
                                      uint64_t sp)
{
    struct hv_regs regs = {{thread, cnode, vspace, fault_ep, prio, sc, pc, sp, 0}};
    hv_syscall(HV_SYS_THREAD_CONFIGURE, &regs);
    return (int)regs.r[0];
}

/* Budget and period in microseconds; needs the sched-control cap (the root task's). */
static inline int hv_sc_configure(uint64_t sched_control, uint64_t sc, uint64_t budget_us,
                                  uint64_t period_us)
{
    return hv_sys(HV_SYS_SC_CONFIGURE, sched_control, sc, budget_us, period_us, 0, 0);
}

/* The microseconds charged to sc so far, and since it was first configured (its caps' read
 * right): its share of the CPU by the kernel's clock. */
static inline int hv_sc_consumed(uint64_t sc, uint64_t *us, uint64_t *since_us)
{
    struct hv_regs regs = {{sc, 0, 0, 0, 0, 0, 0, 0, 0}};
    hv_syscall(HV_SYS_SC_CONSUMED, &regs);
    *us = regs.r[1];
    *since_us = regs.r[2];
    return (int)regs.r[0];
}

/* The bus address at which the device whose registers device_frame maps reaches frame (a RAM
 * frame the caller may read and write); 0 and an error if refused. */
static inline int hv_dma_map(uint64_t frame, uint64_t device_frame, uint64_t *bus_addr)
{
    struct hv_regs regs = {{frame, device_frame, 0, 0, 0, 0, 0, 0, 0}};
    hv_syscall(HV_SYS_DMA_MAP, &regs);
    *bus_addr = regs.r[0] ? 0 : regs.r[1];
    return (int)regs.r[0];
}

static inline int hv_thread_resume(uint64_t thread) { return hv_sys(HV_SYS_THREAD_RESUME, thread, 0, 0, 0, 0, 0); }

/* Notifications. */
static inline int hv_signal(uint64_t ntfn) { return hv_sys(HV_SYS_SIGNAL, ntfn, 0, 0, 0, 0, 0); }

/* Takes the notification's bits (clearing them): WAIT blocks until one is set, POLL returns at
 * once, with 0 when none is. */
static inline int hv_ntfn_take(uint64_t number, uint64_t ntfn, uint64_t *bits)
{
    struct hv_regs regs = {{ntfn, 0, 0, 0, 0, 0, 0, 0, 0}};
    hv_syscall(number, &regs);
    *bits = regs.r[1];
    return (int)regs.r[0];
}

static inline int hv_wait(uint64_t ntfn, uint64_t *bits)
{
    return hv_ntfn_take(HV_SYS_WAIT, ntfn, bits);
}

static inline int hv_poll(uint64_t ntfn, uint64_t *bits)
{
    return hv_ntfn_take(HV_SYS_POLL, ntfn, bits);
}

/* IPC: a message is the info word (label, length) and up to six words. */
struct hv_msg {
    uint64_t info;
    uint64_t w[HV_MSG_WORDS];
    uint64_t badge; /* on receipt: the badge of the sender's capability */
};

static inline int hv_ipc(uint64_t number, uint64_t ep, struct hv_msg *m)
{
    struct hv_regs regs = {{ep, m->info, m->w[0], m->w[1], m->w[2], m->w[3], m->w[4], m->w[5], 0}};
    hv_syscall(number, &regs);
    m->info = regs.r[1];
    for (unsigned i = 0; i < HV_MSG_WORDS; i++)
        m->w[i] = regs.r[2 + i];
    m->badge = regs.r[8];
    return (int)regs.r[0];
}

static inline int hv_call(uint64_t ep, struct hv_msg *m) { return hv_ipc(HV_SYS_CALL, ep, m); }
static inline int hv_send(uint64_t ep, struct hv_msg *m) { return hv_ipc(HV_SYS_SEND, ep, m); }
static inline int hv_recv(uint64_t ep, struct hv_msg *m) { return hv_ipc(HV_SYS_RECV, ep, m); }
static inline int hv_reply(struct hv_msg *m) { return hv_ipc(HV_SYS_REPLY, 0, m); }
static inline int hv_reply_recv(uint64_t ep, struct hv_msg *m)
{
    return hv_ipc(HV_SYS_REPLY_RECV, ep, m);
}

/* Port I/O (x86) through an I/O-port cap: size 1, 2 or 4 bytes. */
static inline int hv_ioport_in(uint64_t cap, unsigned port, unsigned size, uint32_t *value)
{
    struct hv_regs regs = {{cap, port, size, 0, 0, 0, 0, 0, 0}};
    hv_syscall(HV_SYS_IOPORT_IN, &regs);
    if (regs.r[0] == 0)
        *value = (uint32_t)regs.r[1];
    return (int)regs.r[0];
}

static inline int hv_ioport_out(uint64_t cap, unsigned port, unsigned size, uint32_t value)
{
    return hv_sys(HV_SYS_IOPORT_OUT, cap, port, size, value, 0, 0);
}
