/* Starts the console server (servers/console): its own address space, the UART (a device
 * page on AArch64, an I/O-port cap narrowed to COM1 on x86_64), the UART's interrupt, and per
 * client an input ring page and a notification. The root keeps a copy of each client's caps
 * for the partition that will be that client. With the machine's focus, the console follows
 * its owner (docs/trusted-path.md): the focus page read-only, the owner's signals on the input
 * thread's notification, and (root_console_focus_owner) a cap to ask the owner. */
#include <hv/abi/error.h>
#include <hv/proto/focus.h>
#include <hv/root.h>
#include <hv/string.h>
#include <platform.h> /* the board's UART: platform/<board>/platform.h */

/* The server's own budget, for its input thread and the transmit interrupt: 20 %, far more
 * than it needs; the calls it serves run on their clients' budgets. */
#define CONSOLE_BUDGET_TICKS 2
#define CONSOLE_PERIOD_TICKS 10

#if defined(__aarch64__)
#define UART_PADDR PLAT_UART_BASE
#define UART_IRQ PLAT_IRQ_UART
#else
#define UART_PORT PLAT_COM1_PORT
#define UART_PORTS 8u /* a 16550's registers */
#define UART_IRQ PLAT_IRQ_COM1
#endif

/* The UART's registers and interrupt, into the console server's cnode and space. The line
 * signals bit HV_CONSOLE_BIT_UART of ntfn (the focus's console notification when following,
 * whose other bit the owner signals; else a new one). */
static int give_uart(const struct hv_bootinfo *info, const struct root_program *p,
                     const struct root_focus *focus, struct hv_console_config *cfg)
{
#if defined(__aarch64__)
    uint64_t frame = root_device_frame(info, UART_PADDR);
    if (!frame)
        return HV_ENOENT;
    int r = hv_map(frame, p->vspace, HV_CONSOLE_UART_VA,
                   HV_MAP_READ | HV_MAP_WRITE | HV_MAP_DEVICE);
#else
    (void)info;
    /* COM1's eight ports only. The kernel still writes its own lines there, polled, as the
     * server does (docs/console.md); should the cap be refused, the server falls back to
     * debug_putc and takes no input (servers/console/uart_16550.c). */
    int r = hv_cap_copy(ROOT_IOPORT, p->cnode, HV_CONSOLE_SLOT_IOPORT, HV_RIGHTS_ALL,
                        HV_IOPORT_RANGE(UART_PORT, UART_PORTS));
#endif
    if (r)
        return r;
    uint64_t irq = root_slot(), badged = root_slot();
    uint64_t ntfn = focus ? focus->console_ntfn : root_new(HV_OBJ_NOTIFICATION, 0);
    cfg->uart_irq = UART_IRQ;
    if (!ntfn)
        return HV_ENOMEM;
    if ((r = hv_sys(HV_SYS_IRQ_GET, ROOT_IRQ_CONTROL, UART_IRQ, ROOT_CNODE, irq, 0, 0)) ||
        (r = hv_cap_copy(ntfn, ROOT_CNODE, badged, HV_RIGHT_WRITE, HV_CONSOLE_BIT_UART)) ||
        (r = hv_sys(HV_SYS_IRQ_BIND, irq, badged, 0, 0, 0, 0)) ||
        (r = hv_cap_copy(irq, p->cnode, HV_CONSOLE_SLOT_IRQ, HV_RIGHTS_ALL, 0)))
        return r;
    return hv_cap_copy(ntfn, p->cnode, HV_CONSOLE_SLOT_IRQ_NTFN, HV_RIGHT_READ, 0);
}

/* The focus page, read-only: the console reads where the focus is, never writes it. */
static int give_focus_page(const struct root_program *p, const struct root_focus *focus)
{
    uint64_t page = root_slot();
    int r = hv_cap_copy(focus->page, ROOT_CNODE, page, HV_RIGHT_READ, 0);
    if (!r)
        r = hv_map(page, p->vspace, HV_CONSOLE_FOCUS_VA, HV_MAP_READ);
    return r;
}

int root_start_console(const struct hv_bootinfo *info, unsigned nclients,
                       const char names[][HV_CONSOLE_NAME_MAX], unsigned prio,
                       const struct root_focus *focus, struct root_console *out)
{
    struct root_program p;
    struct hv_console_config cfg;
    if (nclients == 0 || nclients > HV_CONSOLE_MAX_CLIENTS)
        return HV_EINVAL;
    int r = root_load_program("console", &p);
    if (r)
        return r;
    memset(&cfg, 0, sizeof(cfg));
    cfg.nclients = nclients;
    cfg.prio = prio;
    memcpy(cfg.names, names, nclients * sizeof(cfg.names[0]));
    cfg.follow_focus = focus != NULL;
    out->cnode = p.cnode;
    if ((r = give_uart(info, &p, focus, &cfg)) || (focus && (r = give_focus_page(&p, focus))))
        return r;

    out->ep = root_new(HV_OBJ_ENDPOINT, 0);
    uint64_t rx = root_new(HV_OBJ_THREAD, 0);
    if (!out->ep || !rx)
        return HV_ENOMEM;
    if ((r = hv_cap_copy(out->ep, p.cnode, HV_CONSOLE_SLOT_EP, HV_RIGHT_READ, 0)) ||
        (r = hv_cap_copy(p.vspace, p.cnode, HV_CONSOLE_SLOT_VSPACE, HV_RIGHTS_ALL, 0)) ||
        (r = hv_cap_copy(rx, p.cnode, HV_CONSOLE_SLOT_RX_THREAD, HV_RIGHTS_ALL, 0)))
        return r;
    for (unsigned i = 0; i < nclients; i++) {
        out->ring_frame[i] = root_page_into(p.vspace, HV_CONSOLE_RINGS_VA + i * 4096ull,
                                            HV_MAP_READ | HV_MAP_WRITE, NULL, 0);
        out->input_ntfn[i] = root_new(HV_OBJ_NOTIFICATION, 0);
        if (!out->ring_frame[i] || !out->input_ntfn[i])
            return HV_ENOMEM;
        if ((r = hv_cap_copy(out->input_ntfn[i], p.cnode, HV_CONSOLE_SLOT_CLIENT_NTFN + i,
                             HV_RIGHT_WRITE, 0)))
            return r;
    }
    if (!root_page_into(p.vspace, HV_CONSOLE_CONFIG_VA, HV_MAP_READ, &cfg, sizeof(cfg)))
        return HV_ENOMEM;
    /* Its own work (input, the transmit interrupt) on a budget of its own; what it does for
     * a client's call runs on that client's (SEC-H4). */
    return root_start_budgeted(&p, prio, CONSOLE_BUDGET_TICKS, CONSOLE_PERIOD_TICKS);
}

int root_console_focus_owner(const struct root_console *con, const struct root_focus *focus)
{
    return hv_cap_copy(focus->ep, con->cnode, HV_CONSOLE_SLOT_FOCUS_EP, HV_RIGHT_WRITE,
                       HV_FOCUS_BADGE_CONSOLE);
}
