/* The root-task kit's program loader: a program of the boot archive gets its own address space
 * and capability table, its ELF segments copied into fresh frames, a stack, and a thread. */
#include <hv/abi/error.h>
#include <hv/bootfs.h>
#include <hv/elf.h>
#include <hv/root.h>
#include <hv/string.h>

#if defined(__aarch64__)
#define ELF_MACHINE ELF_MACHINE_AARCH64
#else
#define ELF_MACHINE ELF_MACHINE_X86_64
#endif

#define PAGE 4096ull
#define PROGRAM_VA_LIMIT 0x0000400000000000ull
#define PROGRAM_STACK_TOP 0x7fff0000ull
#define PROGRAM_STACK_PAGES 4
#define PROGRAM_VSPACE_BITS 16
#define PROGRAM_CNODE_BITS 6 /* 64 slots: servers hold a cap per client */
#define SCRATCH_VA 0x0f000000ull /* where the root sees a frame while it fills it */

static const struct hv_bootinfo *bootinfo;

void root_loader_init(const struct hv_bootinfo *info)
{
    bootinfo = info;
}

/* A new frame, filled from src[0..len) at offset off and zero elsewhere, mapped in vspace;
 * its slot goes to *frame_out when that is not NULL. */
static int load_page_frame(uint64_t vspace, uint64_t va, unsigned flags, const uint8_t *src,
                           uint64_t off, uint64_t len, uint64_t *frame_out)
{
    uint64_t frame = root_new(HV_OBJ_FRAME, 12);
    if (!frame)
        return HV_ENOMEM;
    int r = hv_map(frame, ROOT_VSPACE, SCRATCH_VA, HV_MAP_READ | HV_MAP_WRITE);
    if (r)
        return r;
    uint8_t *page = (uint8_t *)SCRATCH_VA;
    memset(page, 0, PAGE);
    if (len)
        memcpy(page + off, src, len);
    if ((r = hv_unmap(frame)))
        return r;
    if (frame_out)
        *frame_out = frame;
    return hv_map(frame, vspace, va, flags);
}

static int load_page(uint64_t vspace, uint64_t va, unsigned flags, const uint8_t *src,
                     uint64_t off, uint64_t len)
{
    return load_page_frame(vspace, va, flags, src, off, len, NULL);
}

uint64_t root_page_new(const void *src, uint64_t len)
{
    uint64_t frame = root_new(HV_OBJ_FRAME, 12);
    if (!frame || len > PAGE || hv_map(frame, ROOT_VSPACE, SCRATCH_VA, HV_MAP_READ | HV_MAP_WRITE))
        return 0;
    uint8_t *page = (uint8_t *)SCRATCH_VA;
    memset(page, 0, PAGE);
    if (len)
        memcpy(page, src, len);
    return hv_unmap(frame) ? 0 : frame;
}

uint64_t root_page_into(uint64_t vspace, uint64_t va, unsigned flags, const void *src,
                        uint64_t len)
{
    uint64_t frame = 0;
    if (len > PAGE || load_page_frame(vspace, va, flags, src, 0, len, &frame))
        return 0;
    return frame;
}

static int load_segment(uint64_t vspace, const uint8_t *file, const struct elf_segment *s)
{
    unsigned flags = HV_MAP_READ | (s->flags & ELF_SEG_W ? HV_MAP_WRITE : 0) |
                     (s->flags & ELF_SEG_X ? HV_MAP_EXEC : 0);
    uint64_t first = s->vaddr & ~(PAGE - 1), end = s->vaddr + s->memsz;
    for (uint64_t va = first; va < end; va += PAGE) {
        /* The part of this page the file supplies: [from, to) in segment addresses. */
        uint64_t from = va > s->vaddr ? va : s->vaddr;
        uint64_t file_end = s->vaddr + s->filesz, to = va + PAGE < file_end ? va + PAGE : file_end;
        uint64_t len = to > from ? to - from : 0;
        int r = load_page(vspace, va, flags, file + s->offset + (from - s->vaddr), from - va, len);
        if (r)
            return r;
    }
    return HV_OK;
}

int root_load_program(const char *name, struct root_program *p)
{
    struct bootfs fs;
    struct bootfs_file f;
    struct elf_image img;
    int r = bootfs_open(&fs, (const void *)bootinfo->bootfs_vaddr, bootinfo->bootfs_size);
    if (!r)
        r = bootfs_find(&fs, name, &f);
    if (!r)
        r = elf_parse(f.data, f.size, ELF_MACHINE, PROGRAM_VA_LIMIT, &img);
    if (r)
        return r;
    p->vspace = root_new(HV_OBJ_VSPACE, PROGRAM_VSPACE_BITS);
    p->cnode = root_new(HV_OBJ_CNODE, PROGRAM_CNODE_BITS);
    p->thread = root_new(HV_OBJ_THREAD, 0);
    if (!p->vspace || !p->cnode || !p->thread)
        return HV_ENOMEM;
    for (unsigned i = 0; i < img.nsegments; i++)
        if ((r = load_segment(p->vspace, f.data, &img.segments[i])))
            return r;
    for (unsigned i = 1; i <= PROGRAM_STACK_PAGES; i++)
        if ((r = load_page(p->vspace, PROGRAM_STACK_TOP - i * PAGE, HV_MAP_READ | HV_MAP_WRITE,
                           NULL, 0, 0)))
            return r;
    /* The program's own table holds itself and its thread in the conventional slots. */
    if ((r = hv_cap_copy(p->cnode, p->cnode, HV_SLOT_SELF_CNODE, HV_RIGHTS_ALL, 0)) ||
        (r = hv_cap_copy(p->thread, p->cnode, HV_SLOT_SELF_THREAD, HV_RIGHTS_ALL, 0)))
        return r;
    p->entry = img.entry;
    p->stack_top = PROGRAM_STACK_TOP;
    return HV_OK;
}

int root_start_watched(const struct root_program *p, unsigned prio, uint64_t sc,
                       uint64_t fault_ep)
{
    int r = hv_thread_configure(p->thread, p->cnode, p->vspace, fault_ep, prio, sc, p->entry,
                                p->stack_top);
    return r ? r : hv_thread_resume(p->thread);
}

int root_start_program(const struct root_program *p, unsigned prio, uint64_t sc)
{
    return root_start_watched(p, prio, sc, 0);
}

int root_start_budgeted_us(const struct root_program *p, unsigned prio, uint32_t budget_us,
                           uint32_t period_us, uint64_t fault_ep)
{
    uint64_t sc = root_new(HV_OBJ_SCHED_CONTEXT, 0);
    if (!sc)
        return HV_ENOMEM;
    int r = hv_sc_configure(ROOT_SCHED_CONTROL, sc, budget_us, period_us);
    return r ? r : root_start_watched(p, prio, sc, fault_ep);
}

int root_start_budgeted(const struct root_program *p, unsigned prio, uint32_t budget,
                        uint32_t period)
{
    uint64_t sc;
    int r = root_new_sc(budget, period, &sc);
    return r ? r : root_start_program(p, prio, sc);
}
