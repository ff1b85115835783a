/* The network device's profile for core/vdev.c (vnet.h): the radio server's OPEN answer checked
 * and turned into struct virtio_net_config (§5.1.4). The MAC is the manifest's, which the radio
 * server's policy holds the partition to: the guest learns it here and can't change it (the
 * configuration space is read-only, and VIRTIO_NET_F_CTRL_MAC_ADDR is not offered). */
#include "core/vnet.h"
#include <hv/abi/error.h>
#include <hv/virtio/virtio_spec.h>

/* What the VMM knows how to show: the MAC and the link status. No offloads (the policy reads
 * plain headers), no control queue, no mergeable buffers. */
#define VNET_DEVICE_FEATURES (VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS))

_Static_assert(VIRTIO_NET_CFG_SIZE <= VDEV_CONFIG_MAX, "the config fits");
_Static_assert(HV_NET_OPEN_REPLY_WORDS <= VDEV_OPEN_REPLY_MAX, "the reply fits");

static int open_reply(const uint64_t *w, unsigned len, uint8_t *config, uint64_t *features,
                      uint16_t *queue_num_max)
{
    if (len != HV_NET_OPEN_REPLY_WORDS)
        return HV_EFORMAT;
    const struct hv_net_open_reply o = {w[0], w[1], w[2], w[3]};
    uint8_t mac[6];
    for (unsigned i = 0; i < 6; i++)
        mac[i] = (uint8_t)(o.mac >> (8 * i));
    bool zero = (o.mac & 0xffffffffffffull) == 0;
    if (o.version != HV_NET_VERSION || (o.mac >> 48) != 0 || zero || (mac[0] & 1) ||
        o.queue_num_max > 0xffffu)
        return HV_EFORMAT;
    /* The MAC is always given: a partition's address is the manifest's, not the guest's pick. */
    *features = (o.features & (VNET_DEVICE_FEATURES | ~((UINT64_C(1) << 24) - 1))) |
                VIRTIO_BIT(VIRTIO_NET_F_MAC);
    *queue_num_max = (uint16_t)o.queue_num_max;
    for (unsigned i = 0; i < 6; i++)
        config[VIRTIO_NET_CFG_MAC + i] = mac[i];
    if (*features & VIRTIO_BIT(VIRTIO_NET_F_STATUS)) {
        config[VIRTIO_NET_CFG_STATUS] = VIRTIO_NET_S_LINK_UP;
        config[VIRTIO_NET_CFG_STATUS + 1] = 0;
    }
    return HV_OK;
}

static const uint64_t vnet_open[HV_NET_OPEN_WORDS] = {HV_NET_VERSION};

const struct vdev_profile vnet_profile = {
    .what = "network",
    .server = "radio server",
    .device_id = VIRTIO_ID_NET,
    .num_queues = 2,
    .config_size = VIRTIO_NET_CFG_SIZE,
    .open = vnet_open,
    .open_words = HV_NET_OPEN_WORDS,
    .open_reply = open_reply,
};

int vmm_vnet_open(struct vmm_vdev *vd, struct vmm *vmm, const struct vdev_setup *setup)
{
    return vmm_vdev_open(vd, vmm, &vnet_profile, setup);
}
