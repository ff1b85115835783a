/* The guest's own page tables, the same on both paths: the first 4 GiB mapped one to one with
 * 2 MiB pages, the device window (3-4 GiB: LAPIC, IOAPIC, PCI holes) uncached, and nothing above
 * 4 GiB, so that an access there is a page fault. */
#include <guest/x86.h>

#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_PWT 0x8ull
#define PTE_PCD 0x10ull
#define PTE_PS 0x80ull

static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));

void x86_paging_init(void)
{
    pml4[0] = (uint64_t)pdpt | PTE_P | PTE_W;
    for (unsigned g = 0; g < 4; g++) {
        pdpt[g] = (uint64_t)pd[g] | PTE_P | PTE_W;
        for (unsigned i = 0; i < 512; i++) {
            uint64_t pa = ((uint64_t)g << 30) | ((uint64_t)i << 21);
            pd[g][i] = pa | PTE_P | PTE_W | PTE_PS | (g == 3 ? PTE_PCD | PTE_PWT : 0);
        }
    }
    write_cr(3, (uint64_t)pml4);
}
