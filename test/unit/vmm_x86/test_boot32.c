/* The 32-bit boot protocols of the VMM (boot/boot_info32.c, x86_boot_registers32): the
 * multiboot information and PVH start info they write, what they refuse (and then leave RAM as
 * it was), and the protected-mode entry state. */
#include "check_run.h"
#include "x86_64/boot/boot_info32.h"
#include "x86_64/boot/boot_state.h"
#include <hv/abi/vcpu_x86_64.h>
#include <hv/proto/guest_layout_x86_64.h>

#include <stdlib.h>
#include <string.h>

#define RAM (64u << 20)
#define SCRATCH 0x8000u
#define INFO 0x9000u
#define MOD_GPA 0x3000000u
#define MOD_SIZE 0x1234u

static uint8_t *ram, *copy;
static struct x86_guest_mem mem;
static struct x86_boot32_layout layout;
static const char cmd[] = "mb.bin conform\0mod.bin";

static uint64_t get(uint64_t gpa, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)ram[gpa + i] << (8 * i);
    return v;
}

static void setup(void)
{
    if (!ram) {
        ram = malloc(RAM);
        copy = malloc(RAM);
    }
    memset(ram, 0, RAM);
    mem = (struct x86_guest_mem){.ram = ram, .ram_size = RAM};
    memcpy(ram + HV_X86_GUEST_CMDLINE, cmd, sizeof(cmd));
    layout = (struct x86_boot32_layout){
        .ram_size = RAM,
        .info_gpa = INFO,
        .cmdline_gpa = HV_X86_GUEST_CMDLINE,
        .cmdline_size = sizeof(cmd),
        .initrd_gpa = MOD_GPA,
        .initrd_size = MOD_SIZE,
        .rsdp_gpa = HV_X86_GUEST_ACPI,
    };
}

START_TEST(multiboot_info)
{
    uint32_t ebx = 0;
    ck_assert_ptr_null(x86_multiboot_info_build(&mem, &layout, &ebx));
    ck_assert_uint_eq(ebx, INFO + X86_INFO_STRUCT);
    /* §3.3: flags, mem_lower/upper in KiB (640 KiB less the EBDA; all RAM above 1 MiB). */
    ck_assert_uint_eq(get(ebx, 4), 0x24f);
    ck_assert_uint_eq(get(ebx + 4, 4), HV_X86_GUEST_EBDA >> 10);
    ck_assert_uint_eq(get(ebx + 8, 4), (RAM - 0x100000) >> 10);
    ck_assert_uint_eq(get(ebx + 16, 4), HV_X86_GUEST_CMDLINE);
    ck_assert_str_eq((const char *)ram + get(ebx + 16, 4), "mb.bin conform");
    /* One module: start, end, its string. */
    ck_assert_uint_eq(get(ebx + 20, 4), 1);
    uint64_t mod = get(ebx + 24, 4);
    ck_assert_uint_eq(get(mod, 4), MOD_GPA);
    ck_assert_uint_eq(get(mod + 4, 4), MOD_GPA + MOD_SIZE);
    ck_assert_str_eq((const char *)ram + get(mod + 8, 4), "mod.bin");
    /* The memory map: size words of 20, the last RAM entry reaching the end of RAM. */
    uint64_t len = get(ebx + 44, 4), map = get(ebx + 48, 4), end = 0;
    ck_assert_uint_eq(len % 24, 0);
    ck_assert_uint_ge(len / 24, 2);
    for (uint64_t p = map; p < map + len; p += 4 + get(p, 4)) {
        ck_assert_uint_eq(get(p, 4), 20);
        if (get(p + 20, 4) == 1 && get(p + 4, 8) + get(p + 12, 8) > end)
            end = get(p + 4, 8) + get(p + 12, 8);
    }
    ck_assert_uint_eq(end, RAM);
    ck_assert_str_eq((const char *)ram + get(ebx + 64, 4), X86_BOOT_LOADER_NAME);

    /* No module: mods_count 0. A command line alone (nothing after its NUL). */
    setup();
    layout.initrd_size = 0;
    layout.cmdline_size = sizeof("mb.bin conform");
    ck_assert_ptr_null(x86_multiboot_info_build(&mem, &layout, &ebx));
    ck_assert_uint_eq(get(ebx + 20, 4), 0);
}
END_TEST

START_TEST(pvh_start_info)
{
    uint32_t ebx = 0;
    ck_assert_ptr_null(x86_pvh_info_build(&mem, &layout, &ebx));
    ck_assert_uint_eq(ebx, INFO + X86_INFO_STRUCT);
    ck_assert_uint_eq(get(ebx, 4), X86_PVH_START_MAGIC);
    ck_assert_uint_eq(get(ebx + 4, 4), 1);
    ck_assert_uint_eq(get(ebx + 12, 4), 1);
    uint64_t mod = get(ebx + 16, 8);
    ck_assert_uint_eq(get(mod, 8), MOD_GPA);
    ck_assert_uint_eq(get(mod + 8, 8), MOD_SIZE);
    ck_assert_str_eq((const char *)ram + get(mod + 16, 8), "mod.bin");
    ck_assert_uint_eq(get(ebx + 24, 8), HV_X86_GUEST_CMDLINE);
    ck_assert_uint_eq(get(ebx + 32, 8), HV_X86_GUEST_ACPI);
    uint64_t map = get(ebx + 40, 8), n = get(ebx + 48, 4), ram_end = 0;
    ck_assert_uint_ge(n, 2);
    for (uint64_t i = 0; i < n; i++)
        if (get(map + 24 * i + 16, 4) == 1)
            ram_end = get(map + 24 * i, 8) + get(map + 24 * i + 8, 8);
    ck_assert_uint_eq(ram_end, RAM);
}
END_TEST

/* Every refusal names the problem and leaves RAM as it was. */
START_TEST(bad_layouts_change_nothing)
{
    static const char *const why[] = {
        "boot info page not a low page of RAM",
        "boot info page not a low page of RAM",
        "command line not in RAM below 4 GiB",
        "command line not NUL-terminated",
        "module not in RAM below 4 GiB",
        "RAM larger than the guest's address space below the device window",
    };
    for (unsigned i = 0; i < sizeof(why) / sizeof(why[0]); i++) {
        setup();
        switch (i) {
        case 0:
            layout.info_gpa = INFO + 8;
            break;
        case 1:
            layout.info_gpa = 0xa0000;
            break;
        case 2:
            layout.cmdline_gpa = RAM - 4;
            break;
        case 3:
            ram[HV_X86_GUEST_CMDLINE + sizeof(cmd) - 1] = 'x';
            break;
        case 4:
            layout.initrd_gpa = RAM - 0x1000;
            break;
        case 5:
            layout.ram_size = RAM * 2ull;
            break;
        }
        memcpy(copy, ram, RAM);
        uint32_t ebx = 0;
        const char *got = x86_multiboot_info_build(&mem, &layout, &ebx);
        ck_assert_msg(got && !strcmp(got, why[i]), "case %u: %s", i, got ? got : "accepted");
        got = x86_pvh_info_build(&mem, &layout, &ebx);
        ck_assert_msg(got && !strcmp(got, why[i]), "case %u (PVH): %s", i, got ? got : "accepted");
        ck_assert(!memcmp(copy, ram, RAM));
    }
}
END_TEST

static uint64_t reg_value(const struct x86_boot_regs *r, uint32_t reg)
{
    for (unsigned i = 0; i < r->n; i++)
        if (r->r[i].reg == reg)
            return r->r[i].value;
    ck_abort_msg("register %u not in the boot list", reg);
    return 0;
}

START_TEST(entry_state32)
{
    struct x86_boot_regs r;
    ck_assert_ptr_null(x86_boot_tables32(&mem, SCRATCH, 0x18000));
    ck_assert_ptr_null(
        x86_boot_registers32(SCRATCH, 0x18000, 0x100040, X86_MULTIBOOT_EAX, 0x9500, &r));
    ck_assert_uint_eq(reg_value(&r, HV_X86_RIP), 0x100040);
    ck_assert_uint_eq(reg_value(&r, HV_X86_RAX), 0x2badb002);
    ck_assert_uint_eq(reg_value(&r, HV_X86_RBX), 0x9500);
    ck_assert_uint_eq(reg_value(&r, HV_X86_CR0) & 0x80000001u, 1); /* PE, not PG */
    ck_assert_uint_eq(reg_value(&r, HV_X86_RFLAGS) & ((1u << 9) | (1u << 17)), 0);
    ck_assert_uint_eq(reg_value(&r, HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR)), HV_X86_ATTR_CODE32);
    ck_assert_uint_eq(reg_value(&r, HV_X86_SEG(HV_X86_CS, HV_X86_SEG_LIMIT)), 0xffffffffu);
    ck_assert_uint_eq(reg_value(&r, HV_X86_SEG(HV_X86_SS, HV_X86_SEG_SEL)), X86_BOOT32_DS);
    ck_assert_uint_eq(reg_value(&r, HV_X86_SEG(HV_X86_TR, HV_X86_SEG_LIMIT)), 0x67);
    /* The GDT's descriptors are where the selectors point: 32-bit flat code and data. */
    uint64_t gdt = reg_value(&r, HV_X86_GDTR_BASE);
    ck_assert_uint_eq(get(gdt + X86_BOOT32_CS, 8), 0x00cf9a000000ffffull);
    ck_assert_uint_eq(get(gdt + X86_BOOT32_DS, 8), 0x00cf92000000ffffull);
    ck_assert_ptr_nonnull(x86_boot_registers32(SCRATCH + 4, 0x18000, 0x100000, 0, 0, &r));
    ck_assert_uint_eq(r.n, 0);
    ck_assert_ptr_nonnull(x86_boot_tables32(&mem, RAM, 0x18000));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("boot32");
    TCase *tc = tcase_create("boot32");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, multiboot_info);
    tcase_add_test(tc, pvh_start_info);
    tcase_add_test(tc, bad_layouts_change_nothing);
    tcase_add_test(tc, entry_state32);
    suite_add_tcase(s, tc);
    return check_run(s);
}
