/* RAM checks: the guest's RAM at the platform's base is ordinary read/write memory. */
#include <guest/a64.h>
#include <guest/check.h>

extern char _image_end[];

#define SPAN_BASE 0x40400000ul /* above the image, below where either loader puts the DTB */
#define SPAN_SIZE (1ul << 20)

/* A pattern written over 1 MiB of free RAM reads back unchanged (RAM at 0x4000_0000 on QEMU
 * virt, which a partition copies). */
CHECK(mem_rw, "MEM-A1")
{
    if ((uintptr_t)_image_end > SPAN_BASE) {
        fail("the image ends at %p, above the span at 0x%lx", (void *)_image_end, SPAN_BASE);
        return;
    }
    volatile uint64_t *p = (volatile uint64_t *)SPAN_BASE;
    unsigned n = SPAN_SIZE / 8, bad = 0;
    for (unsigned i = 0; i < n; i++)
        p[i] = 0x9e3779b97f4a7c15ull * (i + 1);
    for (unsigned i = 0; i < n; i++)
        bad += p[i] != 0x9e3779b97f4a7c15ull * (i + 1);
    report(bad == 0, "[0x%lx, 0x%lx): %u of %u words read back differently", SPAN_BASE,
           SPAN_BASE + SPAN_SIZE, bad, n);
}
