/* Unit tests for a guest's terminal line (servers/console/console_line.c): shell editing is
 * applied within the line, everything else is neutralised. */
#include "check_run.h"
#include "console_line.h"
#include <string.h>

static struct console_line l;

static void setup(void)
{
    memset(&l, 0, sizeof(l));
}

/* Feeds s; returns the event of its last byte. */
static enum line_event feed(const char *s)
{
    enum line_event e = LINE_MORE;
    for (; *s; s++)
        e = line_feed(&l, (uint8_t)*s);
    return e;
}

static const char *text(void)
{
    static char buf[CONSOLE_LINE_MAX + 1];
    memcpy(buf, l.text, l.len);
    buf[l.len] = '\0';
    return buf;
}

START_TEST(plain_text_and_newline)
{
    ck_assert_int_eq(feed("hello"), LINE_MORE);
    ck_assert_str_eq(text(), "hello");
    ck_assert(!l.edited);
    ck_assert_int_eq(feed("\n"), LINE_END);
    ck_assert_int_eq(feed("\r\n"), LINE_END); /* CR LF: just the end, no rewrite */
    ck_assert(!l.edited);
}
END_TEST

START_TEST(carriage_return_rewrites_from_the_start)
{
    feed("50%\r75%");
    ck_assert_str_eq(text(), "75%");
    ck_assert(l.edited);
    feed("\rX");
    ck_assert_str_eq(text(), "X5%");
    ck_assert_uint_eq(l.cursor, 1);
}
END_TEST

START_TEST(backspace_never_leaves_the_line)
{
    feed("ab\b\b\b\b\b\bZ");
    ck_assert_str_eq(text(), "Zb");
    ck_assert_uint_eq(l.cursor, 1);
    feed("\b \b"); /* a shell erasing the character before the cursor */
    ck_assert_str_eq(text(), " b");
    ck_assert_uint_eq(l.cursor, 0);
}
END_TEST

START_TEST(erase_and_cursor_sequences)
{
    feed("abcdef\x1b[3D");
    ck_assert_uint_eq(l.cursor, 3);
    feed("\x1b[K");
    ck_assert_str_eq(text(), "abc");
    feed("\x1b[9D\x1b[2C");
    ck_assert_uint_eq(l.cursor, 2);
    feed("\x1b[99C"); /* right stops at the line's end */
    ck_assert_uint_eq(l.cursor, 3);
    feed("\x1b[1D\x1b[1K"); /* erase from the start to the cursor */
    ck_assert_str_eq(text(), "  c");
    feed("\x1b[2K");
    ck_assert_str_eq(text(), "  ");
    ck_assert_uint_eq(l.neutralised, 0);
}
END_TEST

START_TEST(colours_dropped_screen_controls_neutralised)
{
    feed("\x1b[1;31mred\x1b[0m");
    ck_assert_str_eq(text(), "red");
    ck_assert_uint_eq(l.neutralised, 0);
    feed("\x1b[2J\x1b[H\x1b[10;1H\x1b[6n"); /* clear, home, move, ask: none reach the terminal */
    ck_assert_str_eq(text(), "red");
    ck_assert_uint_eq(l.neutralised, 4);
}
END_TEST

START_TEST(other_controls_shown_escaped)
{
    static const uint8_t bytes[] = {0x01, 0x7f, 0x9b, 0xff, 0x1b, ']', 'x'};
    for (unsigned i = 0; i < sizeof(bytes); i++)
        line_feed(&l, bytes[i]);
    ck_assert_str_eq(text(), "^A^?\\x9b\\xff^[]x");
    ck_assert_uint_eq(l.neutralised, 5);
    feed("\a"); /* a bell is dropped */
    ck_assert_str_eq(text(), "^A^?\\x9b\\xff^[]x");
}
END_TEST

START_TEST(tab_expands_to_the_next_stop)
{
    feed("ab\tc");
    ck_assert_str_eq(text(), "ab      c");
}
END_TEST

START_TEST(a_full_line_says_so_and_keeps_the_byte)
{
    for (unsigned i = 0; i < CONSOLE_LINE_MAX; i++)
        ck_assert_int_eq(line_feed(&l, 'x'), LINE_MORE);
    ck_assert_int_eq(line_feed(&l, 'y'), LINE_FULL);
    ck_assert_uint_eq(l.len, CONSOLE_LINE_MAX);
    line_reset(&l);
    ck_assert_int_eq(line_feed(&l, 'y'), LINE_MORE);
    ck_assert_str_eq(text(), "y");
}
END_TEST

/* A broken sequence loses only itself. */
START_TEST(broken_sequence_is_dropped)
{
    feed("a\x1b[12\x01" "b");
    ck_assert_str_eq(text(), "a^Ab");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("console_line");
    TCase *tc = tcase_create("console_line");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, plain_text_and_newline);
    tcase_add_test(tc, carriage_return_rewrites_from_the_start);
    tcase_add_test(tc, backspace_never_leaves_the_line);
    tcase_add_test(tc, erase_and_cursor_sequences);
    tcase_add_test(tc, colours_dropped_screen_controls_neutralised);
    tcase_add_test(tc, other_controls_shown_escaped);
    tcase_add_test(tc, tab_expands_to_the_next_stop);
    tcase_add_test(tc, a_full_line_says_so_and_keeps_the_byte);
    tcase_add_test(tc, broken_sequence_is_dropped);
    suite_add_tcase(s, tc);
    return check_run(s);
}
