/* The image builder's loaders beyond an arm64 Image and a bzImage (boot_formats.c and
 * kernel_probe.c): the multiboot header search, the PVH note search and ELF32/ET_DYN handling,
 * fed well-formed and malformed files; and where layout puts what they describe. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot_formats.h"
#include "check_run.h"
#include "diag.h"
#include "mkimage.h"
#include <hv/bytes.h>

static char dir[64];

static const char *write_kernel(const char *name, const void *bytes, size_t n)
{
    static char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
    fclose(f);
    return path;
}

/* kernel_probe on bytes: its result, the message kept in mk_last_error(). */
static int probe(const void *bytes, size_t n, enum mk_arch arch, struct mk_kernel *k)
{
    mk_set_quiet(true);
    return kernel_probe("t", write_kernel("kernel", bytes, n), arch, k);
}

static void expect_refusal(const void *bytes, size_t n, enum mk_arch arch, const char *msg)
{
    struct mk_kernel k;
    ck_assert_int_eq(probe(bytes, n, arch, &k), -1);
    ck_assert_msg(strstr(mk_last_error(), msg), "got \"%s\", want \"%s\"", mk_last_error(), msg);
}

/* A multiboot header at off: magic, flags, checksum, and the a.out fields when flag 16. */
static void put_mb(uint8_t *p, uint32_t flags, uint32_t header_addr, uint32_t load_addr,
                   uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
    hv_put_le32(p, BF_MB_MAGIC);
    hv_put_le32(p + 4, flags);
    hv_put_le32(p + 8, (uint32_t) - (BF_MB_MAGIC + flags));
    hv_put_le32(p + 12, header_addr);
    hv_put_le32(p + 16, load_addr);
    hv_put_le32(p + 20, load_end);
    hv_put_le32(p + 24, bss_end);
    hv_put_le32(p + 28, entry);
}

/* An ELF of either class with one PT_LOAD of 0x100 bytes at file offset 0x1000 (loaded at
 * paddr, linked at vaddr) and, if notes, a PT_NOTE at 0x800 holding `notes`. */
static size_t make_elf(uint8_t *img, bool is64, uint16_t type, uint16_t machine, uint64_t vaddr,
                       uint64_t paddr, uint64_t entry, const uint8_t *notes, size_t notes_len)
{
    memset(img, 0, 0x2000);
    memcpy(img, "\177ELF", 4);
    img[4] = is64 ? 2 : 1;
    img[5] = 1;
    img[6] = 1;
    hv_put_le16(img + 16, type);
    hv_put_le16(img + 18, machine);
    unsigned phnum = notes ? 2 : 1, phsize = is64 ? 56 : 32, phoff = is64 ? 64 : 52;
    if (is64) {
        hv_put_le64(img + 24, entry);
        hv_put_le64(img + 32, phoff);
        hv_put_le16(img + 54, (uint16_t)phsize);
        hv_put_le16(img + 56, (uint16_t)phnum);
    } else {
        hv_put_le32(img + 24, (uint32_t)entry);
        hv_put_le32(img + 28, phoff);
        hv_put_le16(img + 42, (uint16_t)phsize);
        hv_put_le16(img + 44, (uint16_t)phnum);
    }
    for (unsigned i = 0; i < phnum; i++) {
        uint8_t *ph = img + phoff + i * phsize;
        uint32_t t = i == 0 ? BF_ELF_PT_LOAD : BF_ELF_PT_NOTE;
        uint64_t off = i == 0 ? 0x1000 : 0x800, size = i == 0 ? 0x100 : notes_len;
        hv_put_le32(ph, t);
        if (is64) {
            hv_put_le32(ph + 4, 5); /* R|X */
            hv_put_le64(ph + 8, off);
            hv_put_le64(ph + 16, vaddr);
            hv_put_le64(ph + 24, paddr);
            hv_put_le64(ph + 32, size);
            hv_put_le64(ph + 40, i == 0 ? 0x2000 : size);
        } else {
            hv_put_le32(ph + 4, (uint32_t)off);
            hv_put_le32(ph + 8, (uint32_t)vaddr);
            hv_put_le32(ph + 12, (uint32_t)paddr);
            hv_put_le32(ph + 16, (uint32_t)size);
            hv_put_le32(ph + 20, (uint32_t)(i == 0 ? 0x2000 : size));
            hv_put_le32(ph + 24, 5);
        }
    }
    if (notes)
        memcpy(img + 0x800, notes, notes_len);
    return 0x2000;
}

/* A "Xen" note of type t with a desc of dsz bytes holding v. Returns its length. */
static size_t put_note(uint8_t *n, uint32_t t, uint32_t dsz, uint64_t v)
{
    hv_put_le32(n, 4);
    hv_put_le32(n + 4, dsz);
    hv_put_le32(n + 8, t);
    memcpy(n + 12, "Xen", 4);
    if (dsz == 8)
        hv_put_le64(n + 16, v);
    else if (dsz >= 4)
        hv_put_le32(n + 16, (uint32_t)v);
    return 16 + ((dsz + 3) & ~3u);
}

START_TEST(test_multiboot_search)
{
    static uint8_t buf[BF_MB_SEARCH + 64];
    struct bf_multiboot mb;
    const char *why = NULL;

    memset(buf, 0, sizeof(buf));
    ck_assert_int_eq(bf_multiboot_find(buf, sizeof(buf), &mb, &why), 0);
    /* A stray magic with a wrong checksum is not a header; the real one after it is found. */
    hv_put_le32(buf + 0x40, BF_MB_MAGIC);
    put_mb(buf + 0x80, 3, 0, 0, 0, 0, 0);
    ck_assert_int_eq(bf_multiboot_find(buf, sizeof(buf), &mb, &why), 1);
    ck_assert_uint_eq(mb.offset, 0x80);
    ck_assert_uint_eq(mb.flags, 3);
    /* Only 4-byte-aligned offsets count, and only in the first 8192 bytes. */
    memset(buf, 0, sizeof(buf));
    put_mb(buf + 0x82, 3, 0, 0, 0, 0, 0);
    ck_assert_int_eq(bf_multiboot_find(buf, sizeof(buf), &mb, &why), 0);
    memset(buf, 0, sizeof(buf));
    put_mb(buf + BF_MB_SEARCH, 3, 0, 0, 0, 0, 0);
    ck_assert_int_eq(bf_multiboot_find(buf, sizeof(buf), &mb, &why), 0);
    /* Cut off: the magic in the last word of the file, or the a.out fields past its end. */
    memset(buf, 0, sizeof(buf));
    hv_put_le32(buf + 60, BF_MB_MAGIC);
    ck_assert_int_eq(bf_multiboot_find(buf, 64, &mb, &why), -1);
    ck_assert_str_eq(why, "the multiboot header is cut off by the end of the file");
    put_mb(buf + 32, BF_MB_FLAG_AOUT_KLUDGE, 0, 0, 0, 0, 0);
    ck_assert_int_eq(bf_multiboot_find(buf, 48, &mb, &why), -1);
    ck_assert_str_eq(why, "the multiboot header's address fields are cut off by the end of the "
                          "file");
}
END_TEST

START_TEST(test_multiboot_aout_fields)
{
    struct bf_multiboot mb = {.offset = 0x40,
                              .flags = BF_MB_FLAG_AOUT_KLUDGE,
                              .header_addr = 0x100040,
                              .load_addr = 0x100000,
                              .load_end_addr = 0x101000,
                              .bss_end_addr = 0x104000,
                              .entry_addr = 0x100080};
    uint64_t off, load, mem;
    ck_assert_ptr_null(bf_multiboot_aout(&mb, 0x2000, &off, &load, &mem));
    ck_assert_uint_eq(off, 0);
    ck_assert_uint_eq(load, 0x1000);
    ck_assert_uint_eq(mem, 0x4000);
    /* load_end_addr 0: to the end of the file; bss_end_addr 0: no bss. */
    struct bf_multiboot m2 = mb;
    m2.load_end_addr = m2.bss_end_addr = 0;
    ck_assert_ptr_null(bf_multiboot_aout(&m2, 0x2000, &off, &load, &mem));
    ck_assert_uint_eq(load, 0x2000);
    ck_assert_uint_eq(mem, 0x2000);

    static const struct {
        uint32_t header_addr, load_addr, load_end, bss_end, entry;
        uint64_t file_size;
        const char *why;
    } bad[] = {
        {0x0fff00, 0x100000, 0, 0, 0x100000, 0x2000, "do not agree"}, /* header below load */
        {0x200000, 0x100000, 0, 0, 0x100000, 0x2000, "do not agree"}, /* before file start */
        {0x100040, 0x100000, 0x0ff000, 0, 0x100000, 0x2000, "load_end_addr is below"},
        {0x100040, 0x100000, 0x104000, 0, 0x100000, 0x2000, "past the end of the file"},
        {0x100040, 0x100000, 0x101000, 0x100800, 0x100000, 0x2000, "bss_end_addr is below"},
        {0x100040, 0x100000, 0x101000, 0, 0x200000, 0x2000, "entry_addr is outside"},
        {0x100040, 0x100000, 0x100000, 0, 0x100000, 0x2000, "load range is empty"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct bf_multiboot b = {.offset = 0x40,
                                 .flags = BF_MB_FLAG_AOUT_KLUDGE,
                                 .header_addr = bad[i].header_addr,
                                 .load_addr = bad[i].load_addr,
                                 .load_end_addr = bad[i].load_end,
                                 .bss_end_addr = bad[i].bss_end,
                                 .entry_addr = bad[i].entry};
        const char *why = bf_multiboot_aout(&b, bad[i].file_size, &off, &load, &mem);
        ck_assert_msg(why && strstr(why, bad[i].why), "case %zu: got \"%s\"", i,
                      why ? why : "(accepted)");
    }
}
END_TEST

START_TEST(test_pvh_note_search)
{
    uint8_t n[128];
    uint64_t entry = 0;
    const char *why = NULL;
    size_t len = put_note(n, 1, 4, 0x1234); /* another Xen note first */
    len += put_note(n + len, BF_XEN_ELFNOTE_PHYS32_ENTRY, 8, 0x1000c0);
    ck_assert_int_eq(bf_pvh_note(n, len, &entry, &why), 1);
    ck_assert_uint_eq(entry, 0x1000c0);
    len = put_note(n, BF_XEN_ELFNOTE_PHYS32_ENTRY, 4, 0x200000);
    ck_assert_int_eq(bf_pvh_note(n, len, &entry, &why), 1);
    ck_assert_uint_eq(entry, 0x200000);
    /* No PVH note at all; a note of the right type but another owner. */
    len = put_note(n, 1, 4, 5);
    ck_assert_int_eq(bf_pvh_note(n, len, &entry, &why), 0);
    len = put_note(n, BF_XEN_ELFNOTE_PHYS32_ENTRY, 4, 5);
    memcpy(n + 12, "Xe\0\0", 4);
    ck_assert_int_eq(bf_pvh_note(n, len, &entry, &why), 0);
    /* Malformed: a header cut off, a desc running past the segment, a huge namesz (no wrap),
     * the value of the wrong size, zero, or above 4 GiB. */
    ck_assert_int_eq(bf_pvh_note(n, 8, &entry, &why), -1);
    ck_assert_str_eq(why, "an ELF note header is cut off");
    len = put_note(n, BF_XEN_ELFNOTE_PHYS32_ENTRY, 8, 0x100000);
    ck_assert_int_eq(bf_pvh_note(n, len - 4, &entry, &why), -1);
    ck_assert_str_eq(why, "an ELF note runs past its segment");
    hv_put_le32(n, 0xfffffffc);
    ck_assert_int_eq(bf_pvh_note(n, len, &entry, &why), -1);
    ck_assert_str_eq(why, "an ELF note runs past its segment");
    len = put_note(n, BF_XEN_ELFNOTE_PHYS32_ENTRY, 2, 0);
    ck_assert_int_eq(bf_pvh_note(n, len, &entry, &why), -1);
    ck_assert_str_eq(why, "the PVH entry note is not a 4- or 8-byte address");
    len = put_note(n, BF_XEN_ELFNOTE_PHYS32_ENTRY, 4, 0);
    ck_assert_int_eq(bf_pvh_note(n, len, &entry, &why), -1);
    len = put_note(n, BF_XEN_ELFNOTE_PHYS32_ENTRY, 8, 0x100000000ull);
    ck_assert_int_eq(bf_pvh_note(n, len, &entry, &why), -1);
    ck_assert_str_eq(why, "the PVH entry point is 0 or not below 4 GiB");
}
END_TEST

START_TEST(test_elf_header)
{
    static uint8_t img[0x2000];
    struct bf_elf e;
    make_elf(img, false, BF_ELF_ET_EXEC, BF_ELF_EM_386, 0x100000, 0x100000, 0x100010, NULL, 0);
    ck_assert_ptr_null(bf_elf_header(img, sizeof(img), &e));
    ck_assert(!e.is64);
    ck_assert_uint_eq(e.entry, 0x100010);
    ck_assert_uint_eq(e.phnum, 1);
    ck_assert_str_eq(bf_elf_header(img, 40, &e), "not an ELF file");
    img[5] = 2;
    ck_assert_str_eq(bf_elf_header(img, sizeof(img), &e), "the ELF is not little-endian");
    img[5] = 1;
    img[4] = 3;
    ck_assert_str_eq(bf_elf_header(img, sizeof(img), &e),
                     "the ELF class is neither 32- nor 64-bit");
    img[4] = 1;
    hv_put_le16(img + 42, 56); /* a 64-bit program header size in a 32-bit file */
    ck_assert_str_eq(bf_elf_header(img, sizeof(img), &e), "the ELF program headers are malformed");
    make_elf(img, true, BF_ELF_ET_DYN, BF_ELF_EM_AARCH64, 0, 0, 0, NULL, 0);
    ck_assert_str_eq(bf_elf_header(img, 60, &e), "the ELF header is cut off");
    hv_put_le16(img + 56, 0);
    ck_assert_str_eq(bf_elf_header(img, sizeof(img), &e), "the ELF program headers are malformed");
}
END_TEST

/* AArch64: anything that is neither ELF nor Image is a raw binary at RAM base + 0x80000. */
START_TEST(test_probe_arm64_raw_and_dyn)
{
    static uint8_t img[0x2000];
    struct mk_kernel k;
    memset(img, 0x11, sizeof(img));
    ck_assert_int_eq(probe(img, 0x1234, MK_AARCH64, &k), 0);
    ck_assert_uint_eq(k.boot, HV_PT_BOOT_ARM64_IMAGE);
    ck_assert(k.raw);
    ck_assert_uint_eq(k.text_offset, 0x80000);
    ck_assert_uint_eq(k.image_size, 0x1234);
    img[0] = 0x1f, img[1] = 0x8b;
    expect_refusal(img, 64, MK_AARCH64, "is gzip- or U-Boot-packed");

    /* ET_DYN, linked at one address and loaded at another: entry moved with the segment. */
    make_elf(img, true, BF_ELF_ET_DYN, BF_ELF_EM_AARCH64, 0x1000, 0x40200000, 0x1010, NULL, 0);
    ck_assert_int_eq(probe(img, sizeof(img), MK_AARCH64, &k), 0);
    ck_assert_uint_eq(k.boot, HV_PT_BOOT_ELF);
    ck_assert_uint_eq(k.nsegs, 1);
    ck_assert_uint_eq(k.seg[0].paddr, 0x40200000);
    ck_assert_uint_eq(k.entry, 0x40200010);
    make_elf(img, true, 1 /* ET_REL */, BF_ELF_EM_AARCH64, 0, 0x40200000, 0, NULL, 0);
    expect_refusal(img, sizeof(img), MK_AARCH64, "neither an executable (ET_EXEC) nor");
    make_elf(img, false, BF_ELF_ET_EXEC, BF_ELF_EM_AARCH64, 0, 0x40200000, 0, NULL, 0);
    expect_refusal(img, sizeof(img), MK_AARCH64, "kernel ELF is 32-bit");
    make_elf(img, true, BF_ELF_ET_DYN, BF_ELF_EM_AARCH64, 0x1000, 0x40200000, 0x1010, NULL, 0);
    expect_refusal(img, 0x1080, MK_AARCH64, "segment 0 lies outside the file");
}
END_TEST

START_TEST(test_probe_x86_multiboot)
{
    static uint8_t img[0x3000];
    struct mk_kernel k;
    /* The a.out kludge: header 0x40 into a file loaded at 1 MiB, bss to 1 MiB + 16 KiB. */
    memset(img, 0, sizeof(img));
    put_mb(img + 0x40, BF_MB_FLAG_AOUT_KLUDGE | 3, 0x100040, 0x100000, 0, 0x104000, 0x100080);
    ck_assert_int_eq(probe(img, 0x3000, MK_X86_64, &k), 0);
    ck_assert_uint_eq(k.boot, HV_PT_BOOT_X86_MULTIBOOT);
    ck_assert_uint_eq(k.nsegs, 1);
    ck_assert_uint_eq(k.seg[0].offset, 0);
    ck_assert_uint_eq(k.seg[0].filesz, 0x3000);
    ck_assert_uint_eq(k.seg[0].memsz, 0x4000);
    ck_assert_uint_eq(k.entry, 0x100080);
    put_mb(img + 0x40, BF_MB_FLAG_AOUT_KLUDGE, 0x100040, 0x100000, 0x200000, 0, 0x100080);
    expect_refusal(img, 0x3000, MK_X86_64, "load_end_addr is past the end of the file");
    expect_refusal(img, 0x44 + 8, MK_X86_64, "address fields are cut off");

    /* An ELF32 with the header in its loaded bytes; an x86-64 ELF without the kludge is
     * refused as QEMU refuses it. */
    make_elf(img, false, BF_ELF_ET_EXEC, BF_ELF_EM_386, 0x100000, 0x100000, 0x100020, NULL, 0);
    put_mb(img + 0x1000, 3, 0, 0, 0, 0, 0);
    ck_assert_int_eq(probe(img, 0x2000, MK_X86_64, &k), 0);
    ck_assert_uint_eq(k.boot, HV_PT_BOOT_X86_MULTIBOOT);
    ck_assert_uint_eq(k.entry, 0x100020);
    ck_assert_uint_eq(k.seg[0].memsz, 0x2000);
    make_elf(img, true, BF_ELF_ET_EXEC, BF_ELF_EM_X86_64, 0x100000, 0x100000, 0x100020, NULL, 0);
    put_mb(img + 0x1000, 3, 0, 0, 0, 0, 0);
    expect_refusal(img, 0x2000, MK_X86_64, "multiboot kernel ELF must be 32-bit i386");
    /* Flag 16 clear and not an ELF at all. */
    memset(img, 0, sizeof(img));
    put_mb(img + 0x100, 3, 0, 0, 0, 0, 0);
    expect_refusal(img, 0x2000, MK_X86_64, "must be an ELF: not an ELF file");
}
END_TEST

START_TEST(test_probe_x86_pvh)
{
    static uint8_t img[0x2000];
    uint8_t note[64];
    struct mk_kernel k;
    size_t n = put_note(note, BF_XEN_ELFNOTE_PHYS32_ENTRY, 8, 0x100040);
    make_elf(img, true, BF_ELF_ET_EXEC, BF_ELF_EM_X86_64, 0xffffffff81000000ull, 0x100000,
             0xffffffff81000200ull, note, n);
    ck_assert_int_eq(probe(img, sizeof(img), MK_X86_64, &k), 0);
    ck_assert_uint_eq(k.boot, HV_PT_BOOT_X86_PVH);
    ck_assert_uint_eq(k.entry, 0x100040); /* the note's, not e_entry */
    /* ELF32 works too. */
    n = put_note(note, BF_XEN_ELFNOTE_PHYS32_ENTRY, 4, 0x100040);
    make_elf(img, false, BF_ELF_ET_EXEC, BF_ELF_EM_386, 0x100000, 0x100000, 0x100000, note, n);
    ck_assert_int_eq(probe(img, sizeof(img), MK_X86_64, &k), 0);
    ck_assert_uint_eq(k.entry, 0x100040);
    /* No note; a malformed one; a note segment outside the file. */
    make_elf(img, true, BF_ELF_ET_EXEC, BF_ELF_EM_X86_64, 0x100000, 0x100000, 0x100000, NULL, 0);
    expect_refusal(img, sizeof(img), MK_X86_64, "neither a PVH entry note");
    n = put_note(note, BF_XEN_ELFNOTE_PHYS32_ENTRY, 8, 0x100040);
    make_elf(img, true, BF_ELF_ET_EXEC, BF_ELF_EM_X86_64, 0x100000, 0x100000, 0x100000, note,
             n - 4);
    expect_refusal(img, sizeof(img), MK_X86_64, "an ELF note runs past its segment");
    make_elf(img, true, BF_ELF_ET_EXEC, BF_ELF_EM_X86_64, 0x100000, 0x100000, 0x100000, note, n);
    hv_put_le64(img + 64 + 56 + 32, 0x1900); /* the note's filesz: past the file's end */
    expect_refusal(img, sizeof(img), MK_X86_64, "note segment 1 is larger than 64 KiB or outside");
    make_elf(img, true, BF_ELF_ET_EXEC, BF_ELF_EM_AARCH64, 0x100000, 0x100000, 0x100000, note, n);
    expect_refusal(img, sizeof(img), MK_X86_64, "is for machine 183, not x86");
}
END_TEST

/* Layout: a multiboot kernel below 1 MiB is refused; its command line is "<kernel> <args>",
 * then the module's name. An arm64 ELF gets its DTB at RAM base and x0 = 0, as on QEMU. */
START_TEST(test_layout)
{
    static struct mk_image img;
    struct mk_kernel k = {.boot = HV_PT_BOOT_X86_MULTIBOOT, .nsegs = 1, .entry = 0x100000};
    k.seg[0] =
        (typeof(k.seg[0])){.offset = 0, .filesz = 0x1000, .memsz = 0x1000, .paddr = 0x100000};
    memset(&img, 0, sizeof(img));
    img.sys.arch = MK_X86_64;
    img.sys.count = 1;
    struct mk_partition *p = &img.sys.part[0];
    strcpy(p->name, "mb");
    strcpy(p->kernel, "mb.bin");
    strcpy(p->initramfs, "mod.bin");
    strcpy(p->bootargs, "conform x=1");
    p->memory = 64u << 20;
    ck_assert_int_eq(layout_partition(&img, 0, &k, 0x3000, "mb.dtb", "mb.cmdline"), 0);
    ck_assert_uint_eq(img.pt[0].boot, HV_PT_BOOT_X86_MULTIBOOT);
    ck_assert_uint_eq(img.pt[0].entry, 0x100000);
    ck_assert_uint_eq(img.pt[0].initrd_size, 0x3000);
    char cmd[256];
    uint64_t n = layout_x86_cmdline(p, HV_PT_BOOT_X86_MULTIBOOT, cmd, sizeof(cmd));
    ck_assert_uint_eq(n, sizeof("mb.bin conform x=1") + sizeof("mod.bin"));
    ck_assert_str_eq(cmd, "mb.bin conform x=1");
    ck_assert_str_eq(cmd + strlen(cmd) + 1, "mod.bin");
    ck_assert_uint_eq(img.pt[0].cmdline_size, n);
    ck_assert_uint_gt(layout_x86_cmdline(p, HV_PT_BOOT_X86_PVH, cmd, 8), 8);
    k.seg[0].paddr = 0x9000;
    mk_set_quiet(true);
    ck_assert_int_eq(layout_partition(&img, 0, &k, 0, "mb.dtb", "mb.cmdline"), -1);
    ck_assert_ptr_nonnull(strstr(mk_last_error(), "below 1 MiB"));

    struct mk_kernel e = {.boot = HV_PT_BOOT_ELF, .nsegs = 1, .entry = 0x40080000};
    e.seg[0] =
        (typeof(e.seg[0])){.offset = 0, .filesz = 0x1000, .memsz = 0x1000, .paddr = 0x40080000};
    memset(&img, 0, sizeof(img));
    img.sys.arch = MK_AARCH64;
    img.sys.count = 1;
    strcpy(p->name, "dyn");
    p->memory = 64u << 20;
    ck_assert_int_eq(layout_partition(&img, 0, &e, 0, "dyn.dtb", "x"), 0);
    ck_assert_uint_eq(img.pt[0].args[0], 0);
    ck_assert_uint_eq(img.pt[0].loads[img.pt[0].nloads - 1].kind, HV_PT_LOAD_DTB);
    ck_assert_uint_eq(img.pt[0].loads[img.pt[0].nloads - 1].gpa, 0x40000000);
    ck_assert_uint_eq(img.dtb_room[0], 0x80000);
}
END_TEST

int main(void)
{
    strcpy(dir, "/tmp/mkimage-loaders-XXXXXX");
    if (!mkdtemp(dir))
        return 2;
    Suite *s = suite_create("loaders");
    TCase *tc = tcase_create("parsers");
    tcase_add_test(tc, test_multiboot_search);
    tcase_add_test(tc, test_multiboot_aout_fields);
    tcase_add_test(tc, test_pvh_note_search);
    tcase_add_test(tc, test_elf_header);
    suite_add_tcase(s, tc);
    tc = tcase_create("probe");
    tcase_add_test(tc, test_probe_arm64_raw_and_dyn);
    tcase_add_test(tc, test_probe_x86_multiboot);
    tcase_add_test(tc, test_probe_x86_pvh);
    tcase_add_test(tc, test_layout);
    suite_add_tcase(s, tc);
    int r = check_run(s);
    char path[128];
    snprintf(path, sizeof(path), "%s/kernel", dir);
    unlink(path);
    rmdir(dir);
    return r;
}
