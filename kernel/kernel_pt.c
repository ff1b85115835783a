/* The kernel's own page tables, built the same way on both arches: the devices the kernel
 * drives (uncached), the kernel image by section, and every RAM range in the linear map
 * except the image, whose only mapping is the one by section (so its text has no writable
 * alias). The arch gives only what differs: the descriptor format, the device windows, and
 * how the CPU starts using the tables. The tables come from a fixed pool: the one allocation
 * the kernel makes for itself, at boot, bounded by BOOT_TABLES. */
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/kernel_pt.h>
#include <kernel/printk.h>

#define BOOT_TABLES 32
#define KERNEL_DEVICES_MAX 8

static uint64_t boot_tables[BOOT_TABLES][PT_ENTRIES] __attribute__((aligned(PT_TABLE_SIZE)));
static unsigned boot_tables_used;
static struct pt kernel_tables;

static bool pool_alloc(struct pt_alloc *self, paddr_t *table)
{
    if (boot_tables_used == BOOT_TABLES)
        return false;
    *table = arch_virt_to_phys(boot_tables[boot_tables_used++]); /* .bss: already zero */
    return true;
}

static unsigned pool_available(struct pt_alloc *self)
{
    return BOOT_TABLES - boot_tables_used;
}

static uint64_t *pool_virt(struct pt_alloc *self, paddr_t table)
{
    return arch_phys_to_virt(table);
}

static struct pt_alloc boot_pool = {pool_alloc, pool_available, pool_virt};

/* Section bounds from each arch's linker script. */
extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];

/* The kernel image at its link address by section: text RX, rodata R, the rest RW. */
static int map_kernel_image(struct pt *pt)
{
    struct {
        char *start, *end;
        unsigned flags;
    } sections[] = {
        {__kernel_start, __text_end, PT_READ | PT_EXEC},
        {__text_end, __rodata_end, PT_READ},
        {__rodata_end, __kernel_end, PT_READ | PT_WRITE},
    };
    for (unsigned i = 0; i < ARRAY_SIZE(sections); i++) {
        int r = pt_map(pt, (uint64_t)sections[i].start, arch_virt_to_phys(sections[i].start),
                       (uint64_t)(sections[i].end - sections[i].start), sections[i].flags);
        if (r)
            return r;
    }
    return HV_OK;
}

static int map_linear(struct pt *pt, uint64_t start, uint64_t size, unsigned flags)
{
    paddr_t pa = pa_init(start);
    return pt_map(pt, (uint64_t)arch_phys_to_virt(pa), pa, size, flags);
}

/* Maps RAM [base, base+size) except the kernel image, which is mapped on its own. */
static int map_ram_around_kernel(struct pt *pt, paddr_t base, uint64_t size)
{
    uint64_t start = pa_addr(base), end = start + size;
    uint64_t kstart = pa_addr(arch_virt_to_phys(__kernel_start));
    uint64_t kend = pa_addr(arch_virt_to_phys(__kernel_end));
    int r = HV_OK;

    if (start < kstart)
        r = map_linear(pt, start, (end < kstart ? end : kstart) - start, PT_READ | PT_WRITE);
    if (!r && end > kend) {
        uint64_t from = start > kend ? start : kend;
        r = map_linear(pt, from, end - from, PT_READ | PT_WRITE);
    }
    return r;
}

static int build(struct pt *pt, const struct boot_info *bi)
{
    struct mem_region dev[KERNEL_DEVICES_MAX];
    unsigned ndev = arch_kernel_devices(dev, KERNEL_DEVICES_MAX);
    int r = pt_init(pt, arch_kernel_pt_format(), &boot_pool);
    for (unsigned i = 0; !r && i < ndev; i++)
        r = map_linear(pt, pa_addr(dev[i].base), dev[i].size, PT_READ | PT_WRITE | PT_DEVICE);
    if (!r)
        r = map_kernel_image(pt);
    for (unsigned i = 0; !r && i < bi->nram; i++)
        r = map_ram_around_kernel(pt, bi->ram[i].base, bi->ram[i].size);
    return r;
}

int kernel_pt_init(const struct boot_info *bi)
{
    int r = build(&kernel_tables, bi);
    if (r) {
        printk("mmu: cannot build the kernel page tables (error %d)\n", r);
        return r;
    }
    arch_kernel_pt_load(kernel_tables.root);
    return HV_OK;
}

const struct pt *kernel_pt(void)
{
    return &kernel_tables;
}
