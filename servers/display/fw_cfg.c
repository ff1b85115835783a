/* fw_cfg's big-endian structures (fw_cfg.h), byte by byte so that the same code is right on
 * both arches and on the host that tests it. */
#include "fw_cfg.h"

static void put_be(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static uint64_t get_be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

void fw_cfg_dma_encode(uint8_t out[FW_CFG_DMA_ACCESS_SIZE], uint16_t item, bool select_item,
                       uint32_t op, uint32_t len, uint64_t addr)
{
    uint32_t control = op;
    if (select_item)
        control |= (uint32_t)item << 16 | FW_CFG_DMA_SELECT;
    put_be(out, control, 4);
    put_be(out + 4, len, 4);
    put_be(out + 8, addr, 8);
}

uint32_t fw_cfg_dma_control(const uint8_t desc[FW_CFG_DMA_ACCESS_SIZE])
{
    return (uint32_t)get_be(desc, 4);
}

bool fw_cfg_find_file(const uint8_t *dir, size_t len, const char *name, uint16_t *select,
                      uint32_t *size)
{
    if (len < 4)
        return false;
    uint64_t count = get_be(dir, 4);
    if (count > (len - 4) / FW_CFG_FILE_ENTRY_SIZE)
        return false; /* a directory cut short is not trusted at all */
    for (uint64_t i = 0; i < count; i++) {
        const uint8_t *e = dir + 4 + i * FW_CFG_FILE_ENTRY_SIZE;
        const char *n = (const char *)e + 8;
        unsigned k = 0;
        while (k < FW_CFG_FILE_NAME_MAX && name[k] && n[k] == name[k])
            k++;
        if (k < FW_CFG_FILE_NAME_MAX && !name[k] && !n[k]) {
            *size = (uint32_t)get_be(e, 4);
            *select = (uint16_t)get_be(e + 4, 2);
            return true;
        }
    }
    return false;
}

void ramfb_cfg_encode(uint8_t out[RAMFB_CFG_SIZE], uint64_t addr, uint32_t width, uint32_t height,
                      uint32_t stride)
{
    put_be(out, addr, 8);
    put_be(out + 8, RAMFB_FOURCC_XRGB8888, 4);
    put_be(out + 12, 0, 4);
    put_be(out + 16, width, 4);
    put_be(out + 20, height, 4);
    put_be(out + 24, stride, 4);
}
