/* The kernel's own page tables, shared by both arches: the fixed pool they come from (the one
 * allocation the kernel makes for itself, at boot, bounded by BOOT_TABLES) and the mapping
 * of the kernel image by section. */
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/pagetable.h>

#define BOOT_TABLES 32

static uint64_t boot_tables[BOOT_TABLES][PT_ENTRIES] __attribute__((aligned(PT_TABLE_SIZE)));
static unsigned boot_tables_used;

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

struct pt_alloc *pt_boot_pool(void)
{
    return &boot_pool;
}

/* Section bounds from each arch's linker script. */
extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];

int pt_map_kernel_image(struct pt *pt)
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
