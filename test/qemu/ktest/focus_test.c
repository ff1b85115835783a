/* The focus owner's in-QEMU test (duet.test=focus): the test program plays the root task and
 * starts the real keyboard server (servers/keyboard) with three partitions, of which 0 and 2 may
 * take focus, and no physical keyboard; then checks that only a call with the console's badge
 * moves the focus: a VMM's badge, the keyboard's own from outside, an unbadged cap and a task
 * holding no cap are refused and change neither the page nor wake a listener. */
#include "ktest.h"
#include "report.h"
#include <hv/abi/error.h>
#include <hv/print.h>
#include <hv/proto/keyboard.h>
#include <hv/string.h>

#define FOCUS_PAGE_VA 0x0d100000ull
#define FOCUS_PRIO 200

static struct hv_keyboard_config cfg; /* a page: kept off the stack */

/* The caps keyboard_start.c gives (servers/root), without a keyboard: the server then only owns
 * the focus. Returns 0 once it answers. */
static int start_owner(const struct root_focus *focus, const struct root_console *con)
{
    struct root_program p;
    uint64_t bell = root_new(HV_OBJ_NOTIFICATION, 0), ready = root_new(HV_OBJ_NOTIFICATION, 0);
    uint64_t thread = root_new(HV_OBJ_THREAD, 0), page = root_slot();
    uint64_t fault = root_new(HV_OBJ_ENDPOINT, 0); /* nobody waits on it: a fault only stops */
    if (!bell || !ready || !thread || !fault)
        return HV_ENOMEM;
    cfg = (struct hv_keyboard_config){.version = HV_KEYBOARD_CONFIG_VERSION,
                                      .prio = FOCUS_PRIO,
                                      .kind = HV_KEYBOARD_NONE,
                                      .nparts = 3,
                                      .focusable = 0x5,
                                      .first = focus->first};
    int r;
    if ((r = root_load_program("keyboard", &p)) ||
        (r = hv_cap_copy(bell, p.cnode, HV_DEVICE_SLOT_IRQ_NTFN, HV_RIGHT_READ, 0)) ||
        (r = hv_cap_copy(focus->ep, p.cnode, HV_DEVICE_SLOT_EP, HV_RIGHT_READ, 0)) ||
        (r = hv_cap_copy(focus->ep, p.cnode, HV_DEVICE_SLOT_EP_EVENTS, HV_RIGHT_WRITE,
                         HV_DEVICE_BADGE_EVENTS)) ||
        (r = hv_cap_copy(p.vspace, p.cnode, HV_DEVICE_SLOT_VSPACE, HV_RIGHTS_ALL, 0)) ||
        (r = hv_cap_copy(thread, p.cnode, HV_DEVICE_SLOT_EVENT_THREAD, HV_RIGHTS_ALL, 0)) ||
        (r = hv_cap_copy(ready, p.cnode, HV_DEVICE_SLOT_READY, HV_RIGHT_WRITE, 0)) ||
        (r = hv_cap_copy(fault, p.cnode, HV_DEVICE_SLOT_FAULT, HV_RIGHT_WRITE, 0)) ||
        (r = hv_cap_copy(con->ep, p.cnode, HV_DEVICE_SLOT_LOG, HV_RIGHT_WRITE,
                         HV_CONSOLE_BADGE_SERVER(HV_CONSOLE_SERVER_KEYBOARD))) ||
        (r = hv_cap_copy(focus->console_ntfn, p.cnode, HV_KEYBOARD_SLOT_CONSOLE_NTFN,
                         HV_RIGHT_WRITE, HV_CONSOLE_BIT_FOCUS)) ||
        (r = hv_cap_copy(focus->page, ROOT_CNODE, page, HV_RIGHT_READ | HV_RIGHT_WRITE, 0)) ||
        (r = hv_map(page, p.vspace, HV_KEYBOARD_FOCUS_VA, HV_MAP_READ | HV_MAP_WRITE)))
        return r;
    if (!root_page_into(p.vspace, HV_DEVICE_CONFIG_VA, HV_MAP_READ, &cfg, sizeof(cfg)))
        return HV_ENOMEM;
    if ((r = root_start_budgeted(&p, FOCUS_PRIO, 1, 10)))
        return r;
    uint64_t bits;
    return hv_wait(ready, &bits);
}

/* One request: the reply's label (0 or an hv_error), or the call's own error. */
static uint64_t request(uint64_t cap, uint64_t label, unsigned words, uint64_t arg)
{
    struct hv_msg m = {.info = hv_msginfo(label, words), .w = {arg}};
    int r = hv_call(cap, &m);
    return r ? (uint64_t)r : hv_msginfo_label(m.info);
}

static uint64_t badged(uint64_t ep, uint64_t badge)
{
    uint64_t slot = root_slot();
    return hv_cap_copy(ep, ROOT_CNODE, slot, HV_RIGHT_WRITE, badge) ? 0 : slot;
}

/* What the console would see: the owner's signals since the last look. */
static uint64_t signals(const struct root_focus *focus)
{
    uint64_t bits = 0;
    hv_poll(focus->console_ntfn, &bits);
    return bits;
}

void focus_test_run(const struct hv_bootinfo *info)
{
    static const char names[1][HV_CONSOLE_NAME_MAX] = {"focus"};
    struct root_console con;
    struct root_focus focus;
    uint64_t view = root_slot();
    int r = root_focus_create(0, &focus);
    if (!r)
        r = root_start_console(info, 1, names, FOCUS_PRIO, NULL, &con);
    if (!r)
        hv_print_to_console(con.ep);
    if (!r)
        r = start_owner(&focus, &con);
    if (!r)
        r = hv_cap_copy(focus.page, ROOT_CNODE, view, HV_RIGHT_READ, 0);
    if (!r)
        r = hv_map(view, ROOT_VSPACE, FOCUS_PAGE_VA, HV_MAP_READ);
    const struct hv_focus_page *page = (const void *)FOCUS_PAGE_VA;
    test_check("FOCUS-1", r == HV_OK && page->version == HV_FOCUS_VERSION &&
                              hv_focus_read(page) == hv_focus_word(0, 0),
               "the keyboard server answers as the focus owner (error %d), focus on 0", r);
    if (r)
        return;

    uint64_t console = badged(focus.ep, HV_FOCUS_BADGE_CONSOLE);
    (void)signals(&focus);
    uint64_t a = request(console, HV_FOCUS_SET, 1, 2);
    uint64_t word = hv_focus_read(page), bits = signals(&focus);
    test_check("FOCUS-2", a == 0 && word == hv_focus_word(2, 1) && (bits & HV_CONSOLE_BIT_FOCUS),
               "the console's badge moves the focus to 2 (reply %lu, word 0x%lx, signals 0x%lx)",
               a, word, bits);

    /* A VMM's badge (client + 1 on the same endpoint), the keyboard's own badge from outside,
     * and the root's unbadged cap: refused, the page and the listeners untouched. */
    static const uint64_t others[] = {1, 2, HV_PT_MAX_PARTITIONS, HV_FOCUS_BADGE_KEYBOARD, 0};
    bool refused = true;
    for (unsigned i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        uint64_t cap = others[i] ? badged(focus.ep, others[i]) : focus.ep;
        uint64_t s = request(cap, HV_FOCUS_SET, 1, 0), n = request(cap, HV_FOCUS_NEXT, 0, 0);
        if (s != HV_EPERM || n != HV_EPERM) {
            hv_printf("FOCUS-3: badge 0x%lx: SET %lu, NEXT %lu\n", others[i], s, n);
            refused = false;
        }
    }
    word = hv_focus_read(page);
    bits = signals(&focus);
    test_check("FOCUS-3", refused && word == hv_focus_word(2, 1) && bits == 0,
               "other badges refused with HV_EPERM, focus unchanged (word 0x%lx, signals 0x%lx)",
               word, bits);

    /* Requests the console may make but that may not be carried out. */
    a = request(console, HV_FOCUS_SET, 1, 1);      /* plain: not focusable */
    uint64_t b = request(console, HV_FOCUS_SET, 1, 3); /* no such partition */
    uint64_t c = request(console, HV_FOCUS_SET, 0, 0); /* no partition given */
    uint64_t d = request(console, 7, 1, 0);            /* no such request */
    word = hv_focus_read(page);
    test_check("FOCUS-4", a == HV_EINVAL && b == HV_EINVAL && c == HV_EINVAL && d == HV_EINVAL &&
                              word == hv_focus_word(2, 1) && signals(&focus) == 0,
               "bad requests refused (%lu %lu %lu %lu), focus unchanged", a, b, c, d);

    /* A task holding no cap to the owner has nothing to call it through. */
    uint64_t empty = root_slot();
    a = request(empty, HV_FOCUS_NEXT, 0, 0);
    b = request(console, HV_FOCUS_NEXT, 0, 0); /* and the next focusable after 2 is 0 */
    word = hv_focus_read(page);
    test_check("FOCUS-5", a != 0 && b == 0 && word == hv_focus_word(0, 2),
               "an empty slot can't call (error %lu); the console's NEXT wraps to 0 (word 0x%lx)",
               a, word);
}
