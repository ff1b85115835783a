/* Measured boot's first half: the SHA-256 of every load record's bytes, written into the
 * partition table, which the root task checks before it starts the partition
 * (docs/manifest.md, "Measured boot"). Each bootfs file is read once however many loads use it. */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "mkimage.h"
#include <hv/sha256.h>

_Static_assert(HV_PT_SHA256_SIZE == HV_SHA256_SIZE, "the table holds SHA-256 digests");

static bool names(const struct hv_pt_load *l, const char *file)
{
    return !strncmp(l->file, file, sizeof(l->file));
}

/* Every load of every partition that names f, from its bytes. */
static int measure_file(struct mk_image *img, const struct mk_file *f, unsigned *measured)
{
    uint8_t *data;
    size_t size;
    if (mk_read_file(f->name, f->path, &data, &size))
        return -1;
    for (unsigned i = 0; i < img->sys.count; i++) {
        struct hv_pt_partition *pt = &img->pt[i];
        for (unsigned k = 0; k < pt->nloads; k++) {
            struct hv_pt_load *l = &pt->loads[k];
            if (!names(l, f->name))
                continue;
            if (l->offset > size || l->size > size - l->offset) {
                free(data);
                return mk_error("partition '%s': '%s' is %zu bytes, shorter than its load "
                                "[%llu, +%llu) (did it change while mkimage ran?)",
                                pt->name, f->path, size, (unsigned long long)l->offset,
                                (unsigned long long)l->size);
            }
            hv_sha256(data + l->offset, l->size, l->sha256);
            (*measured)++;
        }
    }
    free(data);
    return 0;
}

int measure_loads(struct mk_image *img)
{
    unsigned measured = 0, loads = 0;
    for (unsigned i = 0; i < img->nfiles; i++)
        if (measure_file(img, &img->files[i], &measured))
            return -1;
    for (unsigned i = 0; i < img->sys.count; i++)
        loads += img->pt[i].nloads;
    /* Every load names a file of the list (layout and write_boot_file add them together). */
    if (measured != loads)
        return mk_error("%u of %u load records name no file of the boot archive", loads - measured,
                        loads);
    return 0;
}
