/* System-call entry: the dispatch table, capability lookup for decoders, and the IPC,
 * notification and miscellaneous calls. Each decoder validates every argument before it
 * changes anything. */
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/assert.h>
#include <kernel/cnode.h>
#include <kernel/endpoint.h>
#include <kernel/notification.h>
#include <kernel/syscall.h>

uint64_t sys_arg(struct thread *t, unsigned i)
{
    return arch_context_reg(&t->ctx, i);
}

int sys_lookup(struct thread *t, uint64_t idx, unsigned type, unsigned rights,
               struct cap_slot **out)
{
    struct cnode *cn = thread_cnode(t);
    struct cap_slot *s = cn ? cnode_lookup(cn, idx) : NULL;
    if (!s)
        return HV_ERANGE;
    if (cap_is_empty(s))
        return HV_ENOENT;
    if (type != HV_OBJ_NONE && s->type != type)
        return HV_ETYPE;
    if ((s->rights & rights) != rights)
        return HV_EPERM;
    *out = s;
    return HV_OK;
}

int sys_lookup_dest(struct thread *t, uint64_t cnode_idx, uint64_t index, uint64_t count,
                    struct cap_slot **dest)
{
    struct cap_slot *cs;
    int r = sys_lookup(t, cnode_idx, HV_OBJ_CNODE, HV_RIGHT_WRITE, &cs);
    if (r)
        return r;
    struct cnode *cn = cap_ptr(cs);
    if (index == 0 || index >= cnode_slots(cn) || count > cnode_slots(cn) - index)
        return HV_ERANGE;
    for (uint64_t i = 0; i < count; i++) {
        dest[i] = cnode_slot(cn, (unsigned)(index + i));
        if (!cap_is_empty(dest[i]))
            return HV_EEXIST;
    }
    return HV_OK;
}

static int check_info(struct thread *t)
{
    uint64_t info = sys_arg(t, 1);
    if ((info & HV_MSGINFO_RESERVED) || hv_msginfo_len(info) > HV_MSG_WORDS)
        return HV_EINVAL;
    return HV_OK;
}

static int sys_send_common(struct thread *t, bool call)
{
    struct cap_slot *s;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_ENDPOINT, HV_RIGHT_WRITE, &s);
    if (!r)
        r = check_info(t);
    if (r)
        return r;
    ep_send(cap_ptr(s), t, s->data, call);
    return HV_OK;
}

static int sys_call(struct thread *t)
{
    return sys_send_common(t, true);
}

static int sys_send(struct thread *t)
{
    return sys_send_common(t, false);
}

static int sys_recv(struct thread *t)
{
    struct cap_slot *s;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_ENDPOINT, HV_RIGHT_READ, &s);
    if (r)
        return r;
    ep_recv(cap_ptr(s), t);
    return HV_OK;
}

static int sys_reply(struct thread *t)
{
    int r = check_info(t);
    if (r)
        return r;
    return ep_reply(t);
}

static int sys_reply_recv(struct thread *t)
{
    struct cap_slot *s;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_ENDPOINT, HV_RIGHT_READ, &s);
    if (!r)
        r = check_info(t);
    if (r)
        return r;
    ep_reply(t); /* no caller waiting is fine: the first call of a server loop */
    ep_recv(cap_ptr(s), t);
    return HV_OK;
}

static int sys_signal(struct thread *t)
{
    struct cap_slot *s;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_NOTIFICATION, HV_RIGHT_WRITE, &s);
    if (r)
        return r;
    ntfn_signal(cap_ptr(s), s->data ? s->data : 1);
    return HV_OK;
}

static int sys_wait(struct thread *t)
{
    struct cap_slot *s;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_NOTIFICATION, HV_RIGHT_READ, &s);
    if (r)
        return r;
    ntfn_wait(cap_ptr(s), t);
    return HV_OK;
}

static int sys_poll(struct thread *t)
{
    struct cap_slot *s;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_NOTIFICATION, HV_RIGHT_READ, &s);
    if (r)
        return r;
    arch_context_set_reg(&t->ctx, 1, ntfn_poll(cap_ptr(s)));
    return HV_OK;
}

static int sys_yield(struct thread *t)
{
    sched_rotate(t);
    return HV_OK;
}

/* R0 debug-console cap (write), R1 the byte. */
static int sys_debug_putc(struct thread *t)
{
    struct cap_slot *s;
    uint64_t c = sys_arg(t, 1);
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_DEBUG_CONSOLE, HV_RIGHT_WRITE, &s);
    if (r)
        return r;
    if (c > 0xff)
        return HV_EINVAL;
    arch_console_putc((char)c);
    return HV_OK;
}

static int (*const handlers[HV_SYS_COUNT])(struct thread *t) = {
    [HV_SYS_CALL] = sys_call,
    [HV_SYS_REPLY_RECV] = sys_reply_recv,
    [HV_SYS_SEND] = sys_send,
    [HV_SYS_RECV] = sys_recv,
    [HV_SYS_REPLY] = sys_reply,
    [HV_SYS_SIGNAL] = sys_signal,
    [HV_SYS_WAIT] = sys_wait,
    [HV_SYS_POLL] = sys_poll,
    [HV_SYS_YIELD] = sys_yield,
    [HV_SYS_RETYPE] = sys_retype,
    [HV_SYS_MAP] = sys_map,
    [HV_SYS_UNMAP] = sys_unmap,
    [HV_SYS_CAP_COPY] = sys_cap_copy,
    [HV_SYS_CAP_DELETE] = sys_cap_delete,
    [HV_SYS_CAP_REVOKE] = sys_cap_revoke,
    [HV_SYS_THREAD_CONFIGURE] = sys_thread_configure,
    [HV_SYS_THREAD_RESUME] = sys_thread_resume,
    [HV_SYS_THREAD_SUSPEND] = sys_thread_suspend,
    [HV_SYS_IRQ_ACK] = sys_irq_ack,
    [HV_SYS_IRQ_GET] = sys_irq_get,
    [HV_SYS_IRQ_BIND] = sys_irq_bind,
    [HV_SYS_DEBUG_PUTC] = sys_debug_putc,
    [HV_SYS_VCPU_BIND] = sys_vcpu_bind,
    [HV_SYS_VCPU_READ] = sys_vcpu_read,
    [HV_SYS_VCPU_WRITE] = sys_vcpu_write,
    [HV_SYS_VCPU_INJECT] = sys_vcpu_inject,
    [HV_SYS_VCPU_DOORBELL] = sys_vcpu_doorbell,
    [HV_SYS_IOPORT_IN] = sys_ioport_in,
    [HV_SYS_IOPORT_OUT] = sys_ioport_out,
    [HV_SYS_SC_CONFIGURE] = sys_sc_configure,
    [HV_SYS_SC_CONSUMED] = sys_sc_consumed,
    [HV_SYS_DMA_MAP] = sys_dma_map,
};

void syscall_dispatch(struct thread *t)
{
    uint64_t n = arch_context_reg(&t->ctx, HV_REG_NUMBER);

    assert(t->state == THREAD_READY); /* only the running thread enters here */
    /* The fast paths usually succeed: laid out as the straight line (clang otherwise may
     * share their test and add a jump to each, two instructions per round trip). */
    if (n == HV_SYS_CALL && __builtin_expect(fastpath_call(t), 1))
        return;
    if (n == HV_SYS_REPLY_RECV && __builtin_expect(fastpath_reply_recv(t), 1))
        return;
    int r = n < HV_SYS_COUNT && handlers[n] ? handlers[n](t) : HV_ENOSYS;
    /* A call that blocked gets R0 rewritten when it is woken; writing it now is harmless. */
    arch_context_set_reg(&t->ctx, 0, (uint64_t)r);
}
