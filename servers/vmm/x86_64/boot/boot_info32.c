/* Building the multiboot information and the PVH start info (boot_info32.h): the layout is
 * checked first, so a bad one leaves guest RAM as it was. */
#include "x86_64/boot/boot_info32.h"

#include "x86_64/boot/boot_params.h"
#include <hv/bytes.h>
#include <hv/proto/guest_layout_x86_64.h>
#include <hv/string.h>

#define MAP_MAX 8u

static int in_ram(const struct x86_boot32_layout *l, uint64_t gpa, uint64_t len)
{
    return gpa <= l->ram_size && len <= l->ram_size - gpa;
}

/* The module's string starts after the command line's NUL; "" when nothing follows it. */
static const char *check(const struct x86_guest_mem *m, const struct x86_boot32_layout *l,
                         uint64_t *module_string)
{
    if (l->ram_size > m->ram_size || l->ram_size > HV_X86_GUEST_DEVICES)
        return "RAM larger than the guest's address space below the device window";
    if (l->info_gpa & 0xfff || !in_ram(l, l->info_gpa, X86_INFO_PAGE) ||
        l->info_gpa + X86_INFO_PAGE > HV_X86_GUEST_EBDA)
        return "boot info page not a low page of RAM";
    if (l->cmdline_size == 0 || !in_ram(l, l->cmdline_gpa, l->cmdline_size) ||
        l->cmdline_gpa + l->cmdline_size > 0x100000000ull)
        return "command line not in RAM below 4 GiB";
    const uint8_t *c = m->ram + l->cmdline_gpa;
    if (c[l->cmdline_size - 1] != 0)
        return "command line not NUL-terminated";
    uint64_t n = 0;
    while (c[n])
        n++;
    *module_string = n + 1 < l->cmdline_size ? l->cmdline_gpa + n + 1 : l->cmdline_gpa + n;
    if (l->initrd_size && (!in_ram(l, l->initrd_gpa, l->initrd_size) ||
                           l->initrd_gpa + l->initrd_size > 0x100000000ull))
        return "module not in RAM below 4 GiB";
    return NULL;
}

/* The e820 map as multiboot's mmap (§3.3: a size word, 20, before each entry). Bytes. */
static uint32_t write_mb_map(uint8_t *p, uint64_t ram_size)
{
    uint8_t e[20 * MAP_MAX];
    unsigned n = x86_e820_map(ram_size, e, MAP_MAX);
    for (unsigned i = 0; i < n; i++) {
        hv_put_le32(p + 24 * i, 20);
        memcpy(p + 24 * i + 4, e + 20 * i, 20);
    }
    return 24 * n;
}

/* mem_lower/mem_upper (§3.3) as QEMU's multiboot.S derives them: KiB of RAM from 0, and of
 * the RAM contiguous from 1 MiB. */
static void mem_sizes(uint64_t ram_size, uint32_t *lower, uint32_t *upper)
{
    uint8_t e[20 * MAP_MAX];
    unsigned n = x86_e820_map(ram_size, e, MAP_MAX);
    uint64_t low = 0, high = HV_X86_GUEST_HIGH_RAM;
    for (unsigned i = 0; i < n; i++) {
        uint64_t base = hv_le64(e + 20 * i), len = hv_le64(e + 20 * i + 8);
        if (hv_le32(e + 20 * i + 16) != E820_RAM)
            continue;
        if (base == 0)
            low = len;
        if (base <= high && high < base + len && base + len <= 0x100000000ull)
            high = base + len;
    }
    *lower = (uint32_t)(low >> 10);
    *upper = (uint32_t)((high - HV_X86_GUEST_HIGH_RAM) >> 10);
}

const char *x86_multiboot_info_build(const struct x86_guest_mem *m,
                                     const struct x86_boot32_layout *l, uint32_t *ebx)
{
    uint64_t mod_string;
    const char *why = check(m, l, &mod_string);
    if (why)
        return why;
    uint8_t *page = m->ram + l->info_gpa, *mbi = page + X86_INFO_STRUCT;
    uint32_t base = (uint32_t)l->info_gpa, lower, upper;
    memset(page, 0, X86_INFO_PAGE);
    uint32_t map_len = write_mb_map(page + X86_INFO_MAP, l->ram_size);
    mem_sizes(l->ram_size, &lower, &upper);
    uint32_t flags = X86_MBI_MEMORY | X86_MBI_BOOT_DEVICE | X86_MBI_CMDLINE | X86_MBI_MODS |
                     X86_MBI_MMAP | X86_MBI_LOADER_NAME;
    hv_put_le32(mbi + 0, flags);
    hv_put_le32(mbi + 4, lower);
    hv_put_le32(mbi + 8, upper);
    hv_put_le32(mbi + 12, 0x8000ffffu); /* boot_device: BIOS disk 0x80, no partition (QEMU's) */
    hv_put_le32(mbi + 16, (uint32_t)l->cmdline_gpa);
    hv_put_le32(mbi + 20, l->initrd_size ? 1 : 0);
    hv_put_le32(mbi + 24, base + X86_INFO_MODS);
    hv_put_le32(mbi + 44, map_len);
    hv_put_le32(mbi + 48, base + X86_INFO_MAP);
    hv_put_le32(mbi + 64, base + X86_INFO_NAME);
    if (l->initrd_size) {
        uint8_t *mod = page + X86_INFO_MODS;
        hv_put_le32(mod + 0, (uint32_t)l->initrd_gpa);
        hv_put_le32(mod + 4, (uint32_t)(l->initrd_gpa + l->initrd_size));
        hv_put_le32(mod + 8, (uint32_t)mod_string);
    }
    memcpy(page + X86_INFO_NAME, X86_BOOT_LOADER_NAME, sizeof(X86_BOOT_LOADER_NAME));
    *ebx = base + X86_INFO_STRUCT;
    return NULL;
}

const char *x86_pvh_info_build(const struct x86_guest_mem *m, const struct x86_boot32_layout *l,
                               uint32_t *ebx)
{
    uint64_t mod_string;
    const char *why = check(m, l, &mod_string);
    if (why)
        return why;
    uint8_t *page = m->ram + l->info_gpa, *si = page + X86_INFO_STRUCT;
    uint32_t base = (uint32_t)l->info_gpa;
    uint8_t e[20 * MAP_MAX];
    memset(page, 0, X86_INFO_PAGE);
    /* struct hvm_memmap_table_entry: addr, size, type, reserved (24 bytes). */
    unsigned n = x86_e820_map(l->ram_size, e, MAP_MAX);
    for (unsigned i = 0; i < n; i++)
        memcpy(page + X86_INFO_MAP + 24 * i, e + 20 * i, 20);
    hv_put_le32(si + 0, X86_PVH_START_MAGIC);
    hv_put_le32(si + 4, 1); /* version 1: with the memory map */
    hv_put_le32(si + 8, 0); /* flags */
    hv_put_le32(si + 12, l->initrd_size ? 1 : 0);
    hv_put_le64(si + 16, l->initrd_size ? base + X86_INFO_MODS : 0);
    hv_put_le64(si + 24, l->cmdline_gpa);
    hv_put_le64(si + 32, l->rsdp_gpa);
    hv_put_le64(si + 40, base + X86_INFO_MAP);
    hv_put_le32(si + 48, n);
    if (l->initrd_size) {
        /* struct hvm_modlist_entry: paddr, size, cmdline_paddr, reserved. */
        uint8_t *mod = page + X86_INFO_MODS;
        hv_put_le64(mod + 0, l->initrd_gpa);
        hv_put_le64(mod + 8, l->initrd_size);
        hv_put_le64(mod + 16, mod_string);
    }
    *ebx = base + X86_INFO_STRUCT;
    return NULL;
}
