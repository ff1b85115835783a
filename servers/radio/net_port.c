/* A partition's virtio-net queues (net_port.h): transmit chains read once into a frame and
 * checked before the switch sees them, receive buffers written with a header that asks the
 * guest for nothing (no checksum offload, one buffer per frame). */
#include "net_port.h"

#include <hv/bytes.h>
#include <hv/enum_name.h>
#include <hv/string.h>
#include <hv/virtio/virtio_net.h>
#include <hv/virtio/virtio_spec.h>

static const char *const drop_names[NET_PORT_DROPS] = {
    [NET_PORT_DROP_RUNT] = "runt",
    [NET_PORT_DROP_GIANT] = "giant",
    [NET_PORT_DROP_OFFLOAD] = "offload",
    [NET_PORT_DROP_CHAIN] = "chain",
    [NET_PORT_DROP_NO_BUFFER] = "no-buffer",
    [NET_PORT_DROP_SMALL_BUFFER] = "small-buffer",
};

const char *net_port_drop_name(enum net_port_drop why)
{
    return HV_ENUM_NAME(drop_names, why, "?");
}

void net_port_init(struct net_port *p, const struct virtio_mem *mem)
{
    memset(p, 0, sizeof(*p));
    p->mem = *mem;
}

enum net_port_setup net_port_queue_setup(struct net_port *p, unsigned q,
                                         const struct virtq_config *cfg)
{
    if (q > NET_PORT_TX || cfg->size > NET_PORT_QUEUE_MAX)
        return NET_PORT_SETUP_BAD_QUEUE;
    if (p->q[q].ready)
        return NET_PORT_SETUP_LIVE;
    /* The 12-byte header is VERSION_1's; a legacy driver's would be 10. */
    if (!(cfg->features & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
        return NET_PORT_SETUP_NO_VERSION_1;
    if (virtq_init(&p->q[q], cfg, &p->mem, &p->faults) != VIRTQ_SETUP_OK) {
        virtq_reset(&p->q[q]);
        return NET_PORT_SETUP_BAD_RING;
    }
    return NET_PORT_SETUP_OK;
}

void net_port_reset(struct net_port *p)
{
    virtq_reset(&p->q[NET_PORT_RX]);
    virtq_reset(&p->q[NET_PORT_TX]);
    p->pushed = false;
}

_Static_assert((NET_PORT_FRAME_AT + NET_PORT_HDR) % 8 == 0, "a sent frame starts on a word");

/* One transmit chain: header and frame, read once into the server's own buffer, so the guest
 * can't change the frame after the switch checked it. */
static void tx_one(struct net_port *p, struct virtq_req *req,
                   void (*out)(void *ctx, const uint8_t *frame, uint32_t len), void *ctx)
{
    uint8_t *buf = p->frame + NET_PORT_FRAME_AT;
    uint64_t total = req->readable_bytes;
    enum net_port_drop why = NET_PORT_DROPS;
    if (total < NET_PORT_HDR + NET_PORT_FRAME_MIN)
        why = NET_PORT_DROP_RUNT;
    else if (total > NET_PORT_HDR + NET_PORT_FRAME_MAX)
        why = NET_PORT_DROP_GIANT;
    else if (virtq_req_read(req, 0, buf, total) != total)
        why = NET_PORT_DROP_CHAIN;
    else if (buf[VIRTIO_NET_HDR_FLAGS] != 0 || buf[VIRTIO_NET_HDR_GSO_TYPE] != 0)
        why = NET_PORT_DROP_OFFLOAD; /* neither CSUM nor any GSO feature is offered */
    if (why == NET_PORT_DROPS) {
        p->stats.tx_frames++;
        out(ctx, buf + NET_PORT_HDR, (uint32_t)(total - NET_PORT_HDR));
    } else {
        p->stats.drops[why]++;
    }
    if (virtq_push(&p->q[NET_PORT_TX], req, 0) == VIRTQ_PUSH_OK)
        p->pushed = true;
}

bool net_port_tx(struct net_port *p, void (*out)(void *ctx, const uint8_t *frame, uint32_t len),
                 void *ctx)
{
    struct virtq *vq = &p->q[NET_PORT_TX];
    struct virtq_seg segs[16];
    struct virtq_req req = {.segs = segs, .capacity = 16};
    for (unsigned n = 0; n < NET_PORT_TX_BATCH; n++) {
        enum virtq_pop_result r = virtq_pop(vq, &req);
        if (r == VIRTQ_POP_DROPPED) {
            p->stats.drops[NET_PORT_DROP_CHAIN]++;
            p->pushed = true; /* libhv returned the chain with length 0 */
            continue;
        }
        if (r != VIRTQ_POP_REQUEST)
            return false;
        tx_one(p, &req, out, ctx);
    }
    return true;
}

bool net_port_rx(struct net_port *p, const uint8_t *frame, uint32_t len)
{
    struct virtq *vq = &p->q[NET_PORT_RX];
    struct virtq_seg segs[16];
    struct virtq_req req = {.segs = segs, .capacity = 16};
    if (len < NET_PORT_FRAME_MIN || len > NET_PORT_FRAME_MAX)
        return false; /* the switch never hands one; a guard, not a drop reason */
    enum virtq_pop_result r;
    do {
        r = virtq_pop(vq, &req);
        if (r == VIRTQ_POP_DROPPED) {
            p->stats.drops[NET_PORT_DROP_CHAIN]++;
            p->pushed = true;
        }
    } while (r == VIRTQ_POP_DROPPED);
    if (r != VIRTQ_POP_REQUEST) {
        p->stats.drops[NET_PORT_DROP_NO_BUFFER]++;
        return false;
    }
    if (req.writable_bytes < NET_PORT_HDR + len) {
        p->stats.drops[NET_PORT_DROP_SMALL_BUFFER]++;
        if (virtq_push(vq, &req, 0) == VIRTQ_PUSH_OK)
            p->pushed = true;
        return false;
    }
    uint8_t hdr[NET_PORT_HDR] = {0};
    hv_put_le16(hdr + VIRTIO_NET_HDR_NUM_BUFFERS, 1); /* §5.1.6.4: 1 without MRG_RXBUF */
    virtq_req_write(&req, 0, hdr, sizeof(hdr));
    virtq_req_write(&req, NET_PORT_HDR, frame, len);
    if (virtq_push(vq, &req, NET_PORT_HDR + len) != VIRTQ_PUSH_OK)
        return false;
    p->pushed = true;
    p->stats.rx_frames++;
    return true;
}

bool net_port_irq_wanted(struct net_port *p)
{
    if (!p->pushed)
        return false;
    p->pushed = false;
    /* Either queue's used entries: one interrupt covers both (virtio-mmio has one line). */
    bool rx = virtq_should_notify(&p->q[NET_PORT_RX]);
    bool tx = virtq_should_notify(&p->q[NET_PORT_TX]);
    return rx || tx;
}
