/* Freestanding memory and string routines, shared by the kernel and user programs. */
#include <hv/string.h>
#include <stdint.h>

/* 64-bit words that may alias anything: memcpy's callers pass any type. */
typedef uint64_t __attribute__((may_alias)) memcpy_word;

/* Words, 32 bytes a step, when both pointers share their alignment (pages, buffers, structs:
 * nearly always), bytes otherwise and at the edges. Every access stays naturally aligned, so
 * this is safe where unaligned ones fault (the test guests run with the MMU off). It matters
 * under TCG: the storage server copies every byte a guest reads or writes, and a byte loop
 * costs 4 instructions a byte (docs/storage.md, "Benchmark"). */
void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
        for (; n && ((uintptr_t)d & 7); n--)
            *d++ = *s++;
        memcpy_word *dw = (memcpy_word *)d;
        const memcpy_word *sw = (const memcpy_word *)s;
        for (; n >= 32; n -= 32, dw += 4, sw += 4) {
            memcpy_word a = sw[0], b = sw[1], c = sw[2], e = sw[3];
            dw[0] = a;
            dw[1] = b;
            dw[2] = c;
            dw[3] = e;
        }
        for (; n >= 8; n -= 8)
            *dw++ = *sw++;
        d = (uint8_t *)dw;
        s = (const uint8_t *)sw;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d < s)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (uint8_t)*a - (uint8_t)*b;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}
