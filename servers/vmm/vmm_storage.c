/* The partition's disk on the real target (vmm_storage.h): the block protocol's calls and
 * doorbell as system calls (vmm_vdev_ipc.c); everything else is core/vdev.c and core/vblk.c,
 * which the host tests drive. */
#include "vmm_storage.h"
#include "vmm_vdev_ipc.h"
#include "core/vblk_place.h"
#include <hv/abi/error.h>
#include <hv/cycles.h>
#include <hv/fmt.h>
#include <hv/print.h>
#include <hv/proto/partition.h>

static struct vmm_vdev vblk;
static bool attached;
/* The request path's figures (docs/storage.md, "Benchmark"): completion events taken, and the
 * server's request count at the last VMM-BLK-STATS line. */
static uint64_t blk_events, requests_logged;
/* Completions timed from the server's signal to this VMM's handling (hv_blk_shared.signal_at). */
static uint64_t events_timed, event_cycles;
static bool stats_logged;
#define BLK_STATS_EVERY 64 /* requests between two lines: a guest can't flood the log */
static struct virtio_mem_region ram_region;
static struct virtio_mem ram = {.regions = &ram_region, .count = 1};

static struct vdev_ipc storage_ipc = {HV_VMM_SLOT_STORAGE, HV_VMM_SLOT_STORAGE_BELL};

/* At a reset of the device (the guest's driver letting it go, or the partition stopping),
 * the counters of this VMM and of the server for this partition, on lines short enough for
 * the console's (160 bytes), so that a benchmark can bracket its phases with resets:
 * VMM-BLK-STATS <name> kinds|vmm|srv key=value.... Said at the first reset
 * after any request, then only after BLK_STATS_EVERY more requests. */
static void log_blk_stats(void)
{
    const volatile struct hv_blk_shared *sh = (struct hv_blk_shared *)HV_VMM_BLK_SHARED_VA;
    uint64_t requests = sh->requests;
    if (stats_logged ? requests - requests_logged < BLK_STATS_EVERY : !requests)
        return;
    stats_logged = true;
    requests_logged = requests;
    const struct vdev_stats *s = &vblk.stats;
    const struct vmm *vmm = vblk.vmm;
    /* The exits by kind first (the arch names them), in a line of their own. */
    static char kinds[128];
    unsigned n = 0;
    kinds[0] = '\0';
    for (unsigned k = 0; vmm->exit_kind_names && k < VMM_EXIT_KINDS && n < sizeof(kinds); k++)
        if (vmm->exit_kind_names[k])
            n += (unsigned)fmt_snprintf(kinds + n, sizeof(kinds) - n, " exit_%s=%lu",
                                        vmm->exit_kind_names[k],
                                        (unsigned long)vmm->exit_kinds[k]);
    hv_printf("VMM-BLK-STATS %s kinds%s\n", vmm->name, kinds);
    hv_printf("VMM-BLK-STATS %s vmm exits=%lu blk_kicks=%lu blk_irqs=%lu blk_events=%lu\n",
              vmm->name, (unsigned long)vmm->exits, (unsigned long)s->kicks,
              (unsigned long)s->used_irqs, (unsigned long)blk_events);
    hv_printf("VMM-BLK-STATS %s srv srv_requests=%lu srv_doorbell_wakeups=%lu "
              "srv_completion_signals=%lu srv_wakeups=%lu srv_disk_irqs=%lu\n",
              vmm->name, (unsigned long)requests, (unsigned long)sh->doorbell_wakeups,
              (unsigned long)sh->completion_signals, (unsigned long)sh->wakeups,
              (unsigned long)sh->disk_irqs);
    hv_printf("VMM-BLK-STATS %s hops srv_timed=%lu srv_in_cycles=%lu srv_device_cycles=%lu "
              "srv_out_cycles=%lu\n",
              vmm->name, (unsigned long)sh->timed, (unsigned long)sh->in_cycles,
              (unsigned long)sh->device_cycles, (unsigned long)sh->out_cycles);
    hv_printf("VMM-BLK-STATS %s hops2 srv_kicks_timed=%lu srv_kick_cycles=%lu "
              "events_timed=%lu event_cycles=%lu\n",
              vmm->name, (unsigned long)sh->kicks_timed, (unsigned long)sh->kick_cycles,
              (unsigned long)events_timed, (unsigned long)event_cycles);
}

/* The protocol's calls as system calls, with the figures said before a reset reaches the server. */
static int storage_call(void *ctx, uint64_t label, const uint64_t *w, unsigned n, uint64_t *reply,
                        unsigned reply_max, unsigned *reply_len)
{
    if (label == HV_VDEV_RESET)
        log_blk_stats();
    return vdev_ipc_ops.call(ctx, label, w, n, reply, reply_max, reply_len);
}

static void storage_doorbell(void *ctx)
{
    __atomic_store_n(&((struct hv_blk_shared *)HV_VMM_BLK_SHARED_VA)->kick_at, hv_cycles(),
                     __ATOMIC_RELAXED);
    vdev_ipc_ops.doorbell(ctx);
}

static const struct vdev_server_ops storage_ops = {.call = storage_call,
                                                   .doorbell = storage_doorbell};

int vmm_storage_attach(struct vmm *vmm, const struct vmm_boot *boot, uint64_t base,
                       struct vmm_irq_line irq, bool empty_slot)
{
    ram_region = (struct virtio_mem_region){
        .gpa = boot->ram_gpa, .size = boot->ram_size, .host = (void *)HV_VMM_RAM_VA};
    const struct vdev_setup setup = {
        .ops = &storage_ops,
        .ctx = &storage_ipc,
        .irq_bits = &((struct hv_blk_shared *)HV_VMM_BLK_SHARED_VA)->irq,
        .mem = &ram,
        .irq = irq,
    };
    enum vblk_placed placed;
    int r = vmm_vblk_place(&vblk, vmm, boot, base, &setup, empty_slot, &placed);
    attached = r == HV_OK && placed == VBLK_PLACED_DEVICE;
    /* Kicks the kernel routes never pass here: no kick_at for the server to time. */
    if (attached && vdev_ipc_route_doorbell(&storage_ipc, VDEV_BELL_STORAGE, base, boot->ncpus))
        ((struct hv_blk_shared *)HV_VMM_BLK_SHARED_VA)->kick_at = 0;
    return r;
}

void vmm_storage_event(void)
{
    if (attached) {
        /* The completion hop through this VMM: from the server's signal to here. */
        uint64_t now = hv_cycles(), signalled = __atomic_load_n(
            &((struct hv_blk_shared *)HV_VMM_BLK_SHARED_VA)->signal_at, __ATOMIC_RELAXED);
        if (signalled && signalled <= now) {
            events_timed++;
            event_cycles += now - signalled;
        }
        blk_events++;
        vmm_vdev_complete(&vblk);
    }
}

void vmm_storage_stop(void)
{
    if (attached && !vmm_vdev_stop(&vblk))
        vmm_logf(vblk.vmm, "disk: the storage server did not confirm the stop");
}

void vmm_storage_format_stats(char *buf, unsigned size)
{
    if (!size)
        return;
    buf[0] = '\0';
    if (!attached)
        return;
    const struct vdev_stats *s = &vblk.stats;
    fmt_snprintf(buf, size,
                 " blk_kicks=%lu blk_irqs=%lu blk_setups=%lu blk_resets=%lu blk_events=%lu",
                 (unsigned long)s->kicks, (unsigned long)s->used_irqs,
                 (unsigned long)s->setups, (unsigned long)s->resets, (unsigned long)blk_events);
}
