/* The partition's network port on the real target (vmm_radio.h): the device protocol's calls
 * and doorbell as system calls (vmm_vdev_ipc.c); everything else is core/vdev.c and
 * core/vnet.c, which the host tests drive. */
#include "vmm_radio.h"
#include "core/vblk_place.h"
#include "vmm_vdev_ipc.h"
#include <hv/abi/error.h>
#include <hv/print.h>
#include <hv/proto/net.h>
#include <hv/proto/partition.h>

static struct vmm_vdev vnet;
static bool attached;
static struct virtio_mem_region ram_region;
static struct virtio_mem ram = {.regions = &ram_region, .count = 1};
static struct vdev_ipc radio_ipc = {HV_VMM_SLOT_RADIO, HV_VMM_SLOT_RADIO_BELL};

/* The request path's figures (docs/network.md, "Benchmark"): completion events taken, and the
 * frames counted at the last VMM-NET-STATS line. */
static uint64_t net_events, frames_logged;
static bool stats_logged;
#define NET_STATS_EVERY 64 /* frames between two lines: a guest can't flood the log */

/* At a reset of the device (the guest's driver letting it go), the counters of this VMM and of
 * the server for this port, on three lines short enough for the console's, so that a benchmark
 * can bracket its phases with resets: VMM-NET-STATS <name> vmm|port|srv key=value.... Said at the
 * first reset after any frame, then only after NET_STATS_EVERY more. */
static void log_net_stats(void)
{
    const volatile struct hv_net_shared *sh = (struct hv_net_shared *)HV_VMM_NET_SHARED_VA;
    uint64_t frames = sh->tx_frames + sh->rx_frames + sh->tx_dropped + sh->rx_dropped;
    if (stats_logged ? frames - frames_logged < NET_STATS_EVERY : !frames)
        return;
    stats_logged = true;
    frames_logged = frames;
    const struct vmm *vmm = vnet.vmm;
    hv_printf("VMM-NET-STATS %s vmm exits=%lu net_kicks=%lu net_irqs=%lu net_events=%lu\n",
              vmm->name, (unsigned long)vmm->exits, (unsigned long)vnet.stats.kicks,
              (unsigned long)vnet.stats.used_irqs, (unsigned long)net_events);
    hv_printf("VMM-NET-STATS %s port tx_frames=%lu rx_frames=%lu tx_dropped=%lu rx_dropped=%lu\n",
              vmm->name, (unsigned long)sh->tx_frames, (unsigned long)sh->rx_frames,
              (unsigned long)sh->tx_dropped, (unsigned long)sh->rx_dropped);
    hv_printf("VMM-NET-STATS %s srv srv_signals=%lu srv_wakeups=%lu srv_nic_irqs=%lu\n",
              vmm->name, (unsigned long)sh->signals, (unsigned long)sh->wakeups,
              (unsigned long)sh->nic_irqs);
}

/* The protocol's calls as system calls, with the figures said before a reset reaches the server. */
static int radio_call(void *ctx, uint64_t label, const uint64_t *w, unsigned n, uint64_t *reply,
                      unsigned reply_max, unsigned *reply_len)
{
    if (label == HV_VDEV_RESET)
        log_net_stats();
    return vdev_ipc_ops.call(ctx, label, w, n, reply, reply_max, reply_len);
}

static void radio_doorbell(void *ctx)
{
    vdev_ipc_ops.doorbell(ctx);
}

static const struct vdev_server_ops radio_ops = {.call = radio_call, .doorbell = radio_doorbell};

int vmm_radio_attach(struct vmm *vmm, const struct vmm_boot *boot, uint64_t base,
                     struct vmm_irq_line irq, bool empty_slot)
{
    ram_region = (struct virtio_mem_region){
        .gpa = boot->ram_gpa, .size = boot->ram_size, .host = (void *)HV_VMM_RAM_VA};
    const struct vdev_setup setup = {
        .ops = &radio_ops,
        .ctx = &radio_ipc,
        .irq_bits = &((struct hv_net_shared *)HV_VMM_NET_SHARED_VA)->irq,
        .mem = &ram,
        .irq = irq,
    };
    enum vblk_placed placed;
    int r = vmm_vnet_place(&vnet, vmm, boot, base, &setup, empty_slot, &placed);
    attached = r == HV_OK && placed == VBLK_PLACED_DEVICE;
    if (attached)
        vdev_ipc_route_doorbell(&radio_ipc, VDEV_BELL_RADIO, base, boot->ncpus);
    return r;
}

void vmm_radio_event(void)
{
    if (attached) {
        net_events++;
        vmm_vdev_complete(&vnet);
    }
}

void vmm_radio_stop(void)
{
    if (attached && !vmm_vdev_stop(&vnet))
        vmm_logf(vnet.vmm, "network: the radio server did not confirm the stop");
}
