/* hv_sha256 (hv/sha256.h) on BearSSL's br_sha256 (Debian's source, cmake/DuetBearSSL.cmake). */
#include <bearssl_hash.h>
#include <hv/sha256.h>

_Static_assert(HV_SHA256_SIZE == br_sha256_SIZE, "SHA-256 digests are 32 bytes");

void hv_sha256(const void *data, size_t size, uint8_t digest[HV_SHA256_SIZE])
{
    br_sha256_context ctx;
    br_sha256_init(&ctx);
    br_sha256_update(&ctx, data, size);
    br_sha256_out(&ctx, digest);
}
