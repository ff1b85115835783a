/* Writes the partition table (hv/proto/partition_table.h) as fixed-size little-endian records. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "mkimage.h"

/* The records are written field by field so the file is little-endian on any host. */
static void put(uint8_t **p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        *(*p)++ = (uint8_t)(v >> (8 * i));
}

static void put_bytes(uint8_t **p, const void *s, size_t n)
{
    memcpy(*p, s, n);
    *p += n;
}

static void put_load(uint8_t **p, const struct hv_pt_load *l)
{
    put_bytes(p, l->file, sizeof(l->file));
    put(p, l->offset, 8);
    put(p, l->size, 8);
    put(p, l->gpa, 8);
    put(p, l->kind, 4);
    put(p, 0, 4);
}

static void put_partition(uint8_t **p, const struct hv_pt_partition *pt)
{
    put_bytes(p, pt->name, sizeof(pt->name));
    put_bytes(p, pt->console_name, sizeof(pt->console_name));
    put(p, pt->ram_gpa, 8);
    put(p, pt->ram_size, 8);
    put(p, pt->host_pa, 8);
    put(p, pt->budget, 4);
    put(p, pt->period, 4);
    put(p, pt->priority, 4);
    put(p, pt->boot, 4);
    put(p, pt->nloads, 4);
    put(p, 0, 4);
    for (unsigned i = 0; i < HV_PT_MAX_LOADS; i++)
        put_load(p, &pt->loads[i]);
    put(p, pt->entry, 8);
    for (unsigned i = 0; i < 4; i++)
        put(p, pt->args[i], 8);
    put(p, pt->zero_page_gpa, 8);
    put(p, pt->boot_scratch_gpa, 8);
    put(p, pt->boot_scratch_size, 8);
    put(p, pt->initrd_gpa, 8);
    put(p, pt->initrd_size, 8);
    put(p, pt->cmdline_gpa, 8);
    put(p, pt->cmdline_size, 8);
}

int table_write(const struct mk_image *img, const char *path)
{
    static uint8_t buf[sizeof(struct hv_pt_header) +
                       HV_PT_MAX_PARTITIONS * sizeof(struct hv_pt_partition)];
    uint8_t *p = buf;
    uint64_t total = sizeof(struct hv_pt_header) +
                     (uint64_t)img->sys.count * sizeof(struct hv_pt_partition);

    memset(buf, 0, sizeof(buf));
    put_bytes(&p, HV_PT_MAGIC, 8);
    put(&p, HV_PT_VERSION, 4);
    put(&p, img->sys.arch, 4);
    put(&p, img->sys.count, 4);
    put(&p, sizeof(struct hv_pt_partition), 4);
    put(&p, total, 8);
    for (unsigned i = 0; i < img->sys.count; i++) {
        uint8_t *start = p;
        put_partition(&p, &img->pt[i]);
        /* The writer and the struct must agree, or the root task reads garbage. */
        if ((size_t)(p - start) != sizeof(struct hv_pt_partition))
            return mk_error("internal: partition record written as %zu bytes, not %zu",
                            (size_t)(p - start), sizeof(struct hv_pt_partition));
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, total, f) != total || fclose(f))
        return mk_error("cannot write the partition table '%s': %s", path, strerror(errno));
    return 0;
}
