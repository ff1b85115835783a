/* Fuzzes the ELF validator: whatever it accepts must describe only bytes inside the file,
 * addresses below the limit, and an entry in executable memory. */
#include <hv/elf.h>
#include <hv/abi/error.h>
#include <stdlib.h>

#define LIMIT 0x0000800000000000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_image img;
    uint16_t machine = size && (data[size - 1] & 1) ? ELF_MACHINE_X86_64 : ELF_MACHINE_AARCH64;
    if (elf_parse(data, size, machine, LIMIT, &img) != HV_OK)
        return 0;
    int entry_ok = 0;
    if (img.nsegments == 0 || img.nsegments > ELF_MAX_SEGMENTS)
        abort();
    for (unsigned i = 0; i < img.nsegments; i++) {
        const struct elf_segment *s = &img.segments[i];
        if (s->offset > size || s->filesz > size - s->offset || s->filesz > s->memsz ||
            s->vaddr >= LIMIT || s->memsz > LIMIT - s->vaddr)
            abort();
        if ((s->flags & ELF_SEG_W) && (s->flags & ELF_SEG_X))
            abort();
        if ((s->flags & ELF_SEG_X) && img.entry - s->vaddr < s->memsz && img.entry >= s->vaddr)
            entry_ok = 1;
        /* Touch the bytes the loader would copy: ASan checks they are inside the input. */
        volatile uint8_t sink = 0;
        for (uint64_t j = 0; j < s->filesz; j += 512)
            sink ^= data[s->offset + j];
        (void)sink;
    }
    if (!entry_ok)
        abort();
    return 0;
}
