/* Unit tests for the syscall layer: every bad-argument path returns its error and leaves all
 * kernel memory unchanged; mapping; isolation between cnodes. */
#include "check_run.h"
#include "core_fixture.h"
#include <stdlib.h>
#include <kernel/vspace.h>
#include <string.h>

static struct thread *a;
static uint8_t *snap;

static void setup(void)
{
    fix_setup();
    a = fix_thread(20, 21, 22, 100, 10, 10);
    fix_retype(HV_OBJ_ENDPOINT, 0, 30, 1);
    fix_retype(HV_OBJ_NOTIFICATION, 0, 31, 1);
    fix_retype(HV_OBJ_FRAME, 12, 32, 1);
    SYS(root, HV_SYS_CAP_COPY, 32, ROOT_SLOT_CNODE, 33, HV_RIGHT_READ, 0);
}

/* Runs a syscall expected to fail with err, and checks that no byte of kernel memory nor of
 * the scheduler state changed, apart from the caller's R0. */
static void expect_fail(struct thread *t, uint64_t n, uint64_t err, const uint64_t args[8])
{
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
    syscall_dispatch(t);
    ck_assert_uint_eq(reg(t, 0), err);
    arch_context_set_reg(&t->ctx, 0, args[0]);
    ck_assert_msg(memcmp(snap, mem, size) == 0, "syscall %llu changed kernel memory",
                  (unsigned long long)n);
    ck_assert(memcmp(&sched_before, sched_cpu(), sizeof(sched_before)) == 0);
}

#define FAIL(t, n, err, ...) expect_fail(t, n, err, (uint64_t[8]){__VA_ARGS__})

START_TEST(bad_numbers)
{
    FAIL(root, HV_SYS_COUNT, HV_ENOSYS, 0);
    FAIL(root, 1000, HV_ENOSYS, 0);
    FAIL(root, UINT64_MAX, HV_ENOSYS, 0);
}
END_TEST

START_TEST(bad_cap_addresses)
{
    /* Out of range, empty, wrong type, missing right: for every cap-taking call. */
    static const uint64_t calls[] = {HV_SYS_CALL, HV_SYS_SEND, HV_SYS_RECV, HV_SYS_REPLY_RECV,
                                     HV_SYS_SIGNAL, HV_SYS_WAIT, HV_SYS_POLL, HV_SYS_RETYPE,
                                     HV_SYS_MAP, HV_SYS_UNMAP, HV_SYS_CAP_COPY,
                                     HV_SYS_CAP_DELETE, HV_SYS_CAP_REVOKE,
                                     HV_SYS_THREAD_CONFIGURE, HV_SYS_THREAD_RESUME,
                                     HV_SYS_THREAD_SUSPEND, HV_SYS_IRQ_ACK, HV_SYS_IRQ_GET,
                                     HV_SYS_IRQ_BIND, HV_SYS_VCPU_BIND, HV_SYS_VCPU_READ,
                                     HV_SYS_VCPU_WRITE, HV_SYS_VCPU_INJECT, HV_SYS_VCPU_DOORBELL,
                                     HV_SYS_DMA_MAP};
    for (unsigned i = 0; i < ARRAY_SIZE(calls); i++) {
        FAIL(root, calls[i], HV_ERANGE, 0);
        FAIL(root, calls[i], HV_ERANGE, 1ull << FIX_ROOT_SLOT_BITS);
        FAIL(root, calls[i], HV_ERANGE, UINT64_MAX);
        FAIL(root, calls[i], HV_ENOENT, 100);
    }
    FAIL(root, HV_SYS_SEND, HV_ETYPE, 31);
    FAIL(root, HV_SYS_SIGNAL, HV_ETYPE, 30);
    FAIL(root, HV_SYS_RETYPE, HV_ETYPE, 30, HV_OBJ_ENDPOINT, 0, ROOT_SLOT_CNODE, 40, 1);
    FAIL(root, HV_SYS_THREAD_RESUME, HV_ETYPE, 30);
    FAIL(root, HV_SYS_MAP, HV_ETYPE, 30, 22, 0x1000, HV_MAP_READ);
    FAIL(root, HV_SYS_MAP, HV_ETYPE, 32, 30, 0x1000, HV_MAP_READ);
    /* Missing rights. */
    SYS(root, HV_SYS_CAP_COPY, 30, ROOT_SLOT_CNODE, 40, HV_RIGHT_READ, 0);
    SYS(root, HV_SYS_CAP_COPY, 31, ROOT_SLOT_CNODE, 41, HV_RIGHT_READ, 0);
    SYS(root, HV_SYS_CAP_COPY, 20, ROOT_SLOT_CNODE, 42, HV_RIGHT_READ, 0);
    FAIL(root, HV_SYS_CALL, HV_EPERM, 40, 0);
    FAIL(root, HV_SYS_SIGNAL, HV_EPERM, 41);
    FAIL(root, HV_SYS_THREAD_SUSPEND, HV_EPERM, 42);
    FAIL(root, HV_SYS_MAP, HV_EPERM, 33, 22, 0x1000, HV_MAP_READ | HV_MAP_WRITE);
}
END_TEST

/* dma_map: a RAM frame (read and write) and a device's register frame (write), or nothing
 * changes and no address comes back. A frame of the fixture's RAM stands in for a device
 * page (the flag is what the kernel goes by). */
START_TEST(dma_map_checks)
{
    fix_retype(HV_OBJ_FRAME, 12, 35, 1);
    root_slot(35)->flags = CAP_FLAG_DEVICE;
    SYS(root, HV_SYS_CAP_COPY, 35, ROOT_SLOT_CNODE, 36, HV_RIGHT_READ, 0);
    FAIL(root, HV_SYS_DMA_MAP, HV_ENOENT, 32, 100);
    FAIL(root, HV_SYS_DMA_MAP, HV_ETYPE, 30, 35);
    FAIL(root, HV_SYS_DMA_MAP, HV_ETYPE, 32, 30);
    FAIL(root, HV_SYS_DMA_MAP, HV_EPERM, 33, 35); /* the frame read-only */
    FAIL(root, HV_SYS_DMA_MAP, HV_EPERM, 32, 36); /* the device read-only */
    FAIL(root, HV_SYS_DMA_MAP, HV_EPERM, 32, 32); /* RAM in the device's place */
    FAIL(root, HV_SYS_DMA_MAP, HV_EINVAL, 35, 35); /* device memory as DMA memory */
    ck_assert_uint_eq(SYS(root, HV_SYS_DMA_MAP, 32, 35), HV_OK);
    ck_assert_uint_eq(reg(root, 1), pa_addr(cap_paddr(root_slot(32))));
}
END_TEST

START_TEST(bad_values)
{
    /* Message info with reserved bits or a length over 6. */
    FAIL(root, HV_SYS_SEND, HV_EINVAL, 30, 7);
    FAIL(root, HV_SYS_CALL, HV_EINVAL, 30, 0x10);
    FAIL(root, HV_SYS_REPLY, HV_EINVAL, 0, 0xf);
    /* Retype: bad type, bad sizes, count, destination. */
    FAIL(root, HV_SYS_RETYPE, HV_EINVAL, ROOT_SLOT_UNTYPED, 99, 0, ROOT_SLOT_CNODE, 40, 1);
    FAIL(root, HV_SYS_RETYPE, HV_EINVAL, ROOT_SLOT_UNTYPED, HV_OBJ_IRQ_HANDLER, 0,
         ROOT_SLOT_CNODE, 40, 1);
    FAIL(root, HV_SYS_RETYPE, HV_EINVAL, ROOT_SLOT_UNTYPED, HV_OBJ_FRAME, 13, ROOT_SLOT_CNODE,
         40, 1);
    FAIL(root, HV_SYS_RETYPE, HV_EINVAL, ROOT_SLOT_UNTYPED, HV_OBJ_ENDPOINT, 1ull << 40,
         ROOT_SLOT_CNODE, 40, 1);
    FAIL(root, HV_SYS_RETYPE, HV_ERANGE, ROOT_SLOT_UNTYPED, HV_OBJ_ENDPOINT, 0,
         ROOT_SLOT_CNODE, 40, 0);
    FAIL(root, HV_SYS_RETYPE, HV_ERANGE, ROOT_SLOT_UNTYPED, HV_OBJ_ENDPOINT, 0,
         ROOT_SLOT_CNODE, 40, UINT64_MAX);
    FAIL(root, HV_SYS_RETYPE, HV_ERANGE, ROOT_SLOT_UNTYPED, HV_OBJ_ENDPOINT, 0,
         ROOT_SLOT_CNODE, 250, 10);
    FAIL(root, HV_SYS_RETYPE, HV_EEXIST, ROOT_SLOT_UNTYPED, HV_OBJ_ENDPOINT, 0,
         ROOT_SLOT_CNODE, 30, 1);
    /* Map: flags, alignment, range. */
    FAIL(root, HV_SYS_MAP, HV_EINVAL, 32, 22, 0x1000, 0);
    FAIL(root, HV_SYS_MAP, HV_EINVAL, 32, 22, 0x1000, HV_MAP_READ | 0x100);
    FAIL(root, HV_SYS_MAP, HV_EALIGN, 32, 22, 0x1001, HV_MAP_READ);
    FAIL(root, HV_SYS_MAP, HV_ERANGE, 32, 22, 1ull << 48, HV_MAP_READ);
    FAIL(root, HV_SYS_MAP, HV_ERANGE, 32, 22, 0xfffffffffffff000ull, HV_MAP_READ);
    FAIL(root, HV_SYS_UNMAP, HV_ENOENT, 32);
    /* Thread configure: a scheduling context that is not one (or no slot), huge pc, a fault
     * endpoint that is not one, busy. */
    thread_suspend(a);
    FAIL(root, HV_SYS_THREAD_CONFIGURE, HV_ETYPE, 20, 21, 22, 0, 10, 21, 0x1000, 0x2000);
    FAIL(root, HV_SYS_THREAD_CONFIGURE, HV_ENOENT, 20, 21, 22, 0, 10, 200, 0, 0);
    FAIL(root, HV_SYS_THREAD_CONFIGURE, HV_ERANGE, 20, 21, 22, 0, 10, HV_SC_INHERIT,
         UINT64_MAX, 0);
    FAIL(root, HV_SYS_THREAD_CONFIGURE, HV_ETYPE, 20, 21, 22, 31, 10, HV_SC_INHERIT, 0, 0);
    FAIL(root, HV_SYS_THREAD_CONFIGURE, HV_EBUSY, ROOT_SLOT_THREAD, 21, 22, 0, 10,
         HV_SC_INHERIT, 0, 0);
    FAIL(root, HV_SYS_THREAD_RESUME, HV_EBUSY, ROOT_SLOT_THREAD);
    FAIL(root, HV_SYS_DEBUG_PUTC, HV_EINVAL, ROOT_SLOT_DEBUG_CONSOLE, 0x100);
    FAIL(root, HV_SYS_DEBUG_PUTC, HV_ETYPE, ROOT_SLOT_CNODE, 'x'); /* SEC-M2: needs its cap */
    FAIL(root, HV_SYS_CAP_COPY, HV_EINVAL, 30, ROOT_SLOT_CNODE, 40, 0x10, 0);
    FAIL(root, HV_SYS_CAP_COPY, HV_EEXIST, 30, ROOT_SLOT_CNODE, 31, 7, 0);
    FAIL(root, HV_SYS_IRQ_GET, HV_ERANGE, ROOT_SLOT_IRQ_CONTROL, 1u << 20, ROOT_SLOT_CNODE, 40);
}
END_TEST

START_TEST(priority_not_above_caller)
{
    /* a (priority 100) holds a cap to a fresh thread but can't give it priority 101. */
    fix_retype(HV_OBJ_THREAD, 0, 40, 1);
    SYS(root, HV_SYS_CAP_COPY, 40, 21, 1, 7, 0);
    SYS(root, HV_SYS_CAP_COPY, 21, 21, 2, 7, 0);
    SYS(root, HV_SYS_CAP_COPY, 22, 21, 3, 7, 0);
    FAIL(a, HV_SYS_THREAD_CONFIGURE, HV_EPERM, 1, 2, 3, 0, 101, HV_SC_INHERIT, 0, 0);
    ck_assert_uint_eq(SYS(a, HV_SYS_THREAD_CONFIGURE, 1, 2, 3, 0, 100, HV_SC_INHERIT, 0, 0),
                      HV_OK);
}
END_TEST

START_TEST(map_unmap_and_teardown)
{
    struct vspace *vs = cap_ptr(root_slot(22));
    ck_assert_uint_eq(SYS(root, HV_SYS_MAP, 32, 22, 0x400000, HV_MAP_READ | HV_MAP_WRITE),
                      HV_OK);
    paddr_t pa;
    uint64_t desc;
    unsigned level;
    ck_assert_int_eq(pt_lookup(&vs->pt, 0x400123, &pa, &desc, &level), HV_OK);
    ck_assert_uint_eq(pa_addr(pa), root_slot(32)->obj + 0x123);
    /* The same cap can't be mapped twice; a copy can, elsewhere but not on top. */
    ck_assert_uint_eq(SYS(root, HV_SYS_MAP, 32, 22, 0x800000, HV_MAP_READ), HV_EBUSY);
    ck_assert_uint_eq(SYS(root, HV_SYS_MAP, 33, 22, 0x400000, HV_MAP_READ), HV_EEXIST);
    ck_assert_uint_eq(SYS(root, HV_SYS_MAP, 33, 22, 0x800000, HV_MAP_READ), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_UNMAP, 32), HV_OK);
    ck_assert_int_eq(pt_lookup(&vs->pt, 0x400000, &pa, &desc, &level), HV_ENOENT);
    /* Deleting the frame cap removes its mapping. */
    SYS(root, HV_SYS_CAP_DELETE, 33);
    ck_assert_int_eq(pt_lookup(&vs->pt, 0x800000, &pa, &desc, &level), HV_ENOENT);
    /* Deleting the address space makes mapped frame caps forget it. */
    ck_assert_uint_eq(SYS(root, HV_SYS_MAP, 32, 22, 0x400000, HV_MAP_READ), HV_OK);
    SYS(root, HV_SYS_CAP_DELETE, 20); /* the thread holding a copy of the vspace cap */
    SYS(root, HV_SYS_CAP_DELETE, 22);
    ck_assert_uint_eq(vs->hdr.refs, 0);
    ck_assert_ptr_null(root_slot(32)->map_vs);
}
END_TEST

START_TEST(isolation_without_caps)
{
    /* a's cnode holds no frame, vspace or notification: the root's are out of its reach,
     * whatever addresses it tries. */
    for (uint64_t i = 0; i < 16; i++) {
        FAIL(a, HV_SYS_MAP, i == 0 ? HV_ERANGE : HV_ENOENT, i, 22, 0x1000, HV_MAP_READ);
        FAIL(a, HV_SYS_SIGNAL, i == 0 ? HV_ERANGE : HV_ENOENT, i);
    }
    FAIL(a, HV_SYS_SIGNAL, HV_ERANGE, 31);
    FAIL(a, HV_SYS_MAP, HV_ERANGE, 32, 22, 0x1000, HV_MAP_READ);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_syscall");
    TCase *tc = tcase_create("syscall");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, bad_numbers);
    tcase_add_test(tc, bad_cap_addresses);
    tcase_add_test(tc, dma_map_checks);
    tcase_add_test(tc, bad_values);
    tcase_add_test(tc, priority_not_above_caller);
    tcase_add_test(tc, map_unmap_and_teardown);
    tcase_add_test(tc, isolation_without_caps);
    suite_add_tcase(s, tc);
    return check_run(s);
}
