/* Helpers for the boot information every arch fills in from its loader. */
#include <kernel/boot_info.h>

uint64_t boot_info_ram_total(const struct boot_info *bi)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < bi->nram; i++)
        total += bi->ram[i].size;
    return total;
}

bool boot_info_add_ram(struct boot_info *bi, paddr_t base, uint64_t size)
{
    if (bi->nram == BOOT_MAX_RAM_REGIONS)
        return false;
    bi->ram[bi->nram++] = (struct mem_region){base, size};
    return true;
}
