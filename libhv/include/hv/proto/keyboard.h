/* What the root task gives the keyboard server (servers/keyboard, docs/trusted-path.md): the
 * physical keyboard (the PC's i8042 through two one-port caps, or a virtio keyboard through the
 * device-server slots of hv/proto/device.h), the focus it owns and the listeners it wakes. */
#pragma once

#include <hv/proto/device.h>
#include <hv/proto/focus.h>
#include <hv/proto/input.h>
#include <hv/proto/partition_table.h>
#include <stdint.h>

#define HV_KEYBOARD_CONFIG_VERSION 1u

/* Which physical keyboard the server drives. */
enum hv_keyboard_kind {
    HV_KEYBOARD_NONE = 0,   /* none found: the server only owns the focus */
    HV_KEYBOARD_I8042 = 1,  /* x86_64: ports 0x60 / 0x64, IRQ 1 */
    HV_KEYBOARD_VIRTIO = 2, /* a virtio-input keyboard (DeviceID 18), dev below */
};

#define HV_KEYBOARD_I8042_DATA 0x60u
#define HV_KEYBOARD_I8042_STATUS 0x64u /* read: status; write: the controller's commands */

/* Its slots beyond hv/proto/device.h's (whose device slots 3..20 and 24.. it uses as every
 * device server does): one I/O-port cap per i8042 port, narrowed to that port alone (no other
 * port of the PC, not 0x61..0x63 between them), and the listeners' notifications (write). */
#define HV_KEYBOARD_SLOT_PORT_DATA 40
#define HV_KEYBOARD_SLOT_PORT_STATUS 41
#define HV_KEYBOARD_SLOT_CONSOLE_NTFN 42 /* the console server waits on it */
#define HV_KEYBOARD_SLOT_DISPLAY_NTFN 43 /* the display server waits on it (empty: none) */

/* The focus page (struct hv_focus_page), mapped read-write here and nowhere else. */
#define HV_KEYBOARD_FOCUS_VA 0x7ffd0000ull

/* The config page at HV_DEVICE_CONFIG_VA (read-only). */
struct hv_keyboard_config {
    uint32_t version;   /* HV_KEYBOARD_CONFIG_VERSION */
    uint32_t prio;      /* its event thread's */
    uint32_t kind;      /* enum hv_keyboard_kind */
    uint32_t nparts;    /* partitions in the root's table (focus numbers are their indexes) */
    uint32_t focusable; /* bit i: partition i has the keyboard or the screen */
    uint32_t first;     /* the focus at start (as the page says), or HV_FOCUS_NONE */
    struct hv_device_info dev; /* HV_KEYBOARD_VIRTIO: the device */
    /* The partitions it gives keys to (HV_PT_UI_KEYBOARD): client c's VMM calls with badge
     * c + 1; its RAM at HV_DEVICE_RAM_VA(c), its shared page at HV_DEVICE_SHARED_VA(c). */
    uint32_t nclients;
    uint32_t reserved;
    struct hv_input_client clients[HV_INPUT_MAX_CLIENTS];
};
_Static_assert(sizeof(struct hv_keyboard_config) <= 4096, "one page");
