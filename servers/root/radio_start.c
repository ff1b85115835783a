/* Starts the radio server (servers/radio) on the physical NIC the bus code finds: the NIC's
 * register pages, its interrupt, DMA memory and a cap to log through the console
 * (docs/network.md). A machine without a virtio NIC runs without one. */
#include "device_grant.h"
#include "partition.h"
#include <hv/abi/error.h>
#include <hv/proto/radio.h>
#include <hv/string.h>
#include <hv/virtio/virtio_spec.h>

/* Its own budget, as the storage server's: 20 %. */
#define RADIO_BUDGET_TICKS 2
#define RADIO_PERIOD_TICKS 10

int root_start_radio(const struct hv_bootinfo *info, const struct root_console *con,
                     unsigned prio)
{
    static struct hv_radio_config cfg; /* a page: kept off the stack */
    struct bus_device dev;
    struct root_program p;
    memset(&cfg, 0, sizeof(cfg));
    cfg.version = HV_RADIO_CONFIG_VERSION;
    cfg.prio = prio;
    int r = bus_find_virtio(info, VIRTIO_ID_NET, &dev, &cfg.dev);
    if (r)
        return r;
    uint64_t ntfn = root_new(HV_OBJ_NOTIFICATION, 0);
    if (!ntfn)
        return HV_ENOMEM;
    if ((r = root_load_program("radio", &p)) ||
        (r = device_grant(info, &p, &dev, ntfn, HV_RADIO_DMA_FRAMES, &cfg.dev)) ||
        (r = hv_cap_copy(con->ep, p.cnode, HV_DEVICE_SLOT_LOG, HV_RIGHT_WRITE, 0)))
        return r;
    if (!root_page_into(p.vspace, HV_RADIO_CONFIG_VA, HV_MAP_READ, &cfg, sizeof(cfg)))
        return HV_ENOMEM;
    return root_start_budgeted(&p, prio, RADIO_BUDGET_TICKS, RADIO_PERIOD_TICKS);
}
