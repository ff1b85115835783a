/* The AArch64 loader guests (docs/conformance.md, "Loaders"): the test-guest library's program
 * as a raw binary (LOADER_RAW: no Image header, so QEMU loads it at RAM base + 0x80000 and
 * enters it as a Linux kernel) and as a position-independent ELF (LOADER_DYN: ET_DYN, which QEMU
 * loads by its program headers and enters with no arguments). Each checks what its loader
 * handed it; scripts/conform runs it on bare QEMU and as a partition's kernel. */
#include <guest/a64.h>
#include <guest/check.h>
#include <guest/console.h>
#include <guest/fdt.h>
#include <guest/guest.h>
#include <hv/fmt.h>
#include <hv/string.h>

#include "../conform.h"

#define RAM_BASE 0x40000000ull /* QEMU virt's, and a partition's by default */
#define RAW_LOAD (RAM_BASE + 0x80000ull)
/* Where the ET_DYN guest is linked (loaders.cmake): 2 MiB in, so that QEMU's DTB (its full
 * 1 MiB buffer) fits below it at RAM base, where QEMU's ELF loader puts it. */
#define DYN_LOAD (RAM_BASE + 0x200000ull)

struct loader_entry {
    uint64_t x[4], pc, daif, current_el, sctlr;
};
extern struct loader_entry loader_entry;
extern char _start[], _image_start[], _image_end[];

/* The device tree the guest was given: its magic and size, /memory covering the image, and
 * /chosen/bootargs the command line given. */
static bool dtb_describes_us(const void *dtb, char *why, size_t n)
{
    uint32_t len = 0;
    if (!dtb || !fdt_valid(dtb, 2u << 20)) {
        fmt_snprintf(why, n, "no device tree (FDT magic) at 0x%llx", (unsigned long long)dtb);
        return false;
    }
    const void *reg = fdt_prop(dtb, "/memory", "reg", &len);
    uint64_t base = reg && len >= 16 ? fdt_cells(reg, 2) : 0;
    uint64_t size = reg && len >= 16 ? fdt_cells((const char *)reg + 8, 2) : 0;
    uint64_t lo = (uint64_t)_image_start, hi = (uint64_t)_image_end;
    bool mem = base <= lo && hi <= base + size;
    bool args = strcmp(guest_cmdline(), CONFORM_CMDLINE) == 0;
    fmt_snprintf(why, n, "DTB 0x%llx: /memory [0x%llx, 0x%llx) %s image, bootargs '%s'",
                 (unsigned long long)dtb, (unsigned long long)base,
                 (unsigned long long)(base + size), mem ? "holds" : "misses", guest_cmdline());
    return mem && args;
}

/* booting.rst: EL1 (no EL2 offered), DAIF masked, MMU off. */
static void entry_state(void)
{
    const struct loader_entry *e = &loader_entry;
    unsigned el = (unsigned)(e->current_el >> 2 & 3);
    bool ok = el == 1 && (e->daif & 0x3c0) == 0x3c0 && !(e->sctlr & 1);
    report(ok, "EL%u, DAIF 0x%llx, SCTLR_EL1 0x%llx (want EL1, all masked, MMU off)", el,
           (unsigned long long)e->daif, (unsigned long long)e->sctlr);
}

#if defined(LOADER_RAW)
/* QEMU hw/arm/boot.c: a file that is neither ELF nor Image is loaded at RAM base + 0x80000 and
 * entered at its first byte like a Linux Image: x0 = the DTB, x1..x3 = 0. */
CHECK(raw_entry, "LOAD-A1")
{
    const struct loader_entry *e = &loader_entry;
    char why[120];
    bool dtb = dtb_describes_us((const void *)e->x[0], why, sizeof(why));
    bool ok = e->pc == RAW_LOAD && dtb && !e->x[1] && !e->x[2] && !e->x[3];
    report(ok, "raw: ran at 0x%llx, x1-x3 %s; %s", (unsigned long long)e->pc,
           !e->x[1] && !e->x[2] && !e->x[3] ? "0" : "not 0", why);
}

CHECK(raw_state, "LOAD-A2")
{
    entry_state();
}
#elif defined(LOADER_DYN)
/* include/hw/elf_ops.h: an ELF, ET_DYN included, is loaded by its program headers (nothing is
 * relocated) and entered at e_entry; a data word placed by the linker reads back. */
static const uint64_t marker = 0x4c4f414444594e31ull; /* "LOADDYN1" */

CHECK(dyn_entry, "LOAD-A3")
{
    const struct loader_entry *e = &loader_entry;
    uint64_t linked = (uint64_t)_image_start;
    bool ok = e->pc == (uint64_t)_start && e->pc == DYN_LOAD && linked == DYN_LOAD &&
              *(volatile const uint64_t *)&marker == 0x4c4f414444594e31ull;
    report(ok, "ET_DYN: entered at 0x%llx, linked at 0x%llx (program headers say 0x%llx), data %s",
           (unsigned long long)e->pc, (unsigned long long)linked, (unsigned long long)DYN_LOAD,
           ok ? "in place" : "wrong");
}

/* hw/arm/boot.c: an ELF gets no arguments (x0 = 0); the DTB is at the start of RAM when the
 * ELF leaves room there. */
CHECK(dyn_dtb, "LOAD-A4")
{
    const struct loader_entry *e = &loader_entry;
    char why[120];
    bool dtb = dtb_describes_us((const void *)RAM_BASE, why, sizeof(why));
    report(e->x[0] == 0 && dtb, "ET_DYN: x0 0x%llx (want 0); %s", (unsigned long long)e->x[0], why);
}

CHECK(dyn_state, "LOAD-A5")
{
    entry_state();
}
#else
#error "LOADER_RAW or LOADER_DYN"
#endif

int guest_main(void)
{
    gprintf("LOADER: %s\n", CONFORM_ARCH);
    return check_run_all() ? 1 : 0;
}
