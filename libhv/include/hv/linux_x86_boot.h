/* Linux's x86 boot protocol (Documentation/arch/x86/boot.rst) as the image builder and the
 * VMM read it: the offsets of the bzImage's setup header fields, which are also their offsets
 * in the zero page (struct boot_params) the header is copied into, and the zero page's own
 * fields the 64-bit entry needs. */
#pragma once

/* Setup header fields (offsets from the start of the image / zero page). The header starts
 * at its first field, setup_sects. */
#define BP_SETUP_HEADER 0x1f1
#define BP_SETUP_SECTS 0x1f1
#define BP_SYSSIZE 0x1f4
#define BP_BOOT_FLAG 0x1fe
#define BP_JUMP 0x200
#define BP_HEADER 0x202
#define BP_VERSION 0x206
#define BP_TYPE_OF_LOADER 0x210
#define BP_LOADFLAGS 0x211
#define BP_RAMDISK_IMAGE 0x218
#define BP_RAMDISK_SIZE 0x21c
#define BP_CMD_LINE_PTR 0x228
#define BP_INITRD_ADDR_MAX 0x22c
#define BP_KERNEL_ALIGNMENT 0x230
#define BP_RELOCATABLE 0x234
#define BP_XLOADFLAGS 0x236
#define BP_CMDLINE_SIZE 0x238
#define BP_HARDWARE_SUBARCH 0x23c
#define BP_SETUP_DATA 0x250
#define BP_PREF_ADDRESS 0x258
#define BP_INIT_SIZE 0x260
#define BP_HEADER_END 0x26c /* through kernel_info_offset (2.15) */
/* boot_params fields outside the header. */
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_E820_ENTRIES 0x1e8
#define BP_SENTINEL 0x1ef
#define BP_E820_TABLE 0x2d0
#define BP_E820_MAX 128
#define BP_ZERO_PAGE_SIZE 0x1000

#define BP_HDRS_MAGIC 0x53726448u /* "HdrS" */
#define BP_BOOT_FLAG_MAGIC 0xaa55u
#define BP_MIN_VERSION 0x020cu /* 2.12: xloadflags, the 64-bit entry's contract */
#define BP_LOADED_HIGH 0x01u
#define BP_XLF_KERNEL_64 0x01u
#define BP_LOADER_UNDEFINED 0xffu

/* The 64-bit entry (startup_64) is this far into the protected-mode kernel. */
#define BP_ENTRY64_OFFSET 0x200u
