/* The VMMs' calls on the radio server (radio_calls.h). */
#include "radio_calls.h"

#include <hv/abi/error.h>
#include <hv/virtio/virtio_net.h>
#include <hv/virtio/virtio_spec.h>

static uint64_t mac_word(const uint8_t m[6])
{
    uint64_t w = 0;
    for (unsigned i = 0; i < 6; i++)
        w |= (uint64_t)m[i] << (8 * i);
    return w;
}

bool radio_call(const struct radio_clients *rc, uint64_t badge, uint64_t label, uint64_t *w,
                unsigned len, uint64_t *reply_label, unsigned *reply_words)
{
    *reply_words = 0;
    *reply_label = HV_EINVAL;
    if (badge == 0 || badge > rc->nports) {
        *reply_label = badge == 0 || badge > rc->configured ? HV_EPERM : HV_ENOENT;
        return false;
    }
    unsigned c = (unsigned)badge - 1;
    struct hv_net_shared *sh = rc->shared[c];
    if (label == HV_VDEV_OPEN) {
        if (len != HV_NET_OPEN_WORDS || w[0] != HV_NET_VERSION)
            return false;
        w[0] = HV_NET_VERSION;
        w[1] = mac_word(rc->ports[c].net.mac);
        w[2] = VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS);
        w[3] = NET_PORT_QUEUE_MAX;
        sh->version = HV_NET_VERSION;
        *reply_words = HV_NET_OPEN_REPLY_WORDS;
        *reply_label = HV_OK;
        return false;
    }
    if (label == HV_VDEV_RESET && len == 0) {
        net_port_reset(&rc->net[c]);
        __atomic_store_n(&sh->irq, 0, __ATOMIC_RELEASE);
        *reply_label = HV_OK;
        return false;
    }
    struct hv_vdev_queue_setup q;
    if (label == HV_VDEV_QUEUE_SETUP && hv_vdev_queue_setup_decode(w, len, &q)) {
        struct virtq_config cfg = {hv_vdev_queue_size(&q), q.desc, q.driver, q.device,
                                   q.features};
        bool ok = net_port_queue_setup(&rc->net[c], hv_vdev_queue_index(&q), &cfg) ==
                  NET_PORT_SETUP_OK;
        *reply_label = ok ? HV_OK : HV_EINVAL;
        return ok;
    }
    return false;
}
