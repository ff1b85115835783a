/* Check tests of hv_crc32 against zlib's crc32 (linked into this test only) and known values. */
#include "check_run.h"

#include <hv/crc32.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

START_TEST(known_values)
{
    ck_assert_uint_eq(hv_crc32(0, "", 0), 0);
    ck_assert_uint_eq(hv_crc32(0, "123456789", 9), 0xcbf43926u); /* the standard check value */
    ck_assert_uint_eq(hv_crc32(0, "The quick brown fox jumps over the lazy dog", 43), 0x414fa339u);
}
END_TEST

START_TEST(matches_zlib_on_random_data)
{
    srand(14);
    static uint8_t buf[70000];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)rand();
    size_t lens[] = {1, 2, 3, 4, 7, 92, 128, 512, 16384, 65537, sizeof(buf)};
    for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
        size_t off = k * 13 % 64, n = lens[k] - (lens[k] > 64 ? off : 0);
        ck_assert_uint_eq(hv_crc32(0, buf + off, n), (uint32_t)crc32(0, buf + off, (uInt)n));
    }
}
END_TEST

START_TEST(continues_like_zlib)
{
    const char *s = "EFI PART header, then its entries";
    uint32_t part = hv_crc32(0, s, 10);
    ck_assert_uint_eq(hv_crc32(part, s + 10, strlen(s) - 10), hv_crc32(0, s, strlen(s)));
    ck_assert_uint_eq(hv_crc32(0x12345678, s, 5), (uint32_t)crc32(0x12345678, (const Bytef *)s, 5));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crc32");
    TCase *t = tcase_create("crc32");
    tcase_add_test(t, known_values);
    tcase_add_test(t, matches_zlib_on_random_data);
    tcase_add_test(t, continues_like_zlib);
    suite_add_tcase(s, t);
    return check_run(s);
}
