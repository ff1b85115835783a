/* Unit tests for vcpus and guest address spaces over the fake arch: binding and its isolation,
 * register access, injection, exits as fault messages and their replies, guests waiting for
 * interrupts and their timers, teardown from every side, and stage-2 mappings. */
#include "check_run.h"
#include "core_fixture.h"
#include "pt_format.h"
#include <kernel/notification.h>
#include <kernel/tick.h>
#include <kernel/vcpu.h>
#include <kernel/vspace.h>
#include <stdlib.h>
#include <string.h>

/* Root slots: a (the VMM-like task) 20..22, vcpu thread 40, vcpu 41, guest vspace 42,
 * fault endpoint 30, 4 KiB frame 32, 2 MiB frame 33, task vspace for the vcpu thread 22. */
enum { A_TH = 20, A_CN = 21, A_VS = 22, EP = 30, FR4K = 32, FR2M = 33, VTH = 40, VCPU = 41,
       GVS = 42, SPARE = 50 };

static struct thread *a, *vt;
static struct vcpu *vc;

static void setup(void)
{
    fix_setup();
    a = fix_thread(A_TH, A_CN, A_VS, 100, 10, 10);
    fix_retype(HV_OBJ_ENDPOINT, 0, EP, 1);
    fix_retype(HV_OBJ_FRAME, 12, FR4K, 1);
    fix_retype(HV_OBJ_FRAME, 21, FR2M, 1);
    fix_retype(HV_OBJ_THREAD, 0, VTH, 1);
    fix_retype(HV_OBJ_VCPU, 0, VCPU, 1);
    fix_retype(HV_OBJ_GUEST_VSPACE, 15, GVS, 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_CONFIGURE, VTH, A_CN, A_VS, EP, 50,
                          HV_SC_INHERIT, 0, 0),
                      HV_OK);
    vt = cap_ptr(root_slot(VTH));
    vc = cap_ptr(root_slot(VCPU));
}

/* A failing call leaves every byte of kernel memory and the scheduler as they were. */
static void expect_fail(struct thread *t, uint64_t n, uint64_t err, const uint64_t args[8])
{
    static uint8_t *snap;
    size_t size = (size_t)1 << FAKE_PHYS_BITS;
    uint8_t *mem = arch_phys_to_virt(pa_init(FAKE_PHYS_BASE));
    static struct sched_cpu sched_before;
    if (!snap)
        snap = malloc(size);
    for (unsigned i = 0; i < 8; i++)
        arch_context_set_reg(&t->ctx, i, args[i]);
    arch_context_set_reg(&t->ctx, HV_REG_NUMBER, n);
    memcpy(snap, mem, size);
    sched_before = *sched_cpu();
    unsigned tags = fake.guest_tags;
    syscall_dispatch(t);
    ck_assert_uint_eq(reg(t, 0), err);
    arch_context_set_reg(&t->ctx, 0, args[0]);
    ck_assert_msg(memcmp(snap, mem, size) == 0, "syscall %llu changed kernel memory",
                  (unsigned long long)n);
    ck_assert(memcmp(&sched_before, sched_cpu(), sizeof(sched_before)) == 0);
    ck_assert_uint_eq(fake.guest_tags, tags);
}
#define FAIL(t, n, err, ...) expect_fail(t, n, err, (uint64_t[8]){__VA_ARGS__})

static void bind_and_resume(void)
{
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_BIND, VCPU, VTH, GVS), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_RESUME, VTH), HV_OK);
}

START_TEST(objects_and_sizes)
{
    ck_assert_uint_eq(root_slot(VCPU)->type, HV_OBJ_VCPU);
    ck_assert_uint_eq(vc->hdr.type, HV_OBJ_VCPU);
    /* The object is 2^HV_VCPU_SIZE_BITS, naturally aligned; page 1 is the arch's. */
    paddr_t pa = arch_virt_to_phys(vc);
    ck_assert(IS_ALIGNED(pa_addr(pa), 1u << HV_VCPU_SIZE_BITS));
    ck_assert_uint_eq(pa_addr(vc->arch_page), pa_addr(pa) + 4096);
    ck_assert_uint_eq(vc->arch.words[FAKE_VW_ARCH_PAGE], pa_addr(pa) + 4096);
    struct vspace *g = cap_ptr(root_slot(GVS));
    ck_assert_uint_eq(g->hdr.type, HV_OBJ_GUEST_VSPACE);
    ck_assert_ptr_eq(g->pt.fmt, &aarch64_stage2_format);
    /* A two-table (concatenated) root, aligned to its 8 KiB. */
    ck_assert(IS_ALIGNED(pa_addr(g->pt.root), 8192));
    ck_assert_uint_eq(fake.guest_tags, 1u << 1);
    FAIL(root, HV_SYS_RETYPE, HV_EINVAL, ROOT_SLOT_UNTYPED, HV_OBJ_VCPU, 1, ROOT_SLOT_CNODE,
         SPARE, 1);
    FAIL(root, HV_SYS_RETYPE, HV_EINVAL, ROOT_SLOT_UNTYPED, HV_OBJ_GUEST_VSPACE, 14,
         ROOT_SLOT_CNODE, SPARE, 1);
}
END_TEST

START_TEST(guest_vspace_tags_run_out)
{
    /* One per call: the tag is taken before anything changes. */
    FAIL(root, HV_SYS_RETYPE, HV_ERANGE, ROOT_SLOT_UNTYPED, HV_OBJ_GUEST_VSPACE, 15,
         ROOT_SLOT_CNODE, SPARE, 2);
    fix_retype(HV_OBJ_GUEST_VSPACE, 15, SPARE, 1);
    fix_retype(HV_OBJ_GUEST_VSPACE, 15, SPARE + 1, 1);
    FAIL(root, HV_SYS_RETYPE, HV_EBUSY, ROOT_SLOT_UNTYPED, HV_OBJ_GUEST_VSPACE, 15,
         ROOT_SLOT_CNODE, SPARE + 2, 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, SPARE), HV_OK);
    fix_retype(HV_OBJ_GUEST_VSPACE, 15, SPARE + 2, 1);
}
END_TEST

START_TEST(guest_and_task_vspaces_do_not_mix)
{
    /* A guest vspace is no thread's address space; a task vspace is no vcpu's. */
    FAIL(root, HV_SYS_THREAD_CONFIGURE, HV_ETYPE, VTH, A_CN, GVS, EP, 50, HV_SC_INHERIT, 0, 0);
    FAIL(root, HV_SYS_VCPU_BIND, HV_ETYPE, VCPU, VTH, A_VS);
    FAIL(root, HV_SYS_VCPU_BIND, HV_ETYPE, GVS, VTH, GVS);
    FAIL(root, HV_SYS_VCPU_BIND, HV_ETYPE, VCPU, GVS, GVS);
}
END_TEST

START_TEST(bind_checks)
{
    /* Unconfigured thread, running thread, twice, and rights. */
    fix_retype(HV_OBJ_THREAD, 0, SPARE, 1);
    FAIL(root, HV_SYS_VCPU_BIND, HV_EINVAL, VCPU, SPARE, GVS);
    FAIL(root, HV_SYS_VCPU_BIND, HV_EBUSY, VCPU, A_TH, GVS); /* a is running */
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_BIND, VCPU, VTH, GVS), HV_OK);
    ck_assert_ptr_eq(vt->vcpu, vc);
    ck_assert_ptr_eq(vc->thread, vt);
    FAIL(root, HV_SYS_VCPU_BIND, HV_EBUSY, VCPU, VTH, GVS);
    fix_retype(HV_OBJ_VCPU, 0, SPARE + 1, 1);
    FAIL(root, HV_SYS_VCPU_BIND, HV_EBUSY, SPARE + 1, VTH, GVS); /* thread has a vcpu */
    /* Unbind needs the thread stopped. */
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_RESUME, VTH), HV_OK);
    FAIL(root, HV_SYS_VCPU_BIND, HV_EBUSY, VCPU, 0, 0);
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_SUSPEND, VTH), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_BIND, VCPU, 0, 0), HV_OK);
    ck_assert_ptr_null(vt->vcpu);
    ck_assert_ptr_null(vc->thread);
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_BIND, SPARE + 1, VTH, GVS), HV_OK);
}
END_TEST

START_TEST(rights_and_isolation)
{
    /* A read-only copy reads but can't write, inject or bind; a task without the cap has
     * nothing to name. */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, VCPU, ROOT_SLOT_CNODE, SPARE, HV_RIGHT_READ, 0),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_WRITE, VCPU, 3, 0x1234), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_READ, SPARE, 3), HV_OK);
    ck_assert_uint_eq(reg(root, 1), 0x1234);
    FAIL(root, HV_SYS_VCPU_WRITE, HV_EPERM, SPARE, 3, 1);
    FAIL(root, HV_SYS_VCPU_INJECT, HV_EPERM, SPARE, 40, 0);
    FAIL(root, HV_SYS_VCPU_BIND, HV_EPERM, SPARE, VTH, GVS);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, GVS, ROOT_SLOT_CNODE, SPARE + 1, HV_RIGHT_READ,
                          0),
                      HV_OK);
    FAIL(root, HV_SYS_VCPU_BIND, HV_EPERM, VCPU, VTH, SPARE + 1);
    FAIL(root, HV_SYS_MAP, HV_EPERM, FR4K, SPARE + 1, 0x1000, HV_MAP_READ);
    /* a's cnode holds none of these caps: every slot it can name is empty. */
    for (uint64_t i = 1; i < 16; i++) {
        FAIL(a, HV_SYS_VCPU_READ, HV_ENOENT, i, 0);
        FAIL(a, HV_SYS_VCPU_WRITE, HV_ENOENT, i, 0, 0);
        FAIL(a, HV_SYS_VCPU_INJECT, HV_ENOENT, i, 0, 0);
        FAIL(a, HV_SYS_VCPU_BIND, HV_ENOENT, i, 1, 2);
    }
    FAIL(a, HV_SYS_VCPU_READ, HV_ERANGE, VCPU, 0);
    FAIL(a, HV_SYS_VCPU_WRITE, HV_ERANGE, 0, 0);
    /* Wrong type in the vcpu position. */
    FAIL(root, HV_SYS_VCPU_READ, HV_ETYPE, EP, 0);
    FAIL(root, HV_SYS_VCPU_INJECT, HV_ETYPE, VTH, 0, 0);
}
END_TEST

START_TEST(registers)
{
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_WRITE, VCPU, FAKE_VREG_PC, 0x40080000), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_READ, VCPU, FAKE_VREG_PC), HV_OK);
    ck_assert_uint_eq(reg(root, 1), 0x40080000);
    FAIL(root, HV_SYS_VCPU_READ, HV_ERANGE, VCPU, FAKE_VREG_COUNT);
    FAIL(root, HV_SYS_VCPU_READ, HV_ERANGE, VCPU, 1ull << 32);
    FAIL(root, HV_SYS_VCPU_WRITE, HV_ERANGE, VCPU, FAKE_VREG_COUNT, 0);
    FAIL(root, HV_SYS_VCPU_WRITE, HV_ERANGE, VCPU, (1ull << 32) | FAKE_VREG_PC, 0);
    FAIL(root, HV_SYS_VCPU_WRITE, HV_EINVAL, VCPU, FAKE_VREG_PSTATE, 16);
    /* Reset: architectural state again, pending injections dropped. */
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_INJECT, VCPU, 33, 0), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_WRITE, VCPU, HV_VCPU_REG_RESET, 0), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_READ, VCPU, FAKE_VREG_PC), HV_OK);
    ck_assert_uint_eq(reg(root, 1), 0);
    ck_assert_uint_eq(vc->arch.words[FAKE_VW_NPENDING], 0);
}
END_TEST

START_TEST(inject)
{
    FAIL(root, HV_SYS_VCPU_INJECT, HV_EINVAL, VCPU, 1020, 0);
    FAIL(root, HV_SYS_VCPU_INJECT, HV_EINVAL, VCPU, 40, 0x100);
    for (unsigned i = 0; i < FAKE_VCPU_QUEUE; i++)
        ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_INJECT, VCPU, 40 + i, 0), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_INJECT, VCPU, 40, 0), HV_OK); /* already pending */
    FAIL(root, HV_SYS_VCPU_INJECT, HV_EBUSY, VCPU, 60, 0);
}
END_TEST

START_TEST(exit_reply_resumes)
{
    bind_and_resume();
    /* The guest exits: the fault endpoint gets six words, label HV_FAULT_VCPU. */
    vcpu_exit(vt, (uint64_t[6]){0x93800046, 0x9000000, 0x40080010, 7, 8, 9});
    ck_assert_uint_eq(vt->state, THREAD_BLOCKED_SEND);
    ck_assert_uint_eq(SYS(root, HV_SYS_RECV, EP), HV_OK);
    ck_assert_uint_eq(reg(root, 1), hv_msginfo(HV_FAULT_VCPU, 6));
    ck_assert_uint_eq(reg(root, 2), 0x93800046);
    ck_assert_uint_eq(reg(root, 3), 0x9000000);
    ck_assert_uint_eq(reg(root, 4), 0x40080010);
    ck_assert_uint_eq(reg(root, 7), 9);
    ck_assert_uint_eq(vt->state, THREAD_BLOCKED_REPLY);
    /* SET_A x5 := 77, then ADVANCE by the instruction's length. */
    vc->arch.words[FAKE_VREG_PC] = 0x40080010;
    ck_assert_uint_eq(SYS(root, HV_SYS_REPLY, 0, hv_msginfo(0, 4),
                          HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_ADVANCE, 0, 5, 77),
                      HV_OK);
    ck_assert_uint_eq(vt->state, THREAD_READY);
    ck_assert_uint_eq(vc->arch.words[5], 77);
    ck_assert_uint_eq(vc->arch.words[FAKE_VREG_PC], 0x40080014);
    /* An empty reply resumes it unchanged. */
    vcpu_exit(vt, (uint64_t[6]){1});
    SYS(root, HV_SYS_RECV, EP);
    ck_assert_uint_eq(SYS(root, HV_SYS_REPLY, 0, 0), HV_OK);
    ck_assert_uint_eq(vt->state, THREAD_READY);
    ck_assert_uint_eq(vc->arch.words[FAKE_VREG_PC], 0x40080014);
    /* FAULT reaches the arch. */
    vcpu_exit(vt, (uint64_t[6]){1});
    SYS(root, HV_SYS_RECV, EP);
    SYS(root, HV_SYS_REPLY, 0, hv_msginfo(0, 1), HV_VCPU_RESUME_FAULT);
    ck_assert_uint_eq(vc->arch.words[FAKE_VREG_FAULTS], 1);
}
END_TEST

START_TEST(malformed_reply_stops_the_guest)
{
    static const uint64_t bad[][4] = {
        {1u << 4},                                          /* unknown flag */
        {HV_VCPU_RESUME_ADVANCE | HV_VCPU_RESUME_FAULT},     /* both */
        {HV_VCPU_RESUME_SET_A, 0, FAKE_VREG_COUNT, 0},       /* no such register */
    };
    bind_and_resume();
    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        uint64_t before[ARCH_VCPU_WORDS];
        memcpy(before, vc->arch.words, sizeof(before));
        vcpu_exit(vt, (uint64_t[6]){1});
        SYS(root, HV_SYS_RECV, EP);
        ck_assert_uint_eq(SYS(root, HV_SYS_REPLY, 0, hv_msginfo(0, 4), bad[i][0], bad[i][1],
                              bad[i][2], bad[i][3]),
                          HV_OK);
        ck_assert_uint_eq(vt->state, THREAD_INACTIVE);
        ck_assert(memcmp(before, vc->arch.words, sizeof(before)) == 0);
        ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_RESUME, VTH), HV_OK);
    }
    /* A PSTATE the arch refuses, through SET_B. */
    vcpu_exit(vt, (uint64_t[6]){1});
    SYS(root, HV_SYS_RECV, EP);
    SYS(root, HV_SYS_REPLY, 0, hv_msginfo(0, 6), HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_SET_B, 0,
        1, 1, FAKE_VREG_PSTATE, 99);
    ck_assert_uint_eq(vt->state, THREAD_INACTIVE);
    ck_assert_uint_eq(vc->arch.words[1], 0); /* SET_A was not applied either */
}
END_TEST

START_TEST(exit_without_handler_suspends)
{
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_CONFIGURE, VTH, A_CN, A_VS, 0, 50, HV_SC_INHERIT,
                          0, 0),
                      HV_OK);
    bind_and_resume();
    vcpu_exit(vt, (uint64_t[6]){1});
    ck_assert_uint_eq(vt->state, THREAD_INACTIVE);
}
END_TEST

START_TEST(idle_and_timer)
{
    tick_start_scheduling(); /* the timer interrupt wakes guests from now on */
    bind_and_resume();
    /* Nothing pending, no timer: blocks with no deadline asked for. */
    vcpu_idle(vt);
    ck_assert_uint_eq(vt->state, THREAD_BLOCKED_VCPU);
    ck_assert_uint_eq(fake.deadlines_set, 0);
    ck_assert_uint_eq(vcpu_next_deadline(), UINT64_MAX);
    /* An injection wakes it. */
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_INJECT, VCPU, 40, 0), HV_OK);
    ck_assert_uint_eq(vt->state, THREAD_READY);
    /* With an interrupt pending, WFI does not block. */
    vcpu_idle(vt);
    ck_assert_uint_eq(vt->state, THREAD_READY);
    vc->arch.words[FAKE_VW_NPENDING] = 0;
    /* Its timer: the kernel asks for an interrupt at the deadline and wakes it then, not
     * before. */
    fake.now = 1000;
    vc->arch.words[FAKE_VREG_TIMER] = 1500;
    vcpu_idle(vt);
    ck_assert_uint_eq(vt->state, THREAD_BLOCKED_VCPU);
    ck_assert_uint_eq(fake.deadline, 1500);
    ck_assert_uint_eq(vcpu_next_deadline(), 1500);
    /* An early interrupt leaves it waiting and sets the same deadline again. */
    fake.now = 1499;
    kernel_timer_interrupt();
    ck_assert_uint_eq(vt->state, THREAD_BLOCKED_VCPU);
    ck_assert_uint_eq(fake.deadline, 1500);
    fake.now = 1500;
    kernel_timer_interrupt();
    ck_assert_uint_eq(vt->state, THREAD_READY);
    ck_assert_uint_eq(vcpu_next_deadline(), UINT64_MAX);
    ck_assert_uint_eq(fake.deadline, UINT64_MAX); /* no ticks in this test: nothing to come */
    /* A register write moving the deadline of a waiting guest re-arms the timer. */
    vc->arch.words[FAKE_VREG_TIMER] = 3000;
    vcpu_idle(vt);
    ck_assert_uint_eq(fake.deadline, 3000);
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_WRITE, VCPU, FAKE_VREG_TIMER, 2000), HV_OK);
    ck_assert_uint_eq(fake.deadline, 2000);
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_WRITE, VCPU, FAKE_VREG_TIMER, 1000), HV_OK);
    ck_assert_uint_eq(vt->state, THREAD_READY); /* already expired: wakes at once */
    /* Suspending a waiting guest takes it off the idle list. */
    vc->arch.words[FAKE_VREG_TIMER] = UINT64_MAX;
    vcpu_idle(vt);
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_SUSPEND, VTH), HV_OK);
    ck_assert_uint_eq(vt->state, THREAD_INACTIVE);
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_INJECT, VCPU, 41, 0), HV_OK);
    ck_assert_uint_eq(vt->state, THREAD_INACTIVE);
}
END_TEST

START_TEST(deletion_unbinds)
{
    /* Deleting the vcpu: the thread stops and forgets it. */
    bind_and_resume();
    vcpu_idle(vt);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, VCPU), HV_OK);
    ck_assert_ptr_null(vt->vcpu);
    ck_assert_uint_eq(vt->state, THREAD_INACTIVE);
    /* Deleting the guest vspace: the same, and its tag is free again. */
    fix_retype(HV_OBJ_VCPU, 0, VCPU, 1);
    vc = cap_ptr(root_slot(VCPU));
    bind_and_resume();
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, GVS), HV_OK);
    ck_assert_ptr_null(vt->vcpu);
    ck_assert_ptr_null(vc->thread);
    ck_assert_uint_eq(vt->state, THREAD_INACTIVE);
    ck_assert_uint_eq(fake.guest_tags, 0);
    /* Deleting the thread: the vcpu is free to bind again. */
    fix_retype(HV_OBJ_GUEST_VSPACE, 15, GVS, 1);
    bind_and_resume();
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, VTH), HV_OK);
    ck_assert_ptr_null(vc->thread);
    ck_assert_ptr_null(vc->vspace);
    ck_assert_ptr_null(((struct vspace *)cap_ptr(root_slot(GVS)))->vcpus);
}
END_TEST

/* Doorbells: only a writable vcpu cap sets one, only to a notification its caller may signal;
 * a store to the address signals it with the cap's badge, other addresses don't; revoking the
 * notification or deleting the vcpu takes it away; an arch without them says HV_ENOSYS. */
START_TEST(doorbells)
{
    enum { NTFN = 60, NTFN_W = 61, NTFN_R = 62, VCPU_R = 63 };
    const uint64_t bell = 0x0a000050;
    fix_retype(HV_OBJ_NOTIFICATION, 0, NTFN, 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, NTFN, ROOT_SLOT_CNODE, NTFN_W, HV_RIGHT_WRITE,
                          0x40),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, NTFN, ROOT_SLOT_CNODE, NTFN_R, HV_RIGHT_READ, 0),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, VCPU, ROOT_SLOT_CNODE, VCPU_R, HV_RIGHT_READ, 0),
                      HV_OK);
    FAIL(root, HV_SYS_VCPU_DOORBELL, HV_EPERM, VCPU_R, 0, bell, NTFN_W);
    FAIL(root, HV_SYS_VCPU_DOORBELL, HV_EPERM, VCPU, 0, bell, NTFN_R);
    FAIL(root, HV_SYS_VCPU_DOORBELL, HV_ETYPE, VCPU, 0, bell, EP);
    FAIL(root, HV_SYS_VCPU_DOORBELL, HV_ETYPE, NTFN_W, 0, bell, NTFN_W);
    FAIL(root, HV_SYS_VCPU_DOORBELL, HV_ERANGE, VCPU, HV_VCPU_DOORBELLS, bell, NTFN_W);
    FAIL(root, HV_SYS_VCPU_DOORBELL, HV_EALIGN, VCPU, 0, bell + 2, NTFN_W);
    FAIL(root, HV_SYS_VCPU_DOORBELL, HV_ERANGE, VCPU, 0, ipa_addr(arch_guest_vspace_top()),
         NTFN_W);
    for (uint64_t i = 1; i < 16; i++) /* a's cnode names none of these */
        FAIL(a, HV_SYS_VCPU_DOORBELL, HV_ENOENT, i, 0, bell, i);
    fake.no_doorbells = true;
    FAIL(root, HV_SYS_VCPU_DOORBELL, HV_ENOSYS, VCPU, 0, bell, NTFN_W);
    fake.no_doorbells = false;

    struct notification *n = cap_ptr(root_slot(NTFN));
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_DOORBELL, VCPU, 1, bell, NTFN_W), HV_OK);
    ck_assert(!vcpu_ring_doorbell(vc, bell + 4));
    ck_assert(!vcpu_ring_doorbell(vc, 0));
    ck_assert_uint_eq(n->word, 0);
    ck_assert(vcpu_ring_doorbell(vc, bell));
    ck_assert_uint_eq(n->word, 0x40);
    n->word = 0;
    /* Taken away by ipa 0, set again, then by revoking the caller's notification. */
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_DOORBELL, VCPU, 1, 0, 0), HV_OK);
    ck_assert(!vcpu_ring_doorbell(vc, bell));
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_DOORBELL, VCPU, 1, bell, NTFN_W), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_REVOKE, NTFN), HV_OK);
    ck_assert(!vcpu_ring_doorbell(vc, bell));
    ck_assert_uint_eq(n->word, 0);
    /* Deleting a vcpu that holds one drops its copy with it. */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, NTFN, ROOT_SLOT_CNODE, NTFN_W, HV_RIGHT_WRITE,
                          0x80),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_VCPU_DOORBELL, VCPU, 3, bell, NTFN_W), HV_OK);
    ck_assert_ptr_nonnull(root_slot(NTFN_W)->first_child);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, VCPU), HV_OK);
    ck_assert_ptr_nonnull(root_slot(NTFN_W)->first_child); /* VCPU_R still holds the vcpu */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, VCPU_R), HV_OK);
    ck_assert_ptr_null(root_slot(NTFN_W)->first_child);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, NTFN), HV_OK);
}
END_TEST

START_TEST(guest_mappings)
{
    struct vspace *g = cap_ptr(root_slot(GVS));
    paddr_t pa;
    uint64_t desc;
    unsigned level;
    /* A 2 MiB frame at a 2 MiB IPA is one block. */
    ck_assert_uint_eq(SYS(root, HV_SYS_MAP, FR2M, GVS, 0x40000000,
                          HV_MAP_READ | HV_MAP_WRITE | HV_MAP_EXEC),
                      HV_OK);
    ck_assert_int_eq(pt_lookup(&g->pt, 0x40012345, &pa, &desc, &level), HV_OK);
    ck_assert_uint_eq(pa_addr(pa), root_slot(FR2M)->obj + 0x12345);
    ck_assert_uint_eq(level, 1);
    /* The second root table (IPA bit 39) is reachable; the top of the IPA space is not. */
    ck_assert_uint_eq(SYS(root, HV_SYS_MAP, FR4K, GVS, 0x8000001000ull, HV_MAP_READ), HV_OK);
    ck_assert_int_eq(pt_lookup(&g->pt, 0x8000001000ull, &pa, &desc, &level), HV_OK);
    ck_assert_uint_eq(level, 2);
    uint64_t *root_tables = arch_phys_to_virt(g->pt.root);
    ck_assert(root_tables[512] & 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_UNMAP, FR4K), HV_OK);
    ck_assert_uint_eq(fake.guest_flushes, 1);
    FAIL(root, HV_SYS_MAP, HV_ERANGE, FR4K, GVS, 1ull << 40, HV_MAP_READ);
    FAIL(root, HV_SYS_MAP, HV_ERANGE, FR2M, GVS, 1ull << 40, HV_MAP_READ);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_vcpu");
    TCase *tc = tcase_create("vcpu");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, objects_and_sizes);
    tcase_add_test(tc, guest_vspace_tags_run_out);
    tcase_add_test(tc, guest_and_task_vspaces_do_not_mix);
    tcase_add_test(tc, bind_checks);
    tcase_add_test(tc, rights_and_isolation);
    tcase_add_test(tc, registers);
    tcase_add_test(tc, inject);
    tcase_add_test(tc, exit_reply_resumes);
    tcase_add_test(tc, malformed_reply_stops_the_guest);
    tcase_add_test(tc, exit_without_handler_suspends);
    tcase_add_test(tc, idle_and_timer);
    tcase_add_test(tc, deletion_unbinds);
    tcase_add_test(tc, doorbells);
    tcase_add_test(tc, guest_mappings);
    suite_add_tcase(s, tc);
    return check_run(s);
}
