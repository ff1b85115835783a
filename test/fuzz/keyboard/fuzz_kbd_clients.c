/* libFuzzer target for the keyboard server's client partitions (servers/keyboard/kbd_clients.c):
 * a hostile guest that writes anything into its RAM (descriptors, ring indices, flags), sets
 * queues up anywhere, rings the doorbell and resets, interleaved with the keyboard core's events
 * and calls with any badge. The RAM is an exact-size heap block (ASan sees any access outside
 * it). After every step: the backlog within its bound, and every delivered event accounted for
 * (written into a guest buffer, waiting in the backlog, dropped from it, or cleared by a reset). */
#include "kbd_clients.h"
#include <hv/abi/error.h>
#include <hv/virtio/virtio_spec.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "fuzz_invariant.h"

#define RAM_GPA 0x40000000ull
#define RAM_SIZE 0x4000u
#define QSIZE 8u
/* Where a plausible driver puts queue q's rings (sizes for QSIZE entries). */
#define DESC(q) (RAM_GPA + 0x1000u * (q))
#define AVAIL(q) (DESC(q) + 0x200u)
#define USED(q) (DESC(q) + 0x400u)

static unsigned resets, notifies;

static void on_reset(void *ctx, unsigned partition)
{
    (void)ctx, (void)partition;
    resets++;
}

static void on_notify(void *ctx, unsigned client)
{
    (void)ctx;
    INVARIANT(client == 0);
    notifies++;
}

static void put(uint8_t *ram, uint64_t gpa, const void *src, size_t n)
{
    if (gpa >= RAM_GPA && gpa - RAM_GPA + n <= RAM_SIZE)
        memcpy(ram + (gpa - RAM_GPA), src, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct kbd_clients k;
    static struct hv_input_shared shared;
    struct fuzz_input in = {data, size, 0};
    uint8_t *ram = calloc(1, RAM_SIZE);
    if (!ram)
        abort();
    memset(&shared, 0, sizeof(shared));
    const struct kbd_clients_ops ops = {on_reset, on_notify, NULL};
    kbd_clients_init(&k, &ops);
    const struct virtio_mem_region region = {RAM_GPA, RAM_SIZE, ram};
    INVARIANT(kbd_clients_add(&k, 2, &region, &shared) == 0);
    struct kbd_client *cl = &k.client[0];
    uint64_t delivered = 0, cleared = 0;
    uint16_t avail_idx[2] = {0, 0};

    for (unsigned step = 0; step < 2048 && !in_done(&in); step++) {
        uint8_t op = in_u8(&in);
        switch (op % 8) {
        case 0: { /* the guest scribbles on its RAM */
            uint16_t off = in_u16(&in) % RAM_SIZE;
            uint8_t n = in_u8(&in) % 16;
            uint8_t bytes[16];
            in_bytes(&in, bytes, n);
            put(ram, RAM_GPA + off, bytes, n);
            break;
        }
        case 1: { /* a queue set-up: plausible or anything */
            uint64_t w[HV_VDEV_QUEUE_SETUP_WORDS], rl;
            unsigned q = in_u8(&in) % 3, rw;
            if (in_u8(&in) & 1) {
                w[0] = q | (uint64_t)QSIZE << 16;
                w[1] = DESC(q % 2), w[2] = AVAIL(q % 2), w[3] = USED(q % 2);
                w[4] = VIRTIO_BIT(VIRTIO_F_VERSION_1) | (in_u8(&in) & 1 ? VIRTIO_BIT(29) : 0);
            } else {
                for (unsigned i = 0; i < HV_VDEV_QUEUE_SETUP_WORDS; i++)
                    w[i] = in_u8(&in) & 1 ? in_u64(&in) : RAM_GPA + (in_u16(&in) % RAM_SIZE);
            }
            kbd_clients_call(&k, 1, HV_VDEV_QUEUE_SETUP, w, HV_VDEV_QUEUE_SETUP_WORDS, &rl, &rw);
            INVARIANT(rw == 0 && (rl == HV_OK || rl == HV_EINVAL));
            if (rl == HV_OK && q < 2)
                avail_idx[q] = 0;
            break;
        }
        case 2: { /* the guest posts one buffer: a descriptor (plausible or not), then avail */
            unsigned q = in_u8(&in) % 2;
            uint16_t d = in_u8(&in) % QSIZE;
            uint8_t desc[16];
            uint64_t addr = in_u8(&in) & 1 ? in_u64(&in) : RAM_GPA + 0x2000 + 8u * d;
            uint32_t len = in_u8(&in) & 1 ? in_u32(&in) : 8;
            uint16_t flags = in_u8(&in) & 1 ? in_u16(&in) : (q == 0 ? 2 : 0);
            uint16_t next = in_u16(&in);
            memcpy(desc, &addr, 8), memcpy(desc + 8, &len, 4);
            memcpy(desc + 12, &flags, 2), memcpy(desc + 14, &next, 2);
            put(ram, DESC(q) + 16u * d, desc, 16);
            put(ram, AVAIL(q) + 4 + 2u * (avail_idx[q] % QSIZE), &d, 2);
            avail_idx[q]++;
            put(ram, AVAIL(q) + 2, &avail_idx[q], 2);
            break;
        }
        case 3: /* the doorbell, with any bits */
            kbd_clients_doorbell(&k, in_u8(&in) & 1 ? in_u64(&in) : HV_VDEV_DOORBELL(0));
            break;
        case 4: { /* the guest resets its device */
            uint64_t rl;
            unsigned rw;
            cleared += cl->backlog_len;
            kbd_clients_call(&k, 1, HV_VDEV_RESET, NULL, 0, &rl, &rw);
            INVARIANT(rl == HV_OK && cl->backlog_len == 0 && shared.irq == 0);
            avail_idx[0] = avail_idx[1] = 0;
            break;
        }
        case 5: { /* any call with any badge */
            uint64_t w[HV_VDEV_QUEUE_SETUP_WORDS] = {0}, rl;
            uint64_t badge = in_u8(&in) % 4, label = in_u8(&in) % 5;
            unsigned n = in_u8(&in) % (HV_VDEV_QUEUE_SETUP_WORDS + 1), rw;
            for (unsigned i = 0; i < n; i++)
                w[i] = in_u64(&in);
            if (badge == 1 && label == HV_VDEV_RESET && n == 0)
                cleared += cl->backlog_len;
            kbd_clients_call(&k, badge, label, w, n, &rl, &rw);
            INVARIANT(rw <= HV_INPUT_OPEN_REPLY_WORDS);
            if (badge != 1)
                INVARIANT(rl == HV_EPERM);
            break;
        }
        default: { /* the keyboard core delivers an event (to this client or another) */
            struct virtio_input_event ev = {in_u8(&in) % 3 ? 1 : 0, in_u16(&in) % 0x300,
                                            in_u8(&in) % 3};
            unsigned partition = in_u8(&in) % 8 ? 2 : 5;
            kbd_clients_deliver(&k, partition, &ev);
            delivered += partition == 2;
            break;
        }
        }
        INVARIANT(cl->backlog_len <= KBD_BACKLOG);
        INVARIANT(cl->stats.events + cl->stats.dropped + cl->backlog_len + cleared == delivered);
        INVARIANT((shared.irq & ~(HV_VDEV_IRQ_USED | HV_VDEV_IRQ_NEEDS_RESET)) == 0);
    }
    (void)resets, (void)notifies;
    free(ram);
    return 0;
}
