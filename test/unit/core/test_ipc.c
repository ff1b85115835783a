/* Unit tests for IPC: call/reply with badges (fast and slow paths), FIFO senders, endpoint
 * destruction waking waiters, notifications, interrupts and faults. */
#include "check_run.h"
#include "core_fixture.h"

static struct thread *srv, *cli, *cli2;

static void setup(void)
{
    fix_setup();
    srv = fix_thread(20, 21, 22, 100, 10, 10);
    cli = fix_thread(23, 24, 25, 100, 10, 10);
    cli2 = fix_thread(26, 27, 28, 100, 10, 10);
    fix_retype(HV_OBJ_ENDPOINT, 0, 30, 1);
    /* Server: recv right at cap 1. Clients: badged send caps at 1. */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 30, 21, 1, HV_RIGHT_READ, 0), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 30, 24, 1, HV_RIGHT_WRITE, 0xc1), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 30, 27, 1, HV_RIGHT_WRITE, 0xc2), HV_OK);
}

START_TEST(call_reply_with_badge)
{
    ck_assert_uint_eq(SYS(srv, HV_SYS_RECV, 1), HV_OK);
    ck_assert_uint_eq(srv->state, THREAD_BLOCKED_RECV);
    SYS(cli, HV_SYS_CALL, 1, hv_msginfo(7, 2), 11, 22, 33);
    ck_assert_uint_eq(cli->state, THREAD_BLOCKED_REPLY);
    ck_assert_uint_eq(srv->state, THREAD_READY);
    ck_assert_uint_eq(reg(srv, 0), HV_OK);
    ck_assert_uint_eq(reg(srv, 1), hv_msginfo(7, 2));
    ck_assert_uint_eq(reg(srv, 2), 11);
    ck_assert_uint_eq(reg(srv, 3), 22);
    ck_assert_uint_eq(reg(srv, 4), 0); /* past the length: not leaked */
    ck_assert_uint_eq(reg(srv, HV_REG_NUMBER), 0xc1);
    ck_assert_ptr_eq(srv->reply_to, cli);
    SYS(srv, HV_SYS_REPLY_RECV, 1, hv_msginfo(0, 1), 99);
    ck_assert_uint_eq(srv->state, THREAD_BLOCKED_RECV);
    ck_assert_uint_eq(cli->state, THREAD_READY);
    ck_assert_uint_eq(reg(cli, 0), HV_OK);
    ck_assert_uint_eq(reg(cli, 1), hv_msginfo(0, 1));
    ck_assert_uint_eq(reg(cli, 2), 99);
    ck_assert_ptr_null(srv->reply_to);
    ck_assert_ptr_null(cli->reply_from);
}
END_TEST

/* The caller arrives first: slow path, the message waits in the caller's TCB. */
START_TEST(call_before_recv_slow_path)
{
    SYS(cli, HV_SYS_CALL, 1, hv_msginfo(3, 1), 5);
    ck_assert_uint_eq(cli->state, THREAD_BLOCKED_SEND);
    SYS(srv, HV_SYS_RECV, 1);
    ck_assert_uint_eq(reg(srv, 1), hv_msginfo(3, 1));
    ck_assert_uint_eq(reg(srv, 2), 5);
    ck_assert_uint_eq(reg(srv, HV_REG_NUMBER), 0xc1);
    ck_assert_uint_eq(cli->state, THREAD_BLOCKED_REPLY);
    ck_assert_uint_eq(SYS(srv, HV_SYS_REPLY, 0, hv_msginfo(1, 0)), HV_OK);
    ck_assert_uint_eq(reg(cli, 1), hv_msginfo(1, 0));
    ck_assert_uint_eq(cli->state, THREAD_READY);
    ck_assert_uint_eq(SYS(srv, HV_SYS_REPLY, 0, 0), HV_ENOENT);
}
END_TEST

START_TEST(senders_queue_fifo)
{
    SYS(cli, HV_SYS_SEND, 1, hv_msginfo(1, 0));
    SYS(cli2, HV_SYS_SEND, 1, hv_msginfo(2, 0));
    ck_assert_uint_eq(cli->state, THREAD_BLOCKED_SEND);
    SYS(srv, HV_SYS_RECV, 1);
    ck_assert_uint_eq(reg(srv, HV_REG_NUMBER), 0xc1);
    ck_assert_uint_eq(cli->state, THREAD_READY);
    ck_assert_uint_eq(reg(cli, 0), HV_OK);
    SYS(srv, HV_SYS_RECV, 1);
    ck_assert_uint_eq(reg(srv, HV_REG_NUMBER), 0xc2);
    ck_assert_uint_eq(hv_msginfo_label(reg(srv, 1)), 2);
    SYS(srv, HV_SYS_RECV, 1);
    ck_assert_uint_eq(srv->state, THREAD_BLOCKED_RECV);
}
END_TEST

START_TEST(recv_again_cancels_pending_reply)
{
    SYS(srv, HV_SYS_RECV, 1);
    SYS(cli, HV_SYS_CALL, 1, 0);
    SYS(srv, HV_SYS_RECV, 1);
    ck_assert_uint_eq(cli->state, THREAD_READY);
    ck_assert_uint_eq(reg(cli, 0), HV_ECANCELED);
}
END_TEST

START_TEST(destroyed_endpoint_wakes_waiters)
{
    SYS(cli, HV_SYS_SEND, 1, 0);
    SYS(cli2, HV_SYS_CALL, 1, 0);
    struct endpoint *ep = cap_ptr(root_slot(30));
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_REVOKE, 30), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, 30), HV_OK);
    ck_assert_uint_eq(ep->hdr.refs, 0);
    ck_assert_uint_eq(cli->state, THREAD_READY);
    ck_assert_uint_eq(cli2->state, THREAD_READY);
    ck_assert_uint_eq(reg(cli, 0), HV_ECANCELED);
    ck_assert_uint_eq(reg(cli2, 0), HV_ECANCELED);
    ck_assert_uint_eq(SYS(cli, HV_SYS_SEND, 1, 0), HV_ENOENT);
}
END_TEST

START_TEST(server_death_cancels_caller)
{
    SYS(srv, HV_SYS_RECV, 1);
    SYS(cli, HV_SYS_CALL, 1, 0);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, 20), HV_OK); /* the server thread */
    ck_assert_uint_eq(cli->state, THREAD_READY);
    ck_assert_uint_eq(reg(cli, 0), HV_ECANCELED);
}
END_TEST

START_TEST(notification_or_wait_poll)
{
    fix_retype(HV_OBJ_NOTIFICATION, 0, 31, 1);
    SYS(root, HV_SYS_CAP_COPY, 31, 24, 2, HV_RIGHT_WRITE, 0x1);
    SYS(root, HV_SYS_CAP_COPY, 31, 27, 2, HV_RIGHT_WRITE, 0x4);
    SYS(root, HV_SYS_CAP_COPY, 31, 21, 2, HV_RIGHT_READ, 0);
    ck_assert_uint_eq(SYS(cli, HV_SYS_SIGNAL, 2), HV_OK);
    ck_assert_uint_eq(SYS(cli2, HV_SYS_SIGNAL, 2), HV_OK);
    ck_assert_uint_eq(SYS(srv, HV_SYS_WAIT, 2), HV_OK);
    ck_assert_uint_eq(reg(srv, 1), 0x5);
    ck_assert_uint_eq(SYS(srv, HV_SYS_POLL, 2), HV_OK);
    ck_assert_uint_eq(reg(srv, 1), 0);
    SYS(srv, HV_SYS_WAIT, 2);
    ck_assert_uint_eq(srv->state, THREAD_BLOCKED_NTFN);
    SYS(cli2, HV_SYS_SIGNAL, 2);
    ck_assert_uint_eq(srv->state, THREAD_READY);
    ck_assert_uint_eq(reg(srv, 1), 0x4);
    /* The client can't wait on a write-only cap. */
    ck_assert_uint_eq(SYS(cli, HV_SYS_WAIT, 2), HV_EPERM);
}
END_TEST

START_TEST(irq_masked_until_ack)
{
    fix_retype(HV_OBJ_NOTIFICATION, 0, 31, 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_IRQ_GET, ROOT_SLOT_IRQ_CONTROL, 33, ROOT_SLOT_CNODE, 32),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_IRQ_GET, ROOT_SLOT_IRQ_CONTROL, 33, ROOT_SLOT_CNODE, 34),
                      HV_EBUSY);
    ck_assert_uint_eq(SYS(root, HV_SYS_IRQ_GET, ROOT_SLOT_IRQ_CONTROL, FAKE_TIMER_IRQ,
                          ROOT_SLOT_CNODE, 34),
                      HV_ERANGE);
    ck_assert(fake.irq_masked[33]);
    ck_assert_uint_eq(SYS(root, HV_SYS_IRQ_BIND, 32, 31), HV_OK);
    ck_assert(!fake.irq_masked[33]);
    irq_deliver(33);
    ck_assert(fake.irq_masked[33]);
    struct notification *n = cap_ptr(root_slot(31));
    ck_assert_uint_eq(n->word, 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_IRQ_ACK, 32), HV_OK);
    ck_assert(!fake.irq_masked[33]);
    /* Deleting the notification unbinds and masks the line; the handler can be bound again. */
    SYS(root, HV_SYS_CAP_DELETE, 31);
    ck_assert(fake.irq_masked[33]);
    ck_assert_ptr_null(irq_handler_of(33)->ntfn);
    SYS(root, HV_SYS_CAP_DELETE, 32);
    ck_assert_uint_eq(SYS(root, HV_SYS_IRQ_GET, ROOT_SLOT_IRQ_CONTROL, 33, ROOT_SLOT_CNODE, 32),
                      HV_OK);
}
END_TEST

/* irq_get's trigger: the claimer's choice, checked before anything changes. */
START_TEST(irq_trigger_is_the_claimers)
{
    ck_assert_uint_eq(SYS(root, HV_SYS_IRQ_GET, ROOT_SLOT_IRQ_CONTROL, 33, ROOT_SLOT_CNODE, 32,
                          HV_IRQ_TRIGGER_MAX + 1),
                      HV_EINVAL);
    /* The fake arch has edge-triggered, active-high lines only. */
    ck_assert_uint_eq(SYS(root, HV_SYS_IRQ_GET, ROOT_SLOT_IRQ_CONTROL, 33, ROOT_SLOT_CNODE, 32,
                          HV_IRQ_LEVEL_LOW),
                      HV_EINVAL);
    ck_assert_uint_eq(fake.irq_trigger[33], 0);
    ck_assert_uint_eq(SYS(root, HV_SYS_IRQ_GET, ROOT_SLOT_IRQ_CONTROL, 33, ROOT_SLOT_CNODE, 32,
                          HV_IRQ_EDGE_HIGH),
                      HV_OK);
    ck_assert_uint_eq(fake.irq_trigger[33], HV_IRQ_EDGE_HIGH);
    /* Claimed again after the handler went: the default unless asked otherwise. */
    SYS(root, HV_SYS_CAP_DELETE, 32);
    ck_assert_uint_eq(SYS(root, HV_SYS_IRQ_GET, ROOT_SLOT_IRQ_CONTROL, 33, ROOT_SLOT_CNODE, 32),
                      HV_OK);
    ck_assert_uint_eq(fake.irq_trigger[33], HV_IRQ_TRIGGER_DEFAULT);
}
END_TEST

START_TEST(fault_goes_to_handler_and_reply_resumes)
{
    /* cli faults; srv handles its faults through a badged endpoint. */
    SYS(root, HV_SYS_CAP_COPY, 30, ROOT_SLOT_CNODE, 35, HV_RIGHT_WRITE, 0xfa);
    thread_suspend(cli);
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_CONFIGURE, 23, 24, 25, 35, 100, HV_SC_INHERIT,
                          0x4000, 0x9000),
                      HV_OK);
    thread_resume(cli);
    arch_context_set_reg(&cli->ctx, 5, 0x1234);
    SYS(srv, HV_SYS_RECV, 1);
    fault_deliver(cli, HV_FAULT_PAGE, 0xdead000, 0x92);
    ck_assert_uint_eq(cli->state, THREAD_BLOCKED_REPLY);
    ck_assert_uint_eq(hv_msginfo_label(reg(srv, 1)), HV_FAULT_PAGE);
    ck_assert_uint_eq(reg(srv, 2), 0xdead000);
    ck_assert_uint_eq(reg(srv, 3), 0x92);
    ck_assert_uint_eq(reg(srv, 4), 0x4000);
    ck_assert_uint_eq(reg(srv, HV_REG_NUMBER), 0xfa);
    SYS(srv, HV_SYS_REPLY_RECV, 1, hv_msginfo(0, 1), 77);
    ck_assert_uint_eq(cli->state, THREAD_READY);
    ck_assert_uint_eq(reg(cli, 5), 0x1234); /* registers untouched by the reply */
    ck_assert_uint_eq(reg(cli, 2), 0);
}
END_TEST

START_TEST(fault_without_handler_suspends)
{
    fault_deliver(cli, HV_FAULT_UNDEFINED, 0, 0);
    ck_assert_uint_eq(cli->state, THREAD_INACTIVE);
    /* A fault queued on an endpoint that dies: the thread is suspended, not woken. */
    SYS(root, HV_SYS_CAP_COPY, 30, ROOT_SLOT_CNODE, 35, HV_RIGHT_WRITE, 0);
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_CONFIGURE, 23, 24, 25, 35, 100, HV_SC_INHERIT,
                          0x4000, 0x9000),
                      HV_OK);
    thread_resume(cli);
    fault_deliver(cli, HV_FAULT_PAGE, 0, 0);
    ck_assert_uint_eq(cli->state, THREAD_BLOCKED_SEND);
    SYS(root, HV_SYS_CAP_REVOKE, 30);
    SYS(root, HV_SYS_CAP_DELETE, 30);
    ck_assert_uint_eq(cli->state, THREAD_INACTIVE);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_ipc");
    TCase *tc = tcase_create("ipc");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, call_reply_with_badge);
    tcase_add_test(tc, call_before_recv_slow_path);
    tcase_add_test(tc, senders_queue_fifo);
    tcase_add_test(tc, recv_again_cancels_pending_reply);
    tcase_add_test(tc, destroyed_endpoint_wakes_waiters);
    tcase_add_test(tc, server_death_cancels_caller);
    tcase_add_test(tc, notification_or_wait_poll);
    tcase_add_test(tc, irq_masked_until_ack);
    tcase_add_test(tc, irq_trigger_is_the_claimers);
    tcase_add_test(tc, fault_goes_to_handler_and_reply_resumes);
    tcase_add_test(tc, fault_without_handler_suspends);
    suite_add_tcase(s, tc);
    return check_run(s);
}
