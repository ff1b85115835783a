/* CRC-32 (hv/crc32.h) for freestanding programs. zlib's needs a C library on the target and no
 * Debian package offers one that links into a freestanding server, so it is written here and
 * tested against zlib on the host (test/unit/libhv/test_crc32.c). */
#include <hv/crc32.h>

/* One nibble at a time: a 64-byte table that needs no generation step, and fast enough for
 * what it checks (a GPT's header and entries, tens of KiB once at start). */
static const uint32_t crc_nibble[16] = {
    0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
    0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
    0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

uint32_t hv_crc32(uint32_t crc, const void *p, size_t n)
{
    const uint8_t *b = p;
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= b[i];
        crc = (crc >> 4) ^ crc_nibble[crc & 15];
        crc = (crc >> 4) ^ crc_nibble[crc & 15];
    }
    return ~crc;
}
