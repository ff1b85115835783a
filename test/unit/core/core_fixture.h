/* A small system for core tests: the root task from core_boot_root over fake memory, and
 * helpers to make syscalls on a thread's behalf. */
#pragma once

#include "fake_arch.h"
#include <arch.h>
#include <hv/abi/error.h>
#include <hv/abi/syscall.h>
#include <kernel/cnode.h>
#include <kernel/core_boot.h>
#include <kernel/endpoint.h>
#include <kernel/irq.h>
#include <kernel/sched.h>
#include <kernel/sched_context.h>
#include <kernel/syscall.h>

/* Fake RAM: 128 KiB for the root objects at the base, then one 8 MiB untyped at +8 MiB. */
#define FIX_UNTYPED_BASE (FAKE_PHYS_BASE + MIB(8))
#define FIX_UNTYPED_BITS 23
#define FIX_ROOT_SLOT_BITS 8

extern struct thread *root;

void fix_setup(void);

/* Runs syscall n for t with args a[0..7] (R0..R7); returns R0. */
uint64_t fix_sys(struct thread *t, uint64_t n, uint64_t a0, uint64_t a1, uint64_t a2,
                 uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7);
#define SYS(t, n, ...) fix_sys_va(t, n, (uint64_t[8]){__VA_ARGS__})
uint64_t fix_sys_va(struct thread *t, uint64_t n, const uint64_t a[8]);

static inline uint64_t reg(struct thread *t, unsigned r) { return arch_context_reg(&t->ctx, r); }
static inline struct cap_slot *root_slot(unsigned i)
{
    return cnode_slot(thread_cnode(root), i);
}

/* Retypes count objects from the root untyped into root slots [slot, slot+count). */
void fix_retype(unsigned type, unsigned size_bits, unsigned slot, unsigned count);

/* Makes a thread (slot th) with its own cnode (slot cn, 2^4 slots) and vspace (slot vs),
 * configured with prio and resumed; with budget < period (ticks of FIX_TICK_US) on a new
 * scheduling context in slot th + FIX_SC_SLOT_OFFSET, else on the root's (unbudgeted). */
struct thread *fix_thread(unsigned th, unsigned cn, unsigned vs, unsigned prio,
                          unsigned budget, unsigned period);
#define FIX_TICK_US 10000u
#define FIX_SC_SLOT_OFFSET 100u
/* A scheduling context in slot with budget per period ticks. */
struct sched_context *fix_sc(unsigned slot, unsigned budget, unsigned period);
