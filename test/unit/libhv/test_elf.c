/* Unit tests for the ELF64 validator: good executables, and every lie a header can tell. */
#include "check_run.h"
#include <hv/elf.h>
#include <hv/abi/error.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT 0x0000800000000000ull

static uint8_t file[3 * 4096];

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static uint8_t *phdr(unsigned i) { return file + 64 + 56 * i; }

static void set_load(unsigned i, uint32_t flags, uint64_t off, uint64_t vaddr, uint64_t filesz,
                     uint64_t memsz)
{
    uint8_t *p = phdr(i);
    put32(p, 1);
    put32(p + 4, flags);
    put64(p + 8, off);
    put64(p + 16, vaddr);
    put64(p + 24, vaddr);
    put64(p + 32, filesz);
    put64(p + 40, memsz);
    put64(p + 48, 4096);
}

/* A two-segment AArch64 executable: text at 0x400000 (R X), data+bss at 0x401000 (R W). */
static void build_good(void)
{
    memset(file, 0, sizeof(file));
    memcpy(file, "\177ELF", 4);
    file[4] = 2;
    file[5] = 1;
    file[6] = 1;
    put16(file + 16, 2);
    put16(file + 18, ELF_MACHINE_AARCH64);
    put32(file + 20, 1);
    put64(file + 24, 0x400010);
    put64(file + 32, 64);
    put16(file + 52, 64);
    put16(file + 54, 56);
    put16(file + 56, 3);
    set_load(0, ELF_SEG_R | ELF_SEG_X, 4096, 0x400000, 100, 100);
    put32(phdr(1), 0x6474e551); /* PT_GNU_STACK: not loaded, skipped */
    set_load(2, ELF_SEG_R | ELF_SEG_W, 8192, 0x401000, 16, 0x3000);
}

/* Parses an exact-size heap copy so ASan sees any read past the end. */
static int parse(size_t size, struct elf_image *img)
{
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, file, size);
    int r = elf_parse(copy, size, ELF_MACHINE_AARCH64, LIMIT, img);
    free(copy);
    return r;
}

START_TEST(accepts_good_executable)
{
    struct elf_image img;
    build_good();
    ck_assert_int_eq(parse(sizeof(file), &img), HV_OK);
    ck_assert_uint_eq(img.entry, 0x400010);
    ck_assert_uint_eq(img.nsegments, 2);
    ck_assert_uint_eq(img.segments[0].vaddr, 0x400000);
    ck_assert_uint_eq(img.segments[0].flags, ELF_SEG_R | ELF_SEG_X);
    ck_assert_uint_eq(img.segments[1].offset, 8192);
    ck_assert_uint_eq(img.segments[1].filesz, 16);
    ck_assert_uint_eq(img.segments[1].memsz, 0x3000);
}
END_TEST

START_TEST(refuses_wrong_identity)
{
    struct elf_image img;
    static const struct { unsigned off; uint8_t value; } lies[] = {
        {0, 0x7e}, {4, 1}, {5, 2}, {6, 0}, {16, 3}, {18, ELF_MACHINE_X86_64},
    };
    for (unsigned i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
        build_good();
        file[lies[i].off] = lies[i].value;
        ck_assert_int_eq(parse(sizeof(file), &img), HV_EFORMAT);
    }
}
END_TEST

START_TEST(truncated_file)
{
    struct elf_image img;
    build_good();
    /* Up to the end of the data segment's bytes, every cut loses something the file needs. */
    for (size_t cut = 0; cut < 8192 + 16; cut += (cut < 300 ? 1 : 61))
        ck_assert_int_eq(parse(cut, &img), HV_EFORMAT);
}
END_TEST

START_TEST(lying_program_headers)
{
    struct elf_image img;
    build_good();
    put64(file + 32, (uint64_t)-8); /* phoff beyond the file, wrapping */
    ck_assert_int_eq(parse(sizeof(file), &img), HV_EFORMAT);
    build_good();
    put16(file + 56, 0xffff); /* phnum past the end */
    ck_assert_int_eq(parse(sizeof(file), &img), HV_EFORMAT);
    build_good();
    put16(file + 54, 32); /* wrong phentsize */
    ck_assert_int_eq(parse(sizeof(file), &img), HV_EFORMAT);
    build_good();
    put16(file + 56, 0);
    ck_assert_int_eq(parse(sizeof(file), &img), HV_EFORMAT);
}
END_TEST

START_TEST(lying_segments)
{
    struct elf_image img;
    build_good();
    set_load(2, ELF_SEG_R | ELF_SEG_W, 8192, 0x401000, 0x2000, 0x1000); /* filesz > memsz */
    ck_assert_int_eq(parse(sizeof(file), &img), HV_EFORMAT);
    build_good();
    set_load(2, ELF_SEG_R | ELF_SEG_W, (uint64_t)-4096, 0x401000, 0x2000, 0x2000); /* offset wraps */
    ck_assert_int_eq(parse(sizeof(file), &img), HV_EFORMAT);
    build_good();
    set_load(2, ELF_SEG_R | ELF_SEG_W, 8192, 0x401000, 0x1001, 0x2000); /* past the file */
    ck_assert_int_eq(parse(sizeof(file), &img), HV_EFORMAT);
    build_good();
    set_load(2, ELF_SEG_R | ELF_SEG_W, 8192 + 8, 0x401000, 8, 8); /* offset/vaddr disagree */
    ck_assert_int_eq(parse(sizeof(file), &img), HV_EFORMAT);
    build_good();
    set_load(2, ELF_SEG_R | ELF_SEG_W | ELF_SEG_X, 8192, 0x401000, 16, 16); /* W+X */
    ck_assert_int_eq(parse(sizeof(file), &img), HV_EFORMAT);
    build_good();
    set_load(2, ELF_SEG_R | ELF_SEG_W, 8192, 0x400000 + 200, 16, 16); /* shares text's page */
    ck_assert_int_eq(parse(sizeof(file), &img), HV_EFORMAT);
}
END_TEST

START_TEST(addresses_beyond_the_limit)
{
    struct elf_image img;
    build_good();
    set_load(2, ELF_SEG_R | ELF_SEG_W, 8192, LIMIT - 4096, 16, 0x2000);
    ck_assert_int_eq(parse(sizeof(file), &img), HV_ERANGE);
    build_good();
    set_load(2, ELF_SEG_R | ELF_SEG_W, 8192, 0xfffffffffffff000ull, 16, 0x2000); /* wraps */
    ck_assert_int_eq(parse(sizeof(file), &img), HV_ERANGE);
}
END_TEST

START_TEST(entry_must_be_executable)
{
    struct elf_image img;
    build_good();
    put64(file + 24, 0x401000); /* in the data segment */
    ck_assert_int_eq(parse(sizeof(file), &img), HV_EFORMAT);
    build_good();
    put64(file + 24, 0x400000 + 100); /* one past the text */
    ck_assert_int_eq(parse(sizeof(file), &img), HV_EFORMAT);
}
END_TEST

START_TEST(too_many_segments)
{
    struct elf_image img;
    build_good();
    put16(file + 56, ELF_MAX_SEGMENTS + 1);
    for (unsigned i = 0; i <= ELF_MAX_SEGMENTS; i++)
        set_load(i, ELF_SEG_R | ELF_SEG_X, 4096, 0x400000 + 0x1000 * i, 16, 16);
    ck_assert_int_eq(parse(sizeof(file), &img), HV_ETRUNC);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("elf");
    TCase *tc = tcase_create("elf");
    tcase_add_test(tc, accepts_good_executable);
    tcase_add_test(tc, refuses_wrong_identity);
    tcase_add_test(tc, truncated_file);
    tcase_add_test(tc, lying_program_headers);
    tcase_add_test(tc, lying_segments);
    tcase_add_test(tc, addresses_beyond_the_limit);
    tcase_add_test(tc, entry_must_be_executable);
    tcase_add_test(tc, too_many_segments);
    suite_add_tcase(s, tc);
    return check_run(s);
}
