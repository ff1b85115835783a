/* QEMU's fw_cfg as the display server uses it (QEMU docs/specs/fw_cfg.txt): the DMA access
 * descriptor, the file directory and ramfb's configuration, all big-endian, encoded and read
 * here with every length checked; the register accesses themselves are main.c's. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FW_CFG_SEL_SIGNATURE 0x0000u /* "QEMU" */
#define FW_CFG_SEL_ID 0x0001u        /* features: bit 1 = the DMA interface */
#define FW_CFG_SEL_FILE_DIR 0x0019u
#define FW_CFG_ID_DMA 0x2u

/* A DMA access's control word: error (set by QEMU), read, skip, select, write. */
#define FW_CFG_DMA_ERROR 0x01u
#define FW_CFG_DMA_READ 0x02u
#define FW_CFG_DMA_SKIP 0x04u
#define FW_CFG_DMA_SELECT 0x08u
#define FW_CFG_DMA_WRITE 0x10u
#define FW_CFG_DMA_ACCESS_SIZE 16u /* {be32 control, be32 length, be64 address} */

#define FW_CFG_FILE_NAME_MAX 56u
#define FW_CFG_FILE_ENTRY_SIZE 64u /* {be32 size, be16 select, be16 reserved, name[56]} */

/* ramfb's etc/ramfb: {be64 address, be32 fourcc, be32 flags, be32 width, be32 height,
 * be32 stride}. */
#define RAMFB_CFG_SIZE 28u
#define RAMFB_FOURCC_XRGB8888 0x34325258u /* 'XR24', DRM_FORMAT_XRGB8888 */

/* The 16 bytes of a DMA access: select (when select_item) the item, then read or write len
 * bytes at bus address addr. */
void fw_cfg_dma_encode(uint8_t out[FW_CFG_DMA_ACCESS_SIZE], uint16_t item, bool select_item,
                       uint32_t op, uint32_t len, uint64_t addr);

/* The control word QEMU left in a descriptor: 0 when the access is done without an error. */
uint32_t fw_cfg_dma_control(const uint8_t desc[FW_CFG_DMA_ACCESS_SIZE]);

/* Looks name up in a file directory dir[0..len) as read from FW_CFG_SEL_FILE_DIR (be32 count,
 * then entries); false if it is not there or the directory is cut short (entries past len are
 * never read). */
bool fw_cfg_find_file(const uint8_t *dir, size_t len, const char *name, uint16_t *select,
                      uint32_t *size);

/* etc/ramfb's bytes for an XRGB8888 buffer at bus address addr. */
void ramfb_cfg_encode(uint8_t out[RAMFB_CFG_SIZE], uint64_t addr, uint32_t width, uint32_t height,
                      uint32_t stride);
