/* CRC-32 as IEEE 802.3, zlib and the UEFI GPT compute it (reflected 0x04C11DB7, init and final
 * XOR 0xFFFFFFFF), for freestanding code: the kernel, servers and host tools alike. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The CRC of n bytes at p, continuing from crc (0 to start): crc32(crc32(0, a), b) is the
 * CRC of a followed by b, as zlib's crc32() is. */
uint32_t hv_crc32(uint32_t crc, const void *p, size_t n);
