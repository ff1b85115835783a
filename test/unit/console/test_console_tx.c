/* Unit tests for the console server's transmit path (servers/console/console_tx.c and its use
 * in console.c) against a UART that holds the line back, as a real 115200-baud line does:
 * the server never waits, a partition that outruns the line loses its own lines (counted and
 * said), and another partition's lines still all come out (SEC-H4). */
#include "check_run.h"
#include "console.h"
#include "term_model.h"
#include <stdio.h>
#include <string.h>

static struct console con;
static struct term screen;
static unsigned uart_room;     /* bytes the UART takes before it is full */
static unsigned long uart_got; /* bytes it took in all */
static unsigned uart_calls;

static unsigned uart_tx(void *ctx, const uint8_t *s, unsigned n)
{
    (void)ctx;
    uart_calls++;
    unsigned k = n < uart_room ? n : uart_room;
    uart_room -= k;
    uart_got += k;
    term_feed(&screen, (const char *)s, k);
    return k;
}

static void notify(void *ctx, unsigned client)
{
    (void)ctx, (void)client;
}

static const char names[2][HV_CONSOLE_NAME_MAX] = {"personal", "work"};

static void setup(void)
{
    struct console_io io = {uart_tx, notify, NULL};
    term_reset(&screen);
    uart_room = 0, uart_got = 0, uart_calls = 0;
    ck_assert(console_init(&con, &io, 2, names, 0));
}

static void out(unsigned client, const char *s)
{
    console_output(&con, client, (const uint8_t *)s, (unsigned)strlen(s));
}

/* The line drains: the UART takes room more bytes, the server gives it what waits. */
static bool drain(unsigned room)
{
    uart_room = room;
    return console_tx_pump(&con);
}

static unsigned rows_with(const char *prefix)
{
    unsigned n = 0;
    for (unsigned i = 0; i < term_rows(&screen); i++)
        n += strncmp(term_row(&screen, i), prefix, strlen(prefix)) == 0;
    return n;
}

START_TEST(queue_quota_and_room)
{
    struct console_tx t;
    tx_init(&t, 100);
    static const char b[200];
    ck_assert(tx_put(&t, 1, b, 60));
    ck_assert(!tx_put(&t, 1, b, 41)); /* 60 + 41 > 100: refused whole */
    ck_assert(tx_put(&t, 1, b, 40));
    ck_assert(tx_put(&t, 2, b, 100)); /* another owner has its own quota */
    ck_assert(tx_put(&t, CONSOLE_TX_SERVER, b, 200)); /* the server has none */
    ck_assert(!tx_put(&t, CONSOLE_TX_OWNERS, b, 1));
    ck_assert(!tx_put(&t, 1, b, 0));
    ck_assert_uint_eq(t.waiting[1], 100);
    tx_consume(&t, 70); /* the UART took all of the first write and 10 of the second */
    ck_assert_uint_eq(t.waiting[1], 30);
    ck_assert(tx_put(&t, 1, b, 70));
    tx_consume(&t, 10000); /* more than waits: all of it, no more */
    ck_assert(tx_empty(&t));
    for (unsigned i = 0; i < CONSOLE_TX_OWNERS; i++)
        ck_assert_uint_eq(t.waiting[i], 0);
}
END_TEST

/* Bytes that wrap around the end of the buffer come out in order. */
START_TEST(queue_wraps_in_order)
{
    struct console_tx t;
    tx_init(&t, CONSOLE_TX_SIZE);
    char in[1000], got[1000];
    unsigned got_n = 0;
    for (unsigned round = 0; round < 50; round++) {
        for (unsigned i = 0; i < sizeof(in); i++)
            in[i] = (char)(round * 7 + i);
        ck_assert(tx_put(&t, 0, in, sizeof(in)));
        got_n = 0;
        const uint8_t *p;
        unsigned n;
        while ((n = tx_peek(&t, &p)) != 0) {
            memcpy(got + got_n, p, n);
            got_n += n;
            tx_consume(&t, n);
        }
        ck_assert_uint_eq(got_n, sizeof(in));
        ck_assert(memcmp(got, in, sizeof(in)) == 0);
    }
}
END_TEST

/* The line is stuck: every write returns at once, the queue holds each writer to its quota,
 * and the pump returns (it does not spin) saying bytes wait. */
START_TEST(sec_h4_stuck_line_never_waits)
{
    char line[64];
    for (unsigned i = 0; i < 5000; i++) {
        snprintf(line, sizeof(line), "flood %u\n", i);
        out(1, line);
        ck_assert(drain(0));
        ck_assert_uint_le(con.tx.waiting[1], con.tx.quota);
    }
    ck_assert_uint_gt(con.clients[1].dropped_lines, 4000);
    ck_assert_uint_le(uart_calls, 5000 * 2); /* a bounded number of tries per write */
}
END_TEST

/* One partition floods a slow line; the other's lines all come out, and the flooder's loss
 * is counted and said on the terminal. */
START_TEST(sec_h4_flood_does_not_starve_the_other)
{
    char line[64];
    unsigned personal_lines = 0;
    for (unsigned i = 0; i < 3000; i++) {
        snprintf(line, sizeof(line), "flood %u %s\n", i, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        out(1, line);
        if (i % 100 == 0) {
            snprintf(line, sizeof(line), "calm %u\n", i);
            out(0, line);
            personal_lines++;
        }
        drain(12); /* the line takes ~12 bytes while work writes ~50 */
    }
    while (drain(4096))
        ;
    ck_assert_uint_eq(rows_with("[personal] calm "), personal_lines);
    ck_assert_uint_eq(con.clients[0].dropped_lines, 0);
    ck_assert_uint_gt(con.clients[1].dropped_lines, 0);
    out(1, "after\n");
    while (drain(4096))
        ;
    ck_assert_uint_ge(rows_with("[duet] work: "), 1);
    ck_assert_uint_eq(rows_with("[work] after"), 1);
    ck_assert_uint_eq(screen.bad_controls, 0);
}
END_TEST

/* A line that trickles out still reads whole: the UART takes one byte at a time. */
START_TEST(slow_line_loses_nothing_within_quota)
{
    out(0, "one\n");
    out(1, "two\n");
    out(0, "three\n");
    unsigned steps = 0;
    while (drain(1))
        steps++;
    ck_assert_uint_gt(steps, 20);
    ck_assert_str_eq(term_row(&screen, 0), "[personal] one");
    ck_assert_str_eq(term_row(&screen, 1), "[work] two");
    ck_assert_str_eq(term_row(&screen, 2), "[personal] three");
}
END_TEST

/* The focus change is the server's own line: it is shown even when both partitions are over
 * their quotas. */
START_TEST(focus_line_survives_full_quotas)
{
    char line[64];
    for (unsigned i = 0; i < 500; i++) {
        snprintf(line, sizeof(line), "busy %u\n", i);
        out(0, line);
        out(1, line);
    }
    console_input(&con, HV_CONSOLE_FOCUS_KEY);
    console_input(&con, '2');
    while (drain(4096))
        ;
    ck_assert_uint_eq(rows_with("[duet] focus: work"), 1);
    ck_assert_uint_eq(con.server_dropped, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("console_tx");
    TCase *tc = tcase_create("console_tx");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, queue_quota_and_room);
    tcase_add_test(tc, queue_wraps_in_order);
    tcase_add_test(tc, sec_h4_stuck_line_never_waits);
    tcase_add_test(tc, sec_h4_flood_does_not_starve_the_other);
    tcase_add_test(tc, slow_line_loses_nothing_within_quota);
    tcase_add_test(tc, focus_line_survives_full_quotas);
    suite_add_tcase(s, tc);
    return check_run(s);
}
