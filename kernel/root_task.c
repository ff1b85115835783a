/* Starting the root task: the RAM above the kernel is split into the root's kernel objects,
 * its program and stack pages, and untyped memory for everything else; the root's ELF comes
 * from the boot archive linked into the kernel image (docs/boot-image.md). */
#include <arch.h>
#include <arch_core.h>
#include <hv/bootfs.h>
#include <hv/abi/bootinfo.h>
#include <hv/elf.h>
#include <hv/abi/error.h>
#include <kernel/core_boot.h>
#include <kernel/printk.h>
#include <kernel/root_task.h>
#include <kernel/string.h>
#include <kernel/vspace.h>

#define ROOT_SLOT_BITS 11 /* 2048 slots: partitions hold a cap per 2 MiB of their RAM */
#define PAGE 4096ull

extern const uint8_t __bootfs_start[], __bootfs_end[], __kernel_end[];

/* Physical memory handed out front to back from the end of the kernel image. */
struct carve {
    uint64_t next, end;
};

static uint64_t carve_take(struct carve *c, uint64_t size, uint64_t align)
{
    uint64_t at = ALIGN_UP(c->next, align);
    if (at > c->end || size > c->end - at)
        return 0;
    c->next = at + size;
    return at;
}

static uint64_t elf_pages(const struct elf_image *img)
{
    uint64_t pages = 0;
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *s = &img->segments[i];
        pages += (ALIGN_UP(s->vaddr + s->memsz, PAGE) - ALIGN_DOWN(s->vaddr, PAGE)) / PAGE;
    }
    return pages;
}

/* Splits [c->next, c->end) into naturally aligned power-of-two untyped regions. */
static void carve_untyped(struct carve *c, struct core_boot *cb)
{
    uint64_t at = ALIGN_UP(c->next, PAGE);
    while (at < c->end && cb->untyped_count < HV_BOOTINFO_MAX_UNTYPED) {
        unsigned bits = HV_UNTYPED_MAX_BITS;
        while (bits > HV_UNTYPED_MIN_BITS &&
               (!IS_ALIGNED(at, 1ull << bits) || (1ull << bits) > c->end - at))
            bits--;
        if ((1ull << bits) > c->end - at)
            break;
        cb->untyped[cb->untyped_count].base = pa_init(at);
        cb->untyped[cb->untyped_count++].size_bits = bits;
        at += 1ull << bits;
    }
    c->next = at;
}

static bool overlaps_ram(const struct boot_info *bi, const struct mem_region *r)
{
    for (unsigned i = 0; i < bi->nram; i++)
        if (pa_addr(r->base) < pa_addr(bi->ram[i].base) + bi->ram[i].size &&
            pa_addr(bi->ram[i].base) < pa_addr(r->base) + r->size)
            return true;
    return false;
}

/* The devices the kernel does not drive itself, first so that RAM can't crowd them out. A
 * range the firmware reports as RAM (a machine with more memory than the board's map
 * expects) is never device memory. */
static void add_device_untyped(const struct boot_info *bi, struct core_boot *cb)
{
    struct mem_region dev[12];
    unsigned n = arch_user_device_regions(dev, ARRAY_SIZE(dev));
    for (unsigned i = 0; i < n && cb->untyped_count < HV_BOOTINFO_MAX_UNTYPED; i++) {
        if (overlaps_ram(bi, &dev[i])) {
            printk("root: device range 0x%lx is RAM: not handed out\n", pa_addr(dev[i].base));
            continue;
        }
        unsigned bits = 63 - (unsigned)__builtin_clzll(dev[i].size);
        cb->untyped[cb->untyped_count].base = dev[i].base;
        cb->untyped[cb->untyped_count].size_bits = bits;
        cb->untyped[cb->untyped_count++].device = true;
    }
}

static int map_zeroed(struct vspace *vs, uint64_t va, uint64_t pa, uint64_t size, unsigned flags)
{
    memset(arch_phys_to_virt(pa_init(pa)), 0, size);
    return pt_map(&vs->pt, va, pa_init(pa), size, flags | PT_READ | PT_USER);
}

static int load_segments(struct vspace *vs, const uint8_t *file, const struct elf_image *img,
                         struct carve *c)
{
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *s = &img->segments[i];
        uint64_t va = ALIGN_DOWN(s->vaddr, PAGE), size = ALIGN_UP(s->vaddr + s->memsz, PAGE) - va;
        uint64_t pa = carve_take(c, size, PAGE);
        unsigned flags = (s->flags & ELF_SEG_W ? PT_WRITE : 0) | (s->flags & ELF_SEG_X ? PT_EXEC : 0);
        int r = pa ? map_zeroed(vs, va, pa, size, flags) : HV_ENOMEM;
        if (r)
            return r;
        uint8_t *dst = arch_phys_to_virt(pa_init(pa));
        memcpy(dst + (s->vaddr - va), file + s->offset, s->filesz);
        if (s->flags & ELF_SEG_X)
            arch_icache_sync(dst, size);
    }
    return HV_OK;
}

static const struct mem_region *region_of_kernel(const struct boot_info *bi, uint64_t kend)
{
    for (unsigned i = 0; i < bi->nram; i++)
        if (pa_addr(bi->ram[i].base) <= kend && kend < pa_addr(bi->ram[i].base) + bi->ram[i].size)
            return &bi->ram[i];
    return NULL;
}

/* The archive's address in the root's space: its physical address modulo 2 MiB is kept, so
 * that the parts of a large archive (guest kernels are tens of MiB) map with 2 MiB blocks and
 * their tables fit the root's address-space object. */
static uint64_t root_bootfs_vaddr(void)
{
    return HV_ROOT_BOOTFS + (pa_addr(arch_virt_to_phys(__bootfs_start)) & (0x200000 - 1));
}

static void fill_bootinfo(struct hv_bootinfo *info, const struct core_boot *cb, uint64_t fs_size,
                          const char *cmdline)
{
    _Static_assert(sizeof(info->cmdline) >= BOOT_CMDLINE_MAX, "command line fits");
    memcpy(info->cmdline, cmdline, BOOT_CMDLINE_MAX);
    info->magic = HV_BOOTINFO_MAGIC;
    info->bootfs_vaddr = root_bootfs_vaddr();
    info->bootfs_size = fs_size;
    info->untyped_first_slot = ROOT_SLOT_UNTYPED;
    info->untyped_count = cb->untyped_count;
    for (unsigned i = 0; i < cb->untyped_count; i++) {
        info->untyped[i].paddr = pa_addr(cb->untyped[i].base);
        info->untyped[i].size_bits = cb->untyped[i].size_bits;
        info->untyped[i].flags = cb->untyped[i].device ? HV_BOOTINFO_DEVICE : 0;
    }
}

static int fail(const char *what, int err)
{
    printk("root: cannot start the root task: %s (error %d)\n", what, err);
    return err ? err : HV_EINVAL;
}

int root_task_create(const struct boot_info *bi)
{
    struct bootfs fs;
    struct bootfs_file file;
    struct elf_image img;
    uint64_t fs_size = (uint64_t)(__bootfs_end - __bootfs_start);

    int r = bootfs_open(&fs, __bootfs_start, fs_size);
    if (r)
        return fail("the boot archive is malformed", r);
    if ((r = bootfs_find(&fs, "root", &file)))
        return fail("no \"root\" in the boot archive", r);
    if ((r = elf_parse(file.data, file.size, arch_elf_machine(), vspace_user_top(), &img)))
        return fail("the root ELF is not a valid executable for this arch", r);

    uint64_t kend = pa_addr(arch_virt_to_phys(__kernel_end));
    const struct mem_region *ram = region_of_kernel(bi, kend);
    if (!ram)
        return fail("no RAM region holds the kernel", 0);
    struct carve c = {kend, pa_addr(ram->base) + ram->size};
    struct core_boot cb = {.root_slot_bits = ROOT_SLOT_BITS};
    uint64_t kmem = carve_take(&c, 1ull << CORE_BOOT_MEM_BITS, 1ull << CORE_BOOT_MEM_BITS);
    uint64_t root_pages = elf_pages(&img) + HV_ROOT_STACK_SIZE / PAGE + 1;
    struct carve rootmem = {carve_take(&c, root_pages * PAGE, PAGE), 0};
    if (!kmem || !rootmem.next)
        return fail("not enough RAM above the kernel", HV_ENOMEM);
    rootmem.end = rootmem.next + root_pages * PAGE;
    cb.kernel_mem = pa_init(kmem);
    add_device_untyped(bi, &cb);
    carve_untyped(&c, &cb);

    struct thread *t = core_boot_root(&cb);
    if (!t)
        return fail("the boot layout was refused", 0);
    struct vspace *vs = cap_ptr(&t->vspace_cap);
    uint64_t info_pa = carve_take(&rootmem, PAGE, PAGE);
    uint64_t stack_pa = carve_take(&rootmem, HV_ROOT_STACK_SIZE, PAGE);
    r = load_segments(vs, file.data, &img, &rootmem);
    if (!r)
        r = map_zeroed(vs, HV_ROOT_STACK_TOP - HV_ROOT_STACK_SIZE, stack_pa, HV_ROOT_STACK_SIZE,
                       PT_WRITE);
    if (!r)
        r = map_zeroed(vs, HV_ROOT_BOOTINFO, info_pa, PAGE, 0);
    if (!r)
        r = pt_map(&vs->pt, root_bootfs_vaddr(), arch_virt_to_phys(__bootfs_start),
                   ALIGN_UP(fs_size, PAGE), PT_READ | PT_USER);
    if (r)
        return fail("mapping the root task's memory", r);
    fill_bootinfo(arch_phys_to_virt(pa_init(info_pa)), &cb, fs_size, bi->cmdline);

    thread_set_entry(t, img.entry, HV_ROOT_STACK_TOP, HV_ROOT_BOOTINFO);
    thread_resume(t);
    printk("root: %lu KiB of program and stack, %u untyped region(s), archive %lu KiB\n",
           root_pages * 4, cb.untyped_count, fs_size >> 10);
    return HV_OK;
}
