/* Unit tests for the VMM core: the MMIO bus (registration, lookup, refusals and their log),
 * set-up checks and the console path. */
#include "check_run.h"
#include "vmm_fixture.h"
#include <hv/abi/error.h>
#include <hv/bits.h>
#include <string.h>

static struct vmm vmm;
static unsigned reads, writes;

static bool dev_read(void *dev, uint64_t off, unsigned size, uint64_t *v)
{
    reads++;
    *v = 0x1122334455667788ull; /* junk above the access size: the bus must mask it */
    return dev == NULL;         /* a non-NULL dev refuses, to test VMM_BUS_DEVICE */
}

static bool dev_write(void *dev, uint64_t off, unsigned size, uint64_t v)
{
    writes++;
    ck_assert_uint_eq(v & ~hv_size_mask(size), 0);
    return dev == NULL;
}

static const struct vmm_mmio_ops dev_ops = {.read = dev_read, .write = dev_write};

/* A device for the register page: its words are 0xd0000000 | offset | generation<<16. */
static unsigned generation, peeks;

static uint32_t dev_peek(void *dev, uint64_t off)
{
    peeks++;
    return 0xd0000000u | (uint32_t)off | generation << 16;
}

static const struct vmm_mmio_ops peek_ops = {.read = dev_read, .write = dev_write, .peek = dev_peek};

static void setup(void)
{
    memset(&env, 0, sizeof(env));
    ck_assert(vmm_init(&vmm, &fake_ops, &env, "core", 1));
    reads = writes = 0;
}

START_TEST(init_checks_ops_and_cpus)
{
    struct vmm v;
    struct vmm_ops ops = fake_ops;
    ck_assert(!vmm_init(&v, &fake_ops, NULL, "x", 0));
    ck_assert(!vmm_init(&v, &fake_ops, NULL, "x", VMM_MAX_CPUS + 1));
    ck_assert(!vmm_init(&v, NULL, NULL, "x", 1));
    ops.inject = NULL;
    ck_assert(!vmm_init(&v, &ops, NULL, "x", 1));
    ops = fake_ops;
    ops.console_read = NULL; /* optional */
    ck_assert(vmm_init(&v, &ops, NULL, NULL, VMM_MAX_CPUS));
    ck_assert_str_eq(v.name, "vmm");
}
END_TEST

START_TEST(regions_must_be_disjoint_and_sane)
{
    struct vmm_bus *b = &vmm.bus;
    ck_assert_int_eq(vmm_bus_add(b, 0x1000, 0x1000, &dev_ops, NULL, "a"), HV_OK);
    ck_assert_int_eq(vmm_bus_add(b, 0x3000, 0x1000, &dev_ops, NULL, "b"), HV_OK);
    ck_assert_int_eq(vmm_bus_add(b, 0x2000, 0x1000, &dev_ops, NULL, "between"), HV_OK);
    ck_assert_int_eq(vmm_bus_add(b, 0x1fff, 1, &dev_ops, NULL, "x"), HV_EEXIST);
    ck_assert_int_eq(vmm_bus_add(b, 0x0800, 0x801, &dev_ops, NULL, "x"), HV_EEXIST);
    ck_assert_int_eq(vmm_bus_add(b, 0x3fff, 0x10, &dev_ops, NULL, "x"), HV_EEXIST);
    ck_assert_int_eq(vmm_bus_add(b, 0x0, 0x100000, &dev_ops, NULL, "x"), HV_EEXIST);
    ck_assert_int_eq(vmm_bus_add(b, 0x5000, 0, &dev_ops, NULL, "x"), HV_EINVAL);
    ck_assert_int_eq(vmm_bus_add(b, ~0ull - 10, 100, &dev_ops, NULL, "x"), HV_EINVAL);
    ck_assert_int_eq(vmm_bus_add(b, 0x5000, 1, NULL, NULL, "x"), HV_EINVAL);
    struct vmm_mmio_ops half = {.read = dev_read};
    ck_assert_int_eq(vmm_bus_add(b, 0x5000, 1, &half, NULL, "x"), HV_EINVAL);
    /* The very top of the address space is fine when it does not wrap. */
    ck_assert_int_eq(vmm_bus_add(b, ~0ull - 0xfff, 0x1000, &dev_ops, NULL, "top"), HV_OK);
    ck_assert_uint_eq(b->count, 4);
    for (unsigned i = 1; i < b->count; i++)
        ck_assert_uint_lt(b->regions[i - 1].base, b->regions[i].base);
    ck_assert_str_eq(vmm_bus_find(b, 0x2fff)->name, "between");
    ck_assert_str_eq(vmm_bus_find(b, 0x3000)->name, "b");
    ck_assert_ptr_null(vmm_bus_find(b, 0xfff));
    ck_assert_ptr_null(vmm_bus_find(b, 0x4000));
    ck_assert_str_eq(vmm_bus_find(b, ~0ull)->name, "top");
}
END_TEST

START_TEST(table_fills_up)
{
    for (unsigned i = 0; i < VMM_BUS_MAX_REGIONS; i++)
        ck_assert_int_eq(vmm_bus_add(&vmm.bus, 0x10000 * (VMM_BUS_MAX_REGIONS - i), 0x200, &dev_ops,
                                     NULL, "slot"),
                         HV_OK);
    ck_assert_int_eq(vmm_bus_add(&vmm.bus, 0x1000000, 1, &dev_ops, NULL, "x"), HV_ENOMEM);
    for (unsigned i = 1; i <= VMM_BUS_MAX_REGIONS; i++)
        ck_assert_ptr_nonnull(vmm_bus_find(&vmm.bus, 0x10000 * i + 0x1ff));
}
END_TEST

/* The register page: every word is the region's peek, or the unclaimed value where none is,
 * from the moment a region is added; a refresh rewrites just what it names. */
START_TEST(register_page_follows_the_regions)
{
    static uint32_t page[VMM_BUS_PAGE / 4];
    struct vmm_bus *b = &vmm.bus;
    generation = peeks = 0;
    ck_assert_int_eq(vmm_bus_page_init(b, 0x10800, page, 0xffffffffu), HV_EINVAL); /* unaligned */
    ck_assert_int_eq(vmm_bus_page_init(b, 0x10000, NULL, 0), HV_EINVAL);
    ck_assert_int_eq(vmm_bus_page_init(b, 0x10000, page, 0xffffffffu), HV_OK);
    ck_assert_int_eq(vmm_bus_page_init(b, 0x20000, page, 0), HV_EINVAL); /* a second page */
    for (unsigned i = 0; i < VMM_BUS_PAGE / 4; i++)
        ck_assert_uint_eq(page[i], 0xffffffffu);
    /* In the page: a region needs peek, and whole words. */
    ck_assert_int_eq(vmm_bus_add(b, 0x10200, 0x200, &dev_ops, NULL, "x"), HV_EINVAL);
    ck_assert_int_eq(vmm_bus_add(b, 0x10202, 0x200, &peek_ops, NULL, "x"), HV_EINVAL);
    ck_assert_int_eq(vmm_bus_add(b, 0x10200, 0x1fe, &peek_ops, NULL, "x"), HV_EINVAL);
    ck_assert_int_eq(vmm_bus_add(b, 0x0fe00, 0x400, &dev_ops, NULL, "x"), HV_EINVAL); /* overlaps */
    ck_assert_int_eq(vmm_bus_add(b, 0x11000, 0x200, &dev_ops, NULL, "after"), HV_OK);
    ck_assert_int_eq(vmm_bus_add(b, 0x10200, 0x200, &peek_ops, NULL, "slot1"), HV_OK);
    ck_assert_uint_eq(peeks, 0x200 / 4);
    for (unsigned i = 0; i < VMM_BUS_PAGE / 4; i++) {
        uint32_t off = i * 4 - 0x200;
        bool in = i * 4 >= 0x200 && i * 4 < 0x400;
        ck_assert_uint_eq(page[i], in ? 0xd0000000u | off : 0xffffffffu);
    }
    /* A refresh of one word, and of a range reaching past the page: only the region's words. */
    generation = 1;
    peeks = 0;
    vmm_bus_page_refresh(b, 0x10260, 4);
    ck_assert_uint_eq(peeks, 1);
    ck_assert_uint_eq(page[0x260 / 4], 0xd0010060u);
    ck_assert_uint_eq(page[0x264 / 4], 0xd0000064u);
    vmm_bus_page_refresh(b, 0x10000, 0x2000);
    ck_assert_uint_eq(peeks, 1 + 0x200 / 4);
    ck_assert_uint_eq(page[0x3fc / 4], 0xd00101fcu);
    ck_assert_uint_eq(page[0x400 / 4], 0xffffffffu);
    ck_assert_uint_eq(page[0], 0xffffffffu);
    vmm_bus_page_refresh(b, 0x11000, 0x200); /* outside the page: nothing */
    vmm_bus_page_refresh(b, 0x0, 0x10000);
    ck_assert_uint_eq(peeks, 1 + 0x200 / 4);
    /* A page given after regions: theirs must peek. */
    struct vmm v2;
    ck_assert(vmm_init(&v2, &fake_ops, &env, "core2", 1));
    ck_assert_int_eq(vmm_bus_add(&v2.bus, 0x10000, 0x200, &dev_ops, NULL, "x"), HV_OK);
    ck_assert_int_eq(vmm_bus_page_init(&v2.bus, 0x10000, page, 0), HV_EINVAL);
    ck_assert(vmm_init(&v2, &fake_ops, &env, "core2", 1));
    ck_assert_int_eq(vmm_bus_add(&v2.bus, 0x10000, 0x200, &peek_ops, NULL, "x"), HV_OK);
    ck_assert_int_eq(vmm_bus_page_init(&v2.bus, 0x10000, page, 0), HV_OK);
    ck_assert_uint_eq(page[1], 0xd0010004u);
    ck_assert_uint_eq(page[0x200 / 4], 0);
}
END_TEST

START_TEST(accesses_reach_the_device_masked)
{
    ck_assert_int_eq(vmm_bus_add(&vmm.bus, 0x1000, 0x10, &dev_ops, NULL, "a"), HV_OK);
    uint64_t v;
    static const unsigned sizes[] = {1, 2, 4, 8};
    for (unsigned i = 0; i < 4; i++) {
        ck_assert_int_eq(vmm_bus_read(&vmm.bus, 0x1008, sizes[i], &v), VMM_BUS_OK);
        ck_assert_uint_eq(v, 0x1122334455667788ull & hv_size_mask(sizes[i]));
        ck_assert_int_eq(vmm_bus_write(&vmm.bus, 0x1008, sizes[i], ~0ull), VMM_BUS_OK);
    }
    ck_assert_uint_eq(reads, 4);
    ck_assert_uint_eq(writes, 4);
}
END_TEST

START_TEST(refusals_never_reach_a_device)
{
    ck_assert_int_eq(vmm_bus_add(&vmm.bus, 0x1000, 0x10, &dev_ops, NULL, "a"), HV_OK);
    ck_assert_int_eq(vmm_bus_add(&vmm.bus, 0x1010, 0x10, &dev_ops, NULL, "b"), HV_OK);
    uint64_t v = 1;
    ck_assert_int_eq(vmm_bus_read(&vmm.bus, 0x2000, 4, &v), VMM_BUS_UNCLAIMED);
    ck_assert_uint_eq(v, 0);
    static const unsigned bad[] = {0, 3, 5, 7, 16, 1u << 31};
    for (unsigned i = 0; i < 6; i++)
        ck_assert_int_eq(vmm_bus_read(&vmm.bus, 0x1000, bad[i], &v), VMM_BUS_BAD_SIZE);
    /* Adjacent devices: an access straddling them is refused, not split. */
    ck_assert_int_eq(vmm_bus_write(&vmm.bus, 0x100c, 8, 0), VMM_BUS_CROSSES);
    ck_assert_int_eq(vmm_bus_read(&vmm.bus, 0x101f, 2, &v), VMM_BUS_CROSSES);
    ck_assert_int_eq(vmm_bus_read(&vmm.bus, ~0ull, 8, &v), VMM_BUS_UNCLAIMED);
    ck_assert_uint_eq(reads + writes, 0);
    ck_assert_uint_eq(vmm.bus.bad_accesses, 10);
}
END_TEST

START_TEST(device_refusal_is_reported)
{
    ck_assert_int_eq(vmm_bus_add(&vmm.bus, 0x1000, 0x10, &dev_ops, (void *)1, "picky"), HV_OK);
    uint64_t v = 1;
    ck_assert_int_eq(vmm_bus_read(&vmm.bus, 0x1000, 4, &v), VMM_BUS_DEVICE);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(vmm_bus_write(&vmm.bus, 0x1000, 4, 0), VMM_BUS_DEVICE);
    ck_assert_ptr_nonnull(strstr(env.last_log, "picky"));
}
END_TEST

START_TEST(bad_addresses_logged_once_each_in_a_small_table)
{
    uint64_t v;
    for (unsigned r = 0; r < 3; r++)
        vmm_bus_read(&vmm.bus, 0x5000, 4, &v);
    ck_assert_uint_eq(env.log_lines, 1);
    ck_assert_ptr_nonnull(strstr(env.last_log, "0x5000"));
    ck_assert_ptr_nonnull(strstr(env.last_log, "core: "));
    for (unsigned i = 0; i < 100; i++)
        vmm_bus_write(&vmm.bus, 0x6000 + 8 * i, 8, 0);
    ck_assert_uint_eq(env.log_lines, VMM_BUS_LOG_TABLE);
    ck_assert_ptr_nonnull(strstr(env.last_log, "not logged"));
    ck_assert_uint_eq(vmm.bus.bad_accesses, 103);
}
END_TEST

START_TEST(console_without_a_device)
{
    ck_assert_uint_eq(vmm_console_input(&vmm, (const uint8_t *)"abc", 3), 0);
    fake_console_queue("xyz");
    vmm_console_refill(&vmm);
    ck_assert_uint_eq(env.in_pos, 0); /* nothing taken from the ring */
    vmm_console_output(&vmm, (const uint8_t *)"hi", 2);
    vmm_console_output(&vmm, (const uint8_t *)"", 0);
    ck_assert_uint_eq(env.nout, 0); /* held: no newline yet */
    vmm_console_flush(&vmm);
    ck_assert_uint_eq(env.nout, 2);
}
END_TEST

/* The VMM-STATS line: the total, each named kind, then the error counters. */
START_TEST(stats_name_every_kind)
{
    static const char *const names[VMM_EXIT_KINDS] = {"mmio", "hvc", NULL, "wfx"};
    char buf[200], tiny[8];
    vmm.exits = 7;
    vmm.exit_kinds[0] = 4, vmm.exit_kinds[1] = 2, vmm.exit_kinds[2] = 99, vmm.exit_kinds[3] = 1;
    vmm.exit_kind_names = names;
    vmm.guest_faults = 3;
    vmm_format_stats(&vmm, buf, sizeof(buf));
    ck_assert_str_eq(buf, "exits=7 mmio=4 hvc=2 wfx=1 guest_faults=3 inject_errors=0 "
                          "console_dropped=0");
    vmm_format_stats(&vmm, tiny, sizeof(tiny)); /* cut, still a string */
    ck_assert_str_eq(tiny, "exits=7");
    vmm.exit_kind_names = NULL;
    vmm_format_stats(&vmm, buf, sizeof(buf));
    ck_assert_str_eq(buf, "exits=7 guest_faults=3 inject_errors=0 console_dropped=0");
}
END_TEST

/* Output goes out a line at a time, or 48 bytes at a time when a line is longer. */
START_TEST(console_output_is_batched)
{
    vmm_console_output(&vmm, (const uint8_t *)"one\ntw", 6);
    ck_assert_uint_eq(env.nout, 4);
    char longline[100];
    memset(longline, 'x', sizeof(longline));
    vmm_console_output(&vmm, (const uint8_t *)longline, sizeof(longline));
    ck_assert_uint_eq(env.nout, 4 + 96); /* two full buffers of 48: "tw" + 46 x, then 48 x */
    vmm_console_flush(&vmm);
    ck_assert_uint_eq(env.nout, 4 + 102);
    vmm_console_flush(&vmm); /* nothing waits: nothing sent */
    ck_assert_uint_eq(env.nout, 4 + 102);
}
END_TEST

/* A device that claims more room than it takes: the surplus is counted as dropped. */
static size_t liar_room(void *d)
{
    return 8;
}
static size_t liar_receive(void *d, const uint8_t *b, size_t n)
{
    static unsigned calls;
    return calls++ == 0 ? n / 2 : 0;
}

START_TEST(console_refill_counts_what_a_device_refuses)
{
    vmm_console_attach(&vmm, &(struct vmm_console_dev){liar_room, liar_receive, NULL});
    fake_console_queue("0123456789abcdef");
    vmm_console_refill(&vmm);
    ck_assert_uint_eq(env.in_pos, 16);
    ck_assert_uint_eq(vmm.console_dropped, 12);
}
END_TEST

START_TEST(log_lines_are_bounded)
{
    char big[400];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    vmm_logf(&vmm, "%s", big);
    ck_assert_uint_lt(strlen(env.last_log), 200);
    ck_assert_uint_eq(strncmp(env.last_log, "core: xxx", 9), 0);
}
END_TEST

static Suite *core_suite(void)
{
    Suite *s = suite_create("vmm_core");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, init_checks_ops_and_cpus);
    tcase_add_test(t, regions_must_be_disjoint_and_sane);
    tcase_add_test(t, table_fills_up);
    tcase_add_test(t, register_page_follows_the_regions);
    tcase_add_test(t, accesses_reach_the_device_masked);
    tcase_add_test(t, refusals_never_reach_a_device);
    tcase_add_test(t, device_refusal_is_reported);
    tcase_add_test(t, bad_addresses_logged_once_each_in_a_small_table);
    tcase_add_test(t, console_without_a_device);
    tcase_add_test(t, console_output_is_batched);
    tcase_add_test(t, stats_name_every_kind);
    tcase_add_test(t, console_refill_counts_what_a_device_refuses);
    tcase_add_test(t, log_lines_are_bounded);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return check_run(core_suite());
}
