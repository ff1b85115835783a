/* ELF64 executable validation (System V gABI, "ELF header" and "Program header"): every field
 * that says where something is gets checked against the file before anything is read. */
#include <hv/elf.h>
#include <hv/abi/error.h>
#include <hv/bytes.h>

#define EI_NIDENT 16
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define PT_LOAD 1
#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define PAGE_SIZE 4096u

static int check_header(const uint8_t *e, size_t size, uint16_t machine)
{
    if (size < EHDR_SIZE || e[0] != 0x7f || e[1] != 'E' || e[2] != 'L' || e[3] != 'F')
        return HV_EFORMAT;
    if (e[4] != ELFCLASS64 || e[5] != ELFDATA2LSB || e[6] != EV_CURRENT)
        return HV_EFORMAT;
    if (hv_le16(e + 16) != ET_EXEC || hv_le16(e + 18) != machine || hv_le32(e + 20) != EV_CURRENT)
        return HV_EFORMAT;
    uint64_t phoff = hv_le64(e + 32);
    uint16_t phentsize = hv_le16(e + 54), phnum = hv_le16(e + 56);
    if (phentsize != PHDR_SIZE || phnum == 0 || phoff > size ||
        (uint64_t)phnum * PHDR_SIZE > size - phoff)
        return HV_EFORMAT;
    return HV_OK;
}

static int read_segment(const uint8_t *ph, size_t size, uint64_t limit, struct elf_segment *s)
{
    uint32_t pflags = hv_le32(ph + 4);
    s->offset = hv_le64(ph + 8);
    s->vaddr = hv_le64(ph + 16);
    s->filesz = hv_le64(ph + 32);
    s->memsz = hv_le64(ph + 40);
    s->flags = pflags & (ELF_SEG_R | ELF_SEG_W | ELF_SEG_X);
    if (s->filesz > s->memsz || s->memsz == 0 || s->offset > size || s->filesz > size - s->offset)
        return HV_EFORMAT;
    /* Pages are mapped, so file offset and address must agree within a page. */
    if (s->vaddr % PAGE_SIZE != s->offset % PAGE_SIZE)
        return HV_EFORMAT;
    if ((s->flags & ELF_SEG_W) && (s->flags & ELF_SEG_X))
        return HV_EFORMAT;
    if (s->vaddr >= limit || s->memsz > limit - s->vaddr)
        return HV_ERANGE;
    return HV_OK;
}

/* Segments overlap if their page-rounded ranges share a page: each page gets one mapping. */
static int check_overlap(const struct elf_image *img)
{
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *a = &img->segments[i];
        uint64_t a0 = a->vaddr & ~(uint64_t)(PAGE_SIZE - 1), a1 = a->vaddr + a->memsz;
        for (unsigned j = i + 1; j < img->nsegments; j++) {
            const struct elf_segment *b = &img->segments[j];
            uint64_t b0 = b->vaddr & ~(uint64_t)(PAGE_SIZE - 1), b1 = b->vaddr + b->memsz;
            if (a0 < ((b1 + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1)) &&
                b0 < ((a1 + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1)))
                return HV_EFORMAT;
        }
    }
    return HV_OK;
}

int elf_parse(const void *image, size_t size, uint16_t machine, uint64_t vaddr_limit,
              struct elf_image *out)
{
    const uint8_t *e = image;
    int r = check_header(e, size, machine);
    if (r)
        return r;
    uint64_t phoff = hv_le64(e + 32);
    uint16_t phnum = hv_le16(e + 56);

    out->entry = hv_le64(e + 24);
    out->nsegments = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = e + phoff + (uint64_t)i * PHDR_SIZE;
        if (hv_le32(ph) != PT_LOAD)
            continue;
        if (out->nsegments == ELF_MAX_SEGMENTS)
            return HV_ETRUNC;
        r = read_segment(ph, size, vaddr_limit, &out->segments[out->nsegments]);
        if (r)
            return r;
        out->nsegments++;
    }
    if (out->nsegments == 0)
        return HV_EFORMAT;
    r = check_overlap(out);
    if (r)
        return r;
    for (unsigned i = 0; i < out->nsegments; i++) {
        const struct elf_segment *s = &out->segments[i];
        if ((s->flags & ELF_SEG_X) && out->entry >= s->vaddr && out->entry - s->vaddr < s->memsz)
            return HV_OK;
    }
    return HV_EFORMAT; /* the entry point is not in executable memory */
}
