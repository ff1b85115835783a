/* The firmware configuration device: each item is written into one buffer when it is selected,
 * then read out a byte at a time. */
#include "x86_64/devices/fw_cfg.h"

#include "x86_64/boot/boot_params.h"
#include <hv/bytes.h>
#include <hv/string.h>

/* FW_CFG_FILE_DIR: a big-endian count, then per file a big-endian size and selector, two
 * reserved bytes and a NUL-padded name (fw_cfg.rst, "File Directory"). */
#define FILE_ENTRY_SIZE (4 + 2 + 2 + FW_CFG_FILE_NAME_MAX)
#define E820_FILE "etc/e820"
#define E820_ENTRY_SIZE 20 /* u64 address, u64 length, u32 type, little-endian */

static uint32_t e820_item(const struct fw_cfg *f, uint8_t *out)
{
    return E820_ENTRY_SIZE * x86_e820_map(f->facts.ram_size, out,
                                          FW_CFG_ITEM_MAX / E820_ENTRY_SIZE);
}

static uint32_t file_dir_item(const struct fw_cfg *f, uint8_t *out)
{
    uint8_t e820[FW_CFG_ITEM_MAX];
    hv_put_be32(out, 1);
    uint8_t *e = out + 4;
    hv_put_be32(e, e820_item(f, e820));
    hv_put_be16(e + 4, FW_CFG_FILE_FIRST);
    memcpy(e + 8, E820_FILE, sizeof(E820_FILE));
    return 4 + FILE_ENTRY_SIZE;
}

/* The item's bytes into out; its length (0: no such item). */
static uint32_t build_item(const struct fw_cfg *f, uint16_t key, uint8_t *out)
{
    switch (key) {
    case FW_CFG_SIGNATURE:
        memcpy(out, "QEMU", 4);
        return 4;
    case FW_CFG_ID:
        hv_put_le32(out, FW_CFG_ID_TRADITIONAL);
        return 4;
    case FW_CFG_UUID:
        return 16; /* all zeros: QEMU's without -uuid */
    case FW_CFG_RAM_SIZE:
        hv_put_le64(out, f->facts.ram_size);
        return 8;
    case FW_CFG_NB_CPUS:
    case FW_CFG_MAX_CPUS:
        hv_put_le16(out, f->facts.cpus);
        return 2;
    case FW_CFG_FILE_DIR:
        return file_dir_item(f, out);
    case FW_CFG_FILE_FIRST:
        return e820_item(f, out);
    default:
        return 0;
    }
}

void fw_cfg_init(struct fw_cfg *f, const struct fw_cfg_facts *facts)
{
    memset(f, 0, sizeof(*f));
    f->facts = *facts;
    fw_cfg_select(f, FW_CFG_SIGNATURE);
}

void fw_cfg_select(struct fw_cfg *f, uint16_t selector)
{
    f->selector = selector;
    f->offset = 0;
    memset(f->item, 0, sizeof(f->item));
    /* The write channel bit only allowed writes, which are gone; arch-local keys name QEMU's
     * own x86 tables, none of which a partition has. */
    f->len = selector & FW_CFG_ARCH_LOCAL
                 ? 0
                 : build_item(f, (uint16_t)(selector & ~FW_CFG_WRITE_CHANNEL), f->item);
}

uint8_t fw_cfg_read(struct fw_cfg *f)
{
    if (f->offset >= f->len)
        return 0;
    return f->item[f->offset++];
}
