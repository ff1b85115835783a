/* Unit tests for capabilities and untyped memory: copy with fewer rights, badge minting,
 * delete and revoke cascades, retype alignment, no overlap, exhaustion, watermark reset. */
#include "check_run.h"
#include "core_fixture.h"
#include <kernel/untyped.h>

static void setup(void)
{
    fix_setup();
}

START_TEST(root_caps_after_boot)
{
    ck_assert_uint_eq(root_slot(ROOT_SLOT_CNODE)->type, HV_OBJ_CNODE);
    ck_assert_uint_eq(root_slot(ROOT_SLOT_THREAD)->type, HV_OBJ_THREAD);
    ck_assert_uint_eq(root_slot(ROOT_SLOT_UNTYPED)->type, HV_OBJ_UNTYPED);
    ck_assert_uint_eq(root_slot(ROOT_SLOT_UNTYPED)->obj, FIX_UNTYPED_BASE);
    ck_assert_uint_eq(root->prio, HV_PRIO_MAX);
    /* The root cnode: one cap in its slot plus one in the root thread's TCB. */
    ck_assert_uint_eq(thread_cnode(root)->hdr.refs, 2);
}
END_TEST

START_TEST(copy_reduces_rights_never_adds)
{
    fix_retype(HV_OBJ_ENDPOINT, 0, 20, 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 20, ROOT_SLOT_CNODE, 21,
                          HV_RIGHT_READ | HV_RIGHT_GRANT, 0),
                      HV_OK);
    ck_assert_uint_eq(root_slot(21)->rights, HV_RIGHT_READ | HV_RIGHT_GRANT);
    ck_assert_ptr_eq(root_slot(21)->parent, root_slot(20));
    /* Copying the read-only cap with all rights still gives read (and grant) only. */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 21, ROOT_SLOT_CNODE, 22, HV_RIGHTS_ALL, 0),
                      HV_OK);
    ck_assert_uint_eq(root_slot(22)->rights, HV_RIGHT_READ | HV_RIGHT_GRANT);
    struct endpoint *ep = cap_ptr(root_slot(20));
    ck_assert_uint_eq(ep->hdr.refs, 3);
    /* A rights mask outside the defined bits is an error, nothing made. */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 20, ROOT_SLOT_CNODE, 23, 16, 0), HV_EINVAL);
    ck_assert(cap_is_empty(root_slot(23)));
    /* A send through the read-only cap lacks the write right. */
    ck_assert_uint_eq(SYS(root, HV_SYS_SEND, 22, 0), HV_EPERM);
}
END_TEST

/* SEC-L1: the rights model (docs/syscalls.md): what each right allows, each refused without. */
START_TEST(sec_l1_grant_is_needed_to_pass_a_cap_on)
{
    fix_retype(HV_OBJ_ENDPOINT, 0, 20, 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 20, ROOT_SLOT_CNODE, 21, HV_RIGHT_WRITE, 0),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 21, ROOT_SLOT_CNODE, 22, HV_RIGHT_WRITE, 0),
                      HV_EPERM);
    ck_assert(cap_is_empty(root_slot(22)));
    /* Deleting one's own copy needs no right; revoking (others' copies) needs write. */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 20, ROOT_SLOT_CNODE, 23,
                          HV_RIGHT_READ | HV_RIGHT_GRANT, 0),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 23, ROOT_SLOT_CNODE, 24, HV_RIGHT_READ, 0),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_REVOKE, 23), HV_EPERM);
    ck_assert(!cap_is_empty(root_slot(24)));
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, 21), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_REVOKE, 20), HV_OK);
    ck_assert(cap_is_empty(root_slot(24)));
}
END_TEST

START_TEST(sec_l1_exec_and_unmap_need_their_rights)
{
    fix_retype(HV_OBJ_FRAME, 12, 20, 1);
    fix_retype(HV_OBJ_VSPACE, 15, 30, 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 20, ROOT_SLOT_CNODE, 21,
                          HV_RIGHT_READ | HV_RIGHT_WRITE | HV_RIGHT_GRANT, 0),
                      HV_OK);
    /* No execute right: readable and writable, never executable. */
    ck_assert_uint_eq(SYS(root, HV_SYS_MAP, 21, 30, 0x10000, HV_MAP_READ | HV_MAP_EXEC),
                      HV_EPERM);
    ck_assert_uint_eq(SYS(root, HV_SYS_MAP, 21, 30, 0x10000, HV_MAP_READ | HV_MAP_WRITE),
                      HV_OK);
    /* A read-only copy can map readable but neither unmap nor map writable. */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 20, ROOT_SLOT_CNODE, 22, HV_RIGHT_READ, 0),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_MAP, 22, 30, 0x20000, HV_MAP_READ | HV_MAP_WRITE),
                      HV_EPERM);
    ck_assert_uint_eq(SYS(root, HV_SYS_MAP, 22, 30, 0x20000, HV_MAP_READ), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_UNMAP, 22), HV_EPERM);
    ck_assert_uint_eq(SYS(root, HV_SYS_UNMAP, 21), HV_OK);
}
END_TEST

START_TEST(sec_l1_thread_needs_writable_cnode_and_space)
{
    fix_retype(HV_OBJ_THREAD, 0, 20, 1);
    fix_retype(HV_OBJ_CNODE, 4, 21, 1);
    fix_retype(HV_OBJ_VSPACE, 15, 22, 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 21, ROOT_SLOT_CNODE, 23, HV_RIGHT_READ, 0),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 22, ROOT_SLOT_CNODE, 24, HV_RIGHT_READ, 0),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_CONFIGURE, 20, 23, 22, 0, 10, HV_SC_INHERIT,
                          0x1000, 0x2000),
                      HV_EPERM);
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_CONFIGURE, 20, 21, 24, 0, 10, HV_SC_INHERIT,
                          0x1000, 0x2000),
                      HV_EPERM);
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_CONFIGURE, 20, 21, 22, 0, 10, HV_SC_INHERIT,
                          0x1000, 0x2000),
                      HV_OK);
}
END_TEST

START_TEST(mint_badge_once)
{
    fix_retype(HV_OBJ_NOTIFICATION, 0, 20, 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 20, ROOT_SLOT_CNODE, 21, 7, 0x40), HV_OK);
    ck_assert_uint_eq(root_slot(21)->data, 0x40);
    /* A badged cap can't be re-badged, but can be copied keeping its badge. */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 21, ROOT_SLOT_CNODE, 22, 7, 0x80), HV_EPERM);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 21, ROOT_SLOT_CNODE, 22, 7, 0), HV_OK);
    ck_assert_uint_eq(root_slot(22)->data, 0x40);
    /* Only endpoints and notifications carry badges. */
    fix_retype(HV_OBJ_FRAME, 12, 30, 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 30, ROOT_SLOT_CNODE, 31, 7, 1), HV_ETYPE);
    /* Untyped caps are never copied: two watermarks over one range would carve it twice. */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, ROOT_SLOT_UNTYPED, ROOT_SLOT_CNODE, 31, 7, 0),
                      HV_ETYPE);
}
END_TEST

START_TEST(delete_last_cap_destroys)
{
    fix_retype(HV_OBJ_ENDPOINT, 0, 20, 1);
    struct endpoint *ep = cap_ptr(root_slot(20));
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 20, ROOT_SLOT_CNODE, 21, 7, 5), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, 20), HV_OK);
    /* The copy survives and moved up to the untyped. */
    ck_assert_uint_eq(ep->hdr.refs, 1);
    ck_assert_ptr_eq(root_slot(21)->parent, root_slot(ROOT_SLOT_UNTYPED));
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, 21), HV_OK);
    ck_assert_uint_eq(ep->hdr.refs, 0);
    ck_assert(!cap_has_children(root_slot(ROOT_SLOT_UNTYPED)));
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, 21), HV_ENOENT);
}
END_TEST

START_TEST(revoke_deletes_copies_and_children)
{
    fix_retype(HV_OBJ_ENDPOINT, 0, 20, 1);
    SYS(root, HV_SYS_CAP_COPY, 20, ROOT_SLOT_CNODE, 21, 7, 1);
    SYS(root, HV_SYS_CAP_COPY, 21, ROOT_SLOT_CNODE, 22, 1, 0);
    SYS(root, HV_SYS_CAP_COPY, 20, ROOT_SLOT_CNODE, 23, 3, 0);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_REVOKE, 20), HV_OK);
    ck_assert(cap_is_empty(root_slot(21)) && cap_is_empty(root_slot(22)) &&
              cap_is_empty(root_slot(23)));
    ck_assert_uint_eq(root_slot(20)->type, HV_OBJ_ENDPOINT);
    ck_assert_uint_eq(((struct endpoint *)cap_ptr(root_slot(20)))->hdr.refs, 1);
}
END_TEST

START_TEST(retype_aligns_and_never_overlaps)
{
    fix_retype(HV_OBJ_ENDPOINT, 0, 20, 3); /* 3 x 64 B */
    fix_retype(HV_OBJ_FRAME, 12, 23, 2);   /* next 4 KiB boundary */
    fix_retype(HV_OBJ_THREAD, 0, 25, 1);
    uint64_t base = FIX_UNTYPED_BASE;
    ck_assert_uint_eq(arch_virt_to_phys(cap_ptr(root_slot(20))).bits, base);
    ck_assert_uint_eq(arch_virt_to_phys(cap_ptr(root_slot(22))).bits, base + 128);
    ck_assert_uint_eq(root_slot(23)->obj, base + 4096);
    ck_assert_uint_eq(root_slot(24)->obj, base + 8192);
    ck_assert_uint_eq(arch_virt_to_phys(cap_ptr(root_slot(25))).bits, base + 12288);
    ck_assert_uint_eq(root_slot(ROOT_SLOT_UNTYPED)->data, 12288 + 1024);
    /* A 2 MiB frame lands on the next 2 MiB boundary. */
    fix_retype(HV_OBJ_FRAME, 21, 26, 1);
    ck_assert_uint_eq(root_slot(26)->obj, base + MIB(2));
    /* Retyped memory is zeroed (the fake fills RAM with 0xa5). */
    uint8_t *f = arch_phys_to_virt(pa_init(root_slot(26)->obj));
    ck_assert_uint_eq(f[0] | f[MIB(2) - 1], 0);
}
END_TEST

START_TEST(retype_exhaustion_changes_nothing)
{
    struct cap_slot *ut = root_slot(ROOT_SLOT_UNTYPED);
    fix_retype(HV_OBJ_FRAME, 21, 20, 3); /* 6 of 8 MiB */
    uint64_t mark = ut->data;
    /* Two more 2 MiB frames don't fit: error, no cap, watermark unchanged. */
    ck_assert_uint_eq(SYS(root, HV_SYS_RETYPE, ROOT_SLOT_UNTYPED, HV_OBJ_FRAME, 21,
                          ROOT_SLOT_CNODE, 23, 2),
                      HV_ENOMEM);
    ck_assert(cap_is_empty(root_slot(23)) && cap_is_empty(root_slot(24)));
    ck_assert_uint_eq(ut->data, mark);
    fix_retype(HV_OBJ_FRAME, 21, 23, 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_RETYPE, ROOT_SLOT_UNTYPED, HV_OBJ_ENDPOINT, 0,
                          ROOT_SLOT_CNODE, 24, 1),
                      HV_ENOMEM);
}
END_TEST

START_TEST(retype_refuses_used_slots_whole)
{
    fix_retype(HV_OBJ_ENDPOINT, 0, 22, 1);
    uint64_t mark = root_slot(ROOT_SLOT_UNTYPED)->data;
    /* [20, 23) overlaps the endpoint in 22: nothing is made. */
    ck_assert_uint_eq(SYS(root, HV_SYS_RETYPE, ROOT_SLOT_UNTYPED, HV_OBJ_ENDPOINT, 0,
                          ROOT_SLOT_CNODE, 20, 3),
                      HV_EEXIST);
    ck_assert(cap_is_empty(root_slot(20)) && cap_is_empty(root_slot(21)));
    ck_assert_uint_eq(root_slot(ROOT_SLOT_UNTYPED)->data, mark);
}
END_TEST

START_TEST(watermark_resets_after_revoke)
{
    fix_retype(HV_OBJ_FRAME, 21, 20, 4); /* the whole 8 MiB */
    ck_assert_uint_eq(SYS(root, HV_SYS_RETYPE, ROOT_SLOT_UNTYPED, HV_OBJ_FRAME, 12,
                          ROOT_SLOT_CNODE, 24, 1),
                      HV_ENOMEM);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_REVOKE, ROOT_SLOT_UNTYPED), HV_OK);
    for (unsigned i = 20; i < 24; i++)
        ck_assert(cap_is_empty(root_slot(i)));
    /* No children left: the same memory is handed out again from the bottom. */
    fix_retype(HV_OBJ_FRAME, 12, 24, 1);
    ck_assert_uint_eq(root_slot(24)->obj, FIX_UNTYPED_BASE);
}
END_TEST

/* A "partition": a sub-untyped, a cnode in it holding the only caps of a thread and an
 * endpoint; revoking the sub-untyped tears everything down and its memory is reusable. */
START_TEST(partition_destroy_and_rebuild)
{
    fix_retype(HV_OBJ_UNTYPED, 20, 40, 1); /* 1 MiB */
    struct cap_slot *part = root_slot(40);
    ck_assert_uint_eq(SYS(root, HV_SYS_RETYPE, 40, HV_OBJ_CNODE, 4, ROOT_SLOT_CNODE, 41, 1),
                      HV_OK);
    struct cnode *pcn = cap_ptr(root_slot(41));
    ck_assert_uint_eq(SYS(root, HV_SYS_RETYPE, 40, HV_OBJ_THREAD, 0, 41, 1, 1), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_RETYPE, 40, HV_OBJ_ENDPOINT, 0, 41, 2, 1), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_RETYPE, 40, HV_OBJ_VSPACE, 15, 41, 3, 1), HV_OK);
    /* The thread's own cnode is the partition cnode (a cycle through its TCB). */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 41, 41, 4, 7, 0), HV_OK);
    struct thread *pt = cap_ptr(cnode_slot(pcn, 1));
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 41, ROOT_SLOT_CNODE, 42, 7, 0), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 42, ROOT_SLOT_CNODE, 43, 7, 0), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, 43), HV_OK);
    /* Configure the partition thread through caps that live in its own cnode. */
    arch_context_set_reg(&root->ctx, 0, 0);
    struct cap_slot *th = cnode_slot(pcn, 1);
    thread_configure(pt, cnode_slot(pcn, 4), cnode_slot(pcn, 3), cnode_slot(pcn, 2), 10, NULL);
    thread_resume(pt);
    ck_assert_uint_eq(pt->state, THREAD_READY);
    ck_assert_uint_eq(th->type, HV_OBJ_THREAD);
    uint64_t mark = part->data;
    ck_assert_uint_gt(mark, 0);

    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_REVOKE, 40), HV_OK);
    ck_assert(cap_is_empty(root_slot(41)) && cap_is_empty(root_slot(42)));
    ck_assert_uint_eq(pcn->hdr.refs, 0);
    ck_assert_uint_eq(pt->hdr.refs, 0);
    ck_assert_uint_eq(pt->state, THREAD_INACTIVE);
    ck_assert(!cap_has_children(part));
    /* Not in any run queue any more. */
    ck_assert_ptr_eq(sched_choose(), root);
    ck_assert_ptr_null(sched_cpu()->ready[10].head);
    /* Rebuild: the same addresses come back. */
    ck_assert_uint_eq(SYS(root, HV_SYS_RETYPE, 40, HV_OBJ_CNODE, 4, ROOT_SLOT_CNODE, 41, 1),
                      HV_OK);
    ck_assert_ptr_eq(cap_ptr(root_slot(41)), pcn);
    ck_assert_uint_eq(pcn->hdr.refs, 1);
}
END_TEST

/* Deleting the last cap of a cnode deletes what it holds, transitively, without recursion. */
START_TEST(delete_cascades_through_cnodes)
{
    fix_retype(HV_OBJ_CNODE, 2, 20, 3);
    fix_retype(HV_OBJ_NOTIFICATION, 0, 23, 1);
    /* 20 holds the only cap of 21, which holds the only cap of 22, which holds the ntfn's. */
    SYS(root, HV_SYS_CAP_COPY, 21, 20, 1, 7, 0);
    SYS(root, HV_SYS_CAP_COPY, 22, 21, 1, 7, 0);
    SYS(root, HV_SYS_CAP_COPY, 23, 22, 1, 7, 0);
    struct cnode *c21 = cap_ptr(root_slot(21)), *c22 = cap_ptr(root_slot(22));
    struct notification *n = cap_ptr(root_slot(23));
    SYS(root, HV_SYS_CAP_DELETE, 21);
    SYS(root, HV_SYS_CAP_DELETE, 22);
    SYS(root, HV_SYS_CAP_DELETE, 23);
    ck_assert_uint_eq(n->hdr.refs, 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, 20), HV_OK);
    ck_assert_uint_eq(c21->hdr.refs, 0);
    ck_assert_uint_eq(c22->hdr.refs, 0);
    ck_assert_uint_eq(n->hdr.refs, 0);
    ck_assert(!cap_has_children(root_slot(ROOT_SLOT_UNTYPED)));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_cap");
    TCase *tc = tcase_create("cap");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, root_caps_after_boot);
    tcase_add_test(tc, copy_reduces_rights_never_adds);
    tcase_add_test(tc, sec_l1_grant_is_needed_to_pass_a_cap_on);
    tcase_add_test(tc, sec_l1_exec_and_unmap_need_their_rights);
    tcase_add_test(tc, sec_l1_thread_needs_writable_cnode_and_space);
    tcase_add_test(tc, mint_badge_once);
    tcase_add_test(tc, delete_last_cap_destroys);
    tcase_add_test(tc, revoke_deletes_copies_and_children);
    tcase_add_test(tc, retype_aligns_and_never_overlaps);
    tcase_add_test(tc, retype_exhaustion_changes_nothing);
    tcase_add_test(tc, retype_refuses_used_slots_whole);
    tcase_add_test(tc, watermark_resets_after_revoke);
    tcase_add_test(tc, partition_destroy_and_rebuild);
    tcase_add_test(tc, delete_cascades_through_cnodes);
    suite_add_tcase(s, tc);
    return check_run(s);
}
