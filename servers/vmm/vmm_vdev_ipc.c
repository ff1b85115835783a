/* A device server's calls and doorbell as system calls (vmm_vdev_ipc.h). */
#include "vmm_vdev_ipc.h"
#include <hv/abi/error.h>
#include <hv/proto/partition.h>
#include <hv/sys.h>
#include <hv/virtio/virtio_spec.h>

static int ipc_call(void *ctx, uint64_t label, const uint64_t *w, unsigned n, uint64_t *reply,
                    unsigned reply_max, unsigned *reply_len)
{
    const struct vdev_ipc *s = ctx;
    struct hv_msg m = {.info = hv_msginfo(label, n)};
    for (unsigned i = 0; i < n && i < HV_MSG_WORDS; i++)
        m.w[i] = w[i];
    int r = hv_call(s->ep, &m);
    if (r != HV_OK)
        return r;
    unsigned len = hv_msginfo_len(m.info);
    for (unsigned i = 0; i < len && i < reply_max && i < HV_MSG_WORDS; i++)
        reply[i] = m.w[i];
    *reply_len = len;
    return (int)hv_msginfo_label(m.info);
}

static void ipc_doorbell(void *ctx)
{
    const struct vdev_ipc *s = ctx;
    hv_signal(s->bell); /* a refusal is a root-task bug: the kick is lost */
}

const struct vdev_server_ops vdev_ipc_ops = {.call = ipc_call, .doorbell = ipc_doorbell};

bool vdev_ipc_route_doorbell(const struct vdev_ipc *s, unsigned index, uint64_t base,
                             unsigned ncpus)
{
    bool all = ncpus > 0;
    for (unsigned i = 0; i < ncpus; i++)
        all &= hv_sys(HV_SYS_VCPU_DOORBELL, HV_VMM_SLOT_VCPU0 + i, index,
                      base + VIRTIO_MMIO_QUEUE_NOTIFY, s->bell, 0, 0) == HV_OK;
    return all;
}
