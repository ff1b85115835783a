/* A bounds-checked reader for the Multiboot (v1) information structure a loader hands over
 * (Multiboot spec 0.6.96, 3.3): RAM from its memory map, the command line. */
#pragma once

#include <kernel/boot_info.h>
#include <kernel/types.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u /* in EAX at entry */

/* Info flags: which fields are valid. */
#define MULTIBOOT_INFO_MEMORY (1u << 0) /* mem_lower, mem_upper */
#define MULTIBOOT_INFO_CMDLINE (1u << 2)
#define MULTIBOOT_INFO_MEM_MAP (1u << 6) /* mmap_length, mmap_addr */

#define MULTIBOOT_MEMORY_AVAILABLE 1 /* memory map entry type of usable RAM */

/* Reads physical memory the loader described: copies exactly len bytes from pa to dst, or
 * returns false (copying nothing) when any of them is not readable. Every byte the parser
 * looks at comes through here, so it can never read outside what the reader allows. */
struct multiboot_reader {
    bool (*read)(void *ctx, uint64_t pa, void *dst, size_t len);
    void *ctx;
};

/* Adds the usable RAM (memory map type 1, or mem_lower/mem_upper when there is no map),
 * trimmed to whole 4 KiB pages, to bi. All or nothing: HV_EFORMAT when the info or the map is
 * unreadable or malformed (an entry shorter than its fields, a map whose length does not end
 * on an entry, a range that wraps around), HV_ETRUNC when bi has no room for every region,
 * HV_ENOENT when the info names no usable RAM; bi is then unchanged. */
int multiboot_read_memory(const struct multiboot_reader *rd, uint64_t info_pa,
                          struct boot_info *bi);

/* Copies the command line into bi->cmdline (empty when there is none). On HV_EFORMAT (the
 * info or the string is unreadable) or HV_ETRUNC (no NUL within BOOT_CMDLINE_MAX bytes),
 * bi->cmdline is left empty. */
int multiboot_read_cmdline(const struct multiboot_reader *rd, uint64_t info_pa,
                           struct boot_info *bi);
