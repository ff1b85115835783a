/* Starts the radio server (servers/radio) on the physical NIC the bus code finds: the NIC's
 * register pages, its interrupt, DMA memory, a cap to log through the console, and for each
 * partition with a network port its record, its RAM, a page shared with its VMM and that VMM's
 * event notification; waits until the server answers, then starts each port's thread on its
 * partition's scheduling context (docs/network.md). A machine without a virtio NIC runs
 * without one. */
#include "device_grant.h"
#include "partition.h"
#include <hv/abi/error.h>
#include <hv/proto/console.h>
#include <hv/print.h>
#include <hv/proto/partition.h>
#include <hv/proto/radio.h>
#include <hv/string.h>
#include <hv/virtio/virtio_spec.h>

/* Its own budget, as the storage server's: 20 %, for what no partition can be charged with:
 * the NIC's interrupt and rings and the switch between the ports (the link thread). What it
 * does for one partition (its frames both ways, their checks and copies, its VMM's calls) runs
 * on that partition's budget: in the port thread started on it below, or lent over the VMM's
 * call (docs/network.md, "Threads and whose CPU time"). In a short period, 2 ms of every 10
 * (not the root kit's ticks, 20 of 100 ms): a spent budget then holds every partition's
 * traffic for at most 8 ms, not 80, which a TCP sender waiting for its acknowledgements feels
 * as a pause. */
#define RADIO_BUDGET_US 2000u
#define RADIO_PERIOD_US 10000u

static void fill_port(struct hv_radio_port *port, const struct partition *part)
{
    memset(port, 0, sizeof(*port));
    for (unsigned k = 0; k < HV_PT_NAME_MAX - 1 && part->rec->name[k]; k++)
        port->partition[k] = part->rec->name[k];
    port->net = part->rec->net;
    port->ram_gpa = part->rec->ram_gpa;
    port->ram_size = part->rec->ram_size;
}

/* Port c's thread (docs/network.md, "Threads and whose CPU time"): its notification, which its
 * VMM rings (the caps for the VMM are made in partition.c from out->client_bell) and the
 * server's other threads wake; its thread's slot; its stack. */
static struct device_worker_layout port_thread(unsigned c)
{
    return (struct device_worker_layout){HV_RADIO_SLOT_PORT_NTFN, HV_RADIO_SLOT_PORT_WAKE,
                                         HV_RADIO_SLOT_PORT_THREAD, HV_RADIO_BADGE_WAKE,
                                         HV_RADIO_PORT_STACK_TOP(c), HV_RADIO_PORT_STACK_PAGES};
}

/* Its threads fault to the root's watcher, which then removes it (server_watch.c). */
static struct server_watch watch;

int root_start_radio(const struct hv_bootinfo *info, const struct partition *parts,
                     unsigned nparts, const struct root_console *con, unsigned prio,
                     struct root_device_clients *out)
{
    static struct hv_radio_config cfg; /* a page: kept off the stack */
    struct bus_device dev;
    struct root_program p;
    memset(&cfg, 0, sizeof(cfg));
    memset(out, 0, sizeof(*out));
    for (unsigned i = 0; i < HV_PT_MAX_PARTITIONS; i++)
        out->client[i] = -1;
    cfg.version = HV_RADIO_CONFIG_VERSION;
    cfg.prio = prio;
    int r = bus_find_virtio(info, VIRTIO_ID_NET, &dev, &cfg.dev);
    if (r)
        return r;
    out->ep = root_new(HV_OBJ_ENDPOINT, 0);
    out->bell = root_new(HV_OBJ_NOTIFICATION, 0);
    uint64_t ready = root_new(HV_OBJ_NOTIFICATION, 0);
    uint64_t call_done = root_new(HV_OBJ_NOTIFICATION, 0);
    if (!out->ep || !out->bell || !ready || !call_done)
        return HV_ENOMEM;
    r = server_watch_add(&watch, "the radio server", "its partitions' network no longer answers",
                         out->ep, ready);
    if (r)
        return r;
    /* A test image may start its own program instead (test/eval/rogue: one that faults). */
    const char *program = root_program_in_place("radio", "radio.eval", "the radio server");
    if ((r = root_load_program(program, &p)) ||
        (r = device_grant(info, &p, &dev, out->bell, HV_RADIO_DMA_FRAMES, &cfg.dev)) ||
        (r = device_grant_endpoint(&p, out, ready, &watch)) ||
        (r = hv_cap_copy(con->ep, p.cnode, HV_DEVICE_SLOT_LOG, HV_RIGHT_WRITE,
                               HV_CONSOLE_BADGE_SERVER(HV_CONSOLE_SERVER_RADIO))) ||
        (r = hv_cap_copy(out->bell, p.cnode, HV_RADIO_SLOT_UPLINK_BELL, HV_RIGHT_WRITE,
                         HV_RADIO_BIT_SEND)) ||
        (r = hv_cap_copy(call_done, p.cnode, HV_RADIO_SLOT_CALL_DONE,
                         HV_RIGHT_READ | HV_RIGHT_WRITE, 0)))
        return r;
    const struct partition *port_part[HV_RADIO_MAX_PORTS];
    for (unsigned i = 0; i < nparts; i++) {
        const struct partition *part = &parts[i];
        if (!part->mem_ready || part->rec->net.kind == HV_PT_NET_NONE)
            continue;
        if (cfg.nports >= HV_RADIO_MAX_PORTS) {
            hv_printf("root: partition %s: no network: the radio server has %u ports at most\n",
                      part->rec->name, cfg.nports);
            continue;
        }
        unsigned c = cfg.nports;
        const struct device_worker_layout worker = port_thread(c);
        uint64_t ntfn = root_new(HV_OBJ_NOTIFICATION, 0);
        if (!ntfn)
            return HV_ENOMEM;
        if ((r = device_grant_client(&p, part, c, con->input_ntfn[i], HV_VMM_EVENT_NET, out)) ||
            (r = device_grant_worker(&p, c, ntfn, &worker)))
            return r;
        out->client_bell[i] = ntfn;
        port_part[c] = part;
        fill_port(&cfg.ports[c], part);
        out->client[i] = (int)c;
        cfg.nports++;
    }
    if (!root_page_into(p.vspace, HV_DEVICE_CONFIG_VA, HV_MAP_READ, &cfg, sizeof(cfg)))
        return HV_ENOMEM;
    if ((r = root_start_budgeted_us(&p, prio, RADIO_BUDGET_US, RADIO_PERIOD_US,
                                    watch.fault_cap)))
        return r;
    /* The VMMs' HV_VDEV_OPEN is a call: they get the caps only once the server answers. */
    uint64_t bits;
    if ((r = hv_wait(ready, &bits)))
        return r;
    if (watch.faulted)
        return HV_ECANCELED; /* the watcher said so: nothing of it is left */
    /* Only now: a port thread reads what the server set up before it answered. A partition
     * whose thread can't start gets no network (its VMM would wait for the thread forever). */
    for (unsigned i = 0; i < nparts; i++) {
        int c = out->client[i];
        const struct device_worker_layout worker = port_thread(c >= 0 ? (unsigned)c : 0);
        if (c >= 0 &&
            (r = device_start_worker(&p, port_part[c], (unsigned)c, &worker, &watch))) {
            hv_printf("root: partition %s: no network: its radio thread did not start (%d)\n",
                      port_part[c]->rec->name, r);
            out->client[i] = -1;
        }
    }
    out->ready = true;
    return HV_OK;
}
