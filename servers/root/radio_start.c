/* Starts the radio server (servers/radio) on the physical NIC the bus code finds: the NIC's
 * register pages, its interrupt, DMA memory, a cap to log through the console, and for each
 * partition with a network port its record, its RAM, a page shared with its VMM and that VMM's
 * event notification; then waits until the server answers (docs/network.md). A machine without
 * a virtio NIC runs without one. */
#include "device_grant.h"
#include "partition.h"
#include <hv/abi/error.h>
#include <hv/proto/console.h>
#include <hv/print.h>
#include <hv/proto/partition.h>
#include <hv/proto/radio.h>
#include <hv/string.h>
#include <hv/virtio/virtio_spec.h>

/* Its own budget, as the storage server's: 20 %. */
#define RADIO_BUDGET_TICKS 2
#define RADIO_PERIOD_TICKS 10

static void fill_port(struct hv_radio_port *port, const struct partition *part)
{
    memset(port, 0, sizeof(*port));
    for (unsigned k = 0; k < HV_PT_NAME_MAX - 1 && part->rec->name[k]; k++)
        port->partition[k] = part->rec->name[k];
    port->net = part->rec->net;
    port->ram_gpa = part->rec->ram_gpa;
    port->ram_size = part->rec->ram_size;
}

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
    if (!out->ep || !out->bell || !ready)
        return HV_ENOMEM;
    if ((r = root_load_program("radio", &p)) ||
        (r = device_grant(info, &p, &dev, out->bell, HV_RADIO_DMA_FRAMES, &cfg.dev)) ||
        (r = device_grant_endpoint(&p, out, ready)) ||
        (r = hv_cap_copy(con->ep, p.cnode, HV_DEVICE_SLOT_LOG, HV_RIGHT_WRITE,
                               HV_CONSOLE_BADGE_SERVER(HV_CONSOLE_SERVER_RADIO))))
        return r;
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
        if ((r = device_grant_client(&p, part, c, con->input_ntfn[i], HV_VMM_EVENT_NET, out)))
            return r;
        fill_port(&cfg.ports[c], part);
        out->client[i] = (int)c;
        cfg.nports++;
    }
    if (!root_page_into(p.vspace, HV_DEVICE_CONFIG_VA, HV_MAP_READ, &cfg, sizeof(cfg)))
        return HV_ENOMEM;
    if ((r = root_start_budgeted(&p, prio, RADIO_BUDGET_TICKS, RADIO_PERIOD_TICKS)))
        return r;
    /* The VMMs' HV_VDEV_OPEN is a call: they get the caps only once the server answers. */
    uint64_t bits;
    if ((r = hv_wait(ready, &bits)))
        return r;
    out->ready = true;
    return HV_OK;
}
