/* The x86 loader guests (docs/conformance.md, "Loaders"): a 32-bit freestanding program booted
 * as a Multiboot ELF32, a Multiboot a.out-kludge binary or a PVH ELF, that checks what its
 * loader handed it (Multiboot 0.6.96 §3.2-3.3; Xen's arch-x86/hvm/start_info.h and the PVH
 * entry ABI) and prints PASS/FAIL lines, then stops the machine through port 0xf4. The same
 * file runs on bare QEMU (`-kernel`) and as a partition's kernel; scripts/conform compares. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader_module.h"

#define CMDLINE "conform" /* test/conformance/conform.h CONFORM_CMDLINE */
#define COM1 0x3f8
#define EXIT_PORT 0xf4

#define MB_EAX 0x2badb002u
#define MBI_MEMORY (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER_NAME (1u << 9)
#define PVH_MAGIC 0x336ec578u

#if defined(LOADER_MB_ELF)
#define FORMAT "multiboot ELF32"
#define ID_BASE 1
#elif defined(LOADER_MB_AOUT)
#define FORMAT "multiboot a.out kludge"
#define ID_BASE 7
#elif defined(LOADER_PVH)
#define FORMAT "PVH ELF"
#define ID_BASE 13
#else
#error "LOADER_MB_ELF, LOADER_MB_AOUT or LOADER_PVH"
#endif
#define NCHECKS 6

extern uint32_t entry_eax, entry_ebx, entry_cr0, entry_eflags;
extern uint16_t entry_cs, entry_ds, entry_es, entry_ss;
extern char _load_start[], _bss_end[];

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void putc_(char c)
{
    for (unsigned i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
        ;
    outb(COM1, (uint8_t)c);
}

static void puts_(const char *s)
{
    while (*s)
        putc_(*s++);
}

static void put_hex(uint64_t v)
{
    puts_("0x");
    bool started = false;
    for (int shift = 60; shift >= 0; shift -= 4) {
        unsigned d = (unsigned)(v >> shift) & 0xf;
        if (d || started || shift == 0) {
            putc_("0123456789abcdef"[d]);
            started = true;
        }
    }
}

static void put_dec(uint32_t v)
{
    char b[12];
    int n = 0;
    do
        b[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (n)
        putc_(b[--n]);
}

/* Up to 60 printable characters of a guest string, so a bad pointer can't flood the line. */
static void put_str(const char *s)
{
    putc_('\'');
    for (unsigned i = 0; i < 60 && s[i]; i++)
        putc_(s[i] >= 32 && s[i] < 127 ? s[i] : '?');
    putc_('\'');
}

static unsigned failures, reported;

static void result(unsigned n, bool ok)
{
    puts_(ok ? "PASS: LOAD-X" : "FAIL: LOAD-X");
    put_dec(ID_BASE + n);
    puts_(": " FORMAT ": ");
    failures += !ok;
    reported++;
}

static uint32_t rd32(uint32_t addr)
{
    return *(volatile const uint32_t *)(uintptr_t)addr;
}

static uint64_t rd64(uint32_t addr)
{
    return rd32(addr) | (uint64_t)rd32(addr + 4) << 32;
}

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = str_len(s), m = str_len(tail);
    for (size_t i = 0; n >= m && i < m; i++)
        if (s[n - m + i] != tail[i])
            return false;
    return n >= m;
}

/* LSL/LAR on a selector: its byte limit and access rights (SDM Vol. 2, LAR/LSL). */
static bool seg_flat(uint16_t sel, bool code)
{
    uint32_t limit = 0, ar = 0, zf1 = 0, zf2 = 0;
    __asm__ volatile("lsl %2, %0; setz %b1" : "=r"(limit), "=q"(zf1) : "r"((uint32_t)sel));
    __asm__ volatile("lar %2, %0; setz %b1" : "=r"(ar), "=q"(zf2) : "r"((uint32_t)sel));
    bool present = ar & (1u << 15), is_code = ar & (1u << 11), big = ar & (1u << 22);
    bool writable_or_readable = ar & (1u << 9);
    return (zf1 & 1) && (zf2 & 1) && limit == 0xffffffffu && present && is_code == code && big &&
           writable_or_readable;
}

/* Segment bases are not readable in protected mode: a flat DS reads linear address X at X. */
static bool ds_base_zero(void)
{
    return *(volatile uint32_t *)(uintptr_t)&entry_eax == entry_eax;
}

/* Protected mode, paging off, flat 32-bit code and data, IF and VM clear (§3.2; PVH ABI). */
static void check_entry_state(unsigned n)
{
    bool ok = (entry_cr0 & 1) && !(entry_cr0 & 0x80000000u) && seg_flat(entry_cs, true) &&
              seg_flat(entry_ds, false) && seg_flat(entry_es, false) && seg_flat(entry_ss, false) &&
              ds_base_zero() && !(entry_eflags & (1u << 9)) && !(entry_eflags & (1u << 17));
    result(n, ok);
    puts_("entry CR0 ");
    put_hex(entry_cr0);
    puts_(" EFLAGS ");
    put_hex(entry_eflags);
    puts_(" CS ");
    put_hex(entry_cs);
    puts_(" DS ");
    put_hex(entry_ds);
    puts_(ok ? ": PE, no paging, flat 32-bit segments, IF=0\n" : ": not as the protocol says\n");
}

/* The map has an available entry (type 1) holding [lo, hi): the image, or the module. */
static bool map_covers(uint32_t map, uint32_t len, unsigned stride, unsigned type_off,
                       unsigned base_off, uint64_t lo, uint64_t hi)
{
    for (uint32_t p = map; p + stride <= map + len; p += stride ? stride : 4 + rd32(p)) {
        uint64_t base = rd64(p + base_off), size = rd64(p + base_off + 8);
        if (rd32(p + type_off) == 1 && base <= lo && hi <= base + size)
            return true;
    }
    return false;
}

/* The module: the file scripts/conform passes (-initrd / the manifest's initramfs). */
static bool module_ok(uint64_t start, uint64_t end)
{
    const uint8_t *m = (const uint8_t *)(uintptr_t)start;
    bool magic = end - start == LOADER_MODULE_SIZE;
    for (unsigned i = 0; magic && i < sizeof(LOADER_MODULE_MAGIC) - 1; i++)
        magic = m[i] == (uint8_t)LOADER_MODULE_MAGIC[i];
    for (unsigned i = sizeof(LOADER_MODULE_MAGIC) - 1; magic && i < LOADER_MODULE_SIZE; i++)
        magic = m[i] == LOADER_MODULE_BYTE(i);
    return magic;
}

#if defined(LOADER_MB_ELF) || defined(LOADER_MB_AOUT)
static void run_checks(void)
{
    uint32_t mbi = entry_ebx, flags = rd32(mbi);
    const uint32_t want = MBI_MEMORY | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER_NAME;
    uint64_t lo = (uintptr_t)_load_start, hi = (uintptr_t)_bss_end;

    /* §3.2: EAX holds the magic, EBX the information structure; §3.3 its flags. */
    result(0, entry_eax == MB_EAX && (flags & want) == want);
    puts_("EAX ");
    put_hex(entry_eax);
    puts_(", info at ");
    put_hex(mbi);
    puts_(" flags ");
    put_hex(flags);
    puts_(" (want 0x2badb002, flags with mem, cmdline, mods, mmap, loader name)\n");

    check_entry_state(1);

    /* §3.3: mmap_* lists the RAM, which holds this image; mem_upper is the RAM contiguous from
     * 1 MiB (QEMU's multiboot.S reads it from the same map), mem_lower at most 640 KiB. */
    uint32_t len = rd32(mbi + 44), map = rd32(mbi + 48), lower = rd32(mbi + 4),
             upper = rd32(mbi + 8);
    uint64_t upper_end = 0x100000;
    for (bool grew = true; grew;) {
        grew = false;
        for (uint32_t p = map; (flags & MBI_MMAP) && p < map + len; p += 4 + rd32(p)) {
            uint64_t base = rd64(p + 4), size = rd64(p + 12);
            if (rd32(p + 20) == 1 && base <= upper_end && upper_end < base + size) {
                upper_end = base + size;
                grew = true;
            }
        }
    }
    bool covers = (flags & MBI_MMAP) && map_covers(map, len, 0, 20, 4, lo, hi);
    bool sizes = (flags & MBI_MEMORY) && lower > 0 && lower <= 640 &&
                 (uint64_t)upper == (upper_end - 0x100000) >> 10;
    result(2, covers && sizes);
    puts_("image [");
    put_hex(lo);
    puts_(", ");
    put_hex(hi);
    puts_(covers ? ") in an available mmap entry" : ") in no available mmap entry");
    puts_("; mem_lower ");
    put_dec(lower);
    puts_(" KiB, mem_upper ");
    put_dec(upper);
    puts_(sizes ? " KiB, agree with the map\n" : " KiB, disagree with the map\n");

    /* §3.3: cmdline; QEMU and a partition pass "<kernel file> <append>". */
    const char *cmd = (flags & MBI_CMDLINE) ? (const char *)(uintptr_t)rd32(mbi + 16) : "";
    result(3, ends_with(cmd, " " CMDLINE));
    puts_("command line ");
    put_str(cmd);
    puts_(", ends with ' " CMDLINE "'\n");

    /* §3.3: one module, the file given as the initramfs, with its name as its string. */
    uint32_t count = (flags & MBI_MODS) ? rd32(mbi + 20) : 0, mods = rd32(mbi + 24);
    bool mod = count == 1 && module_ok(rd32(mods), rd32(mods + 4)) &&
               ends_with((const char *)(uintptr_t)rd32(mods + 8), LOADER_MODULE_FILE) &&
               (rd32(mods) & 0xfff) == 0 &&
               map_covers(map, len, 0, 20, 4, rd32(mods), rd32(mods + 4));
    result(4, mod);
    puts_("mods_count ");
    put_dec(count);
    if (count) {
        puts_(", module [");
        put_hex(rd32(mods));
        puts_(", ");
        put_hex(rd32(mods + 4));
        puts_(") string ");
        put_str((const char *)(uintptr_t)rd32(mods + 8));
    }
    puts_(mod ? ": the file's bytes, page-aligned, in RAM\n" : ": not the module given\n");

    const char *name = (flags & MBI_LOADER_NAME) ? (const char *)(uintptr_t)rd32(mbi + 64) : "";
    result(5, str_len(name) > 0);
    puts_("boot loader name ");
    put_str(name);
    puts_("\n");
}
#else
static void run_checks(void)
{
    uint32_t si = entry_ebx;
    uint64_t lo = (uintptr_t)_load_start, hi = (uintptr_t)_bss_end;

    /* start_info.h: EBX = the physical address of struct hvm_start_info, magic first. */
    result(0, rd32(si) == PVH_MAGIC && rd32(si + 4) >= 1);
    puts_("EBX ");
    put_hex(si);
    puts_(" magic ");
    put_hex(rd32(si));
    puts_(" version ");
    put_dec(rd32(si + 4));
    puts_(" (want 0x336ec578, version >= 1)\n");

    check_entry_state(1);

    /* Version 1: memmap_paddr/memmap_entries (24-byte entries) list the RAM, holding us. */
    uint32_t map = (uint32_t)rd64(si + 40), entries = rd32(si + 48);
    bool covers = rd32(si + 4) >= 1 && entries > 0 && entries < 128 &&
                  map_covers(map, entries * 24, 24, 16, 0, lo, hi);
    result(2, covers);
    puts_("memmap at ");
    put_hex(map);
    puts_(", ");
    put_dec(entries);
    puts_(covers ? " entries, one available holds the image\n"
                 : " entries, none available holds the image\n");

    const char *cmd = (const char *)(uintptr_t)rd64(si + 24);
    bool cmd_ok = rd64(si + 24) != 0 && ends_with(cmd, CMDLINE) && str_len(cmd) == 7;
    result(3, cmd_ok);
    puts_("cmdline_paddr ");
    put_hex(rd64(si + 24));
    if (rd64(si + 24)) {
        puts_(" ");
        put_str(cmd);
    }
    puts_(", want '" CMDLINE "'\n");

    /* hvm_modlist_entry: paddr, size, cmdline_paddr, reserved. */
    uint32_t count = rd32(si + 12), mods = (uint32_t)rd64(si + 16);
    bool mod = count == 1 && module_ok(rd64(mods), rd64(mods) + rd64(mods + 8)) &&
               map_covers(map, entries * 24, 24, 16, 0, rd64(mods), rd64(mods) + rd64(mods + 8));
    result(4, mod);
    puts_("nr_modules ");
    put_dec(count);
    if (count) {
        puts_(", module at ");
        put_hex(rd64(mods));
        puts_(" size ");
        put_dec((uint32_t)rd64(mods + 8));
    }
    puts_(mod ? ": the file's bytes, in RAM\n" : ": not the module given\n");

    /* rsdp_paddr: the ACPI RSDP, "RSD PTR " with a zero checksum over its first 20 bytes. */
    uint32_t rsdp = (uint32_t)rd64(si + 32);
    const uint8_t *r = (const uint8_t *)(uintptr_t)rsdp;
    bool sig = rsdp != 0;
    for (unsigned i = 0; sig && i < 8; i++)
        sig = r[i] == (uint8_t) "RSD PTR "[i];
    uint8_t sum = 0;
    for (unsigned i = 0; sig && i < 20; i++)
        sum = (uint8_t)(sum + r[i]);
    result(5, sig && sum == 0);
    puts_("rsdp_paddr ");
    put_hex(rsdp);
    puts_(sig && sum == 0 ? ": an RSDP with a good checksum\n" : ": no valid RSDP there\n");
}
#endif

void loader_main(void)
{
    /* The 16550 as the BIOS leaves it, 8N1; a partition's is already usable. */
    outb(COM1 + 1, 0);
    outb(COM1 + 3, 0x03);
    puts_("PLAN: ");
    put_dec(NCHECKS);
    puts_(" checks\nLOADER: " FORMAT "\n");
    run_checks();
    puts_("SUMMARY: ");
    put_dec(reported);
    puts_(" tests, ");
    put_dec(failures);
    puts_(" unexpected failures\n");
    /* QEMU's isa-debug-exit and a partition's test exit port: status 0. */
    __asm__ volatile("outl %0, %1" : : "a"(0u), "Nd"((uint16_t)EXIT_PORT));
    puts_("GUEST-EXIT-FAILED: port 0xf4 did not stop the machine\n");
}
