/* The keyboard's guest side end to end on the host: a guest driver (libhv's virtio-mmio and
 * virtqueue driver side, as Linux's virtio_input would use the device) on each partition's VMM
 * transport (servers/vmm/core/vinput.c), the device protocol carried by direct calls into the
 * keyboard server's logic (servers/keyboard/kbd_clients.c behind kbd_core.c, as its main loop
 * would), and keys fed to the core. Checks that the two sides speak the same protocol: keys reach
 * only the partition with focus, as 8-byte events in its event buffers with an interrupt; the
 * switch combination reaches neither; LED events are taken; a guest's reset mid-stream
 * forgets its keys and the device comes back. */
#include "check_run.h"
#include "core/vinput.h"
#include "keyboard/evdev_codes.h"
#include "keyboard/kbd_clients.h"
#include "keyboard/kbd_core.h"

#include <hv/abi/error.h>
#include <hv/bytes.h>
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/vmmio_driver.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARTS 2
#define RAM_GPA 0x40000000ull
#define RAM_SIZE 0x40000u
#define EVENTQ_RINGS 0x0000u
#define STATUSQ_RINGS 0x8000u
#define RING_BYTES 0x8000u
#define EVENT_BUFS (RAM_GPA + 0x10000)
#define STATUS_BUFS (RAM_GPA + 0x20000)
#define QSIZE 16

/* ---- the keyboard server, as its main loop would drive kbd_core and kbd_clients ---- */

static struct kbd_core core;
static struct kbd_clients kc;
static struct hv_input_shared shared[PARTS];
static unsigned signals[PARTS];

static void core_reset(void *ctx, unsigned partition)
{
    (void)ctx;
    kbd_core_device_reset(&core, partition);
}

static void notify_vmm(void *ctx, unsigned client)
{
    (void)ctx;
    signals[client]++;
}

/* Client c is partition c here; the VMM's badge is c + 1, as the root task gives it. */
struct client {
    unsigned c;
    unsigned bells;
};
static struct client clients[PARTS];

static int server_call(void *ctx, uint64_t label, const uint64_t *w, unsigned n, uint64_t *reply,
                       unsigned reply_max, unsigned *reply_len)
{
    struct client *c = ctx;
    uint64_t words[HV_VDEV_QUEUE_SETUP_WORDS] = {0}, rl;
    ck_assert_uint_le(n, HV_VDEV_QUEUE_SETUP_WORDS);
    if (n)
        memcpy(words, w, n * sizeof(w[0]));
    kbd_clients_call(&kc, c->c + 1, label, words, n, &rl, reply_len);
    ck_assert_uint_le(*reply_len, reply_max);
    if (*reply_len)
        memcpy(reply, words, *reply_len * sizeof(words[0]));
    return (int)rl;
}

static void server_doorbell(void *ctx)
{
    struct client *c = ctx;
    c->bells++;
    kbd_clients_doorbell(&kc, HV_VDEV_DOORBELL(c->c));
}

static const struct vdev_server_ops server_ops = {.call = server_call, .doorbell = server_doorbell};

/* ---- each partition: guest RAM, its VMM's transport, the guest's driver ---- */

struct partition {
    uint8_t *ram;
    struct virtio_mem_region region;
    struct virtio_mem mem;
    struct vmm vmm;
    struct vmm_vdev vi;
    bool line;
    struct vmmio_drv drv;
    struct vqd eventq, statusq;
    struct vqd_slot event_slots[QSIZE], status_slots[QSIZE];
};
static struct partition parts[PARTS];

static int v_inject(void *ctx, unsigned cpu, uint32_t irq, uint64_t flags)
{
    (void)ctx, (void)cpu, (void)irq, (void)flags;
    return HV_OK;
}
static void v_write(void *ctx, const uint8_t *b, size_t n)
{
    (void)ctx, (void)b, (void)n;
}
static void v_power(void *ctx, enum vmm_power w)
{
    (void)ctx, (void)w;
}
static void v_log(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "vmm: %s\n", line);
}
static const struct vmm_ops vmm_ops = {
    .inject = v_inject, .console_write = v_write, .power = v_power, .log = v_log};

static void set_line(void *ctrl, uint32_t line, bool level)
{
    (void)line;
    ((struct partition *)ctrl)->line = level;
}

static uint32_t g_read(void *ctx, uint32_t off, unsigned size)
{
    return (uint32_t)vmm_vdev_read(&((struct partition *)ctx)->vi, off, size);
}
static void g_write(void *ctx, uint32_t off, unsigned size, uint32_t value)
{
    vmm_vdev_write(&((struct partition *)ctx)->vi, off, size, value);
}

static void setup(void)
{
    memset(shared, 0, sizeof(shared));
    memset(signals, 0, sizeof(signals));
    const struct kbd_clients_ops ops = {core_reset, notify_vmm, NULL};
    kbd_clients_init(&kc, &ops);
    const struct kbd_core_io io = {kbd_clients_deliver, &kc};
    kbd_core_init(&core, &io, 0);
    for (unsigned i = 0; i < PARTS; i++) {
        struct partition *p = &parts[i];
        memset(p, 0, sizeof(*p));
        p->ram = aligned_alloc(4096, RAM_SIZE);
        memset(p->ram, 0, RAM_SIZE);
        p->region = (struct virtio_mem_region){RAM_GPA, RAM_SIZE, p->ram};
        p->mem = (struct virtio_mem){&p->region, 1};
        clients[i] = (struct client){.c = i};
        ck_assert_int_eq(kbd_clients_add(&kc, i, &p->region, &shared[i]), (int)i);
        ck_assert(vmm_init(&p->vmm, &vmm_ops, NULL, i ? "work" : "personal", 1));
        const struct vdev_setup s = {.ops = &server_ops, .ctx = &clients[i],
                                     .irq_bits = &shared[i].irq, .mem = &p->mem,
                                     .irq = {.set = set_line, .ctrl = p, .line = 50}};
        ck_assert_int_eq(vmm_vinput_open(&p->vi, &p->vmm, &s), HV_OK);
    }
}

static void teardown(void)
{
    for (unsigned i = 0; i < PARTS; i++)
        free(parts[i].ram);
}

static void *at(unsigned i, uint64_t gpa)
{
    return parts[i].ram + (gpa - RAM_GPA);
}

/* Event buffer k of partition i to the device. */
static void post_event(unsigned i, unsigned k)
{
    const struct vqd_buf b = {EVENT_BUFS + 8u * k, 8};
    ck_assert_int_eq(vqd_add(&parts[i].eventq, &b, 0, 1, (void *)(uintptr_t)(k + 1)), VQD_OK);
}

static void kick(unsigned i, unsigned q)
{
    struct partition *p = &parts[i];
    if (vqd_kick_needed(q ? &p->statusq : &p->eventq))
        p->drv.t.ops->notify(&p->drv.t, (uint16_t)q);
}

/* What Linux's virtio_input does at probe: bring-up, the name read through select, both
 * queues, event buffers posted, DRIVER_OK, kick. */
static void guest_bring_up(unsigned i)
{
    struct partition *p = &parts[i];
    const struct virtio_regs regs = {g_read, g_write, p};
    ck_assert_int_eq(vmmio_drv_probe(&p->drv, &regs, VDEV_WINDOW, VIRTIO_ID_INPUT),
                     VIRTIO_DRV_OK);
    ck_assert_int_eq(virtio_drv_negotiate(&p->drv.t, VIRTIO_BIT(VIRTIO_F_VERSION_1),
                                          VIRTIO_BIT(VIRTIO_F_VERSION_1)),
                     VIRTIO_DRV_OK);
    g_write(p, VIRTIO_MMIO_CONFIG + VINPUT_CFG_SELECT, 1, VINPUT_CFG_ID_NAME);
    g_write(p, VIRTIO_MMIO_CONFIG + VINPUT_CFG_SUBSEL, 1, 0);
    char name[32] = {0};
    uint8_t size = 0;
    ck_assert_int_eq(virtio_drv_config_read(&p->drv.t, VINPUT_CFG_SIZE, &size, 1), VIRTIO_DRV_OK);
    ck_assert_uint_lt(size, sizeof(name));
    ck_assert_int_eq(virtio_drv_config_read(&p->drv.t, VINPUT_CFG_UNION, name, size),
                     VIRTIO_DRV_OK);
    ck_assert_str_eq(name, "Duet keyboard");
    const struct virtio_dma ev = {p->ram + EVENTQ_RINGS, RAM_GPA + EVENTQ_RINGS, RING_BYTES};
    const struct virtio_dma st = {p->ram + STATUSQ_RINGS, RAM_GPA + STATUSQ_RINGS, RING_BYTES};
    ck_assert_int_eq(virtio_drv_queue_setup(&p->drv.t, HV_INPUT_EVENTQ, QSIZE, &ev,
                                            p->event_slots, &p->eventq),
                     VIRTIO_DRV_OK);
    ck_assert_int_eq(virtio_drv_queue_setup(&p->drv.t, HV_INPUT_STATUSQ, QSIZE, &st,
                                            p->status_slots, &p->statusq),
                     VIRTIO_DRV_OK);
    for (unsigned k = 0; k < QSIZE; k++)
        post_event(i, k);
    ck_assert_int_eq(virtio_drv_ready(&p->drv.t), VIRTIO_DRV_OK);
    kick(i, 0);
}

/* Each VMM takes what the server signalled for it (HV_VMM_EVENT_KBD). */
static void vmms_run(void)
{
    for (unsigned i = 0; i < PARTS; i++)
        if (signals[i]) {
            signals[i] = 0;
            vmm_vdev_complete(&parts[i].vi);
        }
}

struct ev {
    uint16_t type, code;
    uint32_t value;
};

/* The guest's interrupt handler: acknowledge, take every used event buffer (decoding it as
 * virtio_input does) and post it again. Returns how many events, written to out. */
static unsigned guest_events(unsigned i, struct ev *out, unsigned max)
{
    struct partition *p = &parts[i];
    vmms_run();
    if (!p->line)
        return 0;
    ck_assert(p->drv.t.ops->interrupt_ack(&p->drv.t) & VIRTIO_ISR_QUEUE);
    unsigned n = 0;
    void *tok;
    uint32_t len;
    while (vqd_get_used(&p->eventq, &tok, &len) == VQD_OK) {
        unsigned k = (unsigned)(uintptr_t)tok - 1;
        ck_assert_uint_eq(len, 8);
        const uint8_t *b = at(i, EVENT_BUFS + 8u * k);
        ck_assert_uint_lt(n, max);
        out[n++] = (struct ev){hv_le16(b), hv_le16(b + 2), hv_le32(b + 4)};
        post_event(i, k);
    }
    kick(i, 0);
    while (vqd_get_used(&p->statusq, &tok, &len) == VQD_OK)
        ck_assert_uint_eq(len, 0);
    return n;
}

static void press(uint16_t code, uint8_t value)
{
    if (kbd_core_key(&core, (struct key_event){code, value}))
        kbd_core_focus_changed(&core, core.focus == 0 ? 1 : 0); /* the owner's NEXT of two */
}

static void expect(const struct ev *got, unsigned n, const struct ev *want, unsigned wn)
{
    ck_assert_uint_eq(n, wn);
    for (unsigned k = 0; k < n; k++) {
        ck_assert_uint_eq(got[k].type, want[k].type);
        ck_assert_uint_eq(got[k].code, want[k].code);
        ck_assert_uint_eq(got[k].value, want[k].value);
    }
}

#define SYN {EV_SYN, SYN_REPORT, 0}

START_TEST(keys_reach_the_focused_guest_only)
{
    guest_bring_up(0);
    guest_bring_up(1);
    struct ev got[64];
    press(KEY_A, 1);
    press(KEY_A, 0);
    const struct ev a[] = {{EV_KEY, KEY_A, 1}, SYN, {EV_KEY, KEY_A, 0}, SYN};
    expect(got, guest_events(0, got, 64), a, 4);
    ck_assert_uint_eq(guest_events(1, got, 64), 0);
    ck_assert_uint_eq(parts[0].vi.stats.used_irqs, 1);

    /* Ctrl+Alt+F12: nothing of it in either guest; the focus moves to work. */
    press(KEY_LEFTCTRL, 1);
    press(KEY_LEFTALT, 1);
    press(KEY_F12, 1);
    press(KEY_F12, 0);
    press(KEY_LEFTALT, 0);
    press(KEY_LEFTCTRL, 0);
    ck_assert_uint_eq(core.focus, 1);
    press(KEY_B, 1);
    press(KEY_B, 0);
    const struct ev b[] = {{EV_KEY, KEY_B, 1}, SYN, {EV_KEY, KEY_B, 0}, SYN};
    expect(got, guest_events(1, got, 64), b, 4);
    ck_assert_uint_eq(guest_events(0, got, 64), 0);
    ck_assert_uint_eq(shared[1].events, 4);
    ck_assert_uint_eq(shared[0].events, 4);
}
END_TEST

START_TEST(leds_are_taken)
{
    guest_bring_up(0);
    struct partition *p = &parts[0];
    /* The guest's caps lock LED on (EV_LED LED_CAPSL 1), as Linux's kbd handler sends it. */
    uint8_t *led = at(0, STATUS_BUFS);
    hv_put_le16(led, EV_LED);
    hv_put_le16(led + 2, VINPUT_LED_CAPSL);
    hv_put_le32(led + 4, 1);
    const struct vqd_buf b = {STATUS_BUFS, 8};
    ck_assert_int_eq(vqd_add(&p->statusq, &b, 1, 0, (void *)1), VQD_OK);
    kick(0, 1);
    ck_assert_uint_eq(shared[0].status, 1);
    struct ev got[4];
    ck_assert_uint_eq(guest_events(0, got, 4), 0); /* the status buffer came back, empty */
    void *tok;
    uint32_t len;
    ck_assert_int_ne(vqd_get_used(&p->statusq, &tok, &len), VQD_OK); /* taken by guest_events */
}
END_TEST

START_TEST(reset_mid_stream_forgets_the_keys)
{
    guest_bring_up(0);
    struct ev got[64];
    press(KEY_LEFTSHIFT, 1);
    press(KEY_X, 1);
    const struct ev down[] = {{EV_KEY, KEY_LEFTSHIFT, 1}, SYN, {EV_KEY, KEY_X, 1}, SYN};
    expect(got, guest_events(0, got, 64), down, 4);
    /* The guest's driver starts over (Status = 0): the server stops its queues and the core
     * forgets what it had sent. */
    uint64_t resets = parts[0].vi.stats.resets; /* the probe's own reset is one */
    g_write(&parts[0], VIRTIO_MMIO_STATUS, 4, 0);
    ck_assert_uint_eq(parts[0].vi.stats.resets, resets + 1);
    ck_assert(!kc.client[0].q[0].ready);
    memset(parts[0].ram, 0, RAM_SIZE);
    guest_bring_up(0);
    /* Keys let go now reach nobody: the reset device never got their presses. */
    press(KEY_X, 0);
    press(KEY_LEFTSHIFT, 0);
    press(KEY_Y, 1);
    const struct ev y[] = {{EV_KEY, KEY_Y, 1}, SYN};
    expect(got, guest_events(0, got, 64), y, 2);
    ck_assert_uint_eq(kc.client[0].stats.dropped, 0);
}
END_TEST

START_TEST(no_buffers_then_the_backlog)
{
    guest_bring_up(0);
    struct partition *p = &parts[0];
    struct ev got[64];
    /* Every buffer used (a key and its SYN are two), taken without reposting: a slow guest. */
    for (unsigned k = 0; k < QSIZE / 4; k++) {
        press(KEY_1, 1);
        press(KEY_1, 0);
    }
    vmms_run();
    (void)p->drv.t.ops->interrupt_ack(&p->drv.t);
    void *tok;
    uint32_t len;
    unsigned taken = 0;
    while (vqd_get_used(&p->eventq, &tok, &len) == VQD_OK)
        taken++;
    ck_assert_uint_eq(taken, QSIZE);
    press(KEY_2, 1);
    press(KEY_2, 0);
    ck_assert_uint_eq(kc.client[0].backlog_len, 4);
    /* Buffers again (all of them, as virtio_input reposts): the backlog arrives at the kick. */
    for (unsigned k = 0; k < QSIZE; k++)
        post_event(0, k);
    kick(0, 0);
    const struct ev two[] = {{EV_KEY, KEY_2, 1}, SYN, {EV_KEY, KEY_2, 0}, SYN};
    expect(got, guest_events(0, got, 64), two, 4);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vinput_kbd");
    TCase *t = tcase_create("end_to_end");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, keys_reach_the_focused_guest_only);
    tcase_add_test(t, leds_are_taken);
    tcase_add_test(t, reset_mid_stream_forgets_the_keys);
    tcase_add_test(t, no_buffers_then_the_backlog);
    suite_add_tcase(s, t);
    return check_run(s);
}
