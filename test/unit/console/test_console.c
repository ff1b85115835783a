/* Unit tests for the console server's logic (servers/console/console.c). */
#include "check_run.h"
#include "console.h"
#include <string.h>

static char term[8192];
static unsigned term_len;
static unsigned notified;
static struct console con;
static struct hv_console_ring rings[2];

static void uart_write(void *ctx, const char *s, unsigned n)
{
    (void)ctx;
    ck_assert_uint_lt(term_len + n, sizeof(term));
    memcpy(term + term_len, s, n);
    term_len += n;
    term[term_len] = '\0';
}

static void notify(void *ctx, unsigned client)
{
    (void)ctx;
    notified |= 1u << client;
}

static const char names[2][HV_CONSOLE_NAME_MAX] = {"personal", "work"};

static void setup(void)
{
    struct console_io io = {uart_write, notify, NULL};
    term_len = 0;
    term[0] = '\0';
    notified = 0;
    memset(rings, 0, sizeof(rings));
    ck_assert(console_init(&con, &io, 2, names, 0));
    con.clients[0].ring = &rings[0];
    con.clients[1].ring = &rings[1];
}

static void out(unsigned client, const char *s)
{
    console_output(&con, client, (const uint8_t *)s, (unsigned)strlen(s));
}

static void type(const char *s)
{
    for (; *s; s++)
        console_input(&con, (uint8_t)*s);
}

static unsigned take(unsigned client, char *buf, unsigned max)
{
    unsigned n = hv_console_ring_take(&rings[client], (uint8_t *)buf, max);
    buf[n] = '\0';
    return n;
}

START_TEST(init_refuses_bad_numbers)
{
    struct console c;
    struct console_io io = {uart_write, notify, NULL};
    ck_assert(!console_init(&c, &io, 0, names, 0));
    ck_assert(!console_init(&c, &io, HV_CONSOLE_MAX_CLIENTS + 1, names, 0));
    ck_assert(!console_init(&c, &io, 2, names, 2));
}
END_TEST

START_TEST(lines_are_tagged)
{
    out(1, "hello\nworld\n");
    ck_assert_str_eq(term, "[work] hello\n[work] world\n");
}
END_TEST

START_TEST(unfocused_partial_lines_wait_for_newline)
{
    out(1, "DUET-COU");          /* work has no focus: held */
    out(0, "boot line\n");
    out(1, "NT work 5\n");
    ck_assert_str_eq(term, "[personal] boot line\n[work] DUET-COUNT work 5\n");
}
END_TEST

START_TEST(focused_prompt_shows_at_once)
{
    out(0, "~ # ");
    ck_assert_str_eq(term, "[personal] ~ # ");
    out(0, "ls\n");
    ck_assert_str_eq(term, "[personal] ~ # ls\n");
}
END_TEST

/* A focused line longer than one message arrives in full messages: it stays whole even when
 * another partition's line comes between its pieces. */
START_TEST(focused_long_line_stays_whole)
{
    char piece[HV_CONSOLE_WRITE_MAX + 1];
    memset(piece, 'p', HV_CONSOLE_WRITE_MAX);
    piece[HV_CONSOLE_WRITE_MAX] = '\0';
    out(0, piece);
    out(1, "tick\n");
    out(0, " rest\n");
    ck_assert_str_eq(term + strlen("[work] tick\n[personal] ") + HV_CONSOLE_WRITE_MAX,
                     " rest\n");
    ck_assert(strncmp(term, "[work] tick\n[personal] pppp", 27) == 0);
}
END_TEST

START_TEST(other_line_breaks_open_prompt)
{
    out(0, "~ # ");
    out(1, "tick\n");
    ck_assert_str_eq(term, "[personal] ~ # \r\n[work] tick\n");
    /* The prompt's line goes on: shown again from its start, so it reads whole. */
    out(0, "ls");
    ck_assert_str_eq(term, "[personal] ~ # \r\n[work] tick\n[personal] ~ # ls");
    out(1, "tock\n");
    out(0, "\n");
    ck_assert_str_eq(term, "[personal] ~ # \r\n[work] tick\n[personal] ~ # ls\r\n"
                           "[work] tock\n[personal] ~ # ls\n");
    /* A finished line is not shown again. */
    out(1, "tick\n");
    out(0, "x\n");
    ck_assert(strstr(term, "[work] tick\n[personal] x\n") != NULL);
}
END_TEST

/* A shown part too long to repeat is not repeated (nor lost: it was shown). */
START_TEST(broken_line_too_long_to_repeat)
{
    char piece[CONSOLE_LINE_MAX + 1];
    memset(piece, 'q', CONSOLE_LINE_MAX);
    piece[CONSOLE_LINE_MAX] = '\0';
    out(0, piece); /* a full line buffer: shown at once */
    out(0, "r");   /* and more of it, also shown (a short message) */
    out(1, "tick\n");
    out(0, "s\n");
    ck_assert(strstr(term, "[work] tick\n[personal] s\n") != NULL);
}
END_TEST

static void log_piece(unsigned writer, const char *s, bool end)
{
    console_log(&con, writer, (const uint8_t *)s, (unsigned)strlen(s), end);
}

/* A VMM's log line comes in pieces while its guest's prompt shows: the line waits for its end,
 * comes out whole on its own terminal line, and the prompt shows again when the guest goes on
 * (the CI failure this fixes: the guest's line went on untagged after a VMM line). */
START_TEST(log_line_stands_alone_and_prompt_returns)
{
    out(0, "/ # ");
    log_piece(1, "personal: mmio: unclaimed ", false);
    ck_assert_str_eq(term, "[personal] / # ");
    log_piece(1, "address 0x100000000", true);
    out(0, "DUET-DEVMEM x\n");
    ck_assert_str_eq(term, "[personal] / # \r\n"
                           "personal: mmio: unclaimed address 0x100000000\n"
                           "[personal] / # DUET-DEVMEM x\n");
}
END_TEST

/* Another client's line between the pieces keeps its place: a log line is one write. */
START_TEST(log_line_pieces_wait_for_the_end)
{
    log_piece(1, "personal: half ", false);
    out(1, "tick\n");
    log_piece(1, "whole", true);
    ck_assert_str_eq(term, "[work] tick\npersonal: half whole\n");
}
END_TEST

/* Writers' pieces are kept apart: the root task (0) and each client's VMM (i + 1). */
START_TEST(log_writers_do_not_mix)
{
    log_piece(0, "root: one ", false);
    log_piece(2, "work: two ", false);
    log_piece(0, "done", true);
    log_piece(2, "done", true);
    log_piece(3, "nobody", true); /* no such writer: ignored */
    ck_assert_str_eq(term, "root: one done\nwork: two done\n");
}
END_TEST

/* A log line longer than the server holds comes out in full lines, nothing lost. */
START_TEST(long_log_line_is_cut_not_lost)
{
    char line[CONSOLE_LINE_MAX + 11], want[CONSOLE_LINE_MAX + 13];
    memset(line, 'y', CONSOLE_LINE_MAX + 10);
    line[CONSOLE_LINE_MAX + 10] = '\0';
    log_piece(1, line, true);
    memset(want, 'y', CONSOLE_LINE_MAX);
    strcpy(want + CONSOLE_LINE_MAX, "\nyyyyyyyyyy\n");
    ck_assert_str_eq(term, want);
}
END_TEST

START_TEST(long_line_is_cut_not_lost)
{
    char line[CONSOLE_LINE_MAX * 2 + 2];
    memset(line, 'x', sizeof(line) - 2);
    line[sizeof(line) - 2] = '\n';
    line[sizeof(line) - 1] = '\0';
    out(1, line);
    unsigned xs = 0;
    for (unsigned i = 0; i < term_len; i++)
        xs += term[i] == 'x';
    ck_assert_uint_eq(xs, CONSOLE_LINE_MAX * 2);
}
END_TEST

START_TEST(input_goes_to_focus_only)
{
    char buf[64];
    type("ls\r");
    ck_assert_uint_eq(notified, 1u);
    ck_assert_uint_eq(take(0, buf, sizeof(buf) - 1), 3);
    ck_assert_str_eq(buf, "ls\r");
    ck_assert_uint_eq(take(1, buf, sizeof(buf) - 1), 0);
}
END_TEST

START_TEST(focus_key_switches_and_is_never_delivered)
{
    char buf[64];
    type("\x14" "2");
    ck_assert_uint_eq(con.focus, 1);
    ck_assert_ptr_nonnull(strstr(term, "[duet] focus: work"));
    type("id\r");
    ck_assert_uint_eq(take(1, buf, sizeof(buf) - 1), 3);
    ck_assert_uint_eq(take(0, buf, sizeof(buf) - 1), 0);
    type("\x14n"); /* next wraps around */
    ck_assert_uint_eq(con.focus, 0);
    type("\x14" "9"); /* no such client: focus stays */
    ck_assert_uint_eq(con.focus, 0);
    type("\x14q"); /* an unknown sequence reaches nobody */
    ck_assert_uint_eq(take(0, buf, sizeof(buf) - 1), 0);
    type("\x14\x14"); /* a literal Ctrl-T */
    ck_assert_uint_eq(take(0, buf, sizeof(buf) - 1), 1);
    ck_assert_int_eq(buf[0], 0x14);
}
END_TEST

START_TEST(full_ring_drops_and_counts)
{
    for (unsigned i = 0; i < HV_CONSOLE_RING_SIZE + 10; i++)
        console_input(&con, 'a');
    ck_assert_uint_eq(rings[0].dropped, 10);
    char buf[HV_CONSOLE_RING_SIZE + 1];
    ck_assert_uint_eq(take(0, buf, HV_CONSOLE_RING_SIZE), HV_CONSOLE_RING_SIZE);
    console_input(&con, 'b');
    ck_assert_uint_eq(take(0, buf, 10), 1);
    ck_assert_int_eq(buf[0], 'b');
}
END_TEST

START_TEST(ring_indices_wrap)
{
    char buf[8];
    rings[0].head = rings[0].tail = UINT32_MAX - 1; /* a ring that has run a long time */
    type("abc");
    ck_assert_uint_eq(take(0, buf, 7), 3);
    ck_assert_str_eq(buf, "abc");
}
END_TEST

START_TEST(output_of_unknown_client_ignored)
{
    out(5, "x\n");
    ck_assert_uint_eq(term_len, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("console");
    TCase *tc = tcase_create("console");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, init_refuses_bad_numbers);
    tcase_add_test(tc, lines_are_tagged);
    tcase_add_test(tc, unfocused_partial_lines_wait_for_newline);
    tcase_add_test(tc, broken_line_too_long_to_repeat);
    tcase_add_test(tc, focused_prompt_shows_at_once);
    tcase_add_test(tc, other_line_breaks_open_prompt);
    tcase_add_test(tc, focused_long_line_stays_whole);
    tcase_add_test(tc, long_line_is_cut_not_lost);
    tcase_add_test(tc, log_line_stands_alone_and_prompt_returns);
    tcase_add_test(tc, log_line_pieces_wait_for_the_end);
    tcase_add_test(tc, log_writers_do_not_mix);
    tcase_add_test(tc, long_log_line_is_cut_not_lost);
    tcase_add_test(tc, input_goes_to_focus_only);
    tcase_add_test(tc, focus_key_switches_and_is_never_delivered);
    tcase_add_test(tc, full_ring_drops_and_counts);
    tcase_add_test(tc, ring_indices_wrap);
    tcase_add_test(tc, output_of_unknown_client_ignored);
    suite_add_tcase(s, tc);
    return check_run(s);
}
