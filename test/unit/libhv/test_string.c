/* Check tests of libhv's memcpy, memset and memmove (libhv/lib/string.c, renamed by
 * string_under_test.c) at every alignment of source and destination: the bytes asked for and
 * no others. Sources and destinations are heap blocks of exactly the bytes in play, so ASan
 * reports any load or store outside them (memcpy's aligned word loads must stay inside). */
#include "check_run.h"

#include <stdint.h>
#include <stdlib.h>

void *hvs_memcpy(void *dst, const void *src, size_t n);
void *hvs_memmove(void *dst, const void *src, size_t n);
void *hvs_memset(void *dst, int c, size_t n);

static const size_t lengths[] = {0,  1,  2,  7,  8,  9,  15, 16,  17,  23,  24,  31,  32,  33,
                                 39, 40, 41, 47, 48, 63, 64, 65, 100, 127, 128, 129, 1514, 4096};
#define NLENGTHS (sizeof(lengths) / sizeof(lengths[0]))

static uint8_t pattern(size_t i, unsigned seed)
{
    return (uint8_t)(i * 131u + seed * 7u + (i >> 8));
}

/* A block of n + off bytes whose last n start at an address off past 16-byte alignment (as
 * malloc aligns), filled from seed. */
static uint8_t *block(size_t n, unsigned off, unsigned seed)
{
    uint8_t *b = malloc(n + off + 1);
    ck_assert_ptr_nonnull(b);
    for (size_t i = 0; i < n + off + 1; i++)
        b[i] = pattern(i, seed);
    return b;
}

START_TEST(memcpy_every_alignment)
{
    for (unsigned so = 0; so < 16; so++)
        for (unsigned d_o = 0; d_o < 16; d_o++)
            for (size_t k = 0; k < NLENGTHS; k++) {
                size_t n = lengths[k];
                /* The source block ends exactly where the bytes to copy end. */
                uint8_t *src = malloc(so + n ? so + n : 1), *dst = block(n, d_o, 3);
                ck_assert_ptr_nonnull(src);
                for (size_t i = 0; i < so + n; i++)
                    src[i] = pattern(i, 1);
                ck_assert_ptr_eq(hvs_memcpy(dst + d_o, src + so, n), dst + d_o);
                for (size_t i = 0; i < n + d_o + 1; i++) {
                    uint8_t want = i >= d_o && i < d_o + n ? pattern(i - d_o + so, 1) : pattern(i, 3);
                    if (dst[i] != want)
                        ck_abort_msg("memcpy src+%u dst+%u n=%zu: byte %zu is %u, not %u", so, d_o, n,
                                     i, dst[i], want);
                }
                for (size_t i = 0; i < so + n; i++)
                    ck_assert_uint_eq(src[i], pattern(i, 1));
                free(src);
                free(dst);
            }
}
END_TEST

START_TEST(memset_every_alignment)
{
    const int values[] = {0, 0xff, 0x5a, 0x1a5}; /* the last: only its low byte counts */
    for (unsigned v = 0; v < 4; v++)
        for (unsigned d_o = 0; d_o < 16; d_o++)
            for (size_t k = 0; k < NLENGTHS; k++) {
                size_t n = lengths[k];
                uint8_t *dst = block(n, d_o, 5);
                ck_assert_ptr_eq(hvs_memset(dst + d_o, values[v], n), dst + d_o);
                for (size_t i = 0; i < n + d_o + 1; i++) {
                    uint8_t want = i >= d_o && i < d_o + n ? (uint8_t)values[v] : pattern(i, 5);
                    if (dst[i] != want)
                        ck_abort_msg("memset dst+%u n=%zu: byte %zu is %u, not %u", d_o, n, i, dst[i],
                                     want);
                }
                free(dst);
            }
}
END_TEST

/* Overlapping moves both ways: memmove forwards is memcpy, so it must read each word before
 * it writes over it. */
START_TEST(memmove_overlapping)
{
    for (unsigned from = 0; from < 24; from++)
        for (unsigned to = 0; to < 24; to++)
            for (size_t k = 0; k < NLENGTHS && lengths[k] <= 129; k++) {
                size_t n = lengths[k], size = n + 24;
                uint8_t *b = block(size, 0, 9), *ref = block(size, 0, 9);
                hvs_memmove(b + to, b + from, n);
                uint8_t tmp[160];
                for (size_t i = 0; i < n; i++)
                    tmp[i] = ref[from + i];
                for (size_t i = 0; i < n; i++)
                    ref[to + i] = tmp[i];
                for (size_t i = 0; i < size; i++)
                    if (b[i] != ref[i])
                        ck_abort_msg("memmove %u -> %u n=%zu: byte %zu is %u, not %u", from, to, n, i,
                                     b[i], ref[i]);
                free(b);
                free(ref);
            }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("string");
    TCase *t = tcase_create("string");
    tcase_add_test(t, memcpy_every_alignment);
    tcase_add_test(t, memset_every_alignment);
    tcase_add_test(t, memmove_overlapping);
    suite_add_tcase(s, t);
    return check_run(s);
}
