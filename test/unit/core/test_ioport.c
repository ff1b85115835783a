/* Unit tests for port I/O through I/O-port caps: accesses through a good cap reach the port
 * with the right size and value; every bad argument is refused with its error, no access made
 * and no kernel memory changed; a narrowed copy reaches its range and nothing else. */
#include "check_run.h"
#include "core_fixture.h"
#include <stdlib.h>
#include <string.h>

#define IO_ALL ROOT_SLOT_IOPORT
#define IO_R 40      /* read-only copy of the all-ports cap */
#define IO_W 41      /* write-only copy */
#define IO_NARROW 42 /* ports 0x100..0x107 */
#define IO_NARROWER 43
#define EP 30

static uint8_t *snap;

static void setup(void)
{
    fix_setup();
    fix_retype(HV_OBJ_ENDPOINT, 0, EP, 1);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, IO_ALL, ROOT_SLOT_CNODE, IO_R, HV_RIGHT_READ, 0),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, IO_ALL, ROOT_SLOT_CNODE, IO_W, HV_RIGHT_WRITE, 0),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, IO_ALL, ROOT_SLOT_CNODE, IO_NARROW,
                          HV_RIGHTS_ALL, HV_IOPORT_RANGE(0x100, 8)),
                      HV_OK);
}

/* A call expected to fail with err: no port touched, no kernel memory changed but R0. */
static void expect_fail(uint64_t n, uint64_t err, const uint64_t args[8])
{
    size_t size = (size_t)1 << FAKE_PHYS_BITS;
    uint8_t *mem = arch_phys_to_virt(pa_init(FAKE_PHYS_BASE));
    static uint8_t ports[sizeof(fake.ports)];
    if (!snap)
        snap = malloc(size);
    for (unsigned i = 0; i < 8; i++)
        arch_context_set_reg(&root->ctx, i, args[i]);
    arch_context_set_reg(&root->ctx, HV_REG_NUMBER, n);
    memcpy(snap, mem, size);
    memcpy(ports, fake.ports, sizeof(ports));
    unsigned accesses = fake.port_accesses;
    syscall_dispatch(root);
    ck_assert_uint_eq(reg(root, 0), err);
    ck_assert_uint_eq(reg(root, 1), args[1]); /* no value returned */
    arch_context_set_reg(&root->ctx, 0, args[0]);
    ck_assert_uint_eq(fake.port_accesses, accesses);
    ck_assert(memcmp(ports, fake.ports, sizeof(ports)) == 0);
    ck_assert_msg(memcmp(snap, mem, size) == 0, "syscall %llu changed kernel memory",
                  (unsigned long long)n);
}

#define FAIL(n, err, ...) expect_fail(n, err, (uint64_t[8]){__VA_ARGS__})
#define IN HV_SYS_IOPORT_IN
#define OUT HV_SYS_IOPORT_OUT

static void expect_access(unsigned port, unsigned size, bool out)
{
    ck_assert_uint_eq(fake.last_port, port);
    ck_assert_uint_eq(fake.last_size, size);
    ck_assert_int_eq(fake.last_out, out);
}

START_TEST(in_out_reach_the_port)
{
    ck_assert_uint_eq(SYS(root, OUT, IO_ALL, 0x70, 1, 0x8f), HV_OK);
    expect_access(0x70, 1, true);
    ck_assert_uint_eq(fake.ports[0x70], 0x8f);
    ck_assert_uint_eq(SYS(root, OUT, IO_W, 0xc000, 2, 0xbeef), HV_OK);
    expect_access(0xc000, 2, true);
    ck_assert_uint_eq(SYS(root, OUT, IO_ALL, 0xc011, 4, 0x12345678), HV_OK); /* unaligned */
    expect_access(0xc011, 4, true);
    ck_assert_uint_eq(SYS(root, OUT, IO_ALL, 0xfffc, 4, 0xffffffff), HV_OK); /* the last ports */
    expect_access(0xfffc, 4, true);
    ck_assert_uint_eq(fake.port_accesses, 4);

    ck_assert_uint_eq(SYS(root, IN, IO_R, 0xc000, 2), HV_OK);
    ck_assert_uint_eq(reg(root, 1), 0xbeef);
    expect_access(0xc000, 2, false);
    ck_assert_uint_eq(SYS(root, IN, IO_ALL, 0xc011, 4), HV_OK);
    ck_assert_uint_eq(reg(root, 1), 0x12345678);
    ck_assert_uint_eq(SYS(root, IN, IO_ALL, 0xc012, 1), HV_OK);
    ck_assert_uint_eq(reg(root, 1), 0x56);
    expect_access(0xc012, 1, false);
    ck_assert_uint_eq(fake.port_accesses, 7);
    /* Next to the reserved ranges is fine. */
    ck_assert_uint_eq(SYS(root, OUT, IO_ALL, 0x3f4, 4, 1), HV_OK);
    ck_assert_uint_eq(SYS(root, OUT, IO_ALL, 0x400, 1, 1), HV_OK);
    ck_assert_uint_eq(SYS(root, IN, IO_ALL, 0xf3, 1), HV_OK);
    ck_assert_uint_eq(SYS(root, IN, IO_ALL, 0xf5, 2), HV_OK);
}
END_TEST

START_TEST(bad_caps)
{
    FAIL(IN, HV_ERANGE, 0, 0x70, 1);
    FAIL(OUT, HV_ERANGE, 1u << FIX_ROOT_SLOT_BITS, 0x70, 1, 0);
    FAIL(IN, HV_ENOENT, 100, 0x70, 1);
    FAIL(OUT, HV_ENOENT, 100, 0x70, 1, 0);
    FAIL(IN, HV_ETYPE, EP, 0x70, 1);
    FAIL(OUT, HV_ETYPE, ROOT_SLOT_IRQ_CONTROL, 0x70, 1, 0);
    FAIL(IN, HV_EPERM, IO_W, 0x70, 1);  /* in needs read */
    FAIL(OUT, HV_EPERM, IO_R, 0x70, 1, 0); /* out needs write */
}
END_TEST

START_TEST(bad_ports_sizes_values)
{
    for (unsigned n = IN; n <= OUT; n++) {
        FAIL(n, HV_EINVAL, IO_ALL, 0x70, 0, 0);
        FAIL(n, HV_EINVAL, IO_ALL, 0x70, 3, 0);
        FAIL(n, HV_EINVAL, IO_ALL, 0x70, 8, 0);
        FAIL(n, HV_EINVAL, IO_ALL, 0x70, UINT64_MAX, 0);
        FAIL(n, HV_ERANGE, IO_ALL, 0x10000, 1, 0);
        FAIL(n, HV_ERANGE, IO_ALL, UINT64_MAX, 1, 0);
        FAIL(n, HV_ERANGE, IO_ALL, UINT64_MAX - 1, 4, 0);
        FAIL(n, HV_ERANGE, IO_ALL, 0xfffe, 4, 0); /* crosses the end of the port space */
        FAIL(n, HV_ERANGE, IO_ALL, 0xffff, 2, 0);
    }
    FAIL(OUT, HV_EINVAL, IO_ALL, 0x70, 1, 0x100);
    FAIL(OUT, HV_EINVAL, IO_ALL, 0x70, 2, 0x10000);
    FAIL(OUT, HV_EINVAL, IO_ALL, 0x70, 4, 0x100000000ull);
    FAIL(OUT, HV_EINVAL, IO_ALL, 0x70, 4, UINT64_MAX);
}
END_TEST

START_TEST(reserved_ports)
{
    /* Even the all-ports root cap can't touch the kernel's ports, not even partly. */
    for (unsigned p = FAKE_RESERVED_PORT_FIRST; p <= FAKE_RESERVED_PORT_LAST; p++) {
        FAIL(IN, HV_EPERM, IO_ALL, p, 1);
        FAIL(OUT, HV_EPERM, IO_ALL, p, 1, 0);
    }
    FAIL(IN, HV_EPERM, IO_ALL, FAKE_RESERVED_PORT_EXIT, 1);
    FAIL(OUT, HV_EPERM, IO_ALL, FAKE_RESERVED_PORT_EXIT, 1, 0);
    FAIL(OUT, HV_EPERM, IO_ALL, FAKE_RESERVED_PORT_FIRST - 1, 2, 0);
    FAIL(IN, HV_EPERM, IO_ALL, FAKE_RESERVED_PORT_FIRST - 3, 4);
    FAIL(OUT, HV_EPERM, IO_ALL, FAKE_RESERVED_PORT_LAST, 4, 0);
    FAIL(IN, HV_EPERM, IO_ALL, FAKE_RESERVED_PORT_EXIT - 1, 2);
    FAIL(IN, HV_EPERM, IO_ALL, FAKE_RESERVED_PORT_EXIT - 3, 4);
}
END_TEST

START_TEST(no_port_space)
{
    fake.no_ioports = true;
    FAIL(IN, HV_ENOSYS, IO_ALL, 0x70, 1);
    FAIL(OUT, HV_ENOSYS, IO_ALL, 0x70, 1, 0);
    FAIL(IN, HV_ENOSYS, 100, 0x70, 1); /* before any lookup */
}
END_TEST

START_TEST(narrowed_copy)
{
    struct cap_slot *s = root_slot(IO_NARROW);
    ck_assert_uint_eq(s->type, HV_OBJ_IOPORT);
    ck_assert_uint_eq(s->data, 0x100);
    ck_assert_uint_eq(s->aux, 8);
    ck_assert_uint_eq(SYS(root, OUT, IO_NARROW, 0x100, 4, 0xcafe), HV_OK);
    ck_assert_uint_eq(SYS(root, OUT, IO_NARROW, 0x104, 4, 0xf00d), HV_OK);
    ck_assert_uint_eq(SYS(root, IN, IO_NARROW, 0x107, 1), HV_OK);
    FAIL(IN, HV_ERANGE, IO_NARROW, 0xff, 1);
    FAIL(IN, HV_ERANGE, IO_NARROW, 0x108, 1);
    FAIL(OUT, HV_ERANGE, IO_NARROW, 0x105, 4, 0); /* crosses the end */
    FAIL(OUT, HV_ERANGE, IO_NARROW, 0xfe, 4, 0);  /* starts before */
    FAIL(IN, HV_ERANGE, IO_NARROW, 0x70, 1);

    /* A copy of the narrowed cap may narrow further but never widen. */
    FAIL(HV_SYS_CAP_COPY, HV_ERANGE, IO_NARROW, ROOT_SLOT_CNODE, IO_NARROWER, HV_RIGHTS_ALL,
         HV_IOPORT_RANGE(0xff, 2));
    FAIL(HV_SYS_CAP_COPY, HV_ERANGE, IO_NARROW, ROOT_SLOT_CNODE, IO_NARROWER, HV_RIGHTS_ALL,
         HV_IOPORT_RANGE(0x104, 5));
    FAIL(HV_SYS_CAP_COPY, HV_ERANGE, IO_NARROW, ROOT_SLOT_CNODE, IO_NARROWER, HV_RIGHTS_ALL,
         HV_IOPORT_RANGE(0, 0x10000));
    FAIL(HV_SYS_CAP_COPY, HV_EINVAL, IO_NARROW, ROOT_SLOT_CNODE, IO_NARROWER, HV_RIGHTS_ALL,
         HV_IOPORT_RANGE(0x100, 0));
    FAIL(HV_SYS_CAP_COPY, HV_EINVAL, IO_ALL, ROOT_SLOT_CNODE, IO_NARROWER, HV_RIGHTS_ALL,
         HV_IOPORT_RANGE(0, 0x10001));
    FAIL(HV_SYS_CAP_COPY, HV_EINVAL, IO_ALL, ROOT_SLOT_CNODE, IO_NARROWER, HV_RIGHTS_ALL,
         UINT64_MAX);
    FAIL(HV_SYS_CAP_COPY, HV_EEXIST, IO_ALL, ROOT_SLOT_CNODE, IO_NARROW, HV_RIGHTS_ALL,
         HV_IOPORT_RANGE(0x100, 1));
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, IO_NARROW, ROOT_SLOT_CNODE, IO_NARROWER,
                          HV_RIGHT_READ, HV_IOPORT_RANGE(0x104, 4)),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, IN, IO_NARROWER, 0x104, 4), HV_OK);
    ck_assert_uint_eq(reg(root, 1), 0xf00d);
    FAIL(IN, HV_ERANGE, IO_NARROWER, 0x100, 4);
    FAIL(OUT, HV_EPERM, IO_NARROWER, 0x104, 4, 0); /* rights narrowed too */
    /* A plain copy (badge 0) keeps the range. */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, IO_NARROW, ROOT_SLOT_CNODE, 44, HV_RIGHTS_ALL,
                          0),
                      HV_OK);
    ck_assert_uint_eq(root_slot(44)->data, 0x100);
    ck_assert_uint_eq(root_slot(44)->aux, 8);
    FAIL(IN, HV_ERANGE, 44, 0x108, 1);
    /* Whole-space narrowing of the root cap is allowed; reserved ports stay out of reach. */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, IO_ALL, ROOT_SLOT_CNODE, 45, HV_RIGHTS_ALL,
                          HV_IOPORT_RANGE(FAKE_RESERVED_PORT_FIRST, 8)),
                      HV_OK);
    FAIL(IN, HV_EPERM, 45, FAKE_RESERVED_PORT_FIRST, 1);
    /* Revoking the parent removes the narrowed copies. */
    SYS(root, HV_SYS_CAP_REVOKE, IO_NARROW);
    ck_assert(cap_is_empty(root_slot(IO_NARROWER)));
    FAIL(IN, HV_ENOENT, IO_NARROWER, 0x104, 4);
}
END_TEST

START_TEST(other_caps_still_refuse_badge_semantics)
{
    /* Minting stays endpoint/notification only; ioport narrowing didn't open it elsewhere. */
    fix_retype(HV_OBJ_FRAME, 12, 50, 1);
    FAIL(HV_SYS_CAP_COPY, HV_ETYPE, 50, ROOT_SLOT_CNODE, 51, HV_RIGHTS_ALL, 5);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, EP, ROOT_SLOT_CNODE, 51, HV_RIGHTS_ALL, 5),
                      HV_OK);
    ck_assert_uint_eq(root_slot(51)->data, 5);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_ioport");
    TCase *tc = tcase_create("ioport");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, in_out_reach_the_port);
    tcase_add_test(tc, bad_caps);
    tcase_add_test(tc, bad_ports_sizes_values);
    tcase_add_test(tc, reserved_ports);
    tcase_add_test(tc, no_port_space);
    tcase_add_test(tc, narrowed_copy);
    tcase_add_test(tc, other_caps_still_refuse_badge_semantics);
    suite_add_tcase(s, tc);
    return check_run(s);
}
