/* The fake storage server of the VMM's virtio-blk tests (vblk_fake.h). */
#include "vblk_fake.h"
#include <hv/abi/error.h>
#include <hv/virtio/virtio_spec.h>
#include <stdlib.h>
#include <string.h>

static bool inside_ram(uint64_t gpa, uint64_t len)
{
    return gpa >= VBLK_FAKE_RAM_GPA && len <= VBLK_FAKE_RAM_SIZE &&
           gpa - VBLK_FAKE_RAM_GPA <= VBLK_FAKE_RAM_SIZE - len;
}

static void check_setup(struct vblk_fake *f, const uint64_t *w, unsigned n)
{
    struct hv_vdev_queue_setup m;
    if (!hv_vdev_queue_setup_decode(w, n, &m)) {
        f->bad_setups++;
        return;
    }
    uint32_t size = hv_vdev_queue_size(&m);
    bool ok = hv_vdev_queue_index(&m) == 0 && size && !(size & (size - 1)) && size <= 256 &&
              inside_ram(m.desc, (uint64_t)size * VIRTQ_DESC_SIZE) &&
              inside_ram(m.driver, VIRTQ_AVAIL_SIZE(size)) &&
              inside_ram(m.device, VIRTQ_USED_SIZE(size)) &&
              (m.features & VIRTIO_BIT(VIRTIO_F_VERSION_1));
    if (!ok)
        f->bad_setups++;
}

static int fake_call(void *ctx, uint64_t label, const uint64_t *w, unsigned n, uint64_t *reply,
                     unsigned reply_max, unsigned *reply_len)
{
    struct vblk_fake *f = ctx;
    if (f->ncalls < VBLK_FAKE_CALLS) {
        struct vblk_fake_call *c = &f->calls[f->ncalls];
        c->label = label;
        c->n = n;
        for (unsigned i = 0; i < n && i < HV_VDEV_QUEUE_SETUP_WORDS; i++)
            c->w[i] = w[i];
    }
    f->ncalls++;
    *reply_len = 0;
    switch (label) {
    case HV_VDEV_OPEN:
        f->opens++;
        for (unsigned i = 0; i < f->open_len && i < reply_max; i++)
            reply[i] = f->open_reply[i];
        *reply_len = f->open_len;
        return f->open_result;
    case HV_VDEV_QUEUE_SETUP:
        f->setups++;
        check_setup(f, w, n);
        if (f->live)
            f->setups_while_live++;
        if (f->setup_result == HV_OK)
            f->live = true;
        return f->setup_result;
    case HV_VDEV_RESET:
        f->resets++;
        if (f->reset_result == HV_OK)
            f->live = false;
        return f->reset_result;
    default:
        return HV_EINVAL;
    }
}

static void fake_doorbell(void *ctx)
{
    struct vblk_fake *f = ctx;
    f->doorbells++;
}

const struct vdev_server_ops vblk_fake_ops = {.call = fake_call, .doorbell = fake_doorbell};

static void fake_irq(void *ctrl, uint32_t line, bool level)
{
    struct vblk_fake *f = ctrl;
    (void)line;
    if (level && !f->level)
        f->rises++;
    f->level = level;
}

void vblk_fake_init(struct vblk_fake *f)
{
    memset(f, 0, sizeof(*f));
    f->open_result = HV_OK;
    f->open_len = HV_BLK_OPEN_REPLY_WORDS;
    f->open_reply[0] = HV_BLK_VERSION;
    f->open_reply[1] = 4u << 20; /* 2 GiB in sectors */
    f->open_reply[2] = VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) |
                       VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) |
                       VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES) |
                       VIRTIO_BIT(VIRTIO_BLK_F_MQ);
    f->open_reply[3] = 64 | (uint64_t)4096 << 32;
    f->open_reply[4] = 256;
    /* One heap block of exactly the RAM's size: ASan sees any access outside it. */
    f->ram = calloc(1, VBLK_FAKE_RAM_SIZE);
    f->region = (struct virtio_mem_region){VBLK_FAKE_RAM_GPA, VBLK_FAKE_RAM_SIZE, f->ram};
    f->mem = (struct virtio_mem){&f->region, 1};
}

void vblk_fake_free(struct vblk_fake *f)
{
    free(f->ram);
    f->ram = NULL;
}

struct vdev_setup vblk_fake_setup(struct vblk_fake *f)
{
    return (struct vdev_setup){
        .ops = &vblk_fake_ops,
        .ctx = f,
        .irq_bits = &f->shared.irq,
        .mem = &f->mem,
        .irq = {.set = fake_irq, .ctrl = f, .line = 48},
    };
}

uint64_t vblk_fake_label(const struct vblk_fake *f, unsigned i)
{
    return i < f->ncalls && i < VBLK_FAKE_CALLS ? f->calls[i].label : 0;
}
