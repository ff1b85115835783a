/* The keyboard server: owns the physical keyboard (the PC's i8042 on x86_64, a virtio keyboard
 * on AArch64) and the machine's one focus (docs/trusted-path.md). Every key goes through the
 * keyboard core, which sends it to the partition with focus only and takes the switch
 * combination (Ctrl+Alt+F12) out of the stream; the combination moves the focus here, in
 * process, and the console's Ctrl-T moves it by a call with the console's badge. After each
 * move the focus page says where it is and the console and display servers are signalled.
 * The keys themselves go into the partitions' virtio-input devices (kbd_clients.c), whose VMMs
 * call this same endpoint with badges that can't move the focus. */
#include "focus.h"
#include "i8042.h"
#include "kbd_clients.h"
#include "kbd_core.h"
#include "ps2_set1.h"
#include "vinput_kbd.h"

#include <hv/abi/error.h>
#include <hv/device_server.h>
#include <hv/print.h>
#include <hv/proto/keyboard.h>
#include <hv/sys.h>
#include <hv/virtio/virtio_spec.h>
#include <stddef.h>

/* The console's badge (the only one from outside that may move the focus) and the keyboard's
 * own must not be a VMM's (client + 1) nor the event thread's on this one endpoint. */
_Static_assert(HV_FOCUS_BADGE_CONSOLE > HV_PT_MAX_PARTITIONS &&
                   HV_FOCUS_BADGE_KEYBOARD > HV_PT_MAX_PARTITIONS &&
                   HV_FOCUS_BADGE_CONSOLE != HV_DEVICE_BADGE_EVENTS &&
                   HV_FOCUS_BADGE_KEYBOARD != HV_DEVICE_BADGE_EVENTS,
               "focus badges collide with the endpoint's other callers");

static const struct hv_keyboard_config *config = (const void *)HV_DEVICE_CONFIG_VA;
static struct hv_focus_page *const page = (struct hv_focus_page *)HV_KEYBOARD_FOCUS_VA;
static struct focus focus;
static struct kbd_core core;
static struct ps2_set1 ps2;
static struct device_server device;
static struct vinput_kbd vkbd;
static enum hv_keyboard_kind running = HV_KEYBOARD_NONE; /* the keyboard driven */
/* The partitions' virtio-input devices (kbd_clients.c): where the core's events go. */
static struct kbd_clients clients;
static unsigned nclients; /* partitions served keys */

/* A guest reset its virtio-input device: the core forgets what it had sent it. */
static void client_reset(void *ctx, unsigned partition)
{
    (void)ctx;
    kbd_core_device_reset(&core, partition);
}

/* Client c's shared page has interrupt bits for its VMM. */
static void notify_vmm(void *ctx, unsigned c)
{
    (void)ctx;
    hv_signal(HV_DEVICE_SLOT_VMM_EVENTS + c);
}

/* The focus moved (focus.current): the partition that lost it gets its releases, then the page
 * says where it is now (one release store) and the listeners are woken. */
static void focus_moved(void)
{
    kbd_core_focus_changed(&core, focus.current);
    hv_focus_publish(page, focus_word(&focus));
    hv_signal(HV_KEYBOARD_SLOT_CONSOLE_NTFN);
    hv_signal(HV_KEYBOARD_SLOT_DISPLAY_NTFN); /* an empty slot (no display): nothing happens */
}

static void key(struct key_event ev)
{
    if (!kbd_core_key(&core, ev))
        return;
    bool moved;
    if (focus_request(&focus, HV_FOCUS_BADGE_KEYBOARD, HV_FOCUS_NEXT, 0, &moved) == 0 && moved)
        focus_moved();
}

static void ps2_byte(uint8_t b)
{
    struct key_event ev[PS2_EVENTS_MAX];
    unsigned n = ps2_set1_feed(&ps2, b, ev);
    for (unsigned i = 0; i < n; i++)
        key(ev[i]);
}

/* A wake-up of the notification: the keyboard's interrupt (bit 63), the VMMs' doorbells (the
 * bits below). */
static void events(uint64_t bits)
{
    if (bits & ~HV_DEVICE_BIT_IRQ)
        kbd_clients_doorbell(&clients, bits & ~HV_DEVICE_BIT_IRQ);
    if (!(bits & HV_DEVICE_BIT_IRQ))
        return;
    if (running == HV_KEYBOARD_I8042) {
        i8042_drain(ps2_byte);
        hv_sys(HV_SYS_IRQ_ACK, HV_DEVICE_SLOT_IRQ, 0, 0, 0, 0, 0);
        /* IRQ 1 is edge-triggered at the IOAPIC: a byte that came between the drain and the
         * ack raised no edge we will see. Reading it drops the line for the next byte's. */
        i8042_drain(ps2_byte);
    } else if (running == HV_KEYBOARD_VIRTIO) {
        device_server_ack_irq(vkbd.t);
        vinput_kbd_poll(&vkbd, key);
        if (vkbd.broken) {
            running = HV_KEYBOARD_NONE;
            hv_printf("keyboard: the virtio keyboard broke a rule (%s): it is stopped\n",
                      vqd_result_name(vkbd.why));
        }
    }
}

/* Calls on the endpoint: the console's focus requests (its badge: HV_FOCUS_SET with the
 * partition in word 0, or HV_FOCUS_NEXT); the reply's label is 0 or an hv_error. The VMMs'
 * device calls (badge client + 1) go to kbd_clients, which knows no focus label: a VMM can't
 * move the focus. Any other badge, the keyboard's own among them, is refused. */
static void call(uint64_t badge, struct hv_msg *m)
{
    uint64_t label = hv_msginfo_label(m->info);
    if (badge >= 1 && badge <= clients.n) {
        uint64_t reply;
        unsigned words = 0;
        kbd_clients_call(&clients, badge, label, m->w, (unsigned)hv_msginfo_len(m->info), &reply,
                         &words);
        m->info = hv_msginfo(reply, words);
        return;
    }
    if (badge != HV_FOCUS_BADGE_CONSOLE) {
        m->info = hv_msginfo(HV_EPERM, 0);
        return;
    }
    uint64_t arg = hv_msginfo_len(m->info) > 0 ? m->w[0] : ~0ull; /* no word: no partition */
    bool moved;
    int r = focus_request(&focus, badge, label, arg, &moved);
    if (r == 0 && moved)
        focus_moved();
    m->info = hv_msginfo((uint64_t)r, 0);
}

static _Noreturn void serve_forever(void)
{
    device_server_serve("keyboard", config->prio, &nclients, events, call);
}

static void bring_up_i8042(void)
{
    ps2_set1_init(&ps2);
    if (!i8042_init()) {
        hv_printf("keyboard: the i8042 does not answer on ports 0x60/0x64: no keyboard\n");
        return;
    }
    running = HV_KEYBOARD_I8042;
    hv_printf("keyboard: i8042 at ports 0x%x/0x%x (irq 1)\n", HV_KEYBOARD_I8042_DATA,
              HV_KEYBOARD_I8042_STATUS);
    hv_sys(HV_SYS_IRQ_ACK, HV_DEVICE_SLOT_IRQ, 0, 0, 0, 0, 0);
}

static void bring_up_virtio(void)
{
    enum virtio_drv_error e;
    struct virtio_dma dma;
    struct virtio_transport *t =
        device_server_probe(&device, "keyboard", &config->dev, VIRTIO_ID_INPUT, &e);
    if (e == VIRTIO_DRV_OK && !device_server_dma(&device, &dma))
        return;
    if (e == VIRTIO_DRV_OK)
        e = vinput_kbd_init(&vkbd, t, &dma);
    if (e != VIRTIO_DRV_OK) {
        hv_printf("keyboard: virtio keyboard at %s refused: %s\n", config->dev.location,
                  virtio_drv_error_name(e));
        return;
    }
    running = HV_KEYBOARD_VIRTIO;
    hv_printf("keyboard: virtio keyboard at %s (irq %u), %s transport\n", config->dev.location,
              config->dev.irq, t->legacy ? "legacy" : "virtio 1.x");
    device_server_ack_irq(t); /* an interrupt from before the reset, acked away */
}

/* The partitions the root task made clients, checked again here (they are this server's
 * input): a client refused is said and gets no keys. */
static void add_clients(void)
{
    unsigned n = config->nclients < HV_INPUT_MAX_CLIENTS ? config->nclients : HV_INPUT_MAX_CLIENTS;
    for (unsigned c = 0; c < n; c++) {
        const struct hv_input_client *cl = &config->clients[c];
        struct virtio_mem_region ram = {cl->ram_gpa, cl->ram_size, (void *)HV_DEVICE_RAM_VA(c)};
        if (cl->ram_size > HV_DEVICE_RAM_MAX || cl->partition >= config->nparts ||
            kbd_clients_add(&clients, cl->partition, &ram,
                            (struct hv_input_shared *)HV_DEVICE_SHARED_VA(c)) != (int)c) {
            hv_printf("keyboard: client %u (partition %u) refused: no keys for it or after it\n", c,
                      cl->partition);
            break;
        }
    }
    nclients = clients.n;
}

void hv_main(uint64_t arg)
{
    (void)arg;
    hv_print_to_console(HV_DEVICE_SLOT_LOG);
    if (config->version != HV_KEYBOARD_CONFIG_VERSION || page->version != HV_FOCUS_VERSION ||
        !focus_init(&focus, config->nparts,
                    config->focusable, config->first == HV_FOCUS_NONE ? 0 : config->first)) {
        hv_printf("keyboard: configuration version %u, focus page version %u, %u partitions: "
                  "refused, the focus stays where it is\n",
                  config->version, page->version, config->nparts);
        serve_forever(); /* the root task waits for it: it answers, moving nothing */
    }
    /* The root wrote the first focus; should focus_init's differ, the page says ours. */
    if (focus_word(&focus) != hv_focus_read(page))
        hv_focus_publish(page, focus_word(&focus));
    kbd_clients_init(&clients, &(struct kbd_clients_ops){client_reset, notify_vmm, NULL});
    kbd_core_init(&core, &(struct kbd_core_io){kbd_clients_deliver, &clients}, focus.current);
    add_clients();
    if (config->kind == HV_KEYBOARD_I8042)
        bring_up_i8042();
    else if (config->kind == HV_KEYBOARD_VIRTIO)
        bring_up_virtio();
    else
        hv_printf("keyboard: no physical keyboard: the focus moves by the console only\n");
    hv_printf("keyboard: focus owner of %u partition(s) (focusable 0x%x), focus on %d; "
              "Ctrl+Alt+F12 moves it\n",
              config->nparts, config->focusable, (int)focus.current);
    serve_forever();
}
