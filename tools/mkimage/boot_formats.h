/* Pure parsers of the kernel formats `qemu -kernel` accepts beyond an arm64 Image and a
 * bzImage: ELF32/ELF64 headers and program headers (ET_EXEC and ET_DYN), the PVH entry note
 * (XEN_ELFNOTE_PHYS32_ENTRY) and the Multiboot 0.6.96 header. They read byte buffers only, so
 * the unit tests feed them malformed input directly (test/unit/mkimage/test_boot_formats.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BF_ELF_EM_386 3u
#define BF_ELF_EM_X86_64 62u
#define BF_ELF_EM_AARCH64 183u
#define BF_ELF_ET_EXEC 2u
#define BF_ELF_ET_DYN 3u
#define BF_ELF_PT_LOAD 1u
#define BF_ELF_PT_NOTE 4u
#define BF_ELF_PF_X 1u

/* Multiboot 0.6.96 §3.1.1: the header lies in the first 8192 bytes, 32-bit aligned. */
#define BF_MB_MAGIC 0x1badb002u
#define BF_MB_SEARCH 8192u
#define BF_MB_FLAG_PAGE_ALIGN (1u << 0)
#define BF_MB_FLAG_MEMORY (1u << 1)
#define BF_MB_FLAG_VIDEO (1u << 2)
#define BF_MB_FLAG_AOUT_KLUDGE (1u << 16) /* the address fields are valid */

/* Xen's public elfnote.h: the 32-bit PVH entry point of an x86 kernel, in a "Xen" note. */
#define BF_XEN_ELFNOTE_PHYS32_ENTRY 18u

/* An ELF file header, either class, little-endian. */
struct bf_elf {
    bool is64;
    uint16_t type, machine;
    uint64_t entry, phoff;
    unsigned phnum, phentsize;
};

struct bf_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz;
};

/* Reads the file header from h[0..len): NULL, or why it is not a usable ELF (not
 * little-endian, a class other than 32/64, a program header size that is not the class's,
 * no or more than 64 program headers). The type and machine are the caller's to judge. */
const char *bf_elf_header(const uint8_t *h, size_t len, struct bf_elf *out);

/* Decodes one program header of e's class from ph (e->phentsize bytes). */
void bf_elf_phdr(const struct bf_elf *e, const uint8_t *ph, struct bf_phdr *out);

/* Searches a PT_NOTE segment's bytes notes[0..len) for the PVH entry note. Returns 1 and sets
 * *entry when found, 0 when the notes hold none, -1 with *why when a note runs past the
 * segment or the PVH note's value is not a 4- or 8-byte address below 4 GiB and non-zero. */
int bf_pvh_note(const uint8_t *notes, size_t len, uint64_t *entry, const char **why);

/* A Multiboot header as found: its offset in the file and its fields. */
struct bf_multiboot {
    uint32_t offset, flags;
    /* With BF_MB_FLAG_AOUT_KLUDGE: */
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

/* Searches buf[0..len) (the file's first bytes, up to 8192) for a Multiboot header: the magic
 * at a 4-byte-aligned offset with magic + flags + checksum = 0. Returns 1 when found, 0 when
 * there is none, -1 with *why when it is cut off by the end of the file. Like QEMU, feature
 * bits it does not know are no reason to refuse (a video mode is simply not set). */
int bf_multiboot_find(const uint8_t *buf, size_t len, struct bf_multiboot *out, const char **why);

/* For an a.out-kludge header: which bytes of a file of file_size bytes are loaded, and where
 * (Multiboot 0.6.96 §3.1.3, as QEMU's loader reads it: load_end_addr 0 means to the end of the
 * file, bss_end_addr 0 means no bss). NULL, or why the addresses are inconsistent. */
const char *bf_multiboot_aout(const struct bf_multiboot *mb, uint64_t file_size,
                              uint64_t *file_offset, uint64_t *load_size, uint64_t *mem_size);
