/* libFuzzer target: a partition's virtio-net queues in the radio server (net_port.c) with two
 * partitions whose guests write anything anywhere in their RAM, post any chain on either queue
 * and reset their device at any moment; frames one sends are offered to the other's receive
 * ring, as a switch that lets everything through would. Checked: every frame handed out is
 * 14..1514 bytes; no byte of a partition's RAM is written between its reset and its next queue
 * set-up; and (by ASan, each partition's RAM an exact-size heap block) no access outside guest
 * memory. */
#include "fuzz_input.h"
#include "net_port.h"

#include <hv/bytes.h>
#include <hv/virtio/virtio_spec.h>
#include <stdlib.h>
#include <string.h>

#define RAM_GPA 0x40000000ull
#define RAM_SIZE 0x20000u
/* Where a well-behaved guest keeps queue q's rings. */
#define RING(q) (0x3000u * (q))

static uint8_t *ram[2];
static struct net_port ports[2];
static bool quiet[2], guest_wrote[2];
static uint8_t *quiet_copy[2];
static unsigned from; /* the port whose frames out() forwards */

static void out(void *ctx, const uint8_t *f, uint32_t len)
{
    (void)ctx;
    if (len < NET_PORT_FRAME_MIN || len > NET_PORT_FRAME_MAX)
        abort();
    net_port_rx(&ports[from ^ 1], f, len);
}

static void check_quiet(unsigned p)
{
    if (quiet[p] && !guest_wrote[p] && memcmp(ram[p], quiet_copy[p], RAM_SIZE) != 0)
        abort();
}

static uint64_t pick_ring(struct fuzz_input *in)
{
    if (in_u8(in) % 4 == 3)
        return in_u64(in);
    return RAM_GPA + ((uint64_t)in_u16(in) << 4) % RAM_SIZE;
}

static void setup_queue(struct fuzz_input *in, unsigned p, unsigned q)
{
    struct virtq_config c = {
        .size = 1u << (in_u8(in) % 10),
        .desc = RAM_GPA + RING(q),
        .driver = RAM_GPA + RING(q) + 0x1000,
        .device = RAM_GPA + RING(q) + 0x2000,
        .features = VIRTIO_BIT(VIRTIO_F_VERSION_1),
    };
    uint8_t f = in_u8(in);
    c.features |= (f & 1 ? VIRTIO_BIT(VIRTIO_F_EVENT_IDX) : 0) |
                  (f & 2 ? VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) : 0);
    if (f & 4)
        c.features &= ~VIRTIO_BIT(VIRTIO_F_VERSION_1);
    if (f & 8) {
        c.desc = pick_ring(in);
        c.driver = pick_ring(in);
        c.device = pick_ring(in);
    }
    if (net_port_queue_setup(&ports[p], q, &c) == NET_PORT_SETUP_OK)
        quiet[p] = false;
}

/* A chain the way a driver writes one: descriptors at head.., the avail entry, the idx. */
static void guest_chain(struct fuzz_input *in, unsigned p, unsigned q)
{
    const struct virtq *vq = &ports[p].q[q];
    if (!vq->ready)
        return;
    uint16_t size = vq->size, head = in_u16(in) % size;
    unsigned n = 1 + in_u8(in) % 4;
    uint8_t *desc = ram[p] + RING(q);
    for (unsigned i = 0; i < n; i++) {
        uint16_t idx = (uint16_t)((head + i) % size);
        uint8_t *d = desc + 16u * idx;
        if (d + 16 > ram[p] + RAM_SIZE)
            return;
        hv_put_le64(d, RAM_GPA + 0x6000 + in_u16(in) % 0x1a000);
        hv_put_le32(d + 8, in_u8(in) & 1 ? in_u32(in) : in_u16(in) % 2048);
        uint16_t flags = (uint16_t)((i + 1 < n ? VIRTQ_DESC_F_NEXT : 0) |
                                    (q == NET_PORT_RX ? VIRTQ_DESC_F_WRITE : 0));
        hv_put_le16(d + 12, (uint16_t)(flags ^ (in_u8(in) == 0xff ? VIRTQ_DESC_F_WRITE : 0)));
        hv_put_le16(d + 14, (uint16_t)((idx + 1) % size));
    }
    uint8_t *avail = ram[p] + RING(q) + 0x1000;
    uint16_t idx = hv_le16(avail + 2);
    hv_put_le16(avail + 4 + 2u * (idx % size), head);
    hv_put_le16(avail + 2, (uint16_t)(idx + 1));
    guest_wrote[p] = true;
}

static void step(struct fuzz_input *in)
{
    unsigned p = in_u8(in) & 1;
    switch (in_u8(in) % 9) {
    case 0: { /* the guest writes anything anywhere in its RAM */
        check_quiet(p);
        uint32_t at = in_u32(in) % RAM_SIZE;
        uint32_t n = in_u8(in) % 16;
        for (uint32_t i = 0; i < n && at + i < RAM_SIZE; i++)
            ram[p][at + i] = in_u8(in);
        guest_wrote[p] = true;
        break;
    }
    case 1:
    case 2:
        check_quiet(p);
        guest_chain(in, p, in_u8(in) & 1);
        break;
    case 3:
    case 4:
        from = p;
        net_port_tx(&ports[p], out, NULL);
        break;
    case 5: { /* a frame from the link */
        uint8_t f[NET_PORT_FRAME_MAX];
        uint32_t len = in_u16(in) % (NET_PORT_FRAME_MAX + 2);
        in_bytes(in, f, len < sizeof(f) ? len : sizeof(f));
        net_port_rx(&ports[p], f, len);
        break;
    }
    case 6:
        net_port_reset(&ports[p]);
        quiet[p] = true;
        guest_wrote[p] = false;
        memcpy(quiet_copy[p], ram[p], RAM_SIZE);
        break;
    case 7:
        check_quiet(p);
        setup_queue(in, p, in_u8(in) & 1);
        break;
    case 8:
        (void)net_port_irq_wanted(&ports[p]);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size, 0};
    struct virtio_mem_region regions[2];
    struct virtio_mem mems[2];
    for (unsigned p = 0; p < 2; p++) {
        if (ram[p] == NULL) {
            ram[p] = malloc(RAM_SIZE);
            quiet_copy[p] = malloc(RAM_SIZE);
        }
        memset(ram[p], 0, RAM_SIZE);
        regions[p] = (struct virtio_mem_region){RAM_GPA, RAM_SIZE, ram[p]};
        mems[p] = (struct virtio_mem){&regions[p], 1};
        net_port_init(&ports[p], &mems[p]);
        quiet[p] = guest_wrote[p] = false;
        setup_queue(&in, p, NET_PORT_RX);
        setup_queue(&in, p, NET_PORT_TX);
    }
    for (unsigned n = 0; n < 400 && !in_done(&in); n++)
        step(&in);
    for (unsigned p = 0; p < 2; p++)
        check_quiet(p);
    return 0;
}
