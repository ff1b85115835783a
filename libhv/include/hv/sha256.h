/* SHA-256 (FIPS 180-4) for measured boot: BearSSL's implementation behind one call, so that
 * the image builder and the root task hash the same way and neither includes BearSSL. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define HV_SHA256_SIZE 32u

/* digest = SHA-256 of size bytes at data. */
void hv_sha256(const void *data, size_t size, uint8_t digest[HV_SHA256_SIZE]);
