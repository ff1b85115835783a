/* Recognises a partition's kernel file: an arm64 Linux Image, an x86 bzImage, or an ELF for
 * the partition's arch; anything else is refused with the reason. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "mkimage.h"
#include <hv/bytes.h>
#include <hv/elf.h>
#include <hv/linux_x86_boot.h>

/* Linux Documentation/arch/arm64/booting.rst, "Call the kernel image": the 64-byte header. */
#define ARM64_MAGIC_OFF 0x38
#define ARM64_MAGIC 0x644d5241u          /* "ARM\x64" */
#define ARM64_OLD_TEXT_OFFSET 0x80000u   /* image_size 0: kernels before v3.17 */

/* Linux Documentation/arch/x86/boot.rst (hv/linux_x86_boot.h): the setup header ends at
 * BP_HEADER plus the byte after the jump at its start. */
#define SETUP_HEADER_END_BYTE (BP_JUMP + 1)

#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define PT_LOAD 1
#define PT_NOTE 4
#define XEN_ELFNOTE_PHYS32_ENTRY 18      /* the PVH entry point of an x86 vmlinux */

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

/* The PVH entry of an x86 vmlinux ELF, from its notes; 0 when there is none. */
static uint64_t elf_pvh_entry(FILE *f, uint64_t off, uint64_t size)
{
    uint8_t buf[4096];
    if (size > sizeof(buf) || !read_at(f, off, buf, size))
        return 0;
    for (uint64_t p = 0; p + 12 <= size;) {
        uint64_t namesz = hv_le32(buf + p), descsz = hv_le32(buf + p + 4),
                 type = hv_le32(buf + p + 8);
        uint64_t desc = p + 12 + ((namesz + 3) & ~3ull);
        if (desc + descsz > size)
            return 0;
        if (type == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 && !memcmp(buf + p + 12, "Xen", 4))
            return descsz >= 8 ? hv_le64(buf + desc) : hv_le32(buf + desc);
        p = desc + ((descsz + 3) & ~3ull);
    }
    return 0;
}

static int probe_elf(const char *part, FILE *f, const uint8_t *h, enum mk_arch arch,
                     struct mk_kernel *k)
{
    unsigned want = arch == MK_AARCH64 ? ELF_MACHINE_AARCH64 : ELF_MACHINE_X86_64;
    if (h[EI_CLASS] != ELFCLASS64 || h[EI_DATA] != ELFDATA2LSB)
        return mk_error("partition '%s': kernel ELF is not 64-bit little-endian", part);
    if (hv_le16(h + 18) != want)
        return mk_error("partition '%s': kernel ELF is for machine %u, not %s", part,
                        (unsigned)hv_le16(h + 18), arch == MK_AARCH64 ? "aarch64" : "x86_64");
    if (hv_le16(h + 16) != ET_EXEC)
        return mk_error("partition '%s': kernel ELF is not an executable (ET_EXEC)", part);
    uint64_t phoff = hv_le64(h + 32), phentsize = hv_le16(h + 54), phnum = hv_le16(h + 56);
    if (phentsize != 56 || phnum == 0 || phnum > 64)
        return mk_error("partition '%s': kernel ELF program headers are malformed", part);
    k->boot = HV_PT_BOOT_ELF;
    k->entry = hv_le64(h + 24);
    for (uint64_t i = 0; i < phnum; i++) {
        uint8_t ph[56];
        if (!read_at(f, phoff + i * 56, ph, sizeof(ph)))
            return mk_error("partition '%s': kernel ELF program header %llu is past the end",
                            part, (unsigned long long)i);
        uint64_t type = hv_le32(ph), off = hv_le64(ph + 8), paddr = hv_le64(ph + 24);
        uint64_t filesz = hv_le64(ph + 32), memsz = hv_le64(ph + 40);
        if (type == PT_NOTE && arch == MK_X86_64) {
            uint64_t pvh = elf_pvh_entry(f, off, filesz);
            if (pvh)
                k->entry = pvh;
        }
        if (type != PT_LOAD || memsz == 0)
            continue;
        if (k->nsegs == sizeof(k->seg) / sizeof(k->seg[0]))
            return mk_error("partition '%s': kernel ELF has more than 8 loadable segments",
                            part);
        if (filesz > memsz || off > k->file_size || filesz > k->file_size - off ||
            paddr + memsz < paddr)
            return mk_error("partition '%s': kernel ELF segment %llu lies outside the file",
                            part, (unsigned long long)i);
        k->seg[k->nsegs].offset = off;
        k->seg[k->nsegs].filesz = filesz;
        k->seg[k->nsegs].memsz = memsz;
        k->seg[k->nsegs].paddr = paddr;
        k->nsegs++;
    }
    if (k->nsegs == 0)
        return mk_error("partition '%s': kernel ELF has no loadable segment", part);
    return 0;
}

int kernel_probe(const char *part, const char *path, enum mk_arch arch, struct mk_kernel *k)
{
    uint8_t h[1024] = {0};

    memset(k, 0, sizeof(*k));
    FILE *f = fopen(path, "rb");
    if (!f)
        return mk_error("partition '%s': cannot read kernel '%s': %s", part, path,
                        strerror(errno));
    fseek(f, 0, SEEK_END);
    k->file_size = (uint64_t)ftell(f);
    size_t got = read_at(f, 0, h, 0) ? fread(h, 1, sizeof(h), f) : 0;
    int r;
    if (got >= 64 && !memcmp(h, "\177ELF", 4))
        r = probe_elf(part, f, h, arch, k);
    else if (arch == MK_AARCH64 && got >= 64 && hv_le32(h + ARM64_MAGIC_OFF) == ARM64_MAGIC)
        r = probe_arm64_image(part, h, k);
    else if (arch == MK_X86_64 && got >= 0x268 &&
             hv_le32(h + BP_HEADER) == BP_HDRS_MAGIC)
        r = probe_bzimage(part, f, h, k);
    else
        r = mk_error("partition '%s': kernel '%s' is not %s", part, path,
                     arch == MK_AARCH64 ? "an arm64 Image (no 'ARMd' magic at 0x38) nor an "
                                          "aarch64 ELF"
                                        : "an x86 bzImage (no 'HdrS' at 0x202) nor an x86_64 "
                                          "ELF");
    fclose(f);
    return r;
}
