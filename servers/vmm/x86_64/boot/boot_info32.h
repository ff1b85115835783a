/* The information a 32-bit boot protocol hands its kernel in EBX, written by the VMM into a page
 * of the boot scratch area: the Multiboot 0.6.96 information structure (§3.3) with its memory
 * map, module list and boot loader name, or Xen's PVH struct hvm_start_info (version 1) with
 * its memory map and module list. Placed as QEMU's loaders place them (the map at the page's
 * start, the structure 0x500 in), from the same e820 map the zero page of a bzImage gets. */
#pragma once

#include <stdint.h>

#include "x86_64/guest_mem.h"

#define X86_MULTIBOOT_EAX 0x2badb002u   /* §3.2: EAX at entry */
#define X86_PVH_START_MAGIC 0x336ec578u /* hvm_start_info.magic */

/* Multiboot information flags (§3.3) the VMM sets: the ones QEMU's loader sets. */
#define X86_MBI_MEMORY (1u << 0)
#define X86_MBI_BOOT_DEVICE (1u << 1)
#define X86_MBI_CMDLINE (1u << 2)
#define X86_MBI_MODS (1u << 3)
#define X86_MBI_MMAP (1u << 6)
#define X86_MBI_LOADER_NAME (1u << 9)

/* Offsets in the info page. */
#define X86_INFO_MAP 0x000u    /* e820-style entries: multiboot's with a size word, PVH's */
#define X86_INFO_STRUCT 0x500u /* the multiboot information / hvm_start_info */
#define X86_INFO_MODS 0x600u   /* one module entry */
#define X86_INFO_NAME 0x700u   /* the boot loader's name (multiboot) */
#define X86_INFO_PAGE 0x1000u

#define X86_BOOT_LOADER_NAME "Duet"

struct x86_boot32_layout {
    uint64_t ram_size;
    uint64_t info_gpa; /* the info page: page-aligned RAM below 1 MiB */
    /* The command line, NUL, then the module's own string, NUL (hv_pt_load CMDLINE). */
    uint64_t cmdline_gpa, cmdline_size;
    uint64_t initrd_gpa, initrd_size; /* the one module; size 0: none */
    uint64_t rsdp_gpa;                /* PVH's rsdp_paddr */
};

/* Write the structures into guest RAM; NULL, or what is wrong with the layout (then RAM is
 * unchanged). *ebx gets the address of the structure EBX must hold at entry. */
const char *x86_multiboot_info_build(const struct x86_guest_mem *m,
                                     const struct x86_boot32_layout *l, uint32_t *ebx);
const char *x86_pvh_info_build(const struct x86_guest_mem *m, const struct x86_boot32_layout *l,
                               uint32_t *ebx);
