/* Parsers of ELF headers, the PVH entry note and the Multiboot header, on byte buffers
 * (boot_formats.h); every length is checked before the bytes are read. */
#include "boot_formats.h"

#include <string.h>

#include <hv/bytes.h>

#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1

const char *bf_elf_header(const uint8_t *h, size_t len, struct bf_elf *out)
{
    memset(out, 0, sizeof(*out));
    if (len < 52 || memcmp(h, "\177ELF", 4))
        return "not an ELF file";
    if (h[EI_DATA] != ELFDATA2LSB)
        return "the ELF is not little-endian";
    if (h[EI_CLASS] == ELFCLASS64) {
        if (len < 64)
            return "the ELF header is cut off";
        out->is64 = true;
        out->entry = hv_le64(h + 24);
        out->phoff = hv_le64(h + 32);
        out->phentsize = hv_le16(h + 54);
        out->phnum = hv_le16(h + 56);
    } else if (h[EI_CLASS] == ELFCLASS32) {
        out->entry = hv_le32(h + 24);
        out->phoff = hv_le32(h + 28);
        out->phentsize = hv_le16(h + 42);
        out->phnum = hv_le16(h + 44);
    } else {
        return "the ELF class is neither 32- nor 64-bit";
    }
    out->type = hv_le16(h + 16);
    out->machine = hv_le16(h + 18);
    if (out->phentsize != (out->is64 ? 56u : 32u) || out->phnum == 0 || out->phnum > 64)
        return "the ELF program headers are malformed";
    return NULL;
}

void bf_elf_phdr(const struct bf_elf *e, const uint8_t *ph, struct bf_phdr *out)
{
    out->type = hv_le32(ph);
    if (e->is64) {
        out->flags = hv_le32(ph + 4);
        out->offset = hv_le64(ph + 8);
        out->vaddr = hv_le64(ph + 16);
        out->paddr = hv_le64(ph + 24);
        out->filesz = hv_le64(ph + 32);
        out->memsz = hv_le64(ph + 40);
    } else {
        out->offset = hv_le32(ph + 4);
        out->vaddr = hv_le32(ph + 8);
        out->paddr = hv_le32(ph + 12);
        out->filesz = hv_le32(ph + 16);
        out->memsz = hv_le32(ph + 20);
        out->flags = hv_le32(ph + 24);
    }
}

static uint64_t align4(uint64_t n)
{
    return (n + 3) & ~3ull;
}

int bf_pvh_note(const uint8_t *notes, size_t len, uint64_t *entry, const char **why)
{
    /* ELF gABI "Note Section": namesz, descsz, type, then name and desc, each 4-aligned. */
    for (uint64_t p = 0; p < len;) {
        if (len - p < 12) {
            *why = "an ELF note header is cut off";
            return -1;
        }
        uint64_t namesz = hv_le32(notes + p), descsz = hv_le32(notes + p + 4);
        uint32_t type = hv_le32(notes + p + 8);
        uint64_t name = p + 12, desc = name + align4(namesz), next = desc + align4(descsz);
        if (desc > len || next > len) {
            *why = "an ELF note runs past its segment";
            return -1;
        }
        if (type == BF_XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 && !memcmp(notes + name, "Xen", 4)) {
            uint64_t v = descsz == 8   ? hv_le64(notes + desc)
                         : descsz == 4 ? hv_le32(notes + desc)
                                       : 0;
            if (descsz != 4 && descsz != 8) {
                *why = "the PVH entry note is not a 4- or 8-byte address";
                return -1;
            }
            if (v == 0 || v >= 0x100000000ull) {
                *why = "the PVH entry point is 0 or not below 4 GiB";
                return -1;
            }
            *entry = v;
            return 1;
        }
        p = next;
    }
    return 0;
}

int bf_multiboot_find(const uint8_t *buf, size_t len, struct bf_multiboot *out, const char **why)
{
    size_t end = len < BF_MB_SEARCH ? len : BF_MB_SEARCH;
    memset(out, 0, sizeof(*out));
    for (size_t off = 0; off + 4 <= end; off += 4) {
        if (hv_le32(buf + off) != BF_MB_MAGIC)
            continue;
        if (off + 12 > len) {
            *why = "the multiboot header is cut off by the end of the file";
            return -1;
        }
        uint32_t flags = hv_le32(buf + off + 4), sum = hv_le32(buf + off + 8);
        if ((uint32_t)(BF_MB_MAGIC + flags + sum) != 0)
            continue; /* a stray magic word: the checksum says it is not a header */
        out->offset = (uint32_t)off;
        out->flags = flags;
        if (flags & BF_MB_FLAG_AOUT_KLUDGE) {
            if (off + 32 > len) {
                *why = "the multiboot header's address fields are cut off by the end of the file";
                return -1;
            }
            out->header_addr = hv_le32(buf + off + 12);
            out->load_addr = hv_le32(buf + off + 16);
            out->load_end_addr = hv_le32(buf + off + 20);
            out->bss_end_addr = hv_le32(buf + off + 24);
            out->entry_addr = hv_le32(buf + off + 28);
        }
        return 1;
    }
    return 0;
}

const char *bf_multiboot_aout(const struct bf_multiboot *mb, uint64_t file_size,
                              uint64_t *file_offset, uint64_t *load_size, uint64_t *mem_size)
{
    /* §3.1.3: header_addr is where the header itself lands, so the file offset of load_addr
     * is the header's offset less (header_addr - load_addr). */
    if (mb->header_addr < mb->load_addr || mb->header_addr - mb->load_addr > mb->offset)
        return "multiboot header_addr and load_addr do not agree with the header's place in "
               "the file";
    *file_offset = mb->offset - (mb->header_addr - mb->load_addr);
    if (mb->load_end_addr) {
        if (mb->load_end_addr < mb->load_addr)
            return "multiboot load_end_addr is below load_addr";
        *load_size = (uint64_t)mb->load_end_addr - mb->load_addr;
        if (*load_size > file_size - *file_offset)
            return "multiboot load_end_addr is past the end of the file";
    } else {
        *load_size = file_size - *file_offset;
    }
    *mem_size = *load_size;
    if (mb->bss_end_addr) {
        if (mb->bss_end_addr < mb->load_addr + *load_size)
            return "multiboot bss_end_addr is below the end of the loaded bytes";
        *mem_size = (uint64_t)mb->bss_end_addr - mb->load_addr;
    }
    if (*load_size == 0)
        return "multiboot load range is empty";
    if (mb->entry_addr < mb->load_addr || mb->entry_addr >= mb->load_addr + *mem_size)
        return "multiboot entry_addr is outside the kernel";
    return NULL;
}
