/* The block device's profile for core/vdev.c (vblk.h): the storage server's OPEN answer
 * checked and turned into struct virtio_blk_config (§5.2.4). */
#include "core/vblk.h"
#include <hv/abi/error.h>
#include <hv/virtio/virtio_spec.h>

#define VBLK_DEVICE_FEATURES                                                                       \
    (VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |                        \
     VIRTIO_BIT(VIRTIO_BLK_F_RO) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |                             \
     VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) |                           \
     VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES))

_Static_assert(VIRTIO_BLK_CFG_SIZE <= VDEV_CONFIG_MAX, "the config fits");
_Static_assert(HV_BLK_OPEN_REPLY_WORDS <= VDEV_OPEN_REPLY_MAX, "the reply fits");

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* struct virtio_blk_config from the server's answer; fields of features not offered stay
 * zero. */
static void fill_config(uint8_t *c, const struct hv_blk_open_reply *o, uint64_t f)
{
    put_le(c + VIRTIO_BLK_CFG_CAPACITY, o->capacity, 8);
    if (f & VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX))
        put_le(c + VIRTIO_BLK_CFG_SIZE_MAX, o->seg_limits >> 32, 4);
    if (f & VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX))
        put_le(c + VIRTIO_BLK_CFG_SEG_MAX, (uint32_t)o->seg_limits, 4);
    if (f & VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE))
        put_le(c + VIRTIO_BLK_CFG_BLK_SIZE, VIRTIO_BLK_SECTOR_SIZE, 4);
    if (f & VIRTIO_BIT(VIRTIO_BLK_F_DISCARD)) {
        put_le(c + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, HV_BLK_DISCARD_SECTORS_MAX, 4);
        put_le(c + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, HV_BLK_DWZ_SEGS_MAX, 4);
        put_le(c + VIRTIO_BLK_CFG_DISCARD_ALIGNMENT, 1, 4);
    }
    if (f & VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES)) {
        put_le(c + VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SECTORS, HV_BLK_WRITE_ZEROES_SECTORS_MAX, 4);
        put_le(c + VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SEG, HV_BLK_DWZ_SEGS_MAX, 4);
    }
}

/* The server's answer as the block protocol allows it; HV_EFORMAT otherwise. Transport bits
 * and the queue size are core/vdev.c's to check. */
static int open_reply(const uint64_t *w, unsigned len, uint8_t *config, uint64_t *features,
                      uint16_t *queue_num_max)
{
    if (len != HV_BLK_OPEN_REPLY_WORDS)
        return HV_EFORMAT;
    const struct hv_blk_open_reply o = {w[0], w[1], w[2], w[3], w[4]};
    if (o.version != HV_BLK_VERSION || o.queue_num_max > 0xffffu)
        return HV_EFORMAT;
    if ((o.features & VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX)) && (uint32_t)o.seg_limits == 0)
        return HV_EFORMAT;
    if ((o.features & VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX)) && (o.seg_limits >> 32) == 0)
        return HV_EFORMAT;
    /* Transport bits pass through to core/vdev.c, which refuses them. */
    *features = o.features & (VBLK_DEVICE_FEATURES | ~((UINT64_C(1) << 24) - 1));
    *queue_num_max = (uint16_t)o.queue_num_max;
    fill_config(config, &o, *features);
    return HV_OK;
}

static const uint64_t vblk_open[HV_BLK_OPEN_WORDS] = {HV_BLK_VERSION};

const struct vdev_profile vblk_profile = {
    .what = "disk",
    .server = "storage server",
    .device_id = VIRTIO_ID_BLOCK,
    .num_queues = 1,
    .config_size = VIRTIO_BLK_CFG_SIZE,
    .open = vblk_open,
    .open_words = HV_BLK_OPEN_WORDS,
    .open_reply = open_reply,
};

int vmm_vblk_open(struct vmm_vdev *vd, struct vmm *vmm, const struct vdev_setup *setup)
{
    return vmm_vdev_open(vd, vmm, &vblk_profile, setup);
}
