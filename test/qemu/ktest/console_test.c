/* The console server's in-QEMU test (duet.test=console): the test program plays two clients,
 * "alpha" and "beta". Output must come out tagged (the QEMU test matches the lines), bogus
 * callers are refused, and typed input reaches only the focused client; the test driver types
 * "ab", the focus key with "2", then "cd" once it sees CONSOLE-TEST: type now. */
#include "ktest.h"
#include "report.h"
#include <hv/abi/error.h>
#include <hv/print.h>
#include <hv/string.h>

#define RING_VA 0x0d000000ull

/* One write call; returns the reply's label (0 or an hv_error), or the call's own error. */
static uint64_t write_raw(uint64_t ep, uint64_t label, unsigned words, const char *s)
{
    struct hv_msg m = {0};
    unsigned n = (unsigned)strlen(s);
    for (unsigned i = 0; i < n && i < HV_CONSOLE_WRITE_MAX; i++)
        m.w[i / 8] |= (uint64_t)(uint8_t)s[i] << (8 * (i % 8));
    m.info = hv_msginfo(label, words);
    int r = hv_call(ep, &m);
    return r ? (uint64_t)r : hv_msginfo_label(m.info);
}

static uint64_t write_str(uint64_t ep, const char *s)
{
    unsigned n = (unsigned)strlen(s);
    return write_raw(ep, hv_console_write_label(n), (n + 7) / 8, s);
}

static uint64_t client_ep(uint64_t ep, uint64_t badge)
{
    uint64_t slot = root_slot();
    return hv_cap_copy(ep, ROOT_CNODE, slot, HV_RIGHT_WRITE, badge) ? 0 : slot;
}

/* Waits for input on client i's notification and reads its ring (mapped at va). */
static unsigned read_input(const struct root_console *con, unsigned i, uint64_t va, char *buf,
                           unsigned max)
{
    uint64_t bits;
    struct hv_console_ring *ring = (struct hv_console_ring *)va;
    unsigned n = 0;
    while (n < max) {
        n += hv_console_ring_take(ring, (uint8_t *)buf + n, max - n);
        if (n < max)
            hv_wait(con->input_ntfn[i], &bits);
    }
    buf[n] = '\0';
    return n;
}

void console_test_run(const struct hv_bootinfo *info)
{
    static const char names[2][HV_CONSOLE_NAME_MAX] = {"alpha", "beta"};
    struct root_console con;
    int r = root_start_console(info, 2, names, 200, NULL, &con);
    test_check("CON-1", r == HV_OK, "console server started (error %lu) with %lu clients",
                   (uint64_t)r, 2ul);
    if (r)
        return;
    uint64_t alpha = client_ep(con.ep, 1), beta = client_ep(con.ep, 2);
    uint64_t stranger = client_ep(con.ep, 3), unbadged = client_ep(con.ep, 0);

    uint64_t a = write_str(alpha, "hello from alpha\n");
    uint64_t b = write_str(beta, "hello from beta\n");
    test_check("CON-2", a == 0 && b == 0, "tagged writes answered %lu/%lu", a, b);
    /* beta has no focus: its partial line waits for its newline, so alpha's line stays whole */
    a = write_str(beta, "beta-part");
    b = write_str(alpha, "alpha line\n");
    uint64_t c = write_str(beta, " rest\n");
    test_check("CON-3", a == 0 && b == 0 && c == 0, "interleaved writes answered 0: %lu %lu", a, b);

    a = write_str(stranger, "from a badge no client has\n");
    b = write_str(unbadged, "from no badge\n");
    test_check("CON-4", a == HV_EPERM && b == HV_EPERM,
               "unknown badge refused (%lu), no badge refused (%lu)", a, b);
    a = write_raw(alpha, 7 | 5ull << 8, 1, "bogus");
    b = write_raw(alpha, hv_console_write_label(40), 1, "short");
    c = write_raw(alpha, hv_console_write_label(HV_CONSOLE_WRITE_MAX + 1), 6, "long");
    test_check("CON-5", a == HV_EINVAL && b == HV_EINVAL && c == HV_EINVAL,
               "bad label %lu, count beyond the words %lu: refused", a, b);

    /* A log line (here from the unbadged cap: the root task's) cuts into alpha's shown
     * prompt: it comes out whole on its own line, and the prompt shows again below it. */
    a = write_str(alpha, "alpha-prompt> ");
    b = write_raw(unbadged, hv_console_log_label(13, false), 2, "LOG-TEST one ");
    c = write_raw(unbadged, hv_console_log_label(3, true), 1, "two");
    uint64_t d = write_str(alpha, "typed\n");
    uint64_t e = write_raw(stranger, hv_console_log_label(5, true), 1, "stray");
    uint64_t f = write_raw(alpha, hv_console_write_label(3) | HV_CONSOLE_LOG_END, 1, "end");
    test_check("CON-7", a == 0 && b == 0 && c == 0 && d == 0 && e == HV_EPERM && f == HV_EINVAL,
               "log pieces answered 0; a log from an unknown badge refused (%lu), the end flag "
               "on a write refused (%lu)", e, f);

    uint64_t ra = root_slot(), rb = root_slot();
    if (hv_cap_copy(con.ring_frame[0], ROOT_CNODE, ra, HV_RIGHTS_ALL, 0) ||
        hv_cap_copy(con.ring_frame[1], ROOT_CNODE, rb, HV_RIGHTS_ALL, 0) ||
        hv_map(ra, ROOT_VSPACE, RING_VA, HV_MAP_READ | HV_MAP_WRITE) ||
        hv_map(rb, ROOT_VSPACE, RING_VA + 0x1000, HV_MAP_READ | HV_MAP_WRITE)) {
        test_check("CON-6", false, "could not map the input rings %lu %lu", ra, rb);
        return;
    }
    hv_printf("CONSOLE-TEST: type now\n");
    char in_a[3], in_b[3];
    read_input(&con, 0, RING_VA, in_a, 2);
    read_input(&con, 1, RING_VA + 0x1000, in_b, 2);
    struct hv_console_ring *ring_a = (void *)RING_VA;
    test_check("CON-6", strcmp(in_a, "ab") == 0 && strcmp(in_b, "cd") == 0 &&
                            ring_a->head == ring_a->tail,
               "alpha got \"ab\" then beta (after the focus key) got \"cd\"; alpha got nothing "
               "more: %lu", (uint64_t)(ring_a->head - ring_a->tail));
}
