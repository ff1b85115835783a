/* Fuzzes the image builder's kernel-format parsers (tools/mkimage/boot_formats.c) on one file's
 * bytes: the multiboot header search and its a.out addresses, the ELF header and program headers
 * of either class, and the PVH note search over every PT_NOTE inside the file. Whatever they
 * accept must lie inside the input; nothing may read past it (ASan). */
#include <stdlib.h>

#include "boot_formats.h"

static void check_multiboot(const uint8_t *data, size_t size)
{
    struct bf_multiboot mb;
    const char *why = NULL;
    int r = bf_multiboot_find(data, size, &mb, &why);
    if (r < 0 && !why)
        abort();
    if (r != 1)
        return;
    if (mb.offset % 4 || mb.offset + 12 > size || mb.offset >= BF_MB_SEARCH)
        abort();
    uint64_t off, load, mem;
    if ((mb.flags & BF_MB_FLAG_AOUT_KLUDGE) && !bf_multiboot_aout(&mb, size, &off, &load, &mem)) {
        if (off > size || load > size - off || load == 0 || mem < load)
            abort();
        if (mb.entry_addr < mb.load_addr || mb.entry_addr - mb.load_addr >= mem)
            abort();
    }
}

static void check_elf(const uint8_t *data, size_t size)
{
    struct bf_elf e;
    if (bf_elf_header(data, size, &e))
        return;
    if (e.phnum == 0 || e.phnum > 64 || e.phentsize != (e.is64 ? 56u : 32u))
        abort();
    for (unsigned i = 0; i < e.phnum; i++) {
        uint64_t at = e.phoff + (uint64_t)i * e.phentsize;
        if (at > size || e.phentsize > size - at)
            return; /* mkimage reports "past the end" here */
        struct bf_phdr ph;
        bf_elf_phdr(&e, data + at, &ph);
        if (ph.type != BF_ELF_PT_NOTE || ph.offset > size || ph.filesz > size - ph.offset)
            continue;
        uint64_t entry = 0;
        const char *why = NULL;
        int r = bf_pvh_note(data + ph.offset, ph.filesz, &entry, &why);
        if ((r < 0 && !why) || (r == 1 && (entry == 0 || entry >= 0x100000000ull)))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_multiboot(data, size);
    check_elf(data, size);
    return 0;
}
