/* Page tables for the kernel's own address space, from a fixed pool in .bss: the one
 * allocation the kernel makes for itself, at boot, bounded by BOOT_TABLES. */
#include <arch.h>
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
