/* QEMU's firmware configuration device as a PC guest finds it (QEMU docs/specs/fw_cfg.rst): a
 * 16-bit selector at I/O port 0x510 and a byte-wide data port at 0x511. It offers the items that
 * describe the partition — the signature, the interface bits (traditional interface, no DMA), a
 * UUID, the RAM size, the CPU count, and a file directory with "etc/e820" — so a guest written
 * for QEMU reads its CPU count instead of all ones. Writes to the data port are ignored, as on
 * QEMU since 2.4. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define FW_CFG_PORT_SELECTOR 0x510u
#define FW_CFG_PORT_DATA 0x511u

/* Selector keys (fw_cfg.rst). */
#define FW_CFG_SIGNATURE 0x00u
#define FW_CFG_ID 0x01u
#define FW_CFG_UUID 0x02u
#define FW_CFG_RAM_SIZE 0x03u
#define FW_CFG_NB_CPUS 0x05u
#define FW_CFG_MAX_CPUS 0x0fu
#define FW_CFG_FILE_DIR 0x19u
#define FW_CFG_FILE_FIRST 0x20u
#define FW_CFG_WRITE_CHANNEL 0x4000u /* ignored: the items are read-only */
#define FW_CFG_ARCH_LOCAL 0x8000u    /* QEMU's x86 items (ACPI, SMBIOS, e820): none offered */

#define FW_CFG_ID_TRADITIONAL 1u /* the selector and data ports; bit 1 (DMA) stays clear */
#define FW_CFG_FILE_NAME_MAX 56u
#define FW_CFG_ITEM_MAX 128u

/* What the items describe. */
struct fw_cfg_facts {
    uint64_t ram_size;
    uint16_t cpus;
};

/* The selected item, built when selected (every item is small). */
struct fw_cfg {
    struct fw_cfg_facts facts;
    uint16_t selector;
    uint32_t offset, len;
    uint8_t item[FW_CFG_ITEM_MAX];
};

void fw_cfg_init(struct fw_cfg *f, const struct fw_cfg_facts *facts);
/* A write to the selector: the item it names, from offset 0. An unknown key selects an empty
 * item, which reads as zeros (fw_cfg.rst). */
void fw_cfg_select(struct fw_cfg *f, uint16_t selector);
/* The next byte of the selected item; 0 past its end. */
uint8_t fw_cfg_read(struct fw_cfg *f);
