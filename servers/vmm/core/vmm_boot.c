/* Checking the root task's configuration of this VMM (vmm_boot.h). */
#include "core/vmm_boot.h"
#include <hv/abi/error.h>

#define RAM_ALIGN 0x200000ull /* the root maps guest RAM in 2 MiB frames */

bool vmm_boot_add_reg(struct vmm_boot *b, uint32_t reg, uint64_t value)
{
    if (b->nregs == VMM_BOOT_MAX_REGS)
        return false;
    b->regs[b->nregs++] = (struct vmm_boot_reg){reg, value};
    return true;
}

int vmm_boot_read(const struct hv_vmm_config *cfg, struct vmm_boot *out)
{
    *out = (struct vmm_boot){.ncpus = 0};
    const struct hv_pt_partition *p = &cfg->part;
    if (cfg->ncpus == 0 || cfg->ncpus > HV_VMM_MAX_VCPUS || cfg->ncpus > VMM_MAX_CPUS)
        return HV_EINVAL;
    unsigned n = 0;
    while (n < HV_PT_NAME_MAX && p->name[n])
        n++;
    if (n == 0 || n == HV_PT_NAME_MAX)
        return HV_EINVAL;
    if (p->ram_size == 0 || p->ram_gpa % RAM_ALIGN || p->ram_size % RAM_ALIGN ||
        p->ram_gpa + p->ram_size < p->ram_gpa)
        return HV_ERANGE;
    if (p->entry < p->ram_gpa || p->entry - p->ram_gpa >= p->ram_size)
        return HV_ERANGE;
    if (p->disk.select > HV_PT_DISK_BY_GUID ||
        (cfg->devices & ~(HV_VMM_DEV_BLK | HV_VMM_DEV_NET | HV_VMM_DEV_KBD | HV_VMM_DEV_REGS)))
        return HV_EINVAL;
    bool disk = p->disk.select != HV_PT_DISK_NONE;
    if (disk && p->disk.access != HV_PT_DISK_READ_ONLY && p->disk.access != HV_PT_DISK_READ_WRITE)
        return HV_EINVAL;
    for (unsigned i = 0; i <= n; i++)
        out->name[i] = p->name[i];
    out->ncpus = cfg->ncpus;
    out->ram_gpa = p->ram_gpa;
    out->ram_size = p->ram_size;
    out->disk_in_table = disk;
    out->storage_given = disk && (cfg->devices & HV_VMM_DEV_BLK);
    out->net_in_table = p->net.kind == HV_PT_NET_IPV4;
    out->radio_given = out->net_in_table && (cfg->devices & HV_VMM_DEV_NET);
    out->kbd_in_table = (p->ui.flags & HV_PT_UI_KEYBOARD) != 0;
    out->keyboard_given = out->kbd_in_table && (cfg->devices & HV_VMM_DEV_KBD);
    out->regs_page_given = (cfg->devices & HV_VMM_DEV_REGS) != 0;
    return HV_OK;
}
