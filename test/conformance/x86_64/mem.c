/* Memory checks: RAM at its base is ordinary read/write memory, and where nothing is (above the
 * RAM, below the 3 GiB device window) a read returns all ones, as on a PC (the PCI host bridge's
 * master abort: PCI Local Bus Specification 3.0, "Master-Abort Termination"). */
#include <guest/check.h>
#include <guest/exc.h>
#include <guest/x86.h>

#define SPAN_BASE 0x400000ul /* 4 MiB: above the image at 2 MiB */
#define SPAN_SIZE (1ul << 20)

CHECK(mem_rw, "MEM-X1")
{
    volatile uint64_t *p = (volatile uint64_t *)SPAN_BASE;
    unsigned n = SPAN_SIZE / 8, bad = 0;
    for (unsigned i = 0; i < n; i++)
        p[i] = 0x9e3779b97f4a7c15ull * (i + 1);
    for (unsigned i = 0; i < n; i++)
        bad += p[i] != 0x9e3779b97f4a7c15ull * (i + 1);
    report(bad == 0, "[0x%lx, 0x%lx): %u of %u words read back differently", SPAN_BASE,
           SPAN_BASE + SPAN_SIZE, bad, n);
}

static void load32(void *arg)
{
    uint32_t *io = arg;
    io[1] = *(volatile uint32_t *)(uint64_t)io[0];
}

CHECK(mem_unbacked, "MEM-X2")
{
    struct exc_info e;
    uint32_t io[2] = {0x08000000, 0}; /* 128 MiB: past the 64 MiB of RAM */
    bool t = exc_catch(load32, io, &e);
    report(!t && io[1] == 0xffffffff, "load from 0x%x: %s 0x%x", io[0],
           t ? exc_kind_name(e.kind) : "read", io[1]);
}
