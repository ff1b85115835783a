/* Reading the boot image's file archive; every offset is checked before it is used. */
#include <hv/bootfs.h>
#include <hv/abi/error.h>
#include <hv/bytes.h>

static const uint8_t *entry_at(const struct bootfs *fs, uint32_t i)
{
    return fs->base + BOOTFS_HEADER_SIZE + (uint64_t)i * BOOTFS_ENTRY_SIZE;
}

static int check_entry(const struct bootfs *fs, uint32_t i, uint64_t data_start)
{
    const uint8_t *e = entry_at(fs, i);
    uint64_t off = hv_le64(e + BOOTFS_NAME_MAX), len = hv_le64(e + BOOTFS_NAME_MAX + 8);
    unsigned n = 0;

    while (n < BOOTFS_NAME_MAX && e[n])
        n++;
    if (n == 0 || n == BOOTFS_NAME_MAX)
        return HV_EFORMAT; /* empty or unterminated name */
    if (off % BOOTFS_ALIGN || off < data_start || off > fs->size || len > fs->size - off)
        return HV_EFORMAT;
    /* Files are stored in order, each after the previous one: no overlap, no aliasing. */
    if (i > 0) {
        const uint8_t *p = entry_at(fs, i - 1);
        if (off < hv_le64(p + BOOTFS_NAME_MAX) + hv_le64(p + BOOTFS_NAME_MAX + 8))
            return HV_EFORMAT;
    }
    return HV_OK;
}

int bootfs_open(struct bootfs *fs, const void *base, uint64_t size)
{
    const uint8_t *b = base;
    const char *magic = BOOTFS_MAGIC;

    if (!b || size < BOOTFS_HEADER_SIZE)
        return HV_EFORMAT;
    for (unsigned i = 0; i < 8; i++)
        if (b[i] != (uint8_t)magic[i])
            return HV_EFORMAT;
    uint32_t count = hv_le32(b + 12);
    uint64_t total = hv_le64(b + 16);
    if (hv_le32(b + 8) != BOOTFS_VERSION || total > size || total < BOOTFS_HEADER_SIZE ||
        count > (total - BOOTFS_HEADER_SIZE) / BOOTFS_ENTRY_SIZE)
        return HV_EFORMAT;
    fs->base = b;
    fs->size = total;
    fs->count = count;
    uint64_t data_start = BOOTFS_HEADER_SIZE + (uint64_t)count * BOOTFS_ENTRY_SIZE;
    for (uint32_t i = 0; i < count; i++) {
        int r = check_entry(fs, i, data_start);
        if (r)
            return r;
    }
    return HV_OK;
}

int bootfs_file_at(const struct bootfs *fs, uint32_t index, struct bootfs_file *out)
{
    if (index >= fs->count)
        return HV_ERANGE;
    const uint8_t *e = entry_at(fs, index);
    out->name = (const char *)e;
    out->data = fs->base + hv_le64(e + BOOTFS_NAME_MAX);
    out->size = hv_le64(e + BOOTFS_NAME_MAX + 8);
    return HV_OK;
}

int bootfs_find(const struct bootfs *fs, const char *name, struct bootfs_file *out)
{
    for (uint32_t i = 0; i < fs->count; i++) {
        bootfs_file_at(fs, i, out);
        unsigned n = 0;
        while (n < BOOTFS_NAME_MAX && out->name[n] == name[n] && name[n])
            n++;
        if (n < BOOTFS_NAME_MAX && out->name[n] == name[n])
            return HV_OK;
    }
    return HV_ENOENT;
}
