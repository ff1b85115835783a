/* Putting the x86_64 VMM together: the platform's ops implemented on the VMM core (console,
 * log, MMIO bus) and on the vcpu (the kernel's per-vcpu timer), and interrupt delivery. */
#include "x86_64/vmm_x86.h"
#include "x86_64/pc_wiring.h"
#include "x86_64/x86_time.h"

#include <hv/abi/error.h>

static uint64_t x_now(void *ctx)
{
    struct vmm_x86 *x = ctx;
    return x->xops.now_ns(x->vmm.ctx);
}

static void x_console(void *ctx, uint8_t byte)
{
    struct vmm_x86 *x = ctx;
    vmm_console_output(&x->vmm, &byte, 1);
}

static bool x_write_reg(struct vmm_x86 *x, uint32_t reg, uint64_t value)
{
    bool ok = x->xops.vcpu_write(x->vmm.ctx, reg, value);
    if (!ok && hv_count_and_check(&x->warnings[X86_WARN_REGS]))
        vmm_logf(&x->vmm, "vcpu_write of register %u refused (%lu times)", reg,
                 (unsigned long)x->warnings[X86_WARN_REGS]);
    return ok;
}

/* The kernel's per-vcpu timer counts the guest's TSC, which is the host's. */
static void x_timer_arm(void *ctx, uint64_t deadline_ns, uint8_t vector)
{
    struct vmm_x86 *x = ctx;
    if (deadline_ns == UINT64_MAX) {
        x_write_reg(x, HV_X86_TIMER_DEADLINE, 0);
        return;
    }
    /* Rounded up: when the kernel sees the TSC reach the deadline and injects the vector, the
     * clock the models read (the TSC in ns, rounded down) has reached deadline_ns too, so
     * x86_platform_poll counts that interrupt as taken. Rounded down, the kernel could fire a
     * few ns early, the models would raise the same interrupt later and hold it in service
     * forever (a LAPIC timer vector that never comes again). */
    uint64_t deadline = x86_muldiv(deadline_ns, x->pf.cfg.tsc_hz, NS_PER_S, true);
    if (deadline == 0)
        deadline = 1; /* 0 is off */
    /* A new vector goes in with no deadline armed: next to the old deadline, the kernel would
     * make the new vector pending if that deadline passed between the two writes. The same
     * vector as before (nearly every re-arm) needs only the deadline: one call, not two. */
    if (vector == x->kernel_timer_vector &&
        x->xops.vcpu_write(x->vmm.ctx, HV_X86_TIMER_DEADLINE, deadline))
        return;
    /* A new vector, or the kernel refused the deadline (its vcpu was reset under us, and with
     * it the vector): the whole sequence. */
    x_write_reg(x, HV_X86_TIMER_DEADLINE, 0);
    x->kernel_timer_vector = x_write_reg(x, HV_X86_TIMER_VECTOR, vector) ? vector : 0;
    x_write_reg(x, HV_X86_TIMER_DEADLINE, deadline);
}

/* A failed read counts every handed vector as taken, as before the kernel could say. */
static uint64_t x_intr_undelivered(void *ctx, unsigned n)
{
    struct vmm_x86 *x = ctx;
    uint64_t bits = 0;
    if (!x->xops.vcpu_read(x->vmm.ctx, HV_X86_INTR_PENDING + n, &bits))
        return 0;
    return bits;
}

static void x_log(void *ctx, const char *msg)
{
    struct vmm_x86 *x = ctx;
    vmm_logf(&x->vmm, "%s", msg);
}

static bool x_mmio_read(void *ctx, uint64_t gpa, unsigned size, uint64_t *value)
{
    struct vmm_x86 *x = ctx;
    return vmm_bus_read(&x->vmm.bus, gpa, size, value) == VMM_BUS_OK;
}

static bool x_mmio_write(void *ctx, uint64_t gpa, unsigned size, uint64_t value)
{
    struct vmm_x86 *x = ctx;
    return vmm_bus_write(&x->vmm.bus, gpa, size, value) == VMM_BUS_OK;
}

/* The guest's MAXPHYADDR as its CPUID says it (leaf 0x8000_0008, when there is one): the
 * page walk's reserved address bits depend on it. */
static unsigned guest_phys_bits(struct vmm_x86 *x)
{
    struct x86_cpuid_regs r = {0};
    x->xops.host_cpuid(x->vmm.ctx, 0x80000000u, 0, &r);
    x86_cpuid_filter(&x->cpuid, 0x80000000u, 0, &r);
    if (r.eax < 0x80000008u)
        return 0;
    r = (struct x86_cpuid_regs){0};
    x->xops.host_cpuid(x->vmm.ctx, 0x80000008u, 0, &r);
    x86_cpuid_filter(&x->cpuid, 0x80000008u, 0, &r);
    return r.eax & 0xff;
}

/* Outside an exit, nothing else would inject what an input or a device just raised (the
 * guest may be halted with no timer due). */
static void deliver_outside_exit(struct vmm_x86 *x)
{
    if (!x->in_exit)
        vmm_x86_deliver(x);
}

static size_t console_room(void *dev)
{
    struct vmm_x86 *x = dev;
    return uart_rx_space(&x->pf.uart);
}

static size_t console_receive(void *dev, const uint8_t *bytes, size_t len)
{
    struct vmm_x86 *x = dev;
    size_t n = uart_rx_push(&x->pf.uart, bytes, len);
    deliver_outside_exit(x);
    return n;
}

static void irq_set(void *ctrl, uint32_t line, bool level)
{
    struct vmm_x86 *x = ctrl;
    x86_platform_set_irq(&x->pf, line, level);
    deliver_outside_exit(x);
}

int vmm_x86_init(struct vmm_x86 *x, const struct vmm_ops *ops, const struct vmm_x86_ops *xops,
                 void *ctx, const char *name, const struct x86_platform_config *cfg, uint8_t *ram,
                 uint64_t ram_size)
{
    *x = (struct vmm_x86){.vmm.ops = NULL};
    if (!xops || !xops->vcpu_read || !xops->vcpu_write || !xops->host_cpuid || !xops->now_ns)
        return HV_EINVAL;
    if (!vmm_init(&x->vmm, ops, ctx, name, 1))
        return HV_EINVAL;
    x->vmm.platform = x;
    x->vmm.exit_kind_names = x86_exit_kind_names;
    x->xops = *xops;
    x->mem = (struct x86_guest_mem){.ram = ram, .ram_size = ram_size};
    const struct x86_platform_ops pops = {
        .ctx = x,
        .now_ns = x_now,
        .console_write = x_console,
        .timer_arm = x_timer_arm,
        .intr_undelivered = x_intr_undelivered,
        .log = x_log,
        .mmio_read = x_mmio_read,
        .mmio_write = x_mmio_write,
    };
    x86_platform_init(&x->pf, cfg, &pops);
    x->pf.mem = &x->mem;
    fw_cfg_init(&x->pf.fw_cfg, &(struct fw_cfg_facts){.ram_size = ram_size, .cpus = 1});
    x->cpuid = (struct x86_cpuid_config){
        .tsc_hz = x->pf.cfg.tsc_hz,
        .apic_bus_hz = x->pf.cfg.apic_bus_hz,
        .apic_id = 0,
    };
    x->mem.phys_bits = guest_phys_bits(x);
    const struct vmm_console_dev con = {console_room, console_receive, x};
    vmm_console_attach(&x->vmm, &con);
    return HV_OK;
}

struct vmm_irq_line vmm_x86_irq_line(struct vmm_x86 *x, unsigned gsi)
{
    return (struct vmm_irq_line){.set = irq_set, .ctrl = x, .line = gsi};
}

uint32_t vmm_x86_virtio_present(const struct vmm_x86 *x)
{
    uint32_t present = 0;
    for (unsigned n = 0; n < X86_VIRTIO_MMIO_SLOTS; n++)
        if (vmm_bus_find(&x->vmm.bus, X86_VIRTIO_MMIO_BASE + n * X86_VIRTIO_MMIO_SIZE))
            present |= 1u << n;
    return present;
}

void vmm_x86_deliver(struct vmm_x86 *x)
{
    x86_platform_poll(&x->pf);
    if (x86_platform_take_nmi(&x->pf))
        vmm_inject(&x->vmm, 0, 2, HV_X86_INJECT_NMI);
    /* Each vector is taken at most once per pass (the LAPIC moves it to ISR), so 256
     * rounds bound the loop whatever the models hold. */
    for (unsigned i = 0; i < 256; i++) {
        int v = x86_platform_take_interrupt(&x->pf);
        if (v < 0)
            break;
        if (v < 32) {
            /* A vector below 32 (a guest programmed it) would be an exception: drop it,
             * as a real LAPIC flags an illegal vector instead of delivering it. */
            continue;
        }
        if (vmm_inject(&x->vmm, 0, (uint32_t)v, HV_X86_INJECT_INTR) != HV_OK) {
            x86_platform_untake_interrupt(&x->pf, (uint8_t)v);
            break; /* the kernel's queue is full: try again after the next exit */
        }
    }
    /* What was handed over may hold the timer's vector back now. */
    x86_platform_rearm(&x->pf);
}
