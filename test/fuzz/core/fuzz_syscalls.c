/* libFuzzer target: random syscall sequences (plus ticks, interrupts and faults) against the
 * kernel core over a fake arch, checking the core's invariants after every step. */
#include "fake_arch.h"
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/cnode.h>
#include <kernel/core_boot.h>
#include <kernel/endpoint.h>
#include <kernel/irq.h>
#include <kernel/sched_context.h>
#include <kernel/syscall.h>
#include <kernel/vcpu.h>
#include <kernel/vspace.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 4
#define STEP_BYTES 10
#define MAX_OBJS 512
#define UT_BASE (FAKE_PHYS_BASE + MIB(1))
#define UT_BITS 20

static struct thread *threads[NTHREADS];
static struct cnode *root_cn;

static void fail(const char *what)
{
    fprintf(stderr, "invariant broken: %s\n", what);
    abort();
}

/* Root-made helpers for the fixed setup; any failure is a fuzzer bug. */
static void sys(struct thread *t, uint64_t n, const uint64_t a[8])
{
    for (unsigned i = 0; i < 8; i++)
        arch_context_set_reg(&t->ctx, i, a[i]);
    arch_context_set_reg(&t->ctx, HV_REG_NUMBER, n);
    syscall_dispatch(t);
    sched_choose();
}

static void must(struct thread *t, uint64_t n, const uint64_t a[8])
{
    sys(t, n, a);
    if (arch_context_reg(&t->ctx, 0) != HV_OK)
        fail("setup syscall");
}

#define MUST(t, n, ...) must(t, n, (uint64_t[8]){__VA_ARGS__})

/* Root cnode layout: threads at 20+3i, their cnodes 21+3i, vspaces 22+3i; ep 40, ntfn 41,
 * vcpu 42, guest vspace 43 (copies in each thread's cnode at 8 and 9). */
static void setup(void)
{
    fake_arch_reset_size(MIB(2));
    struct core_boot b = {.kernel_mem = pa_init(FAKE_PHYS_BASE),
                          .root_slot_bits = 6,
                          .untyped = {{pa_init(UT_BASE), UT_BITS, false}},
                          .untyped_count = 1};
    struct thread *root = core_boot_root(&b);
    thread_resume(root);
    threads[0] = root;
    root_cn = thread_cnode(root);
    unsigned ut = ROOT_SLOT_UNTYPED, cn = ROOT_SLOT_CNODE;
    MUST(root, HV_SYS_RETYPE, ut, HV_OBJ_ENDPOINT, 0, cn, 40, 1);
    MUST(root, HV_SYS_RETYPE, ut, HV_OBJ_NOTIFICATION, 0, cn, 41, 1);
    MUST(root, HV_SYS_RETYPE, ut, HV_OBJ_VCPU, 0, cn, 42, 1);
    MUST(root, HV_SYS_RETYPE, ut, HV_OBJ_GUEST_VSPACE, 15, cn, 43, 1);
    for (unsigned i = 1; i < NTHREADS; i++) {
        unsigned th = 17 + 3 * i, tc = th + 1, vs = th + 2;
        MUST(root, HV_SYS_RETYPE, ut, HV_OBJ_THREAD, 0, cn, th, 1);
        MUST(root, HV_SYS_RETYPE, ut, HV_OBJ_CNODE, 4, cn, tc, 1);
        MUST(root, HV_SYS_RETYPE, ut, HV_OBJ_VSPACE, 15, cn, vs, 1);
        MUST(root, HV_SYS_CAP_COPY, 40, tc, 1, 7, i);        /* badged endpoint */
        MUST(root, HV_SYS_CAP_COPY, 41, tc, 2, 7, 1u << i);  /* badged notification */
        MUST(root, HV_SYS_RETYPE, ut, HV_OBJ_FRAME, 12, tc, 3, 1);
        MUST(root, HV_SYS_CAP_COPY, vs, tc, 4, 7, 0);
        MUST(root, HV_SYS_CAP_COPY, tc, tc, 5, 7, 0);
        MUST(root, HV_SYS_CAP_COPY, th, tc, 6, 7, 0);
        MUST(root, HV_SYS_RETYPE, ut, HV_OBJ_UNTYPED, 16, tc, 7, 1);
        MUST(root, HV_SYS_CAP_COPY, 42, tc, 8, i == 3 ? HV_RIGHT_READ : 7, 0);
        MUST(root, HV_SYS_CAP_COPY, 43, tc, 9, 7, 0);
        MUST(root, HV_SYS_RETYPE, ROOT_SLOT_UNTYPED, HV_OBJ_SCHED_CONTEXT, 0, ROOT_SLOT_CNODE,
             50 + i, 1);
        MUST(root, HV_SYS_SC_CONFIGURE, ROOT_SLOT_SCHED_CONTROL, 50 + i, (i + 1) * 10000,
             100000);
        MUST(root, HV_SYS_CAP_COPY, 50 + i, tc, 10, i == 2 ? HV_RIGHT_READ : 7, 0);
        MUST(root, HV_SYS_THREAD_CONFIGURE, th, tc, vs, i == 1 ? 40 : 0, 100 + i, 50 + i,
             0x1000, 0x2000);
        MUST(root, HV_SYS_THREAD_RESUME, th);
        threads[i] = cap_ptr(cnode_slot(thread_cnode(root), th));
    }
}

/* An argument byte: mostly a small number (slot indices, types, counts), sometimes an edge. */
static uint64_t arg(uint8_t b)
{
    static const uint64_t edges[16] = {
        0, 1ull << 12, 1ull << 21, 0x1000, UINT64_MAX, 1ull << 47, 10 | 10ull << 32,
        2 | 10ull << 32, 0x13 | 1ull << 16, 0x3, 0x7, 0xfff0, 1ull << 63, 0x200000, 12, 21};
    return b >= 0xf0 ? edges[b & 15] : b & 0x3f;
}

struct objs {
    uint64_t lo[MAX_OBJS], hi[MAX_OBJS];
    const void *id[MAX_OBJS];
    unsigned n;
};

static void note_obj(struct objs *o, const void *id, uint64_t lo, uint64_t size)
{
    for (unsigned i = 0; i < o->n; i++)
        if (o->id[i] == id)
            return;
    for (unsigned i = 0; i < o->n; i++)
        if (lo < o->hi[i] && o->lo[i] < lo + size)
            fail("two live objects share memory");
    if (o->n == MAX_OBJS)
        return;
    o->id[o->n] = id, o->lo[o->n] = lo, o->hi[o->n] = lo + size, o->n++;
}

static unsigned obj_bits(const struct cap_slot *s)
{
    switch (s->type) {
    case HV_OBJ_CNODE: return s->size_bits + HV_CNODE_SLOT_BITS;
    case HV_OBJ_THREAD: return HV_THREAD_SIZE_BITS;
    case HV_OBJ_ENDPOINT: return HV_ENDPOINT_SIZE_BITS;
    case HV_OBJ_NOTIFICATION: return HV_NOTIFICATION_SIZE_BITS;
    case HV_OBJ_VCPU: return HV_VCPU_SIZE_BITS;
    default: return s->size_bits;
    }
}

static void check_cap(struct objs *o, const struct cap_slot *s, struct cnode **todo,
                      unsigned *ntodo)
{
    if (cap_is_empty(s))
        return;
    if (s->parent && s->parent->type == HV_OBJ_NONE)
        fail("cap derived from an empty slot");
    if (s->type == HV_OBJ_UNTYPED || s->type == HV_OBJ_IRQ_CONTROL || s->type == HV_OBJ_IOPORT ||
        s->type == HV_OBJ_SCHED_CONTROL || s->type == HV_OBJ_DEBUG_CONSOLE)
        return;
    if (s->type == HV_OBJ_FRAME) {
        note_obj(o, (void *)(uintptr_t)s->obj, s->obj, 1ull << s->size_bits);
        if (s->map_vs && !obj_alive(&s->map_vs->hdr))
            fail("frame mapped in a dead address space");
        return;
    }
    struct obj_header *h = cap_ptr(s);
    if (!obj_alive(h) || h->type != s->type)
        fail("cap to a dead object or one of another type");
    if (s->type == HV_OBJ_IRQ_HANDLER)
        return;
    note_obj(o, h, pa_addr(arch_virt_to_phys(h)), 1ull << obj_bits(s));
    if (s->type == HV_OBJ_CNODE) {
        for (unsigned i = 0; i < *ntodo; i++)
            if (todo[i] == (struct cnode *)h)
                return;
        todo[(*ntodo)++] = (struct cnode *)h;
    }
}

static void check_queues(void)
{
    struct sched_cpu *c = sched_cpu();
    for (unsigned p = 0; p <= HV_PRIO_MAX; p++) {
        bool bit = c->bitmap[p / 64] >> (p % 64) & 1;
        if (bit != !tq_empty(&c->ready[p]))
            fail("bitmap disagrees with run queue");
        for (struct thread *t = c->ready[p].head; t; t = t->qnext)
            if (t->state != THREAD_READY || t->parked_on || t->prio != p || !obj_alive(&t->hdr))
                fail("run queue holds a thread that is not ready");
    }
    for (struct sched_context *sc = c->release; sc; sc = sc->rnext) {
        if (!sc->depleted || !obj_alive(&sc->hdr))
            fail("release list holds a context with budget, or a dead one");
        for (struct thread *t = sc->parked.head; t; t = t->qnext)
            if (t->parked_on != sc || t->state != THREAD_READY)
                fail("a parked thread that is not ready, or parked elsewhere");
    }
}

/* Every live thread reachable from the caps: in exactly the queue its state says. */
static void check_thread(struct thread *t)
{
    struct sched_cpu *c = sched_cpu();
    unsigned in_rq = 0;
    for (struct thread *q = c->ready[t->prio].head; q; q = q->qnext)
        in_rq += q == t;
    if (in_rq != (t->state == THREAD_READY && !t->parked_on))
        fail("ready thread missing from its run queue (or there twice)");
    if (t->state == THREAD_BLOCKED_SEND || t->state == THREAD_BLOCKED_RECV) {
        struct endpoint *ep = t->blocked_on;
        unsigned n = 0;
        for (struct thread *q = ep->queue.head; q; q = q->qnext)
            n += q == t;
        if (n != 1 || !obj_alive(&ep->hdr))
            fail("blocked thread not on its endpoint queue");
    }
    if (t->state == THREAD_BLOCKED_REPLY && (!t->reply_from || t->reply_from->reply_to != t))
        fail("reply link broken");
    if (t->reply_to && t->reply_to->reply_from != t)
        fail("reply link broken (server side)");
    if (t->vcpu && (t->vcpu->thread != t || !obj_alive(&t->vcpu->hdr) || !t->vcpu->vspace ||
                    !obj_alive(&t->vcpu->vspace->hdr)))
        fail("vcpu binding broken");
    if (t->state == THREAD_BLOCKED_VCPU && !t->vcpu)
        fail("a thread without a vcpu waits as a guest");
}

static void check_invariants(void)
{
    static struct objs o;
    struct cnode *todo[MAX_OBJS];
    /* Everything is reachable from the root cnode while it lives (threads may delete it). */
    unsigned ntodo = obj_alive(&root_cn->hdr);
    o.n = 0;
    todo[0] = root_cn;
    for (unsigned k = 0; k < ntodo; k++) {
        for (unsigned i = 1; i < cnode_slots(todo[k]); i++) {
            struct cap_slot *s = cnode_slot(todo[k], i);
            check_cap(&o, s, todo, &ntodo);
            if (s->type == HV_OBJ_THREAD) {
                struct thread *t = cap_ptr(s);
                check_cap(&o, &t->cnode_cap, todo, &ntodo);
                check_cap(&o, &t->vspace_cap, todo, &ntodo);
                check_cap(&o, &t->fault_cap, todo, &ntodo);
                check_thread(t);
            }
        }
    }
    check_queues();
}

static void step(const uint8_t *d)
{
    struct thread *t = threads[d[0] % NTHREADS];
    uint8_t op = d[1] % 44;
    if (!obj_alive(&t->hdr))
        return;
    if (op < HV_SYS_COUNT) {
        if (t->state != THREAD_READY || t->parked_on)
            return; /* only a thread that can run makes syscalls (a parked one waits) */
        uint64_t a[8];
        for (unsigned i = 0; i < 8; i++)
            a[i] = arg(d[2 + i]);
        sys(t, op, a);
    } else if (op < 36) {
        sched_tick();
    } else if (op < 38) {
        irq_deliver(d[2] % FAKE_IRQS);
    } else if (op < 40) {
        if (t->state == THREAD_READY && !t->parked_on && !t->vcpu)
            fault_deliver(t, HV_FAULT_PAGE, arg(d[2]), d[3]);
    } else if (op < 42) {
        /* What the arch does for a running guest: an exit, or a WFI. */
        if (t->state == THREAD_READY && !t->parked_on && t->vcpu && op == 40)
            vcpu_exit(t, (uint64_t[HV_VCPU_EXIT_WORDS]){arg(d[2]), arg(d[3]), arg(d[4])});
        else if (t->state == THREAD_READY && !t->parked_on && t->vcpu)
            vcpu_idle(t);
    } else {
        fake.now += d[2];
        sched_timer(fake.now); /* budgets: charge, deplete, refill */
        vcpu_wake_expired(fake.now);
    }
    sched_choose();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    check_invariants();
    for (size_t off = 0; off + STEP_BYTES <= size; off += STEP_BYTES) {
        step(data + off);
        check_invariants();
    }
    return 0;
}
