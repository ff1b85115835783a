/* Where each partition's RAM lies and where every file is loaded in it: checked against the
 * platform (device windows, total RAM) and the boot protocols (docs/manifest.md, "Layout"). */
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "mkimage.h"
#include <hv/bits.h>
#include <hv/linux_x86_boot.h>
#include <hv/proto/guest_layout_aarch64.h>
#include <hv/proto/guest_layout_x86_64.h>

/* A guest sees QEMU virt's map on aarch64: devices below 1 GiB, RAM from 1 GiB up to the
 * 40-bit IPA limit of cortex-a76. On x86_64 RAM starts at 0 and ends below the 32-bit device
 * hole (LAPIC, IOAPIC and the virtio-mmio windows live above 3 GiB). */
static const struct arch_map {
    uint64_t ram_gpa, device_base, device_end, ram_limit;
    uint64_t platform_ram_pa;            /* where the host's own RAM starts */
} maps[] = {
    [MK_AARCH64] = {HV_A64_GUEST_RAM_GPA, 0, HV_A64_GUEST_DEVICES_END, HV_A64_GUEST_IPA_LIMIT,
                    0x40000000ull},
    [MK_X86_64] = {HV_X86_GUEST_RAM_GPA, HV_X86_GUEST_DEVICES, HV_X86_GUEST_DEVICES_END,
                   HV_X86_GUEST_DEVICES_END, 0},
};

static bool overlaps(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
    return a < b + bsize && b < a + asize;
}

static int check_guest_ram(const struct mk_partition *p, enum mk_arch arch)
{
    const struct arch_map *m = &maps[arch];
    uint64_t base = p->has_memory_base ? p->memory_base : m->ram_gpa, end = base + p->memory;

    if (base % MIB(2))
        return mk_error("partition '%s': memory-base 0x%llx is not 2 MiB aligned", p->name,
                        (unsigned long long)base);
    if (end < base || end > m->ram_limit)
        return mk_error("partition '%s': RAM [0x%llx, 0x%llx) ends above the guest limit 0x%llx",
                        p->name, (unsigned long long)base, (unsigned long long)end,
                        (unsigned long long)m->ram_limit);
    if (overlaps(base, p->memory, m->device_base, m->device_end - m->device_base))
        return mk_error("partition '%s': RAM [0x%llx, 0x%llx) overlaps the device window "
                        "[0x%llx, 0x%llx)", p->name, (unsigned long long)base,
                        (unsigned long long)end, (unsigned long long)m->device_base,
                        (unsigned long long)m->device_end);
    return 0;
}

static int check_host_ram(const struct mk_system *sys, unsigned i, const struct mk_options *opt)
{
    const struct mk_partition *p = &sys->part[i];
    uint64_t lo = maps[sys->arch].platform_ram_pa, hi = lo + opt->platform_ram;

    if (!p->host_address)
        return 0;
    if (p->host_address % MIB(2))
        return mk_error("partition '%s': host-address 0x%llx is not 2 MiB aligned", p->name,
                        (unsigned long long)p->host_address);
    if (p->host_address < lo || p->host_address + p->memory > hi ||
        p->host_address + p->memory < p->host_address)
        return mk_error("partition '%s': host RAM [0x%llx, 0x%llx) is outside the platform's "
                        "RAM [0x%llx, 0x%llx)", p->name, (unsigned long long)p->host_address,
                        (unsigned long long)(p->host_address + p->memory),
                        (unsigned long long)lo, (unsigned long long)hi);
    for (unsigned j = 0; j < i; j++) {
        const struct mk_partition *q = &sys->part[j];
        if (q->host_address && overlaps(p->host_address, p->memory, q->host_address, q->memory))
            return mk_error("partition '%s': host RAM [0x%llx, 0x%llx) overlaps partition "
                            "'%s''s [0x%llx, 0x%llx)", p->name,
                            (unsigned long long)p->host_address,
                            (unsigned long long)(p->host_address + p->memory), q->name,
                            (unsigned long long)q->host_address,
                            (unsigned long long)(q->host_address + q->memory));
    }
    return 0;
}

int layout_check_memory(const struct mk_system *sys, const struct mk_options *opt,
                        uint64_t payload)
{
    /* The hypervisor's share: its fixed reserve plus the boot image, which stays in RAM. */
    uint64_t used = opt->reserve + ALIGN_UP(payload, MIB(1));

    for (unsigned i = 0; i < sys->count; i++) {
        const struct mk_partition *p = &sys->part[i];
        if (check_guest_ram(p, sys->arch) || check_host_ram(sys, i, opt))
            return -1;
        used += p->memory;
        if (used > opt->platform_ram || used < p->memory)
            return mk_error("partition '%s': RAM does not fit: partitions up to this one need "
                            "%llu MiB with the hypervisor's %llu MiB reserve and %llu MiB boot "
                            "image, the platform has %llu MiB", p->name,
                            (unsigned long long)(used >> 20),
                            (unsigned long long)(opt->reserve >> 20),
                            (unsigned long long)(ALIGN_UP(payload, MIB(1)) >> 20),
                            (unsigned long long)(opt->platform_ram >> 20));
    }
    return 0;
}

static void add_load(struct hv_pt_partition *pt, uint32_t kind, const char *file,
                     uint64_t offset, uint64_t size, uint64_t gpa)
{
    struct hv_pt_load *l = &pt->loads[pt->nloads++];
    strncpy(l->file, file, sizeof(l->file) - 1);
    l->offset = offset;
    l->size = size;
    l->gpa = gpa;
    l->kind = kind;
}

static int too_small(const struct hv_pt_partition *pt, const char *what, uint64_t need_end)
{
    return mk_error("partition '%s': %s needs RAM up to 0x%llx but the RAM is [0x%llx, 0x%llx)",
                    pt->name, what, (unsigned long long)need_end,
                    (unsigned long long)pt->ram_gpa,
                    (unsigned long long)(pt->ram_gpa + pt->ram_size));
}

/* ELF segments go to their physical addresses, which must be inside the RAM. Returns the
 * highest end. */
static int load_elf(struct hv_pt_partition *pt, const struct mk_kernel *k, const char *file,
                    uint64_t *end)
{
    *end = pt->ram_gpa;
    for (unsigned s = 0; s < k->nsegs; s++) {
        uint64_t pa = k->seg[s].paddr, memsz = k->seg[s].memsz;
        if (pa < pt->ram_gpa || pa + memsz > pt->ram_gpa + pt->ram_size)
            return mk_error("partition '%s': kernel ELF segment [0x%llx, 0x%llx) is outside its "
                            "RAM", pt->name, (unsigned long long)pa,
                            (unsigned long long)(pa + memsz));
        /* Room for the two loads that follow: initramfs and DTB (arm64) or command line (x86). */
        if (pt->nloads == HV_PT_MAX_LOADS - 2)
            return mk_error("partition '%s': kernel ELF has too many segments", pt->name);
        if (k->seg[s].filesz)
            add_load(pt, HV_PT_LOAD_KERNEL, file, k->seg[s].offset, k->seg[s].filesz, pa);
        if (pa + memsz > *end)
            *end = pa + memsz;
    }
    pt->entry = k->entry;
    return 0;
}

/* The lowest address an ELF kernel loads at. */
static uint64_t elf_low(const struct mk_kernel *k)
{
    uint64_t low = UINT64_MAX;
    for (unsigned s = 0; s < k->nsegs; s++)
        if (k->seg[s].paddr < low)
            low = k->seg[s].paddr;
    return low;
}

/* arm64: kernel low, DTB alone in the last 2 MiB block, initramfs just below it. An ELF kernel
 * gets what QEMU's ELF loader gives (hw/arm/boot.c): no registers (x0 = 0) and the DTB at the
 * start of RAM when its segments leave room there. */
static int layout_arm64(struct mk_image *img, unsigned i, const struct mk_kernel *k,
                        uint64_t initrd_size, const char *dtb_file)
{
    struct hv_pt_partition *pt = &img->pt[i];
    const struct mk_partition *p = &img->sys.part[i];
    uint64_t ram_end = pt->ram_gpa + pt->ram_size, kernel_end;

    if (k->boot == HV_PT_BOOT_ARM64_IMAGE) {
        uint64_t at = pt->ram_gpa + k->text_offset;
        add_load(pt, HV_PT_LOAD_KERNEL, p->kernel, 0, k->file_size, at);
        pt->entry = at;
        kernel_end = at + k->image_size;
    } else if (load_elf(pt, k, p->kernel, &kernel_end)) {
        return -1;
    }
    if (pt->ram_size < HV_A64_GUEST_DTB_BLOCK)
        return too_small(pt, "the device tree", pt->ram_gpa + HV_A64_GUEST_DTB_BLOCK);
    uint64_t dtb = ram_end - HV_A64_GUEST_DTB_BLOCK;
    uint64_t initrd = ALIGN_DOWN(dtb - initrd_size, MK_PAGE);
    if (initrd_size > dtb - pt->ram_gpa || initrd < kernel_end)
        return too_small(pt, "the kernel, initramfs and device tree",
                         ALIGN_UP(kernel_end + initrd_size, MK_PAGE) + HV_A64_GUEST_DTB_BLOCK);
    if (initrd_size) {
        add_load(pt, HV_PT_LOAD_INITRAMFS, p->initramfs, 0, initrd_size, initrd);
        pt->initrd_gpa = initrd;
        pt->initrd_size = initrd_size;
    }
    pt->args[0] = dtb;
    if (k->boot == HV_PT_BOOT_ELF) {
        pt->args[0] = 0;
        if (elf_low(k) > pt->ram_gpa) {
            dtb = pt->ram_gpa;
            img->dtb_room[i] = elf_low(k) - pt->ram_gpa;
        }
    }
    /* The size is filled in once dtc has made the blob (guest_dt_write). */
    add_load(pt, HV_PT_LOAD_DTB, dtb_file, 0, 0, dtb);
    return 0;
}

/* x86: zero page, boot scratch and command line low; kernel at its preferred address;
 * initramfs at the top of RAM (boot.rst: as high as initrd_addr_max allows). */
static int layout_x86(struct hv_pt_partition *pt, const struct mk_partition *p,
                      const struct mk_kernel *k, uint64_t initrd_size, const char *cmdline_file)
{
    uint64_t ram_end = pt->ram_gpa + pt->ram_size, kernel_end;
    char cmdline[2 * MK_PAGE];
    uint64_t cmdline_size = layout_x86_cmdline(p, k->boot, cmdline, sizeof(cmdline));

    if (pt->ram_gpa != 0)
        return mk_error("partition '%s': an x86 partition's RAM must start at 0", pt->name);
    if (k->boot == HV_PT_BOOT_X86_BZIMAGE) {
        if (cmdline_size > k->cmdline_max + 1 || cmdline_size > MK_PAGE)
            return mk_error(
                "partition '%s': bootargs are %llu bytes, the kernel takes %llu", pt->name,
                (unsigned long long)cmdline_size - 1,
                (unsigned long long)(k->cmdline_max < MK_PAGE - 1 ? k->cmdline_max : MK_PAGE - 1));
        add_load(pt, HV_PT_LOAD_SETUP_HEADER, p->kernel, BP_SETUP_HEADER,
                 k->setup_header_size, HV_X86_GUEST_ZERO_PAGE + BP_SETUP_HEADER);
        add_load(pt, HV_PT_LOAD_KERNEL, p->kernel, k->pm_offset, k->file_size - k->pm_offset,
                 k->pref_address);
        pt->entry = k->entry;
        kernel_end = k->pref_address + k->init_size;
    } else if (load_elf(pt, k, p->kernel, &kernel_end)) {
        return -1;
    } else if (elf_low(k) < HV_X86_GUEST_HIGH_RAM) {
        return mk_error("partition '%s': the kernel loads at 0x%llx, below 1 MiB where the "
                        "partition's boot data, EBDA and ACPI tables are", pt->name,
                        (unsigned long long)elf_low(k));
    } else if (cmdline_size > MK_PAGE) {
        return mk_error("partition '%s': the command line and module name are %llu bytes, more "
                        "than 4 KiB", pt->name, (unsigned long long)cmdline_size);
    }
    uint64_t initrd = ALIGN_DOWN(ram_end - initrd_size, MK_PAGE);
    if (kernel_end > ram_end || initrd_size > ram_end || initrd < kernel_end)
        return too_small(pt, "the kernel and initramfs",
                         ALIGN_UP(kernel_end + initrd_size, MK_PAGE));
    if (k->boot == HV_PT_BOOT_X86_BZIMAGE && initrd_size && initrd + initrd_size - 1 > k->initrd_max)
        return mk_error("partition '%s': the initramfs would end above the kernel's "
                        "initrd_addr_max 0x%llx", pt->name, (unsigned long long)k->initrd_max);
    if (initrd_size) {
        add_load(pt, HV_PT_LOAD_INITRAMFS, p->initramfs, 0, initrd_size, initrd);
        pt->initrd_gpa = initrd;
        pt->initrd_size = initrd_size;
    }
    add_load(pt, HV_PT_LOAD_CMDLINE, cmdline_file, 0, cmdline_size, HV_X86_GUEST_CMDLINE);
    pt->cmdline_gpa = HV_X86_GUEST_CMDLINE;
    pt->cmdline_size = cmdline_size;
    pt->zero_page_gpa = HV_X86_GUEST_ZERO_PAGE;
    pt->boot_scratch_gpa = HV_X86_GUEST_BOOT_SCRATCH;
    pt->boot_scratch_size = HV_X86_GUEST_BOOT_SCRATCH_SIZE;
    pt->args[1] = HV_X86_GUEST_ZERO_PAGE;
    return 0;
}

uint64_t layout_x86_cmdline(const struct mk_partition *p, uint32_t boot, char *out, size_t cap)
{
    int n;
    /* QEMU's multiboot loader (hw/i386/multiboot.c) passes "<kernel file> <append>", as GRUB
     * passes the kernel's path first; a module's string is its file name. PVH and Linux get
     * the command line alone. */
    if (boot == HV_PT_BOOT_X86_MULTIBOOT)
        n = snprintf(out, cap, "%s %s%c%s", p->kernel, p->bootargs, '\0', p->initramfs);
    else if (boot == HV_PT_BOOT_X86_PVH)
        n = snprintf(out, cap, "%s%c%s", p->bootargs, '\0', p->initramfs);
    else
        n = snprintf(out, cap, "%s", p->bootargs);
    return n < 0 || (size_t)n >= cap ? cap + 1 : (uint64_t)n + 1;
}

int layout_partition(struct mk_image *img, unsigned i, const struct mk_kernel *k,
                     uint64_t initrd_size, const char *dtb_file, const char *cmdline_file)
{
    const struct mk_partition *p = &img->sys.part[i];
    struct hv_pt_partition *pt = &img->pt[i];

    memset(pt, 0, sizeof(*pt));
    memcpy(pt->name, p->name, sizeof(pt->name));
    memcpy(pt->console_name, p->console_name, sizeof(pt->console_name));
    pt->ram_gpa = p->has_memory_base ? p->memory_base : maps[img->sys.arch].ram_gpa;
    pt->ram_size = p->memory;
    pt->host_pa = p->host_address;
    pt->net = p->net;
    pt->budget = p->budget;
    pt->period = p->period;
    pt->priority = p->priority;
    pt->boot = k->boot;
    pt->disk = p->disk;
    pt->ui = p->ui;
    img->dtb_room[i] = 0;
    if (img->sys.arch == MK_AARCH64)
        return layout_arm64(img, i, k, initrd_size, dtb_file);
    return layout_x86(pt, p, k, initrd_size, cmdline_file);
}
