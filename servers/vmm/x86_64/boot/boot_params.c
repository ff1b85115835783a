/* The boot_params builder: check first, then write, so a bad header or layout changes
 * nothing in guest RAM. */
#include "x86_64/boot/boot_params.h"

#include <hv/bytes.h>
#include <hv/proto/display.h>
#include <hv/proto/guest_layout_x86_64.h>
#include <hv/string.h>

const char *x86_setup_check(const uint8_t *base, size_t len, int whole_image,
                            struct x86_setup_info *out)
{
    if (len < BP_HEADER_END)
        return "image shorter than a setup header";
    if (hv_le16(base + BP_BOOT_FLAG) != BP_BOOT_FLAG_MAGIC)
        return "no 0xAA55 boot flag";
    if (hv_le32(base + BP_HEADER) != BP_HDRS_MAGIC)
        return "no 'HdrS' magic: not a bzImage with a setup header";
    struct x86_setup_info s = {0};
    s.version = hv_le16(base + BP_VERSION);
    if (s.version < BP_MIN_VERSION)
        return "boot protocol older than 2.12 (no 64-bit entry contract)";
    s.loadflags = base[BP_LOADFLAGS];
    if (!(s.loadflags & BP_LOADED_HIGH))
        return "not a bzImage (LOADED_HIGH clear: a zImage loads at 0x10000)";
    s.xloadflags = hv_le16(base + BP_XLOADFLAGS);
    if (!(s.xloadflags & BP_XLF_KERNEL_64))
        return "no 64-bit entry point (XLF_KERNEL_64 clear)";
    s.setup_sects = base[BP_SETUP_SECTS] ? base[BP_SETUP_SECTS] : 4;
    s.pm_offset = (uint64_t)(s.setup_sects + 1) * 512;
    s.pref_address = hv_le64(base + BP_PREF_ADDRESS);
    s.init_size = hv_le32(base + BP_INIT_SIZE);
    s.kernel_alignment = hv_le32(base + BP_KERNEL_ALIGNMENT);
    s.cmdline_size = hv_le32(base + BP_CMDLINE_SIZE);
    s.initrd_addr_max = hv_le32(base + BP_INITRD_ADDR_MAX);
    if (s.init_size == 0)
        return "init_size is 0";
    if (s.kernel_alignment == 0 || (s.kernel_alignment & (s.kernel_alignment - 1)))
        return "kernel_alignment is not a power of two";
    if (s.pref_address < HV_X86_GUEST_HIGH_RAM || (s.pref_address & (s.kernel_alignment - 1)))
        return "pref_address below 1 MiB or not kernel_alignment-aligned";
    if (whole_image) {
        uint64_t payload = (uint64_t)hv_le32(base + BP_SYSSIZE) * 16;
        if (s.pm_offset >= len)
            return "setup_sects run past the end of the image";
        if (payload > len - s.pm_offset)
            return "syssize runs past the end of the image";
        if (len - s.pm_offset > s.init_size)
            return "init_size smaller than the kernel itself";
    }
    *out = s;
    return NULL;
}

/* struct screen_info (include/uapi/linux/screen_info.h): the fields efifb reads. */
#define SI_ORIG_VIDEO_ISVGA 0x0f
#define SI_LFB_WIDTH 0x12
#define SI_LFB_HEIGHT 0x14
#define SI_LFB_DEPTH 0x16
#define SI_LFB_BASE 0x18
#define SI_LFB_SIZE 0x1c /* bytes for efifb (vesafb's is in 64 KiB units) */
#define SI_LFB_LINELENGTH 0x24
#define SI_RED_SIZE 0x26 /* then red_pos, green size/pos, blue size/pos, rsvd size/pos */
#define SI_CAPABILITIES 0x36
#define SI_EXT_LFB_BASE 0x3a
#define VIDEO_TYPE_EFI 0x70

void x86_screen_info_write(uint8_t *zp, uint64_t fb_gpa, uint32_t width, uint32_t height,
                           uint32_t stride)
{
    zp[SI_ORIG_VIDEO_ISVGA] = VIDEO_TYPE_EFI;
    hv_put_le16(zp + SI_LFB_WIDTH, (uint16_t)width);
    hv_put_le16(zp + SI_LFB_HEIGHT, (uint16_t)height);
    hv_put_le16(zp + SI_LFB_DEPTH, 32);
    hv_put_le32(zp + SI_LFB_BASE, (uint32_t)fb_gpa);
    hv_put_le32(zp + SI_LFB_SIZE, height * stride);
    hv_put_le16(zp + SI_LFB_LINELENGTH, (uint16_t)stride);
    /* XRGB8888: red bits 16..23, green 8..15, blue 0..7, the top byte unused. */
    const uint8_t sizes_positions[8] = {8, 16, 8, 8, 8, 0, 8, 24};
    memcpy(zp + SI_RED_SIZE, sizes_positions, sizeof(sizes_positions));
    hv_put_le32(zp + SI_CAPABILITIES, 0); /* a 32-bit base: no VIDEO_CAPABILITY_64BIT_BASE */
    hv_put_le32(zp + SI_EXT_LFB_BASE, 0);
}

unsigned x86_e820_map(uint64_t ram_size, uint8_t *e, unsigned max)
{
    /* Low RAM up to the EBDA; the EBDA, video and BIOS area (with the ACPI tables at
     * 0xe0000) reserved; RAM from 1 MiB. */
    const uint64_t map[][3] = {
        {0, HV_X86_GUEST_EBDA, E820_RAM},
        {HV_X86_GUEST_EBDA, 0xa0000 - HV_X86_GUEST_EBDA, E820_RESERVED},
        {HV_X86_GUEST_ACPI, HV_X86_GUEST_HIGH_RAM - HV_X86_GUEST_ACPI, E820_RESERVED},
        {HV_X86_GUEST_HIGH_RAM,
         ram_size > HV_X86_GUEST_HIGH_RAM ? ram_size - HV_X86_GUEST_HIGH_RAM : 0, E820_RAM},
    };
    unsigned n = 0;
    for (unsigned i = 0; i < 4 && n < max; i++) {
        if (map[i][1] == 0)
            continue;
        hv_put_le64(e + 20 * n, map[i][0]);
        hv_put_le64(e + 20 * n + 8, map[i][1]);
        hv_put_le32(e + 20 * n + 16, map[i][2]);
        n++;
    }
    return n;
}

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

static int in_ram(const struct x86_boot_layout *l, uint64_t gpa, uint64_t len)
{
    return gpa <= l->ram_size && len <= l->ram_size - gpa;
}

/* Every payload in RAM, where the header's rules allow, and out of each other's way. */
static const char *check_layout(const struct x86_guest_mem *m, const struct x86_boot_layout *l,
                                const struct x86_setup_info *s)
{
    if (l->ram_size > HV_X86_GUEST_DEVICES || l->ram_size > m->ram_size)
        return "RAM larger than the guest's address space below the device window";
    if (l->zero_page_gpa & 0xfff || !in_ram(l, l->zero_page_gpa, BP_ZERO_PAGE_SIZE) ||
        l->zero_page_gpa + BP_ZERO_PAGE_SIZE > HV_X86_GUEST_EBDA)
        return "zero page not a low page of RAM";
    if (l->entry != l->kernel_gpa + BP_ENTRY64_OFFSET)
        return "entry is not the kernel's 64-bit entry (load address + 0x200)";
    if (l->kernel_gpa != s->pref_address && (l->kernel_gpa & (s->kernel_alignment - 1)))
        return "kernel not at pref_address nor kernel_alignment-aligned";
    if (l->kernel_gpa < HV_X86_GUEST_HIGH_RAM || !in_ram(l, l->kernel_gpa, s->init_size))
        return "kernel and its init_size do not fit in RAM above 1 MiB";
    if (l->cmdline_size == 0 || !in_ram(l, l->cmdline_gpa, l->cmdline_size) ||
        l->cmdline_gpa + l->cmdline_size > 0x100000000ull)
        return "command line not in RAM below 4 GiB";
    if (l->cmdline_size - 1 > s->cmdline_size)
        return "command line longer than the kernel's cmdline_size";
    if (m->ram[l->cmdline_gpa + l->cmdline_size - 1] != 0)
        return "command line not NUL-terminated within cmdline_size";
    if (l->initrd_size) {
        if (!in_ram(l, l->initrd_gpa, l->initrd_size))
            return "initramfs not in RAM";
        if (l->initrd_gpa + l->initrd_size - 1 > s->initrd_addr_max)
            return "initramfs above the kernel's initrd_addr_max";
        if (overlaps(l->initrd_gpa, l->initrd_size, l->kernel_gpa, s->init_size))
            return "initramfs overlaps the kernel's init_size";
    }
    if (overlaps(l->zero_page_gpa, BP_ZERO_PAGE_SIZE, l->cmdline_gpa, l->cmdline_size))
        return "command line overlaps the zero page";
    if (!in_ram(l, l->acpi_gpa, 36) || l->acpi_gpa >= 0x100000000ull)
        return "RSDP not in RAM";
    return NULL;
}

const char *x86_boot_params_build(const struct x86_guest_mem *m, const struct x86_boot_layout *l)
{
    if (l->zero_page_gpa > m->ram_size || BP_ZERO_PAGE_SIZE > m->ram_size - l->zero_page_gpa)
        return "zero page not in RAM";
    uint8_t *zp = m->ram + l->zero_page_gpa;
    struct x86_setup_info s;
    const char *why = x86_setup_check(zp, BP_ZERO_PAGE_SIZE, 0, &s);
    if (!why)
        why = check_layout(m, l, &s);
    if (why)
        return why;
    /* Everything before the header is ours to define: zero it (boot.rst: "the zero page
     * should be cleared"), then the fields the 64-bit protocol reads. */
    /* The header ends at 0x202 + the byte at 0x201 (the jump's offset, boot.rst). */
    size_t hdr_end = BP_HEADER + zp[BP_JUMP + 1];
    if (hdr_end < BP_HEADER_END)
        hdr_end = BP_HEADER_END;
    memset(zp, 0, BP_SETUP_SECTS);
    memset(zp + hdr_end, 0, BP_ZERO_PAGE_SIZE - hdr_end);
    zp[BP_TYPE_OF_LOADER] = BP_LOADER_UNDEFINED;
    hv_put_le32(zp + BP_CMD_LINE_PTR, l->cmdline_gpa);
    hv_put_le32(zp + BP_EXT_CMD_LINE_PTR, l->cmdline_gpa >> 32);
    hv_put_le32(zp + BP_RAMDISK_IMAGE, l->initrd_gpa);
    hv_put_le32(zp + BP_RAMDISK_SIZE, l->initrd_size);
    hv_put_le32(zp + BP_EXT_RAMDISK_IMAGE, l->initrd_gpa >> 32);
    hv_put_le32(zp + BP_EXT_RAMDISK_SIZE, l->initrd_size >> 32);
    hv_put_le32(zp + BP_HARDWARE_SUBARCH, 0); /* a PC */
    hv_put_le64(zp + BP_SETUP_DATA, 0);
    hv_put_le64(zp + BP_ACPI_RSDP_ADDR, l->acpi_gpa);
    zp[BP_E820_ENTRIES] = (uint8_t)x86_e820_map(l->ram_size, zp + BP_E820_TABLE, BP_E820_MAX);
    zp[BP_SENTINEL] = 0; /* non-zero makes the kernel distrust the fields above */
    if (l->screen)
        x86_screen_info_write(zp, HV_DISPLAY_GUEST_FB_GPA_X86_64, HV_DISPLAY_WIDTH,
                              HV_DISPLAY_GUEST_HEIGHT, HV_DISPLAY_STRIDE);
    return NULL;
}
