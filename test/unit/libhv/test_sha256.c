/* Check tests of hv_sha256 (BearSSL's SHA-256, as the image builder and the root task build
 * it): the FIPS 180-4 example vectors, and OpenSSL's digest (linked into this test only) at
 * every length around the block and padding edges. */
#include "check_run.h"

#include <hv/sha256.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_hex(const void *data, size_t size, const char *want_hex)
{
    uint8_t d[HV_SHA256_SIZE];
    char hex[2 * HV_SHA256_SIZE + 1];
    hv_sha256(data, size, d);
    for (unsigned i = 0; i < HV_SHA256_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    ck_assert_str_eq(hex, want_hex);
}

/* FIPS 180-4's examples (NIST's SHA256.pdf, SHA2_Additional.pdf): one block, two blocks (the
 * 448-bit message leaves no room for the length: padding makes a second block), the 896-bit
 * message, a million 'a', and the empty message. */
START_TEST(fips_one_block)
{
    check_hex("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(fips_two_blocks)
{
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_hex(m, strlen(m), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *m896 =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
        "klmnopqrlmnopqrsmnopqrstnopqrstu";
    check_hex(m896, strlen(m896),
              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}
END_TEST

START_TEST(fips_million_a)
{
    static char m[1000000];
    memset(m, 'a', sizeof(m));
    check_hex(m, sizeof(m), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

START_TEST(fips_empty)
{
    check_hex("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_hex(NULL, 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

/* Every length up to three blocks (55/56 and 63/64/65 are where padding spills over) and a few
 * large ones, at unaligned starts, against OpenSSL. */
START_TEST(matches_openssl)
{
    static uint8_t buf[300000];
    srand(180);
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)rand();
    size_t big[] = {4096, 65535, 65536, 65537, 299999};
    for (size_t n = 0; n < 192 + sizeof(big) / sizeof(big[0]); n++) {
        size_t len = n < 192 ? n : big[n - 192], off = n % 8;
        if (off + len > sizeof(buf))
            off = 0;
        uint8_t ours[HV_SHA256_SIZE], theirs[EVP_MAX_MD_SIZE];
        unsigned theirs_len = 0;
        hv_sha256(buf + off, len, ours);
        ck_assert(EVP_Digest(buf + off, len, theirs, &theirs_len, EVP_sha256(), NULL));
        ck_assert_uint_eq(theirs_len, HV_SHA256_SIZE);
        ck_assert_msg(!memcmp(ours, theirs, HV_SHA256_SIZE), "length %zu differs", len);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sha256");
    TCase *t = tcase_create("sha256");
    tcase_add_test(t, fips_one_block);
    tcase_add_test(t, fips_two_blocks);
    tcase_add_test(t, fips_million_a);
    tcase_add_test(t, fips_empty);
    tcase_add_test(t, matches_openssl);
    suite_add_tcase(s, t);
    return check_run(s);
}
