/* A partition's memory: its guest address space, its RAM in 2 MiB frames, and the payloads
 * of the partition table (guest kernel, initramfs, device tree) copied in. The root task does
 * this at start and again for every reset the partition's VMM asks for; a reset uses only what
 * the partition got at start (its window), so that resets can't use up the root's cnode. */
#include "partition.h"
#include <hv/abi/error.h>
#include <hv/print.h>
#include <hv/string.h>

#define BLOCK 0x200000ull
#define GUEST_VSPACE_BITS 16      /* header, root and 14 tables: a few GiB in 2 MiB blocks */
/* Where the root sees one block of a partition's RAM at a time: one window per partition,
 * because each partition's reset runs on a thread of its own (partition.c). */
#define WINDOW_VA 0x200000000ull

static bool file_range_ok(const struct bootfs *fs, const struct hv_pt_load *l,
                          struct bootfs_file *f)
{
    char name[HV_PT_FILE_MAX + 1];
    memcpy(name, l->file, HV_PT_FILE_MAX);
    name[HV_PT_FILE_MAX] = '\0';
    return bootfs_find(fs, name, f) == HV_OK && l->offset <= f->size &&
           l->size <= f->size - l->offset;
}

int partition_check(const struct bootfs *fs, const struct hv_pt_partition *rec, const char **why)
{
    struct bootfs_file f;
    if (!rec->name[0] || rec->name[sizeof(rec->name) - 1] != '\0')
        return *why = "its name is not a NUL-terminated string", HV_EFORMAT;
    if (!rec->ram_size || rec->ram_size % BLOCK || rec->ram_gpa % BLOCK ||
        rec->ram_gpa + rec->ram_size < rec->ram_gpa)
        return *why = "its RAM is not a whole number of 2 MiB blocks", HV_EALIGN;
    if (rec->ram_size / BLOCK > PARTITION_MAX_BLOCKS)
        return *why = "its RAM is larger than the root task can hold caps for", HV_ERANGE;
    if (rec->nloads > HV_PT_MAX_LOADS)
        return *why = "too many load records", HV_EFORMAT;
    if (!rec->period || rec->budget > rec->period || rec->priority > HV_PT_PRIORITY_MAX)
        return *why = "its CPU budget or priority is out of range", HV_ERANGE;
    for (unsigned i = 0; i < rec->nloads; i++) {
        const struct hv_pt_load *l = &rec->loads[i];
        if (!file_range_ok(fs, l, &f))
            return *why = "a load record names a missing file or lies past its end", HV_ENOENT;
        if (l->gpa < rec->ram_gpa || l->gpa - rec->ram_gpa > rec->ram_size ||
            l->size > rec->ram_size - (l->gpa - rec->ram_gpa))
            return *why = "a load record lies outside the partition's RAM", HV_ERANGE;
    }
    return HV_OK;
}

int partition_mem_create(struct partition *p)
{
    const struct hv_pt_partition *rec = p->rec;
    p->gvspace = root_new_anywhere(HV_OBJ_GUEST_VSPACE, GUEST_VSPACE_BITS);
    if (!p->gvspace)
        return HV_ENOMEM;
    p->nblocks = (unsigned)(rec->ram_size / BLOCK);
    p->window = root_slot();
    /* Consecutive slots, so the frames are first_frame + i with nothing else to remember. */
    p->first_frame = root_slots(p->nblocks);
    for (unsigned i = 0; i < p->nblocks; i++) {
        int r = root_retype_at(HV_OBJ_FRAME, 21, p->first_frame + i);
        if (!r)
            r = hv_map(p->first_frame + i, p->gvspace, rec->ram_gpa + i * BLOCK,
                       HV_MAP_READ | HV_MAP_WRITE | HV_MAP_EXEC);
        if (r)
            return r;
    }
    return HV_OK;
}

/* Copies the part of load l that falls in block [gpa, gpa + BLOCK) to dst (the block). */
static void copy_overlap(const struct bootfs *fs, const struct hv_pt_load *l, uint64_t gpa,
                         uint8_t *dst)
{
    struct bootfs_file f;
    uint64_t from = l->gpa > gpa ? l->gpa : gpa;
    uint64_t to = l->gpa + l->size < gpa + BLOCK ? l->gpa + l->size : gpa + BLOCK;
    if (from >= to || !file_range_ok(fs, l, &f))
        return;
    memcpy(dst + (from - gpa), f.data + l->offset + (from - l->gpa), to - from);
}

/* Block i through the window: zeroed first if wipe, then the load records' bytes in it. The
 * window is empty again afterwards, whatever failed. */
static int load_block(struct partition *p, const struct bootfs *fs, unsigned i, bool wipe)
{
    const struct hv_pt_partition *rec = p->rec;
    uint64_t gpa = rec->ram_gpa + i * BLOCK, va = WINDOW_VA + p->index * BLOCK;
    int r = hv_cap_copy(p->first_frame + i, ROOT_CNODE, p->window, HV_RIGHTS_ALL, 0);
    if (r)
        return r;
    r = hv_map(p->window, ROOT_VSPACE, va, HV_MAP_READ | HV_MAP_WRITE);
    if (!r) {
        if (wipe)
            memset((void *)va, 0, BLOCK); /* a reset guest finds RAM as at power-on */
        for (unsigned k = 0; k < rec->nloads; k++)
            copy_overlap(fs, &rec->loads[k], gpa, (uint8_t *)va);
        hv_unmap(p->window);
    }
    hv_cap_delete(p->window);
    return r;
}

int partition_mem_load(struct partition *p, const struct bootfs *fs, bool wipe)
{
    int r = HV_OK;
    for (unsigned i = 0; !r && i < p->nblocks; i++)
        r = load_block(p, fs, i, wipe);
    return r;
}

int partition_mem_map_into(const struct partition *p, uint64_t vspace, uint64_t va)
{
    for (unsigned i = 0; i < p->nblocks; i++) {
        uint64_t copy = root_slot();
        int r = hv_cap_copy(p->first_frame + i, ROOT_CNODE, copy, HV_RIGHTS_ALL, 0);
        if (!r)
            r = hv_map(copy, vspace, va + i * BLOCK, HV_MAP_READ | HV_MAP_WRITE);
        if (r) {
            root_slot_free(copy);
            return r;
        }
    }
    return HV_OK;
}
