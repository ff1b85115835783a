/* struct vmm_ops on the real target. Injection is vcpu_inject on the vcpu's cap; console
 * output is a call to the console server (hv/proto/console.h: label HV_CONSOLE_WRITE | count << 8,
 * bytes packed little-endian in the words); console input comes from the ring page the console
 * server fills, and a small thread turns its notification into a message on our endpoint,
 * because the main loop can only wait on the endpoint. */
#include "vmm_sys.h"
#include <hv/proto/console.h>
#include <hv/proto/partition.h>
#include <hv/print.h>
#include <hv/sys.h>
#include <hv/abi/vcpu.h>
#include <hv/abi/error.h>

static int power_request = -1;

static int sys_inject(void *ctx, unsigned cpu, uint32_t irq, uint64_t flags)
{
    return hv_sys(HV_SYS_VCPU_INJECT, HV_VMM_SLOT_VCPU0 + cpu, irq, flags, 0, 0, 0);
}

static int sys_vcpu_read(void *ctx, unsigned cpu, unsigned reg, uint64_t *val)
{
    struct hv_regs regs = {{HV_VMM_SLOT_VCPU0 + cpu, reg}};
    hv_syscall(HV_SYS_VCPU_READ, &regs);
    *val = regs.r[0] == HV_OK ? regs.r[1] : 0;
    return (int)regs.r[0];
}

static int sys_vcpu_write(void *ctx, unsigned cpu, unsigned reg, uint64_t val)
{
    return hv_sys(HV_SYS_VCPU_WRITE, HV_VMM_SLOT_VCPU0 + cpu, reg, val, 0, 0, 0);
}

static void sys_console_write(void *ctx, const uint8_t *bytes, size_t len)
{
    while (len) {
        unsigned n = len < HV_CONSOLE_WRITE_MAX ? (unsigned)len : HV_CONSOLE_WRITE_MAX;
        struct hv_msg m = {0};
        for (unsigned i = 0; i < n; i++)
            m.w[i / 8] |= (uint64_t)bytes[i] << (8 * (i % 8));
        m.info = hv_msginfo(hv_console_write_label(n), (n + 7) / 8);
        /* A refusal means a bug on one side: the bytes are lost, the guest goes on. */
        hv_call(HV_VMM_SLOT_CONSOLE, &m);
        bytes += n;
        len -= n;
    }
}

static size_t sys_console_read(void *ctx, uint8_t *bytes, size_t max)
{
    struct hv_console_ring *ring = (struct hv_console_ring *)HV_VMM_RING_VA;
    return hv_console_ring_take(ring, bytes, max > 0xffffffffu ? 0xffffffffu : (unsigned)max);
}

static void sys_power(void *ctx, enum vmm_power what)
{
    power_request = (int)what;
}

static void sys_log(void *ctx, const char *line)
{
    hv_printf("%s\n", line);
}

const struct vmm_ops vmm_sys_ops = {
    .inject = sys_inject,
    .console_write = sys_console_write,
    .console_read = sys_console_read,
    .power = sys_power,
    .log = sys_log,
    .vcpu_read = sys_vcpu_read,
    .vcpu_write = sys_vcpu_write,
};

int vmm_sys_take_power_request(void)
{
    int r = power_request;
    power_request = -1;
    return r;
}

static uint8_t input_stack[4096] __attribute__((aligned(16)));

/* Each wake-up of the event notification becomes one call carrying its bits (console input,
 * disk completions: HV_VMM_EVENT_*); the main loop pulls the console ring and takes the disk's
 * bits when it answers, so what arrives meanwhile is picked up then or on the next call. */
static void input_loop(void)
{
    for (;;) {
        uint64_t bits;
        if (hv_wait(HV_VMM_SLOT_EVENTS, &bits) != 0) {
            hv_thread_suspend(HV_VMM_SLOT_INPUT_THREAD);
            continue;
        }
        struct hv_msg m = {.info = hv_msginfo(0, 1), .w = {bits}};
        hv_call(HV_VMM_SLOT_EP_INPUT, &m);
    }
}

int vmm_sys_start_input_thread(unsigned prio)
{
    int r = hv_thread_configure(HV_VMM_SLOT_INPUT_THREAD, HV_SLOT_SELF_CNODE, HV_VMM_SLOT_VSPACE, 0,
                                prio, HV_SC_INHERIT, (uint64_t)(uintptr_t)input_loop,
                                (uint64_t)(uintptr_t)(input_stack + sizeof(input_stack)));
    return r ? r : hv_thread_resume(HV_VMM_SLOT_INPUT_THREAD);
}
