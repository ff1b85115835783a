/* The x86_64 platform behind ../vmm_target.h on the real target: the partition's zero page,
 * ACPI tables and boot page tables written into guest RAM, and the vmm_x86 ops implemented
 * with vcpu_read/vcpu_write, the CPUID instruction and RDTSC. Only this file makes system
 * calls; everything it calls is host-tested. */
#include "vmm_keyboard.h"
#include "vmm_radio.h"
#include "vmm_storage.h"
#include "vmm_target.h"

#include "x86_64/acpi/acpi_tables.h"
#include "x86_64/boot/boot_info32.h"
#include "x86_64/boot/boot_params.h"
#include "x86_64/boot/boot_state.h"
#include "x86_64/pc_wiring.h"
#include "x86_64/vmm_x86.h"
#include "x86_64/x86_time.h"
#include <hv/abi/error.h>
#include <hv/print.h>
#include <hv/proto/guest_layout_x86_64.h>
#include <hv/proto/partition.h>
#include <hv/sys.h>

const uint32_t vmm_target_arch = HV_PT_ARCH_X86_64;

/* Every register of the boot list must fit in the core's list. */
_Static_assert(VMM_BOOT_MAX_REGS >= X86_BOOT_MAX_REGS, "core/vmm_boot.h: raise VMM_BOOT_MAX_REGS");

static struct vmm_x86 platform;
static uint64_t tsc_hz;

static const struct hv_pt_partition *partition(void)
{
    return &((const struct hv_vmm_config *)HV_VMM_CONFIG_VA)->part;
}

static bool t_vcpu_read(void *ctx, uint32_t reg, uint64_t *value)
{
    struct hv_regs r = {{HV_VMM_SLOT_VCPU0, reg}};
    hv_syscall(HV_SYS_VCPU_READ, &r);
    *value = r.r[1];
    return r.r[0] == HV_OK;
}

static bool t_vcpu_write(void *ctx, uint32_t reg, uint64_t value)
{
    return hv_sys(HV_SYS_VCPU_WRITE, HV_VMM_SLOT_VCPU0, reg, value, 0, 0, 0) == HV_OK;
}

static void t_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, struct x86_cpuid_regs *r)
{
    __asm__ volatile("cpuid"
                     : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
                     : "a"(leaf), "c"(subleaf));
}

/* The guest's TSC is the host's: the platform's clock is it, in ns. */
static uint64_t t_now(void *ctx)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return x86_muldiv((uint64_t)hi << 32 | lo, NS_PER_S, tsc_hz, false);
}

static const struct vmm_x86_ops target_ops = {
    .vcpu_read = t_vcpu_read,
    .vcpu_write = t_vcpu_write,
    .host_cpuid = t_cpuid,
    .now_ns = t_now,
};

/* The 32-bit protocols' info page: the second page of the boot scratch area (the first holds
 * the GDT). */
static uint64_t info_page(const struct hv_pt_partition *p)
{
    return p->boot_scratch_gpa + 0x1000;
}

static bool boot32(const struct hv_pt_partition *p)
{
    return p->boot == HV_PT_BOOT_X86_MULTIBOOT || p->boot == HV_PT_BOOT_X86_PVH;
}

int vmm_target_boot_regs(const struct hv_pt_partition *part, struct vmm_boot *boot)
{
    struct x86_boot_regs regs;
    const char *why;
    if (part->boot == HV_PT_BOOT_X86_BZIMAGE)
        why = x86_boot_registers(part->boot_scratch_gpa, part->boot_scratch_size, part->entry,
                                 part->zero_page_gpa, &regs);
    else if (boot32(part) && part->entry < 0x100000000ull)
        why = x86_boot_registers32(part->boot_scratch_gpa, part->boot_scratch_size,
                                   (uint32_t)part->entry,
                                   part->boot == HV_PT_BOOT_X86_MULTIBOOT ? X86_MULTIBOOT_EAX : 0,
                                   (uint32_t)(info_page(part) + X86_INFO_STRUCT), &regs);
    else
        why = "the kernel's boot protocol is none of bzImage, multiboot and PVH";
    if (why) {
        hv_printf("%s: %s\n", part->name, why);
        return HV_EINVAL;
    }
    for (unsigned i = 0; i < regs.n; i++)
        if (!vmm_boot_add_reg(boot, regs.r[i].reg, regs.r[i].value))
            return HV_ENOMEM; /* can't happen: see the static assertion */
    return HV_OK;
}

/* Multiboot and PVH: the GDT and the info page (EBX's structure, at the address the boot
 * registers already name). */
static const char *build_boot32(const struct hv_pt_partition *p, const struct x86_guest_mem *m)
{
    const struct x86_boot32_layout l = {
        .ram_size = m->ram_size,
        .info_gpa = info_page(p),
        .cmdline_gpa = p->cmdline_gpa,
        .cmdline_size = p->cmdline_size,
        .initrd_gpa = p->initrd_gpa,
        .initrd_size = p->initrd_size,
        .rsdp_gpa = HV_X86_GUEST_ACPI,
    };
    uint32_t ebx;
    if (info_page(p) + X86_INFO_PAGE > p->boot_scratch_gpa + p->boot_scratch_size)
        return "boot scratch area too small for the boot info page";
    const char *why = p->boot == HV_PT_BOOT_X86_MULTIBOOT ? x86_multiboot_info_build(m, &l, &ebx)
                                                          : x86_pvh_info_build(m, &l, &ebx);
    return why ? why : x86_boot_tables32(m, p->boot_scratch_gpa, p->boot_scratch_size);
}

/* What the entry needs in guest RAM (ACPI tables, then the zero page and page tables of the
 * 64-bit protocol or the 32-bit protocols' GDT and info page), written again after every
 * reset. */
static const char *build_guest_memory(const struct hv_pt_partition *p,
                                      const struct x86_guest_mem *m)
{
    if (HV_X86_GUEST_ACPI + HV_X86_GUEST_ACPI_SIZE > m->ram_size)
        return "RAM too small for the ACPI tables";
    if (!x86_acpi_build(m->ram + HV_X86_GUEST_ACPI, HV_X86_GUEST_ACPI_SIZE, HV_X86_GUEST_ACPI))
        return "ACPI tables do not fit";
    if (boot32(p))
        return build_boot32(p, m);
    const struct x86_boot_layout l = {
        .ram_size = m->ram_size,
        .zero_page_gpa = p->zero_page_gpa,
        .kernel_gpa = p->entry - BP_ENTRY64_OFFSET,
        .entry = p->entry,
        .initrd_gpa = p->initrd_gpa,
        .initrd_size = p->initrd_size,
        .cmdline_gpa = p->cmdline_gpa,
        .cmdline_size = p->cmdline_size,
        .acpi_gpa = HV_X86_GUEST_ACPI,
        .screen = (p->ui.flags & HV_PT_UI_SCREEN) != 0,
    };
    const char *why = x86_boot_params_build(m, &l);
    return why ? why : x86_boot_tables(m, p->boot_scratch_gpa, p->boot_scratch_size);
}

struct vmm *vmm_target_create(const struct vmm_ops *ops, void *ctx, const struct vmm_boot *boot)
{
    const struct hv_pt_partition *p = partition();
    const struct x86_guest_mem mem = {.ram = (uint8_t *)HV_VMM_RAM_VA, .ram_size = boot->ram_size};
    if (boot->ncpus != 1 || boot->ram_gpa != 0) {
        hv_printf("%s: x86 partitions have one vcpu and RAM at 0\n", boot->name);
        return NULL;
    }
    if (!t_vcpu_read(NULL, HV_X86_TSC_HZ, &tsc_hz) || tsc_hz == 0) {
        hv_printf("%s: the kernel did not say the TSC rate\n", boot->name);
        return NULL;
    }
    const char *why = build_guest_memory(p, &mem);
    if (why) {
        hv_printf("%s: %s\n", boot->name, why);
        return NULL;
    }
    /* xAPIC mode at entry, as on a PC (SDM 10.12.5.1); Linux moves to x2APIC itself (docs/vmm-x86.md). */
    const struct x86_platform_config cfg = {.tsc_hz = tsc_hz, .x2apic = false};
    if (vmm_x86_init(&platform, ops, &target_ops, ctx, boot->name, &cfg, mem.ram, mem.ram_size) !=
        HV_OK)
        return NULL;
    /* The register page over the 8 slots, before any is on the bus (mmio_bus.h); a load
     * where no device is reads all ones, as a trapped one does (x86_mmio_read). */
    if (boot->regs_page_given &&
        vmm_bus_page_init(&platform.vmm.bus, X86_VIRTIO_MMIO_BASE,
                          (volatile uint32_t *)HV_VMM_REGS_VA, 0xffffffffu) != HV_OK) {
        vmm_logf(&platform.vmm, "can't use the register page");
        return NULL;
    }
    const unsigned slot = X86_VIRTIO_SLOT_BLK;
    int r = vmm_storage_attach(&platform.vmm, boot,
                               X86_VIRTIO_MMIO_BASE + slot * X86_VIRTIO_MMIO_SIZE,
                               vmm_x86_irq_line(&platform, X86_VIRTIO_GSI_BASE + slot), false);
    if (r != HV_OK) {
        vmm_logf(&platform.vmm, "can't place the disk (error %d)", r);
        return NULL;
    }
    const unsigned net = X86_VIRTIO_SLOT_NET;
    r = vmm_radio_attach(&platform.vmm, boot, X86_VIRTIO_MMIO_BASE + net * X86_VIRTIO_MMIO_SIZE,
                         vmm_x86_irq_line(&platform, X86_VIRTIO_GSI_BASE + net), false);
    if (r != HV_OK) {
        vmm_logf(&platform.vmm, "can't place the network port (error %d)", r);
        return NULL;
    }
    const unsigned kbd = X86_VIRTIO_SLOT_KBD;
    r = vmm_keyboard_attach(&platform.vmm, boot, X86_VIRTIO_MMIO_BASE + kbd * X86_VIRTIO_MMIO_SIZE,
                            vmm_x86_irq_line(&platform, X86_VIRTIO_GSI_BASE + kbd), false);
    if (r != HV_OK) {
        vmm_logf(&platform.vmm, "can't place the keyboard (error %d)", r);
        return NULL;
    }
    /* The DSDT shows the guest only the virtio-mmio slots that have a device on the bus. */
    x86_acpi_set_virtio_slots(mem.ram + HV_X86_GUEST_ACPI, vmm_x86_virtio_present(&platform));
    return &platform.vmm;
}

enum vmm_exit_action vmm_target_exit(struct vmm *vmm, unsigned cpu,
                                       const uint64_t w[HV_VCPU_EXIT_WORDS],
                                       uint64_t reply[HV_VCPU_EXIT_WORDS], unsigned *len)
{
    return vmm_x86_handle_exit(vmm, w, reply, len);
}
