/* Starts the keyboard server (servers/keyboard): the physical keyboard (x86_64: the i8042's
 * two ports, each a cap of its own, and IRQ 1; AArch64: the virtio keyboard the bus code finds,
 * as a device server gets it), the machine's focus (its page read-write, the focus endpoint as
 * its own, write caps to the listeners' notifications), a cap to log through the console, and
 * for each partition with the keyboard its RAM, a page shared with its VMM and that VMM's event
 * notification (keyboard_clients.c); then waits until it answers (docs/trusted-path.md).
 * Nothing else: no other port, no other partition's RAM, no cap to call anyone but the
 * console's log. The root's watcher stops it should it fault (server_watch.c). */
#include "device_grant.h"
#include "keyboard_clients.h"
#include "partition.h"
#include <hv/abi/error.h>
#include <hv/proto/console.h>
#include <hv/print.h>
#include <hv/proto/keyboard.h>
#include <hv/string.h>
#include <hv/virtio/virtio_spec.h>

/* Its own budget: 10 %, far more than keys need; its calls run on the caller's. */
#define KEYBOARD_BUDGET_TICKS 1
#define KEYBOARD_PERIOD_TICKS 10

/* Its threads fault to the root's watcher (server_watch.c). A faulted keyboard server never
 * answers again, and the console's Ctrl-T waits for its answer: the watcher's removal of the
 * focus endpoint (the server's own) ends that call and empties every cap to it, and the console
 * then keeps its own focus (console_follow_lost), as when the server never came up. The focus
 * page and the other listeners stay as they were. */
static struct server_watch watch;

#if !defined(__aarch64__)
#define I8042_IRQ 1u /* ISA IRQ 1: IOAPIC input 1 on q35, edge (the ISA default) like COM1's */

/* The two ports, each narrowed to itself: 0x61..0x63 between them (the PC speaker, NMI
 * control) stay out of its reach. IRQ 1 bound to ntfn with bit HV_DEVICE_BIT_IRQ. */
static int give_i8042(const struct root_program *p, uint64_t ntfn)
{
    uint64_t handler = root_slot(), badged = root_slot();
    int r = hv_cap_copy(ROOT_IOPORT, p->cnode, HV_KEYBOARD_SLOT_PORT_DATA,
                        HV_RIGHT_READ | HV_RIGHT_WRITE, HV_IOPORT_RANGE(HV_KEYBOARD_I8042_DATA, 1));
    if (!r)
        r = hv_cap_copy(ROOT_IOPORT, p->cnode, HV_KEYBOARD_SLOT_PORT_STATUS,
                        HV_RIGHT_READ | HV_RIGHT_WRITE,
                        HV_IOPORT_RANGE(HV_KEYBOARD_I8042_STATUS, 1));
    if (!r)
        r = hv_sys(HV_SYS_IRQ_GET, ROOT_IRQ_CONTROL, I8042_IRQ, ROOT_CNODE, handler,
                   HV_IRQ_TRIGGER_DEFAULT, 0);
    if (!r)
        r = hv_cap_copy(ntfn, ROOT_CNODE, badged, HV_RIGHT_WRITE, HV_DEVICE_BIT_IRQ);
    if (!r)
        r = hv_sys(HV_SYS_IRQ_BIND, handler, badged, 0, 0, 0, 0);
    if (!r)
        r = hv_cap_copy(handler, p->cnode, HV_DEVICE_SLOT_IRQ, HV_RIGHT_WRITE, 0);
    if (!r)
        r = hv_cap_copy(ntfn, p->cnode, HV_DEVICE_SLOT_IRQ_NTFN, HV_RIGHT_READ, 0);
    return r;
}
#endif

/* The physical keyboard into p; cfg->kind says which (HV_KEYBOARD_NONE: the server only owns
 * the focus, which it does whether or not a keyboard is there). */
static int give_keyboard(const struct hv_bootinfo *info, const struct root_program *p,
                         uint64_t ntfn, struct hv_keyboard_config *cfg)
{
#if defined(__aarch64__)
    struct bus_device dev;
    int r = bus_find_virtio(info, VIRTIO_ID_INPUT, &dev, &cfg->dev);
    if (r == HV_ENOENT) {
        hv_printf("root: no virtio keyboard: the keyboard server only owns the focus\n");
        return hv_cap_copy(ntfn, p->cnode, HV_DEVICE_SLOT_IRQ_NTFN, HV_RIGHT_READ, 0);
    }
    if (!r)
        r = device_grant(info, p, &dev, ntfn, 1, &cfg->dev); /* the notification too */
    if (!r)
        cfg->kind = HV_KEYBOARD_VIRTIO;
    return r;
#else
    (void)info;
    int r = give_i8042(p, ntfn);
    if (!r)
        cfg->kind = HV_KEYBOARD_I8042;
    return r;
#endif
}

/* The focus page read-write at HV_KEYBOARD_FOCUS_VA (only here: every listener maps it
 * read-only) and the listeners' notifications, the console's badged with its focus bit. */
static int give_focus(const struct root_program *p, const struct root_focus *focus)
{
    uint64_t page = root_slot();
    int r = hv_cap_copy(focus->page, ROOT_CNODE, page, HV_RIGHT_READ | HV_RIGHT_WRITE, 0);
    if (!r)
        r = hv_map(page, p->vspace, HV_KEYBOARD_FOCUS_VA, HV_MAP_READ | HV_MAP_WRITE);
    if (!r)
        r = hv_cap_copy(focus->console_ntfn, p->cnode, HV_KEYBOARD_SLOT_CONSOLE_NTFN,
                        HV_RIGHT_WRITE, HV_CONSOLE_BIT_FOCUS);
    if (!r)
        r = hv_cap_copy(focus->display_ntfn, p->cnode, HV_KEYBOARD_SLOT_DISPLAY_NTFN,
                        HV_RIGHT_WRITE, 0);
    return r;
}

int root_start_keyboard(const struct hv_bootinfo *info, const struct partition *parts,
                        unsigned nparts, const struct root_console *con,
                        const struct root_focus *focus, unsigned prio,
                        struct root_device_clients *out)
{
    static struct hv_keyboard_config cfg; /* a page: kept off the stack */
    struct root_program p;
    memset(&cfg, 0, sizeof(cfg));
    memset(out, 0, sizeof(*out));
    for (unsigned i = 0; i < HV_PT_MAX_PARTITIONS; i++)
        out->client[i] = -1;
    cfg.version = HV_KEYBOARD_CONFIG_VERSION;
    cfg.prio = prio;
    cfg.nparts = nparts;
    cfg.first = focus->first;
    for (unsigned i = 0; i < nparts; i++)
        if (parts[i].rec->ui.flags & (HV_PT_UI_KEYBOARD | HV_PT_UI_SCREEN))
            cfg.focusable |= 1u << parts[i].index;
    /* The focus endpoint is the server's own: the console calls it, and so will the VMMs of
     * the partitions it gives keys to (each badged client + 1, which may not move the focus). */
    out->ep = focus->ep;
    out->bell = root_new(HV_OBJ_NOTIFICATION, 0);
    uint64_t ready = root_new(HV_OBJ_NOTIFICATION, 0);
    if (!out->bell || !ready)
        return HV_ENOMEM;
    int r = server_watch_add(&watch, "the keyboard server", "the console keeps its own focus",
                             out->ep, ready);
    if (r)
        return r;
    /* A test image may start its own program instead (test/eval/rogue: one that faults). */
    const char *program = root_program_in_place("keyboard", "keyboard.eval", "the keyboard server");
    if ((r = root_load_program(program, &p)) || (r = give_keyboard(info, &p, out->bell, &cfg)) ||
        (r = device_grant_endpoint(&p, out, ready, &watch)) || (r = give_focus(&p, focus)) ||
        (r = root_keyboard_grant_clients(&p, parts, nparts, con, cfg.clients, &cfg.nclients,
                                         out)) ||
        (r = hv_cap_copy(con->ep, p.cnode, HV_DEVICE_SLOT_LOG, HV_RIGHT_WRITE,
                               HV_CONSOLE_BADGE_SERVER(HV_CONSOLE_SERVER_KEYBOARD))))
        return r;
    if (!root_page_into(p.vspace, HV_DEVICE_CONFIG_VA, HV_MAP_READ, &cfg, sizeof(cfg)))
        return HV_ENOMEM;
    uint64_t sc;
    if ((r = root_new_sc(KEYBOARD_BUDGET_TICKS, KEYBOARD_PERIOD_TICKS, &sc)) ||
        (r = root_start_watched(&p, prio, sc, watch.fault_cap)))
        return r;
    uint64_t bits;
    if ((r = hv_wait(ready, &bits)))
        return r;
    if (watch.faulted)
        return HV_ECANCELED; /* it faulted before it was ready: the watcher removed it */
    out->ready = true;
    return HV_OK;
}
