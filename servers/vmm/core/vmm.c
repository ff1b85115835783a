/* The VMM core: set-up, logging, exit and injection accounting. */
#include "core/vmm.h"
#include <hv/abi/error.h>
#include <hv/fmt.h>
#include <stdarg.h>

bool vmm_init(struct vmm *vmm, const struct vmm_ops *ops, void *ctx, const char *name,
              unsigned ncpus)
{
    if (!ops || !ops->inject || !ops->console_write || !ops->power || !ops->log)
        return false;
    if (ncpus == 0 || ncpus > VMM_MAX_CPUS)
        return false;
    *vmm = (struct vmm){.ops = ops, .ctx = ctx, .name = name ? name : "vmm", .ncpus = ncpus};
    vmm_bus_init(&vmm->bus, vmm);
    return true;
}

struct line {
    char buf[160];
    unsigned len;
};

static void line_putc(void *ctx, char c)
{
    struct line *l = ctx;
    if (l->len + 1 < sizeof(l->buf))
        l->buf[l->len++] = c;
}

void vmm_logf(struct vmm *vmm, const char *fmt, ...)
{
    struct line l = {.len = 0};
    const char *p = vmm->name;
    while (*p)
        line_putc(&l, *p++);
    line_putc(&l, ':');
    line_putc(&l, ' ');
    va_list ap;
    va_start(ap, fmt);
    fmt_vformat(line_putc, &l, fmt, ap);
    va_end(ap);
    l.buf[l.len] = '\0';
    vmm->ops->log(vmm->ctx, l.buf);
}

void vmm_count_exit(struct vmm *vmm, unsigned kind)
{
    vmm->exits++;
    vmm->exit_kinds[kind < VMM_EXIT_KINDS ? kind : VMM_EXIT_KINDS - 1]++;
}

enum vmm_exit_action vmm_exit_reply(const struct vmm_reply *r, enum vmm_exit_action action,
                                    uint64_t reply[HV_VCPU_EXIT_WORDS], unsigned *len)
{
    bool resume = action == VMM_EXIT_RESUME;
    for (unsigned i = 0; i < HV_VCPU_EXIT_WORDS; i++)
        reply[i] = resume ? r->w[i] : 0;
    *len = resume ? r->len : 0;
    return action;
}

int vmm_inject(struct vmm *vmm, unsigned cpu, uint32_t irq, uint64_t flags)
{
    int r = vmm->ops->inject(vmm->ctx, cpu, irq, flags);
    if (r != HV_OK && hv_count_and_check(&vmm->inject_errors))
        vmm_logf(vmm, "inject of %u on cpu %u failed (error %d, %lu so far)", irq, cpu, r,
                 (unsigned long)vmm->inject_errors);
    return r;
}

static int vcpu_reg_result(struct vmm *vmm, int r, const char *what, unsigned cpu, unsigned reg)
{
    if (r != HV_OK && hv_count_and_check(&vmm->vcpu_reg_errors))
        vmm_logf(vmm, "%s of register %u on cpu %u failed (error %d, %lu so far)", what, reg, cpu,
                 r, (unsigned long)vmm->vcpu_reg_errors);
    return r;
}

int vmm_vcpu_read(struct vmm *vmm, unsigned cpu, unsigned reg, uint64_t *val)
{
    *val = 0;
    int r = vmm->ops->vcpu_read ? vmm->ops->vcpu_read(vmm->ctx, cpu, reg, val) : HV_ENOSYS;
    return vcpu_reg_result(vmm, r, "vcpu_read", cpu, reg);
}

int vmm_vcpu_write(struct vmm *vmm, unsigned cpu, unsigned reg, uint64_t val)
{
    int r = vmm->ops->vcpu_write ? vmm->ops->vcpu_write(vmm->ctx, cpu, reg, val) : HV_ENOSYS;
    return vcpu_reg_result(vmm, r, "vcpu_write", cpu, reg);
}

void vmm_format_stats(const struct vmm *vmm, char *buf, size_t size)
{
    size_t n = 0;
    if (!size)
        return;
    buf[0] = '\0';
    n += (size_t)fmt_snprintf(buf + n, size - n, "exits=%lu", (unsigned long)vmm->exits);
    for (unsigned k = 0; vmm->exit_kind_names && k < VMM_EXIT_KINDS && n < size; k++)
        if (vmm->exit_kind_names[k])
            n += (size_t)fmt_snprintf(buf + n, size - n, " %s=%lu", vmm->exit_kind_names[k],
                                     (unsigned long)vmm->exit_kinds[k]);
    if (n < size)
        fmt_snprintf(buf + n, size - n, " guest_faults=%lu inject_errors=%lu console_dropped=%lu",
                    (unsigned long)vmm->guest_faults, (unsigned long)vmm->inject_errors,
                    (unsigned long)vmm->console_dropped);
}
