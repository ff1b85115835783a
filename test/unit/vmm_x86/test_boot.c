/* The boot_params builder and the 64-bit entry state: a good header, each malformed header
 * field, payloads that do not fit, and what ends up in the zero page and the registers. */
#include "check_run.h"
#include "x86_64/boot/boot_params.h"
#include "x86_64/boot/boot_state.h"
#include <hv/abi/vcpu_x86_64.h>
#include <hv/proto/guest_layout_x86_64.h>

#include <stdlib.h>
#include <string.h>

#define RAM (128u << 20)
#define PREF 0x1000000u
#define INIT_SIZE (64u << 20)
#define ZP 0x7000u
#define SCRATCH 0x8000u

static uint8_t *ram;
static struct x86_guest_mem mem;
static uint8_t img[16384];

static void put(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* A bzImage like Debian's: protocol 2.15, 64-bit entry, relocatable, 27 setup sectors. */
static void make_image(void)
{
    memset(img, 0, sizeof(img));
    img[BP_SETUP_SECTS] = 27;
    put(img + BP_SYSSIZE, (sizeof(img) - 28 * 512) / 16, 4);
    put(img + BP_BOOT_FLAG, BP_BOOT_FLAG_MAGIC, 2);
    img[BP_JUMP] = 0xeb;
    img[BP_JUMP + 1] = 0x6a; /* header ends at 0x26c */
    put(img + BP_HEADER, BP_HDRS_MAGIC, 4);
    put(img + BP_VERSION, 0x020f, 2);
    img[BP_LOADFLAGS] = BP_LOADED_HIGH;
    put(img + BP_INITRD_ADDR_MAX, 0x7fffffff, 4);
    put(img + BP_KERNEL_ALIGNMENT, 0x200000, 4);
    img[BP_RELOCATABLE] = 1;
    put(img + BP_XLOADFLAGS, BP_XLF_KERNEL_64 | 2, 2);
    put(img + BP_CMDLINE_SIZE, 2047, 4);
    put(img + BP_PREF_ADDRESS, PREF, 8);
    put(img + BP_INIT_SIZE, INIT_SIZE, 4);
}

static struct x86_boot_layout layout;

/* What the image builder does: header at ZP + 0x1f1, command line, initramfs at the top. */
static void setup(void)
{
    if (!ram)
        ram = malloc(RAM);
    memset(ram, 0, RAM);
    mem = (struct x86_guest_mem){.ram = ram, .ram_size = RAM};
    make_image();
    memcpy(ram + ZP + BP_SETUP_SECTS, img + BP_SETUP_SECTS, BP_HEADER_END - BP_SETUP_SECTS);
    const char cmd[] = "console=ttyS0 earlyprintk=serial";
    memcpy(ram + HV_X86_GUEST_CMDLINE, cmd, sizeof(cmd));
    layout = (struct x86_boot_layout){
        .ram_size = RAM,
        .zero_page_gpa = ZP,
        .kernel_gpa = PREF,
        .entry = PREF + 0x200,
        .initrd_gpa = RAM - 0x200000,
        .initrd_size = 0x180000,
        .cmdline_gpa = HV_X86_GUEST_CMDLINE,
        .cmdline_size = sizeof(cmd),
        .acpi_gpa = HV_X86_GUEST_ACPI,
    };
}

START_TEST(good_header)
{
    struct x86_setup_info s;
    ck_assert_ptr_null(x86_setup_check(img, sizeof(img), 1, &s));
    ck_assert_uint_eq(s.version, 0x020f);
    ck_assert_uint_eq(s.setup_sects, 27);
    ck_assert_uint_eq(s.pm_offset, 28 * 512);
    ck_assert_uint_eq(s.pref_address, PREF);
    ck_assert_uint_eq(s.init_size, INIT_SIZE);
    ck_assert_uint_eq(s.cmdline_size, 2047);
    /* setup_sects 0 means 4 */
    img[BP_SETUP_SECTS] = 0;
    ck_assert_ptr_null(x86_setup_check(img, sizeof(img), 1, &s));
    ck_assert_uint_eq(s.setup_sects, 4);
}
END_TEST

/* Each malformed field on its own gives its own error. */
START_TEST(malformed_headers)
{
    struct x86_setup_info s;
    struct {
        unsigned off, bytes;
        uint64_t value;
        const char *expect;
    } cases[] = {
        {BP_BOOT_FLAG, 2, 0x55aa, "boot flag"},
        {BP_HEADER, 4, 0x53726449, "HdrS"},
        {BP_VERSION, 2, 0x020b, "2.12"},
        {BP_VERSION, 2, 0x0100, "2.12"},
        {BP_LOADFLAGS, 1, 0, "LOADED_HIGH"},
        {BP_XLOADFLAGS, 2, 2, "XLF_KERNEL_64"},
        {BP_INIT_SIZE, 4, 0, "init_size"},
        {BP_KERNEL_ALIGNMENT, 4, 0, "power of two"},
        {BP_KERNEL_ALIGNMENT, 4, 0x300000, "power of two"},
        {BP_PREF_ADDRESS, 8, 0x80000, "pref_address"},
        {BP_PREF_ADDRESS, 8, PREF + 0x1000, "pref_address"},
        {BP_SETUP_SECTS, 1, 40, "setup_sects"},
        {BP_SYSSIZE, 4, 0x10000000, "syssize"},
        {BP_INIT_SIZE, 4, 0x100, "init_size smaller"},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        make_image();
        put(img + cases[i].off, cases[i].value, cases[i].bytes);
        const char *why = x86_setup_check(img, sizeof(img), 1, &s);
        ck_assert_msg(why != NULL, "case %u accepted", i);
        ck_assert_msg(strstr(why, cases[i].expect) != NULL, "case %u: '%s'", i, why);
    }
    /* Truncated images, down to nothing. */
    make_image();
    for (size_t len = 0; len < BP_HEADER_END; len += 37)
        ck_assert_ptr_nonnull(x86_setup_check(img, len, 1, &s));
}
END_TEST

START_TEST(zero_page_filled)
{
    ck_assert_ptr_null(x86_boot_params_build(&mem, &layout));
    const uint8_t *zp = ram + ZP;
    ck_assert_uint_eq(zp[BP_TYPE_OF_LOADER], 0xff);
    ck_assert_uint_eq(get(zp + BP_CMD_LINE_PTR, 4), HV_X86_GUEST_CMDLINE);
    ck_assert_uint_eq(get(zp + BP_RAMDISK_IMAGE, 4), RAM - 0x200000);
    ck_assert_uint_eq(get(zp + BP_RAMDISK_SIZE, 4), 0x180000);
    ck_assert_uint_eq(get(zp + BP_ACPI_RSDP_ADDR, 8), HV_X86_GUEST_ACPI);
    ck_assert_uint_eq(zp[BP_SENTINEL], 0);
    ck_assert_uint_eq(get(zp + BP_HEADER, 4), BP_HDRS_MAGIC); /* the header is kept */
    /* e820: low RAM, two reserved holes, RAM from 1 MiB to the end; no overlaps. */
    unsigned n = zp[BP_E820_ENTRIES];
    ck_assert_uint_eq(n, 4);
    uint64_t expect[4][3] = {{0, HV_X86_GUEST_EBDA, 1},
                             {HV_X86_GUEST_EBDA, 0xa0000 - HV_X86_GUEST_EBDA, 2},
                             {HV_X86_GUEST_ACPI, 0x100000 - HV_X86_GUEST_ACPI, 2},
                             {0x100000, RAM - 0x100000, 1}};
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *e = zp + BP_E820_TABLE + 20 * i;
        ck_assert_uint_eq(get(e, 8), expect[i][0]);
        ck_assert_uint_eq(get(e + 8, 8), expect[i][1]);
        ck_assert_uint_eq(get(e + 16, 4), expect[i][2]);
    }
}
END_TEST

/* A partition with a screen: screen_info for efifb at the display server's framebuffer (byte
 * offsets of include/uapi/linux/screen_info.h), outside every e820 RAM range; without one, all
 * of screen_info stays zero. */
START_TEST(screen_info_for_efifb)
{
    ck_assert_ptr_null(x86_boot_params_build(&mem, &layout));
    for (unsigned i = 0; i < 0x40; i++)
        ck_assert_uint_eq(ram[ZP + i], 0);
    layout.screen = true;
    ck_assert_ptr_null(x86_boot_params_build(&mem, &layout));
    const uint8_t *zp = ram + ZP;
    ck_assert_uint_eq(zp[0x0f], 0x70);                  /* orig_video_isVGA: VIDEO_TYPE_EFI */
    ck_assert_uint_eq(get(zp + 0x12, 2), 1024);         /* lfb_width */
    ck_assert_uint_eq(get(zp + 0x14, 2), 728);          /* lfb_height: below the strip */
    ck_assert_uint_eq(get(zp + 0x16, 2), 32);           /* lfb_depth */
    ck_assert_uint_eq(get(zp + 0x18, 4), 0xe0000000u);  /* lfb_base */
    ck_assert_uint_eq(get(zp + 0x1c, 4), 728u * 4096);  /* lfb_size, in bytes for efifb */
    ck_assert_uint_eq(get(zp + 0x24, 2), 4096);         /* lfb_linelength */
    static const uint8_t colours[8] = {8, 16, 8, 8, 8, 0, 8, 24}; /* XRGB8888 */
    ck_assert_mem_eq(zp + 0x26, colours, 8);
    ck_assert_uint_eq(get(zp + 0x36, 4), 0);            /* capabilities: a 32-bit base */
    for (unsigned i = 0; i < zp[BP_E820_ENTRIES]; i++) {
        const uint8_t *e = zp + BP_E820_TABLE + 20 * i;
        if (get(e + 16, 4) == 1)
            ck_assert_uint_le(get(e, 8) + get(e + 8, 8), 0xe0000000u);
    }
}
END_TEST

/* Each bad layout is refused and leaves RAM as it was. */
START_TEST(bad_layouts_change_nothing)
{
    uint8_t before[BP_ZERO_PAGE_SIZE];
    memcpy(before, ram + ZP, sizeof(before));
    struct x86_boot_layout bad[12];
    for (unsigned i = 0; i < 12; i++)
        bad[i] = layout;
    bad[0].entry = PREF;                                             /* not load + 0x200 */
    bad[1].kernel_gpa = PREF + 0x1000, bad[1].entry = PREF + 0x1200; /* misaligned */
    bad[2].ram_size = PREF + INIT_SIZE - 1;                          /* kernel does not fit */
    bad[3].initrd_gpa = PREF + 0x100000;                             /* overlaps init_size */
    bad[4].initrd_gpa = RAM - 0x1000;                                /* runs past RAM */
    bad[5].cmdline_size = 4000; /* beyond cmdline_size, and no NUL */
    memset(ram + HV_X86_GUEST_CMDLINE + 40, 'x', 4000);
    bad[6].zero_page_gpa = ZP + 8;      /* not page aligned */
    bad[7].cmdline_gpa = ZP;            /* overlaps the zero page */
    bad[8].ram_size = 0xd0000000ull;    /* into the device window */
    bad[9].acpi_gpa = RAM;              /* RSDP outside RAM */
    bad[10].initrd_gpa = 0x80000000ull; /* above initrd_addr_max (and RAM) */
    bad[11].cmdline_size = 0;
    for (unsigned i = 0; i < 12; i++) {
        ck_assert_msg(x86_boot_params_build(&mem, &bad[i]) != NULL, "layout %u accepted", i);
        ck_assert_msg(memcmp(before, ram + ZP, sizeof(before)) == 0, "layout %u wrote", i);
    }
    /* A header too old in the zero page is refused too. */
    put(ram + ZP + BP_VERSION, 0x0200, 2);
    ck_assert_ptr_nonnull(x86_boot_params_build(&mem, &layout));
}
END_TEST

START_TEST(command_line_limit)
{
    put(ram + ZP + BP_CMDLINE_SIZE, 10, 4);
    const char *why = x86_boot_params_build(&mem, &layout);
    ck_assert_ptr_nonnull(why);
    ck_assert_ptr_nonnull(strstr(why, "cmdline_size"));
}
END_TEST

static uint64_t reg_value(const struct x86_boot_regs *r, uint32_t reg)
{
    for (unsigned i = 0; i < r->n; i++)
        if (r->r[i].reg == reg)
            return r->r[i].value;
    ck_abort_msg("register %u not set", reg);
    return 0;
}

static int reg_index(const struct x86_boot_regs *r, uint32_t reg)
{
    for (unsigned i = 0; i < r->n; i++)
        if (r->r[i].reg == reg)
            return (int)i;
    return -1;
}

START_TEST(entry_state)
{
    struct x86_boot_regs r;
    ck_assert_ptr_null(x86_boot_state(&mem, SCRATCH, 0x18000, PREF + 0x200, ZP, &r));
    ck_assert_uint_eq(reg_value(&r, HV_X86_RIP), PREF + 0x200);
    ck_assert_uint_eq(reg_value(&r, HV_X86_RSI), ZP);
    ck_assert_uint_eq(reg_value(&r, HV_X86_RFLAGS) & (1u << 9), 0); /* IF clear */
    ck_assert_uint_eq(reg_value(&r, HV_X86_SEG(HV_X86_CS, HV_X86_SEG_SEL)), 0x10);
    ck_assert_uint_eq(reg_value(&r, HV_X86_SEG(HV_X86_DS, HV_X86_SEG_SEL)), 0x18);
    ck_assert_uint_eq(reg_value(&r, HV_X86_SEG(HV_X86_SS, HV_X86_SEG_SEL)), 0x18);
    ck_assert_uint_eq(reg_value(&r, HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR)), HV_X86_ATTR_CODE64);
    uint64_t cr0 = reg_value(&r, HV_X86_CR0);
    ck_assert_uint_eq(cr0 & 0x80000001u, 0x80000001u);
    ck_assert_uint_eq(reg_value(&r, HV_X86_EFER) & (1u << 8), 1u << 8);
    ck_assert_uint_eq(reg_value(&r, HV_X86_CR4) & (1u << 5), 1u << 5);
    /* Order: EFER, CR4, CR3 before CR0; CR0 before CS. */
    ck_assert_int_lt(reg_index(&r, HV_X86_EFER), reg_index(&r, HV_X86_CR0));
    ck_assert_int_lt(reg_index(&r, HV_X86_CR4), reg_index(&r, HV_X86_CR0));
    ck_assert_int_lt(reg_index(&r, HV_X86_CR3), reg_index(&r, HV_X86_CR0));
    ck_assert_int_lt(reg_index(&r, HV_X86_CR0),
                     reg_index(&r, HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR)));
    /* The GDT has the boot descriptors where the selectors point. */
    uint64_t gdt = reg_value(&r, HV_X86_GDTR_BASE);
    ck_assert_uint_eq(get(ram + gdt + 0x10, 8), 0x00af9b000000ffffull);
    ck_assert_uint_eq(get(ram + gdt + 0x18, 8), 0x00cf93000000ffffull);
    ck_assert_uint_ge(reg_value(&r, HV_X86_GDTR_LIMIT), 0x1f);
    /* The page tables identity-map the kernel, the zero page and the command line. */
    const struct x86_access sup_read = {X86_ACCESS_READ, false, false};
    struct x86_paging pg = {cr0, reg_value(&r, HV_X86_CR3), reg_value(&r, HV_X86_CR4),
                            reg_value(&r, HV_X86_EFER) | X86_EFER_LMA};
    uint64_t probes[] = {ZP,      HV_X86_GUEST_CMDLINE, PREF + 0x200, PREF + INIT_SIZE - 1,
                         RAM - 1, 0xfee00000ull,   0xfffff000ull};
    for (unsigned i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
        uint64_t gpa;
        ck_assert_int_eq(x86_walk(&mem, &pg, probes[i], &sup_read, &gpa), X86_WALK_OK);
        ck_assert_uint_eq(gpa, probes[i]);
    }
    uint64_t gpa;
    ck_assert_int_eq(x86_walk(&mem, &pg, 0x100000000ull, &sup_read, &gpa), X86_WALK_NOT_PRESENT);
}
END_TEST

START_TEST(entry_state_bad_scratch)
{
    struct x86_boot_regs r;
    ck_assert_ptr_nonnull(x86_boot_state(&mem, SCRATCH + 1, 0x18000, PREF, ZP, &r));
    ck_assert_ptr_nonnull(x86_boot_state(&mem, SCRATCH, 0x1000, PREF, ZP, &r));
    ck_assert_ptr_nonnull(x86_boot_state(&mem, RAM - 0x1000, 0x18000, PREF, ZP, &r));
    ck_assert_ptr_nonnull(x86_boot_state(&mem, UINT64_MAX & ~0xfffull, 0x18000, PREF, ZP, &r));
    ck_assert_uint_eq(r.n, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("boot");
    TCase *tc = tcase_create("boot");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, good_header);
    tcase_add_test(tc, malformed_headers);
    tcase_add_test(tc, zero_page_filled);
    tcase_add_test(tc, screen_info_for_efifb);
    tcase_add_test(tc, bad_layouts_change_nothing);
    tcase_add_test(tc, command_line_limit);
    tcase_add_test(tc, entry_state);
    tcase_add_test(tc, entry_state_bad_scratch);
    suite_add_tcase(s, tc);
    return check_run(s);
}
