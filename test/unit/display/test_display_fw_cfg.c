/* Unit tests for fw_cfg's structures as the display server writes and reads them
 * (servers/display/fw_cfg.c): the DMA descriptor and etc/ramfb byte for byte (big-endian, as
 * QEMU's docs/specs/fw_cfg.txt and hw/display/ramfb.c lay them out), and the file directory
 * with names that are near misses, cut short, or fill their 56 bytes. */
#include "check_run.h"
#include "fw_cfg.h"
#include <string.h>

START_TEST(dma_descriptor)
{
    uint8_t d[FW_CFG_DMA_ACCESS_SIZE];
    fw_cfg_dma_encode(d, 0x25, true, FW_CFG_DMA_WRITE, 28, 0x123456789abcdef0ull);
    static const uint8_t want[16] = {0x00, 0x25, 0x00, 0x18, 0, 0, 0, 28,
                                     0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};
    ck_assert_mem_eq(d, want, 16);
    ck_assert_uint_eq(fw_cfg_dma_control(d), 0x00250018u);
    fw_cfg_dma_encode(d, 0x19, false, FW_CFG_DMA_READ, 4096, 0x1000);
    static const uint8_t want2[16] = {0, 0, 0, 0x02, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x10, 0};
    ck_assert_mem_eq(d, want2, 16); /* no select: the item is not sent */
    memset(d, 0, sizeof(d));
    ck_assert_uint_eq(fw_cfg_dma_control(d), 0); /* what QEMU leaves after a good access */
    d[3] = FW_CFG_DMA_ERROR;
    ck_assert_uint_eq(fw_cfg_dma_control(d), FW_CFG_DMA_ERROR);
}
END_TEST

START_TEST(ramfb_config)
{
    uint8_t c[RAMFB_CFG_SIZE];
    ramfb_cfg_encode(c, 0x4805e8000ull, 1024, 768, 4096);
    static const uint8_t want[28] = {0, 0, 0, 0x04, 0x80, 0x5e, 0x80, 0x00, /* address */
                                     '4', '2', 'R', 'X', 0, 0, 0, 0, /* be32 'XR24', flags */
                                     0, 0, 0x04, 0, 0, 0, 0x03, 0, 0, 0, 0x10, 0};
    ck_assert_mem_eq(c, want, 28);
}
END_TEST

static uint8_t dir[4 + 8 * FW_CFG_FILE_ENTRY_SIZE];

static void entry(unsigned i, uint32_t size, uint16_t select, const char *name, size_t name_len)
{
    uint8_t *e = dir + 4 + i * FW_CFG_FILE_ENTRY_SIZE;
    memset(e, 0, FW_CFG_FILE_ENTRY_SIZE);
    e[0] = (uint8_t)(size >> 24), e[1] = (uint8_t)(size >> 16), e[2] = (uint8_t)(size >> 8);
    e[3] = (uint8_t)size;
    e[4] = (uint8_t)(select >> 8), e[5] = (uint8_t)select;
    memcpy(e + 8, name, name_len);
}

static void directory(uint32_t count)
{
    memset(dir, 0, sizeof(dir));
    dir[3] = (uint8_t)count;
    static char long_name[FW_CFG_FILE_NAME_MAX];
    memset(long_name, 'a', sizeof(long_name));
    memcpy(long_name, "etc/ramfb", 9); /* 56 bytes, no NUL: never equal to "etc/ramfb" */
    entry(0, 4, 0x20, "etc/ramfb2", 10);
    entry(1, 28, 0x21, long_name, sizeof(long_name));
    entry(2, 8, 0x22, "etc/ramf", 8);
    entry(3, 28, 0x25, "etc/ramfb", 9);
    entry(4, 100, 0x26, "etc/e820", 8);
}

START_TEST(file_directory)
{
    uint16_t sel = 0;
    uint32_t size = 0;
    directory(5);
    ck_assert(fw_cfg_find_file(dir, sizeof(dir), "etc/ramfb", &sel, &size));
    ck_assert_uint_eq(sel, 0x25);
    ck_assert_uint_eq(size, 28);
    ck_assert(fw_cfg_find_file(dir, sizeof(dir), "etc/e820", &sel, &size));
    ck_assert_uint_eq(sel, 0x26);
    ck_assert(!fw_cfg_find_file(dir, sizeof(dir), "etc/ram", &sel, &size));
    ck_assert(!fw_cfg_find_file(dir, sizeof(dir), "etc/ramfb3", &sel, &size));
    /* only the entries the count names are looked at */
    directory(3);
    ck_assert(!fw_cfg_find_file(dir, sizeof(dir), "etc/ramfb", &sel, &size));
    /* a count that runs past what was read: nothing is trusted */
    directory(5);
    ck_assert(!fw_cfg_find_file(dir, 4 + 5 * FW_CFG_FILE_ENTRY_SIZE - 1, "etc/ramfb", &sel,
                                &size));
    ck_assert(fw_cfg_find_file(dir, 4 + 5 * FW_CFG_FILE_ENTRY_SIZE, "etc/ramfb", &sel, &size));
    dir[0] = 0xff;
    ck_assert(!fw_cfg_find_file(dir, sizeof(dir), "etc/ramfb", &sel, &size));
    ck_assert(!fw_cfg_find_file(dir, 3, "etc/ramfb", &sel, &size));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("display_fw_cfg");
    TCase *tc = tcase_create("fw_cfg");
    tcase_add_test(tc, dma_descriptor);
    tcase_add_test(tc, ramfb_config);
    tcase_add_test(tc, file_directory);
    suite_add_tcase(s, tc);
    return check_run(s);
}
