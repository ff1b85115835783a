/* QEMU's fw_cfg in an x86 partition (devices/fw_cfg.c), through the port exits: its items,
 * the file directory and etc/e820, unknown and arch-local keys, wrong access widths. */
#include "check_run.h"
#include <hv/bytes.h>

#include "x86_fixture.h"

#include <string.h>

/* fw_cfg's item: select it, read n bytes from the data port. */
static void fw_cfg_get(uint16_t key, uint8_t *out, unsigned n)
{
    fx_out(0x510, 2, key);
    for (unsigned i = 0; i < n; i++)
        out[i] = (uint8_t)fx_in(0x511, 1);
}

START_TEST(fw_cfg_items)
{
    uint8_t b[256];
    fw_cfg_get(0x00, b, 6);
    ck_assert_mem_eq(b, "QEMU\0\0", 6); /* past an item's end: zeros */
    fw_cfg_get(0x01, b, 4);
    ck_assert_uint_eq(hv_le32(b), 1); /* the traditional interface, no DMA */
    fw_cfg_get(0x05, b, 2);
    ck_assert_uint_eq(hv_le16(b), 1);
    fw_cfg_get(0x0f, b, 2);
    ck_assert_uint_eq(hv_le16(b), 1);
    fw_cfg_get(0x03, b, 8);
    ck_assert_uint_eq(hv_le64(b), FX_RAM_SIZE);
    /* The file directory: one file, big-endian fields, then the file itself: the e820 map the
     * zero page gets, entries of 20 bytes. */
    fw_cfg_get(0x19, b, 4 + 64);
    ck_assert_uint_eq((uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3], 1);
    uint32_t size = (uint32_t)b[4] << 24 | b[5] << 16 | b[6] << 8 | b[7];
    ck_assert_uint_eq((unsigned)(b[8] << 8 | b[9]), 0x20);
    ck_assert_str_eq((const char *)b + 12, "etc/e820");
    ck_assert_uint_eq(size % 20, 0);
    ck_assert_uint_ge(size, 40);
    uint8_t e820[128];
    fw_cfg_get(0x20, e820, size);
    uint64_t ram = 0;
    for (uint32_t i = 0; i < size; i += 20)
        if (hv_le32(e820 + i + 16) == 1)
            ram = hv_le64(e820 + i) + hv_le64(e820 + i + 8);
    ck_assert_uint_eq(ram, FX_RAM_SIZE); /* the last RAM range ends at the end of RAM */
    /* Unknown and arch-local keys are empty; the write channel bit is ignored. */
    fw_cfg_get(0x1234, b, 4);
    ck_assert_uint_eq(hv_le32(b), 0);
    fw_cfg_get(0x8003, b, 4); /* QEMU's own e820 table: not offered */
    ck_assert_uint_eq(hv_le32(b), 0);
    fw_cfg_get(0x4000, b, 4);
    ck_assert_mem_eq(b, "QEMU", 4);
    /* Wrong widths: a byte write to the selector selects nothing, a word read of the data port
     * reads all ones and consumes nothing, data writes are ignored. */
    fx_out(0x510, 2, 0x00);
    fx_out(0x510, 1, 0x05);
    ck_assert_uint_eq(fx_in(0x511, 2), 0xffff);
    fx_out(0x511, 1, 0x99);
    ck_assert_uint_eq(fx_in(0x511, 1), 'Q');
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fw_cfg");
    TCase *tc = tcase_create("fw_cfg");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, fw_cfg_items);
    suite_add_tcase(s, tc);
    return check_run(s);
}
