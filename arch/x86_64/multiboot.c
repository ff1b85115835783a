/* Reading RAM and the command line from Multiboot (v1) information, trusting none of it:
 * every address and length comes from the loader and is checked before it is followed. */
#include "multiboot.h"
#include <hv/abi/error.h>
#include <hv/bytes.h>

#define PAGE_SIZE 4096u

/* The part of struct multiboot_info the kernel reads (spec 3.3), as byte offsets: the
 * structure is read through the reader, never overlaid on memory. */
#define INFO_FLAGS 0
#define INFO_MEM_LOWER 4 /* KiB from 0 */
#define INFO_MEM_UPPER 8 /* KiB from 1 MiB */
#define INFO_CMDLINE 16
#define INFO_MMAP_LENGTH 44
#define INFO_MMAP_ADDR 48
#define INFO_SIZE 52

/* A memory map entry: `size` (not counting itself), then base_addr, length, type. */
#define MMAP_ENTRY_SIZE_FIELD 4
#define MMAP_ENTRY_MIN_SIZE 20

static bool read_info(const struct multiboot_reader *rd, uint64_t info_pa, uint8_t *info)
{
    return info_pa <= UINT64_MAX - INFO_SIZE && rd->read(rd->ctx, info_pa, info, INFO_SIZE);
}

/* Adds [base, base+len) trimmed to whole pages; a range too small to hold one is dropped. */
static int add_range(struct boot_info *bi, uint64_t base, uint64_t len)
{
    if (len > UINT64_MAX - base)
        return HV_EFORMAT; /* wraps around the top of the address space */
    uint64_t start = ALIGN_UP(base, PAGE_SIZE), end = ALIGN_DOWN(base + len, PAGE_SIZE);
    if (start < base || end <= start)
        return HV_OK;
    return boot_info_add_ram(bi, pa_init(start), end - start) ? HV_OK : HV_ETRUNC;
}

static int read_mmap(const struct multiboot_reader *rd, uint64_t addr, uint32_t length,
                     struct boot_info *bi)
{
    uint64_t off = 0;

    while (off < length) {
        uint8_t entry[MMAP_ENTRY_SIZE_FIELD + MMAP_ENTRY_MIN_SIZE];
        if (length - off < sizeof(entry))
            return HV_EFORMAT;
        if (!rd->read(rd->ctx, addr + off, entry, sizeof(entry)))
            return HV_EFORMAT;
        uint64_t size = hv_le32(entry);
        /* An entry may be longer than the fields we know (spec 3.3), never shorter. */
        if (size < MMAP_ENTRY_MIN_SIZE || size > length - off - MMAP_ENTRY_SIZE_FIELD)
            return HV_EFORMAT;
        if (hv_le32(entry + 20) == MULTIBOOT_MEMORY_AVAILABLE) {
            int r = add_range(bi, hv_le64(entry + 4), hv_le64(entry + 12));
            if (r)
                return r;
        }
        off += MMAP_ENTRY_SIZE_FIELD + size;
    }
    return HV_OK;
}

int multiboot_read_memory(const struct multiboot_reader *rd, uint64_t info_pa, struct boot_info *bi)
{
    uint8_t info[INFO_SIZE];
    struct boot_info out = *bi;
    int r;

    if (!read_info(rd, info_pa, info))
        return HV_EFORMAT;
    uint32_t flags = hv_le32(info + INFO_FLAGS);
    if (flags & MULTIBOOT_INFO_MEM_MAP) {
        r = read_mmap(rd, hv_le32(info + INFO_MMAP_ADDR), hv_le32(info + INFO_MMAP_LENGTH), &out);
    } else if (flags & MULTIBOOT_INFO_MEMORY) {
        /* No map: conventional memory from 0, then upper memory from 1 MiB (spec 3.3). */
        r = add_range(&out, 0, (uint64_t)hv_le32(info + INFO_MEM_LOWER) << 10);
        if (!r)
            r = add_range(&out, MIB(1), (uint64_t)hv_le32(info + INFO_MEM_UPPER) << 10);
    } else {
        return HV_ENOENT;
    }
    if (r)
        return r;
    if (out.nram == bi->nram)
        return HV_ENOENT; /* no usable RAM at all */
    *bi = out;
    return HV_OK;
}

int multiboot_read_cmdline(const struct multiboot_reader *rd, uint64_t info_pa,
                           struct boot_info *bi)
{
    uint8_t info[INFO_SIZE];

    bi->cmdline[0] = '\0';
    if (!read_info(rd, info_pa, info))
        return HV_EFORMAT;
    if (!(hv_le32(info + INFO_FLAGS) & MULTIBOOT_INFO_CMDLINE))
        return HV_OK;
    /* Byte by byte: the string's length is unknown and it may end right at the last byte
     * the reader allows. */
    uint64_t pa = hv_le32(info + INFO_CMDLINE);
    for (size_t i = 0; i < BOOT_CMDLINE_MAX; i++) {
        char c;
        if (!rd->read(rd->ctx, pa + i, &c, 1)) {
            bi->cmdline[0] = '\0';
            return HV_EFORMAT;
        }
        bi->cmdline[i] = c;
        if (c == '\0')
            return HV_OK;
    }
    bi->cmdline[0] = '\0';
    return HV_ETRUNC;
}
