/* libFuzzer target for the VMM's virtio-input keyboard (servers/vmm/core/vinput.c on
 * core/vdev.c): register and configuration-space reads and writes of any offset, width and value
 * (select/subsel above all), a keyboard server that takes or refuses set-ups and resets,
 * completion bits of any value, and stops, against the fake server of test/unit/vmm/vblk_fake.h.
 * After every step: the transport's invariants as fuzz_vblk's (no forbidden set-up, the line
 * equal to InterruptStatus != 0, only the spec's status bits), and a configuration space that
 * says what its select/subsel choose: size at most the union's, nothing past size but zeros. */
#include "core/vinput.h"
#include "vblk_fake.h"
#include <hv/abi/error.h>
#include <hv/virtio/virtio_spec.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_input.h"
#include "fuzz_invariant.h"

static int f_inject(void *ctx, unsigned cpu, uint32_t irq, uint64_t flags)
{
    (void)ctx, (void)cpu, (void)irq, (void)flags;
    return HV_OK;
}
static void f_write(void *ctx, const uint8_t *b, size_t n)
{
    (void)ctx, (void)b, (void)n;
}
static void f_power(void *ctx, enum vmm_power w)
{
    (void)ctx, (void)w;
}
static void f_log(void *ctx, const char *line)
{
    (void)ctx, (void)line;
}
static const struct vmm_ops ops = {
    .inject = f_inject, .console_write = f_write, .power = f_power, .log = f_log};

/* Offsets a driver uses, so that short inputs reach the state machine. */
static const uint16_t regs[] = {
    VIRTIO_MMIO_STATUS,           VIRTIO_MMIO_DEVICE_FEATURES_SEL, VIRTIO_MMIO_DRIVER_FEATURES,
    VIRTIO_MMIO_DRIVER_FEATURES_SEL, VIRTIO_MMIO_QUEUE_SEL,       VIRTIO_MMIO_QUEUE_NUM,
    VIRTIO_MMIO_QUEUE_READY,      VIRTIO_MMIO_QUEUE_NOTIFY,       VIRTIO_MMIO_INTERRUPT_ACK,
    VIRTIO_MMIO_QUEUE_DESC_LOW,   VIRTIO_MMIO_QUEUE_DESC_HIGH,    VIRTIO_MMIO_QUEUE_DRIVER_LOW,
    VIRTIO_MMIO_QUEUE_DRIVER_HIGH, VIRTIO_MMIO_QUEUE_DEVICE_LOW,  VIRTIO_MMIO_QUEUE_DEVICE_HIGH,
    VIRTIO_MMIO_CONFIG};

/* Per queue, whether the server runs it: the fake's own notion is one queue's. */
static bool live[2];
static unsigned setups_while_live;

static int wrap_call(void *ctx, uint64_t label, const uint64_t *w, unsigned n, uint64_t *reply,
                     unsigned reply_max, unsigned *reply_len)
{
    int r = vblk_fake_ops.call(ctx, label, w, n, reply, reply_max, reply_len);
    if (label == HV_VDEV_QUEUE_SETUP && n == HV_VDEV_QUEUE_SETUP_WORDS) {
        unsigned q = (unsigned)(w[0] & 0xffff);
        INVARIANT(q < 2);
        setups_while_live += live[q];
        live[q] |= r == HV_OK;
    }
    if (label == HV_VDEV_RESET && r == HV_OK)
        live[0] = live[1] = false;
    return r;
}

static void wrap_doorbell(void *ctx)
{
    vblk_fake_ops.doorbell(ctx);
}

static const struct vdev_server_ops wrapped = {.call = wrap_call, .doorbell = wrap_doorbell};

/* The configuration space as a driver reads it: what select/subsel choose, and nothing else. */
static void check_config(const struct vmm_vdev *vb)
{
    const uint8_t *c = vb->config;
    unsigned size = c[VINPUT_CFG_SIZE];
    INVARIANT(size <= VINPUT_CFG_UNION_SIZE);
    for (unsigned i = 3; i < VINPUT_CFG_UNION; i++)
        INVARIANT(c[i] == 0); /* reserved */
    for (unsigned i = size; i < VINPUT_CFG_UNION_SIZE; i++)
        INVARIANT(c[VINPUT_CFG_UNION + i] == 0);
    uint8_t sel = c[VINPUT_CFG_SELECT], sub = c[VINPUT_CFG_SUBSEL];
    bool has = sel == VINPUT_CFG_ID_NAME || sel == VINPUT_CFG_ID_DEVIDS ||
               (sel == VINPUT_CFG_EV_BITS && (sub == 0x01 || sub == 0x11));
    INVARIANT(has == (size != 0));
    if (sel == VINPUT_CFG_EV_BITS && sub == 0x01)
        for (unsigned code = 0; code < 8 * size; code++)
            INVARIANT(!!(c[VINPUT_CFG_UNION + code / 8] & (1u << (code % 8))) ==
                      vinput_key_offered(code));
}

static void check(const struct vmm_vdev *vb, const struct vblk_fake *srv)
{
    check_config(vb);
    INVARIANT(srv->bad_setups == 0);
    INVARIANT(setups_while_live == 0);
    INVARIANT(srv->opens == 1);
    INVARIANT(vb->profile == &vinput_profile);
    INVARIANT(srv->level == (vb->mmio.interrupt_status != 0));
    INVARIANT((vb->mmio.interrupt_status & ~3u) == 0);
    INVARIANT((vb->mmio.status & ~0xcfu) == 0);
    /* The queue is ready only if the server took it and has not let go since. */
    for (unsigned q = 0; q < 2; q++)
        if (vb->queues[q].vq.ready)
            INVARIANT(live[q]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vmm vmm;
    static struct vblk_fake srv;
    static struct vmm_vdev vb;
    struct fuzz_input in = {data, size, 0};

    if (!vmm_init(&vmm, &ops, NULL, "fuzz", 1))
        abort();
    vblk_fake_init(&srv);
    srv.open_len = HV_INPUT_OPEN_REPLY_WORDS;
    srv.open_reply[0] = HV_INPUT_VERSION;
    srv.open_reply[1] = 0;
    srv.open_reply[2] = 1u << (in_u8(&in) % 9); /* queue sizes 1..256 */
    live[0] = live[1] = false;
    setups_while_live = 0;
    struct vdev_setup setup = vblk_fake_setup(&srv);
    setup.ops = &wrapped;
    INVARIANT(vmm_vinput_open(&vb, &vmm, &setup) == HV_OK);

    for (unsigned step = 0; step < 4096 && !in_done(&in); step++) {
        uint8_t op = in_u8(&in);
        switch (op % 8) {
        case 0: case 1: case 2: { /* a driver's register write */
            uint16_t off = regs[in_u8(&in) % (sizeof(regs) / sizeof(regs[0]))];
            uint32_t v = in_u8(&in) & 1 ? in_u32(&in) : in_u8(&in);
            if (off == VIRTIO_MMIO_QUEUE_DESC_LOW || off == VIRTIO_MMIO_QUEUE_DRIVER_LOW ||
                off == VIRTIO_MMIO_QUEUE_DEVICE_LOW)
                v = in_u8(&in) & 1 ? v : (uint32_t)VBLK_FAKE_RAM_GPA + (in_u16(&in) & ~15u);
            vmm_vdev_write(&vb, off, 4, v);
            break;
        }
        case 3: { /* anything at all, or the configuration space (select/subsel most) */
            if (in_u8(&in) & 1) {
                uint16_t off = VIRTIO_MMIO_CONFIG + in_u8(&in) % (VINPUT_CFG_BYTES + 8);
                unsigned w = 1u << (in_u8(&in) % 4);
                if (in_u8(&in) & 1)
                    vmm_vdev_write(&vb, off, w, in_u64(&in));
                else
                    (void)vmm_vdev_read(&vb, off, w);
                break;
            }
            uint16_t off = in_u16(&in) % VDEV_WINDOW;
            unsigned w = 1u << (in_u8(&in) % 4);
            if (off + w > VDEV_WINDOW)
                break;
            if (in_u8(&in) & 1)
                vmm_vdev_write(&vb, off, w, in_u64(&in));
            else
                (void)vmm_vdev_read(&vb, off, w);
            break;
        }
        case 4: /* the server completes */
            srv.shared.irq = in_u8(&in) & 1 ? in_u32(&in) : HV_VDEV_IRQ_USED;
            vmm_vdev_complete(&vb);
            break;
        case 5: { /* the server changes its mind */
            uint8_t b = in_u8(&in);
            srv.setup_result = b & 1 ? HV_EINVAL : HV_OK;
            srv.reset_result = b & 2 ? HV_ECANCELED : HV_OK;
            break;
        }
        case 6: /* a partition reset */
            (void)vmm_vdev_stop(&vb);
            INVARIANT(vb.mmio.status == 0);
            break;
        default: /* a plausible bring-up step */
            vmm_vdev_write(&vb, VIRTIO_MMIO_STATUS, 4, in_u8(&in) & 0x0f);
            break;
        }
        check(&vb, &srv);
    }
    vblk_fake_free(&srv);
    return 0;
}
