/* The Linux x86 boot protocol (Documentation/arch/x86/boot.rst), 64-bit entry: checking a
 * bzImage's setup header, and completing the zero page (struct boot_params) around the
 * header the image builder already copied to zero_page + 0x1f1: e820 map, command line,
 * initramfs, loader type, RSDP address. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "x86_64/guest_mem.h"
#include <hv/linux_x86_boot.h>

#define E820_RAM 1u
#define E820_RESERVED 2u

/* What the header says, once checked. */
struct x86_setup_info {
    uint16_t version;
    unsigned setup_sects; /* 0 in the header means 4 */
    uint64_t pm_offset;   /* where the protected-mode kernel starts in the image */
    uint64_t pref_address;
    uint32_t init_size;
    uint32_t kernel_alignment;
    uint32_t cmdline_size; /* max command line length, without the NUL */
    uint32_t initrd_addr_max;
    uint16_t xloadflags;
    uint8_t loadflags;
};

/* Checks the setup header at base + 0x1f1 (base is a bzImage of len bytes, or a zero page):
 * boot flag, "HdrS", version >= 2.12, LOADED_HIGH, XLF_KERNEL_64, a non-zero init_size, a
 * power-of-two alignment that pref_address honours. With a whole image, also that the
 * setup sectors and syssize fit in it. Returns NULL and fills *out when the header is good,
 * else a message saying what is wrong. */
const char *x86_setup_check(const uint8_t *base, size_t len, int whole_image,
                            struct x86_setup_info *out);

/* Where the payloads sit in guest RAM (struct hv_pt_partition has them). */
struct x86_boot_layout {
    uint64_t ram_size;
    uint64_t zero_page_gpa;
    uint64_t kernel_gpa; /* the protected-mode kernel (entry = kernel_gpa + 0x200) */
    uint64_t entry;
    uint64_t initrd_gpa, initrd_size;
    uint64_t cmdline_gpa, cmdline_size; /* size includes the NUL */
    uint64_t acpi_gpa;                  /* the RSDP */
    bool screen;                        /* the display server's framebuffer is mapped for it */
};

/* screen_info (the zero page's first 0x40 bytes) for efifb: an XRGB8888 framebuffer of
 * width x height pixels, stride bytes a row, at guest-physical fb_gpa (below 4 GiB), outside
 * the e820 RAM. */
void x86_screen_info_write(uint8_t *zp, uint64_t fb_gpa, uint32_t width, uint32_t height,
                           uint32_t stride);

/* Completes the zero page in guest RAM; the header must already be at zero_page + 0x1f1.
 * Returns NULL, or what is wrong (the header, or a payload that does not fit the header's
 * rules or RAM); on error guest RAM is unchanged. */
const char *x86_boot_params_build(const struct x86_guest_mem *m, const struct x86_boot_layout *l);

/* The e820 map of a partition with ram_size bytes (below HV_X86_GUEST_DEVICES): entries written to
 * e (up to max), count returned. */
unsigned x86_e820_map(uint64_t ram_size, uint8_t *e, unsigned max);
