/* Check tests of the ring that hands requests between the storage server's threads: order
 * kept, a full ring refuses without overwriting, an empty one gives nothing, and the indices
 * wrap around their 32 bits. */
#include "check_run.h"
#include "io_ring.h"

#include <string.h>

START_TEST(order_kept_and_full_refused)
{
    struct io_ring r;
    memset(&r, 0, sizeof(r));
    struct io_ring_entry e;
    ck_assert(!io_ring_pop(&r, &e));
    for (unsigned i = 0; i < IO_RING_SIZE; i++)
        ck_assert(io_ring_push(&r, (struct io_ring_entry){(uint8_t)i, i % 2 == 0}));
    ck_assert(!io_ring_push(&r, (struct io_ring_entry){99, true}));
    for (unsigned i = 0; i < IO_RING_SIZE; i++) {
        ck_assert(io_ring_pop(&r, &e));
        ck_assert_uint_eq(e.io, i);
        ck_assert(e.ok == (i % 2 == 0));
    }
    ck_assert(!io_ring_pop(&r, &e));
}
END_TEST

START_TEST(indices_wrap)
{
    struct io_ring r;
    memset(&r, 0, sizeof(r));
    r.head = r.tail = UINT32_MAX - 3;
    struct io_ring_entry e;
    for (unsigned round = 0; round < 3; round++) {
        for (unsigned i = 0; i < IO_RING_SIZE; i++)
            ck_assert(io_ring_push(&r, (struct io_ring_entry){(uint8_t)(i + round), false}));
        ck_assert(!io_ring_push(&r, (struct io_ring_entry){0, false}));
        for (unsigned i = 0; i < IO_RING_SIZE; i++) {
            ck_assert(io_ring_pop(&r, &e));
            ck_assert_uint_eq(e.io, (uint8_t)(i + round));
        }
        ck_assert(!io_ring_pop(&r, &e));
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("io_ring");
    TCase *t = tcase_create("io_ring");
    tcase_add_test(t, order_kept_and_full_refused);
    tcase_add_test(t, indices_wrap);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return check_run(suite());
}
