/* Fuzzes the boot-image archive reader: every file it hands out lies inside the archive,
 * page-aligned, after the table and after the previous file. */
#include <hv/bootfs.h>
#include <hv/abi/error.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bootfs fs;
    if (bootfs_open(&fs, data, size) != HV_OK)
        return 0;
    const uint8_t *prev_end = data + BOOTFS_HEADER_SIZE + (uint64_t)fs.count * BOOTFS_ENTRY_SIZE;
    for (uint32_t i = 0; i < fs.count; i++) {
        struct bootfs_file f, g;
        if (bootfs_file_at(&fs, i, &f) != HV_OK)
            abort();
        if (f.data < prev_end || f.data > data + size || f.size > (uint64_t)(data + size - f.data) ||
            (f.data - data) % BOOTFS_ALIGN)
            abort();
        prev_end = f.data + f.size;
        if (bootfs_find(&fs, f.name, &g) != HV_OK)
            abort();
        if (f.size) {
            volatile uint8_t last = f.data[f.size - 1];
            (void)last;
        }
    }
    return 0;
}
