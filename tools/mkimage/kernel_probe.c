/* Recognises a partition's kernel file as `qemu -kernel` would: on AArch64 an ELF (ET_EXEC or
 * ET_DYN), an arm64 Linux Image or a raw binary; on x86_64 a bzImage, a multiboot kernel (ELF32
 * or a.out kludge) or an ELF with a PVH note; anything else is refused with the reason. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "boot_formats.h"
#include "diag.h"
#include "mkimage.h"
#include <hv/bytes.h>
#include <hv/linux_x86_boot.h>

/* Linux Documentation/arch/arm64/booting.rst, "Call the kernel image": the 64-byte header. */
#define ARM64_MAGIC_OFF 0x38
#define ARM64_MAGIC 0x644d5241u          /* "ARM\x64" */
/* image_size 0: kernels before v3.17; also where QEMU puts a raw binary (KERNEL64_LOAD_ADDR). */
#define ARM64_OLD_TEXT_OFFSET 0x80000u

/* Linux Documentation/arch/x86/boot.rst (hv/linux_x86_boot.h): the setup header ends at
 * BP_HEADER plus the byte after the jump at its start. */
#define SETUP_HEADER_END_BYTE (BP_JUMP + 1)

/* Reads [off, off+len) of f; false when the file is shorter. */
static bool read_at(FILE *f, uint64_t off, void *buf, size_t len)
{
    return fseek(f, (long)off, SEEK_SET) == 0 && fread(buf, 1, len, f) == len;
}

static int probe_arm64_image(const char *part, const uint8_t *h, struct mk_kernel *k)
{
    k->boot = HV_PT_BOOT_ARM64_IMAGE;
    k->text_offset = hv_le64(h + 8);
    k->image_size = hv_le64(h + 16);
    uint64_t flags = hv_le64(h + 24);
    if (k->image_size == 0) {
        k->text_offset = ARM64_OLD_TEXT_OFFSET;
        k->image_size = k->file_size;
    }
    if (flags & 1)
        return mk_error("partition '%s': the arm64 Image is big-endian", part);
    if (k->text_offset >= 0x200000 || k->text_offset % 4096)
        return mk_error("partition '%s': arm64 Image text_offset 0x%llx is not a page inside "
                        "2 MiB", part, (unsigned long long)k->text_offset);
    if (k->image_size < k->file_size)
        return mk_error("partition '%s': arm64 Image image_size %llu is smaller than the file",
                        part, (unsigned long long)k->image_size);
    return 0;
}

static int probe_bzimage(const char *part, FILE *f, const uint8_t *h, struct mk_kernel *k)
{
    unsigned version = (unsigned)hv_le16(h + BP_VERSION);
    unsigned setup_sects = h[BP_SETUP_SECTS] ? h[BP_SETUP_SECTS] : 4;

    if (version < BP_MIN_VERSION)
        return mk_error("partition '%s': bzImage boot protocol %u.%02u is older than 2.12",
                        part, version >> 8, version & 0xff);
    if (!(hv_le16(h + BP_XLOADFLAGS) & BP_XLF_KERNEL_64))
        return mk_error("partition '%s': bzImage has no 64-bit entry (XLF_KERNEL_64)", part);
    if (!h[BP_RELOCATABLE])
        return mk_error("partition '%s': bzImage is not relocatable", part);
    k->boot = HV_PT_BOOT_X86_BZIMAGE;
    k->pm_offset = (uint64_t)(setup_sects + 1) * 512;
    k->pref_address = hv_le64(h + BP_PREF_ADDRESS);
    k->init_size = hv_le32(h + BP_INIT_SIZE);
    k->cmdline_max = hv_le32(h + BP_CMDLINE_SIZE);
    k->initrd_max = hv_le32(h + BP_INITRD_ADDR_MAX);
    k->setup_header_size = BP_HEADER + h[SETUP_HEADER_END_BYTE] - BP_SETUP_HEADER;
    k->entry = k->pref_address + BP_ENTRY64_OFFSET; /* startup_64 */
    if (k->pm_offset >= k->file_size)
        return mk_error("partition '%s': bzImage setup (%u sectors) is past the file's end",
                        part, setup_sects);
    if (k->init_size < k->file_size - k->pm_offset || k->pref_address % 0x200000)
        return mk_error("partition '%s': bzImage init_size or pref_address is inconsistent",
                        part);
    (void)f;
    return 0;
}

/* QEMU's ELF loader (include/hw/elf_ops.h) loads each PT_LOAD at its physical address,
 * whatever the file's type, and enters at e_entry, moved by the segment's p_paddr - p_vaddr
 * when the entry lies in an executable segment whose two addresses differ. */
static int read_segments(const char *part, FILE *f, const struct bf_elf *e, bool find_pvh,
                         struct mk_kernel *k)
{
    k->entry = e->entry;
    for (unsigned i = 0; i < e->phnum; i++) {
        uint8_t raw[56];
        struct bf_phdr ph;
        if (!read_at(f, e->phoff + (uint64_t)i * e->phentsize, raw, e->phentsize))
            return mk_error("partition '%s': kernel ELF program header %u is past the end",
                            part, i);
        bf_elf_phdr(e, raw, &ph);
        if (ph.type == BF_ELF_PT_NOTE && find_pvh && !k->pvh_entry) {
            static uint8_t notes[65536];
            const char *why = NULL;
            if (ph.filesz > sizeof(notes) || ph.offset > k->file_size ||
                ph.filesz > k->file_size - ph.offset || !read_at(f, ph.offset, notes, ph.filesz))
                return mk_error("partition '%s': kernel ELF note segment %u is larger than 64 "
                                "KiB or outside the file", part, i);
            if (bf_pvh_note(notes, ph.filesz, &k->pvh_entry, &why) < 0)
                return mk_error("partition '%s': kernel ELF: %s", part, why);
        }
        if (ph.type != BF_ELF_PT_LOAD || ph.memsz == 0)
            continue;
        if (k->nsegs == sizeof(k->seg) / sizeof(k->seg[0]))
            return mk_error("partition '%s': kernel ELF has more than 8 loadable segments",
                            part);
        if (ph.filesz > ph.memsz || ph.offset > k->file_size ||
            ph.filesz > k->file_size - ph.offset || ph.paddr + ph.memsz < ph.paddr)
            return mk_error("partition '%s': kernel ELF segment %u lies outside the file",
                            part, i);
        if ((ph.flags & BF_ELF_PF_X) && ph.vaddr != ph.paddr && e->entry >= ph.vaddr &&
            e->entry - ph.vaddr < ph.filesz)
            k->entry = e->entry - ph.vaddr + ph.paddr;
        k->seg[k->nsegs].offset = ph.offset;
        k->seg[k->nsegs].filesz = ph.filesz;
        k->seg[k->nsegs].memsz = ph.memsz;
        k->seg[k->nsegs].paddr = ph.paddr;
        k->nsegs++;
    }
    if (k->nsegs == 0)
        return mk_error("partition '%s': kernel ELF has no loadable segment", part);
    return 0;
}

/* AArch64: a 64-bit ELF, executable or position-independent (ET_DYN, loaded where its
 * program headers say, as QEMU does: nothing is relocated). */
static int probe_elf_aarch64(const char *part, FILE *f, const uint8_t *h, size_t got,
                             struct mk_kernel *k)
{
    struct bf_elf e;
    const char *why = bf_elf_header(h, got, &e);
    if (why)
        return mk_error("partition '%s': kernel: %s", part, why);
    if (!e.is64)
        return mk_error("partition '%s': kernel ELF is 32-bit, not an aarch64 ELF64", part);
    if (e.machine != BF_ELF_EM_AARCH64)
        return mk_error("partition '%s': kernel ELF is for machine %u, not aarch64", part,
                        (unsigned)e.machine);
    if (e.type != BF_ELF_ET_EXEC && e.type != BF_ELF_ET_DYN)
        return mk_error("partition '%s': kernel ELF is neither an executable (ET_EXEC) nor "
                        "position-independent (ET_DYN)", part);
    k->boot = HV_PT_BOOT_ELF;
    return read_segments(part, f, &e, false, k);
}

/* x86_64 ELF without a multiboot header: QEMU boots it through its PVH entry note only. */
static int probe_elf_pvh(const char *part, FILE *f, const uint8_t *h, size_t got,
                         struct mk_kernel *k)
{
    struct bf_elf e;
    const char *why = bf_elf_header(h, got, &e);
    if (why)
        return mk_error("partition '%s': kernel: %s", part, why);
    if (e.machine != BF_ELF_EM_X86_64 && e.machine != BF_ELF_EM_386)
        return mk_error("partition '%s': kernel ELF is for machine %u, not x86", part,
                        (unsigned)e.machine);
    if (read_segments(part, f, &e, true, k))
        return -1;
    if (!k->pvh_entry)
        return mk_error("partition '%s': x86 kernel ELF has neither a PVH entry note "
                        "(XEN_ELFNOTE_PHYS32_ENTRY) nor a multiboot header", part);
    k->boot = HV_PT_BOOT_X86_PVH;
    k->entry = k->pvh_entry;
    return 0;
}

/* Multiboot 0.6.96: with the a.out kludge (flag 16) the header says what to load where; else
 * the file must be a 32-bit ELF, loaded by its program headers (QEMU refuses an x86-64 ELF:
 * "give a 32bit one"). */
static int probe_multiboot(const char *part, FILE *f, const uint8_t *h, size_t got,
                           const struct bf_multiboot *mb, struct mk_kernel *k)
{
    k->boot = HV_PT_BOOT_X86_MULTIBOOT;
    if (mb->flags & BF_MB_FLAG_AOUT_KLUDGE) {
        uint64_t off, load, mem;
        const char *why = bf_multiboot_aout(mb, k->file_size, &off, &load, &mem);
        if (why)
            return mk_error("partition '%s': %s", part, why);
        k->seg[0].offset = off;
        k->seg[0].filesz = load;
        k->seg[0].memsz = mem;
        k->seg[0].paddr = mb->load_addr;
        k->nsegs = 1;
        k->entry = mb->entry_addr;
        return 0;
    }
    struct bf_elf e;
    const char *why = bf_elf_header(h, got, &e);
    if (why)
        return mk_error("partition '%s': multiboot kernel without the a.out kludge (flag 16) "
                        "must be an ELF: %s", part, why);
    if (e.is64 || e.machine != BF_ELF_EM_386)
        return mk_error("partition '%s': multiboot kernel ELF must be 32-bit i386, as QEMU "
                        "asks (an x86-64 one needs the a.out kludge)", part);
    if (read_segments(part, f, &e, false, k))
        return -1;
    if (k->entry >= 0x100000000ull)
        return mk_error("partition '%s': multiboot entry point is not below 4 GiB", part);
    return 0;
}

/* gzip and U-Boot images QEMU would unpack first: refused by name rather than run as code. */
static bool packed(const uint8_t *h, size_t got)
{
    return got >= 4 && ((h[0] == 0x1f && h[1] == 0x8b) || hv_le32(h) == 0x56190527u);
}

static int probe_aarch64(const char *part, const char *path, FILE *f, const uint8_t *h,
                         size_t got, struct mk_kernel *k)
{
    if (got >= 4 && !memcmp(h, "\177ELF", 4))
        return probe_elf_aarch64(part, f, h, got, k);
    if (got >= 64 && hv_le32(h + ARM64_MAGIC_OFF) == ARM64_MAGIC)
        return probe_arm64_image(part, h, k);
    if (packed(h, got))
        return mk_error("partition '%s': kernel '%s' is gzip- or U-Boot-packed: unpack it", part,
                        path);
    /* QEMU's load_aarch64_image: anything else is a raw binary at RAM base + 0x80000, entered
     * at its first byte as a Linux kernel would be (x0 = the DTB). */
    k->boot = HV_PT_BOOT_ARM64_IMAGE;
    k->text_offset = ARM64_OLD_TEXT_OFFSET;
    k->image_size = k->file_size;
    k->raw = true;
    return 0;
}

/* QEMU's x86_load_linux order: a bzImage ("HdrS"), else a multiboot header, else an ELF with
 * a PVH note. */
static int probe_x86(const char *part, const char *path, FILE *f, const uint8_t *h, size_t got,
                     struct mk_kernel *k)
{
    struct bf_multiboot mb;
    const char *why = NULL;
    if (got >= 0x268 && hv_le32(h + BP_HEADER) == BP_HDRS_MAGIC)
        return probe_bzimage(part, f, h, k);
    int found = bf_multiboot_find(h, got, &mb, &why);
    if (found < 0)
        return mk_error("partition '%s': %s", part, why);
    if (found)
        return probe_multiboot(part, f, h, got, &mb, k);
    if (got >= 4 && !memcmp(h, "\177ELF", 4))
        return probe_elf_pvh(part, f, h, got, k);
    return mk_error("partition '%s': kernel '%s' is not an x86 bzImage (no 'HdrS' at 0x202), "
                    "a multiboot kernel nor an ELF with a PVH note", part, path);
}

int kernel_probe(const char *part, const char *path, enum mk_arch arch, struct mk_kernel *k)
{
    static uint8_t h[BF_MB_SEARCH];

    memset(k, 0, sizeof(*k));
    memset(h, 0, sizeof(h));
    FILE *f = fopen(path, "rb");
    if (!f)
        return mk_error("partition '%s': cannot read kernel '%s': %s", part, path,
                        strerror(errno));
    fseek(f, 0, SEEK_END);
    k->file_size = (uint64_t)ftell(f);
    size_t got = read_at(f, 0, h, 0) ? fread(h, 1, sizeof(h), f) : 0;
    int r = arch == MK_AARCH64 ? probe_aarch64(part, path, f, h, got, k)
                               : probe_x86(part, path, f, h, got, k);
    fclose(f);
    return r;
}
