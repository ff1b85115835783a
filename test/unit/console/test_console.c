/* Unit tests for the console server's logic (servers/console/console.c). */
#include "check_run.h"
#include "console.h"
#include "term_model.h"
#include <hv/proto/focus.h>
#include <string.h>

static char term[16384]; /* every byte the UART got */
static unsigned term_len;
static struct term screen; /* what a person sees */
static unsigned notified;
static struct console con;
static struct hv_console_ring rings[2];

/* A UART that takes everything at once. */
static unsigned uart_tx(void *ctx, const uint8_t *s, unsigned n)
{
    (void)ctx;
    ck_assert_uint_lt(term_len + n, sizeof(term));
    memcpy(term + term_len, s, n);
    term_len += n;
    term[term_len] = '\0';
    term_feed(&screen, (const char *)s, n);
    return n;
}

static void notify(void *ctx, unsigned client)
{
    (void)ctx;
    notified |= 1u << client;
}

static const char names[2][HV_CONSOLE_NAME_MAX] = {"personal", "work"};

static void setup(void)
{
    struct console_io io = {uart_tx, notify, NULL};
    term_len = 0;
    term_reset(&screen);
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
    ck_assert(!console_tx_pump(&con));
}

static void type(const char *s)
{
    for (; *s; s++)
        console_input(&con, (uint8_t)*s);
    ck_assert(!console_tx_pump(&con));
}

/* Every row on the screen starts with one of the allowed tags (or is empty), and the server
 * sent no control beyond its own few. */
static void assert_rows_tagged(void)
{
    ck_assert_uint_eq(screen.bad_controls, 0);
    for (unsigned i = 0; i < term_rows(&screen); i++) {
        const char *r = term_row(&screen, i);
        static const char *const tags[] = {"[personal]", "[work]", "[duet]", "[personal:vmm]",
                                           "[work:vmm]", "root:"};
        bool tagged = !*r;
        for (unsigned k = 0; k < sizeof(tags) / sizeof(tags[0]); k++) {
            size_t n = strlen(tags[k]);
            tagged |= !strncmp(r, tags[k], n) && (r[n] == ' ' || r[n] == '\0');
        }
        ck_assert_msg(tagged, "row %u untagged: '%s'", i, r);
    }
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
    struct console_io io = {uart_tx, notify, NULL};
    ck_assert(!console_init(&c, &io, 0, names, 0));
    ck_assert(!console_init(&c, &io, HV_CONSOLE_MAX_CLIENTS + 1, names, 0));
    ck_assert(!console_init(&c, &io, 2, names, 2));
}
END_TEST

START_TEST(lines_are_tagged)
{
    out(1, "hello\nworld\n");
    ck_assert_str_eq(term, "[work] hello\r\n[work] world\r\n");
}
END_TEST

START_TEST(unfocused_partial_lines_wait_for_newline)
{
    out(1, "DUET-COU");          /* work has no focus: held */
    out(0, "boot line\n");
    out(1, "NT work 5\n");
    ck_assert_str_eq(term, "[personal] boot line\r\n[work] DUET-COUNT work 5\r\n");
}
END_TEST

START_TEST(focused_prompt_shows_at_once)
{
    out(0, "~ # ");
    ck_assert_str_eq(term, "[personal] ~ # ");
    out(0, "ls\n");
    ck_assert_str_eq(term, "[personal] ~ # ls\r\n");
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
    ck_assert_str_eq(term + strlen("[work] tick\r\n[personal] ") + HV_CONSOLE_WRITE_MAX,
                     " rest\r\n");
    ck_assert(strncmp(term, "[work] tick\r\n[personal] pppp", 28) == 0);
}
END_TEST

START_TEST(other_line_breaks_open_prompt)
{
    out(0, "~ # ");
    out(1, "tick\n");
    ck_assert_str_eq(term, "[personal] ~ # \r\n[work] tick\r\n");
    /* The prompt's line goes on: shown again from its start, so it reads whole. */
    out(0, "ls");
    ck_assert_str_eq(term, "[personal] ~ # \r\n[work] tick\r\n[personal] ~ # ls");
    out(1, "tock\n");
    out(0, "\n");
    ck_assert_str_eq(term, "[personal] ~ # \r\n[work] tick\r\n[personal] ~ # ls\r\n"
                           "[work] tock\r\n[personal] ~ # ls\r\n");
    /* A finished line is not shown again. */
    out(1, "tick\n");
    out(0, "x\n");
    ck_assert(strstr(term, "[work] tick\r\n[personal] x\r\n") != NULL);
    assert_rows_tagged();
}
END_TEST

/* A line longer than the server holds goes on in a new line, tagged again: a guest can't
 * push text to the start of a bare terminal line. */
START_TEST(full_line_goes_on_tagged)
{
    char piece[CONSOLE_LINE_MAX + 1];
    memset(piece, 'q', CONSOLE_LINE_MAX);
    piece[CONSOLE_LINE_MAX] = '\0';
    out(0, piece); /* a full line, not yet ended */
    out(0, "r");   /* no room: the full line ends and "r" starts the next, shown at once */
    out(1, "tick\n");
    out(0, "s\n");
    ck_assert(strstr(term, "qq\r\n[personal] r\r\n[work] tick\r\n[personal] rs\r\n") != NULL);
    assert_rows_tagged();
}
END_TEST

static void log_piece(unsigned writer, const char *s, bool end)
{
    console_log(&con, writer, (const uint8_t *)s, (unsigned)strlen(s), end);
    ck_assert(!console_tx_pump(&con));
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
                           "[personal:vmm] personal: mmio: unclaimed address 0x100000000\r\n"
                           "[personal] / # DUET-DEVMEM x\r\n");
}
END_TEST

/* Another client's line between the pieces keeps its place: a log line is one write. */
START_TEST(log_line_pieces_wait_for_the_end)
{
    log_piece(1, "personal: half ", false);
    out(1, "tick\n");
    log_piece(1, "whole", true);
    ck_assert_str_eq(term, "[work] tick\r\n[personal:vmm] personal: half whole\r\n");
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
    ck_assert_str_eq(term, "root: one done\r\n[work:vmm] work: two done\r\n");
}
END_TEST

/* A log line longer than the server holds comes out in full lines, nothing lost. */
START_TEST(long_log_line_is_cut_not_lost)
{
    char line[CONSOLE_LINE_MAX + 11], want[CONSOLE_LINE_MAX + 64];
    memset(line, 'y', CONSOLE_LINE_MAX + 10);
    line[CONSOLE_LINE_MAX + 10] = '\0';
    log_piece(1, line, true);
    strcpy(want, "[personal:vmm] ");
    memset(want + 15, 'y', CONSOLE_LINE_MAX);
    strcpy(want + 15 + CONSOLE_LINE_MAX, "\r\n[personal:vmm] yyyyyyyyyy\r\n");
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

/* SEC-M2: a guest's own bytes never become terminal controls, so no line it writes can start
 * with another partition's tag or the server's. */
START_TEST(sec_m2_guest_cannot_fake_a_tag)
{
    out(0, "\r[work] fake\n");
    out(0, "abc\b\b\b[work] over\n");
    out(0, "\x1b[2K\r[duet] focus: work\n");
    out(0, "\x1b[1A\x1b[999D\r[work] up\n");
    out(0, "\n\r\x0d[work] blank\n");
    char flood[CONSOLE_LINE_MAX + 32];
    memset(flood, 'a', CONSOLE_LINE_MAX);
    strcpy(flood + CONSOLE_LINE_MAX, "[work] wrapped\n");
    out(0, flood);
    assert_rows_tagged();
    for (unsigned i = 0; i < term_rows(&screen); i++) {
        const char *r = term_row(&screen, i);
        ck_assert_msg(!*r || !strncmp(r, "[personal]", 10), "row %u: '%s'", i, r);
    }
    ck_assert_str_eq(term_row(&screen, 0), "[personal] [work] fake");
    ck_assert_str_eq(term_row(&screen, 1), "[personal] [work] over");
    ck_assert_str_eq(term_row(&screen, 2), "[personal] [duet] focus: work");
    ck_assert_uint_gt(con.clients[0].line.neutralised, 0);
}
END_TEST

/* SEC-M2: a VMM's log line carries its partition's tag; only the root task's is bare. */
START_TEST(sec_m2_vmm_log_is_tagged)
{
    log_piece(2, "\r[personal] not mine\x1b[2J", true);
    log_piece(0, "root: trusted", true);
    assert_rows_tagged();
    ck_assert_str_eq(term_row(&screen, 0), "[work:vmm] [personal] not mine");
    ck_assert_str_eq(term_row(&screen, 1), "root: trusted");
}
END_TEST

/* A device server's lines start with its name from the console's table, whatever it writes
 * (IF-30): one that names itself shows once, a forged tag is shown under its name, and a CR or
 * an escape can't take the name away. A writer past the servers is ignored. */
START_TEST(device_server_log_is_tagged_with_its_name)
{
    log_piece(CONSOLE_WRITER_SERVER(HV_CONSOLE_SERVER_STORAGE), "storage: disk ready", true);
    log_piece(CONSOLE_WRITER_SERVER(HV_CONSOLE_SERVER_STORAGE), "root: partition work resets",
              true);
    log_piece(CONSOLE_WRITER_SERVER(HV_CONSOLE_SERVER_RADIO), "xx\r[personal] mine\x1b[2J", true);
    log_piece(CONSOLE_WRITER_SERVER(HV_CONSOLE_SERVER_DISPLAY), "storage: not display's", true);
    log_piece(CONSOLE_WRITERS, "ignored", true);
    log_piece(CONSOLE_WRITER_SERVER(0) - 1, "ignored too", true);
    ck_assert_str_eq(term_row(&screen, 0), "storage: disk ready");
    ck_assert_str_eq(term_row(&screen, 1), "storage: root: partition work resets");
    ck_assert_str_eq(term_row(&screen, 2), "radio: [personal] mine");
    ck_assert_str_eq(term_row(&screen, 3), "display: storage: not display's");
    ck_assert_str_eq(term_row(&screen, 4), "");
}
END_TEST

/* A shell editing its prompt line: the screen shows what the guest means. */
START_TEST(prompt_editing_reads_right)
{
    out(0, "/ # ");
    out(0, "lx");
    out(0, "\b \b");
    out(0, "s");
    ck_assert_str_eq(term_row(&screen, 0), "[personal] / # ls");
    out(0, "\r/ # cat\x1b[K");
    ck_assert_str_eq(term_row(&screen, 0), "[personal] / # cat");
    out(0, "\x1b[2D");
    out(0, "X");
    ck_assert_str_eq(term_row(&screen, 0), "[personal] / # cXt");
    out(0, "\r\n");
    out(1, "tick\n");
    ck_assert_str_eq(term_row(&screen, 1), "[work] tick");
    assert_rows_tagged();
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

/* Following the focus owner (docs/trusted-path.md): Ctrl-T only asks; the focus moves when
 * the owner's page says so, whatever moved it. */
START_TEST(following_ctrl_t_asks_the_owner_and_changes_nothing)
{
    char buf[64];
    uint64_t label, arg;
    console_follow(&con);
    ck_assert(!console_take_request(&con, &label, &arg));
    type("\x14" "2");
    ck_assert_uint_eq(con.focus, 0); /* not until the owner moved it */
    ck_assert_ptr_null(strstr(term, "focus:"));
    ck_assert(console_take_request(&con, &label, &arg));
    ck_assert_uint_eq(label, HV_FOCUS_SET);
    ck_assert_uint_eq(arg, 1);
    ck_assert(!console_take_request(&con, &label, &arg)); /* made once */
    type("\x14n");
    ck_assert(console_take_request(&con, &label, &arg));
    ck_assert_uint_eq(label, HV_FOCUS_NEXT);
    type("\x14" "9"); /* past the clients: the owner judges it, as any other */
    ck_assert(console_take_request(&con, &label, &arg));
    ck_assert_uint_eq(arg, 8);
    type("\x14\x14"); /* a literal Ctrl-T is no request */
    ck_assert(!console_take_request(&con, &label, &arg));
    ck_assert_uint_eq(take(0, buf, sizeof(buf) - 1), 1);
    ck_assert_uint_eq(take(1, buf, sizeof(buf) - 1), 0);
}
END_TEST

START_TEST(following_the_page_moves_input_and_says_so)
{
    char buf[64];
    console_follow(&con);
    console_focus_moved(&con, 1); /* the keyboard's combination, say */
    ck_assert(!console_tx_pump(&con));
    ck_assert_uint_eq(con.focus, 1);
    ck_assert_ptr_nonnull(strstr(term, "[duet] focus: work\r\n"));
    type("id\r");
    ck_assert_uint_eq(take(1, buf, sizeof(buf) - 1), 3);
    ck_assert_uint_eq(take(0, buf, sizeof(buf) - 1), 0);
    console_focus_moved(&con, 7); /* not a client: nothing changes */
    ck_assert_uint_eq(con.focus, 1);
    console_focus_refused(&con, HV_FOCUS_SET, 0, 1);
    ck_assert(!console_tx_pump(&con));
    ck_assert_ptr_nonnull(strstr(term, "[duet] focus: personal may not take the focus"));
    ck_assert_uint_eq(con.focus, 1);
    assert_rows_tagged();
}
END_TEST

START_TEST(no_owner_the_console_keeps_its_own_focus)
{
    uint64_t label, arg;
    console_follow(&con);
    type("\x14" "2");
    ck_assert(console_take_request(&con, &label, &arg));
    console_follow_lost(&con, label, arg); /* the call found no owner */
    ck_assert(!console_tx_pump(&con));
    ck_assert(!con.follow);
    ck_assert_uint_eq(con.focus, 1); /* the request carried out here */
    ck_assert_ptr_nonnull(strstr(term, "no focus owner answers"));
    type("\x14" "1"); /* and Ctrl-T works as before from now on */
    ck_assert_uint_eq(con.focus, 0);
    ck_assert(!console_take_request(&con, &label, &arg));
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
    tcase_add_test(tc, full_line_goes_on_tagged);
    tcase_add_test(tc, sec_m2_guest_cannot_fake_a_tag);
    tcase_add_test(tc, sec_m2_vmm_log_is_tagged);
    tcase_add_test(tc, device_server_log_is_tagged_with_its_name);
    tcase_add_test(tc, prompt_editing_reads_right);
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
    tcase_add_test(tc, following_ctrl_t_asks_the_owner_and_changes_nothing);
    tcase_add_test(tc, following_the_page_moves_input_and_says_so);
    tcase_add_test(tc, no_owner_the_console_keeps_its_own_focus);
    tcase_add_test(tc, full_ring_drops_and_counts);
    tcase_add_test(tc, ring_indices_wrap);
    tcase_add_test(tc, output_of_unknown_client_ignored);
    suite_add_tcase(s, tc);
    return check_run(s);
}
