/* Writes the partition table (hv/proto/partition_table.h): the header and the records as the
 * structs lie in memory, which is the file's format on a little-endian machine, and how the
 * root task reads it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "mkimage.h"

/* Every host mkimage is built for (x86_64, arm64 Linux) is little-endian; a big-endian one
 * would need a writer that swaps each field. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the partition table is little-endian");

int table_write(const struct mk_image *img, const char *path)
{
    struct hv_pt_header h = {
        .version = HV_PT_VERSION,
        .arch = img->sys.arch,
        .count = img->sys.count,
        .record_size = sizeof(struct hv_pt_partition),
        .total_size = sizeof(h) + (uint64_t)img->sys.count * sizeof(struct hv_pt_partition),
    };
    memcpy(h.magic, HV_PT_MAGIC, sizeof(h.magic));
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(&h, sizeof(h), 1, f) != 1 ||
        fwrite(img->pt, sizeof(img->pt[0]), img->sys.count, f) != img->sys.count || fclose(f))
        return mk_error("cannot write the partition table '%s': %s", path, strerror(errno));
    return 0;
}
