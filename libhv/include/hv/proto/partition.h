/* What the root task gives a partition's VMM (servers/vmm) when it starts it, and what the
 * VMM may ask of the root task afterwards. docs/partitions.md tells the whole story. */
#pragma once

#include <hv/proto/console.h>
#include <hv/proto/partition_table.h>
#include <stdint.h>

/* Capability slots of a VMM's cnode. */
#define HV_VMM_SLOT_EP 3            /* its endpoint (read): vcpu exits and the input thread */
#define HV_VMM_SLOT_VSPACE 4        /* its own address space, to start its input thread */
#define HV_VMM_SLOT_INPUT_THREAD 5  /* an unconfigured thread for the console input loop */
#define HV_VMM_SLOT_EP_INPUT 6      /* its endpoint again (write, badge HV_VMM_BADGE_INPUT) */
#define HV_VMM_SLOT_CONSOLE 7       /* the console server's endpoint (write, badged) */
#define HV_VMM_SLOT_CONSOLE_NTFN 8  /* its event notification (read): bits HV_VMM_EVENT_* */
#define HV_VMM_SLOT_EVENTS HV_VMM_SLOT_CONSOLE_NTFN
#define HV_VMM_SLOT_ROOT 9          /* the root task's endpoint (write, badged per partition) */
/* The storage server, for a partition whose record has a disk (hv/proto/block.h); given only
 * together with HV_VMM_DEV_BLK in the config's `devices`: */
#define HV_VMM_SLOT_STORAGE 10      /* its endpoint (write, badged: the badge names the partition) */
#define HV_VMM_SLOT_STORAGE_BELL 11 /* its notification (write, badge HV_VDEV_DOORBELL(client)) */
/* The radio server, for a partition whose record has a network port (hv/proto/net.h); given
 * only together with HV_VMM_DEV_NET: */
#define HV_VMM_SLOT_RADIO 12        /* its endpoint (write, badged: the badge names the partition) */
#define HV_VMM_SLOT_RADIO_BELL 13   /* its notification (write, badge HV_VDEV_DOORBELL(client)) */
/* The keyboard server, for a partition whose record has HV_PT_UI_KEYBOARD (hv/proto/input.h);
 * given only together with HV_VMM_DEV_KBD: */
#define HV_VMM_SLOT_KEYBOARD 14     /* its endpoint (write, badged: the badge names the client) */
#define HV_VMM_SLOT_KEYBOARD_BELL 15 /* its notification (write, badge HV_VDEV_DOORBELL(client)) */
#define HV_VMM_SLOT_VCPU0 16        /* vcpu i at 16 + i */
#define HV_VMM_SLOT_THREAD0 32      /* the thread bound to vcpu i at 32 + i */
#define HV_VMM_MAX_VCPUS 8

/* Badges of what arrives on the VMM's endpoint. */
#define HV_VMM_BADGE_VCPU(i) (0x100u + (i)) /* vcpu i's exits (its thread's fault cap) */
#define HV_VMM_BADGE_INPUT 0x200u           /* the VMM's own input thread: w[0] = event bits */

/* Bits of the VMM's event notification (HV_VMM_SLOT_EVENTS), one per signaller's badge: the
 * console server's cap is unbadged (a signal ORs 1), the storage server's carries
 * HV_VMM_EVENT_BLK. The input thread waits on it and passes the bits on. */
#define HV_VMM_EVENT_CONSOLE 0x1u           /* console input waits in the ring */
#define HV_VMM_EVENT_BLK 0x2u               /* the disk's shared page has completion bits */
#define HV_VMM_EVENT_NET 0x4u               /* the network's shared page has completion bits */
#define HV_VMM_EVENT_KBD 0x8u               /* the keyboard's shared page has completion bits */

/* Its address space. */
#define HV_VMM_CONFIG_VA 0x7ffe0000ull  /* struct hv_vmm_config, read-only */
#define HV_VMM_RING_VA 0x7ffd0000ull    /* its console input ring (struct hv_console_ring) */
#define HV_VMM_RAM_VA 0x1000000000ull   /* the guest's RAM, read-write (64 GiB up) */
#define HV_VMM_BLK_SHARED_VA 0x7ffc0000ull /* struct hv_blk_shared, read-write (with a disk) */
#define HV_VMM_NET_SHARED_VA 0x7ffb0000ull /* struct hv_net_shared, read-write (with a port) */
#define HV_VMM_KBD_SHARED_VA 0x7ffa0000ull /* struct hv_input_shared, read-write (keyboard) */
#define HV_VMM_REGS_VA 0x7ff90000ull /* the register page, read-write (HV_VMM_DEV_REGS) */

/* Bits of hv_vmm_config.devices: the device servers whose caps and pages the root task gave. */
#define HV_VMM_DEV_BLK 0x1u /* HV_VMM_SLOT_STORAGE, HV_VMM_SLOT_STORAGE_BELL, the shared page,
                             * and a cap to HV_VMM_SLOT_EVENTS for the server badged
                             * HV_VMM_EVENT_BLK */
#define HV_VMM_DEV_NET 0x2u /* HV_VMM_SLOT_RADIO, HV_VMM_SLOT_RADIO_BELL, the shared page, and a
                             * cap to HV_VMM_SLOT_EVENTS for the server badged HV_VMM_EVENT_NET */
#define HV_VMM_DEV_KBD 0x4u /* HV_VMM_SLOT_KEYBOARD, HV_VMM_SLOT_KEYBOARD_BELL, the shared page,
                             * and a cap to HV_VMM_SLOT_EVENTS for the server badged
                             * HV_VMM_EVENT_KBD */

/* The register page (docs/vmm.md "The register page"): a frame the root task maps read-write
 * at HV_VMM_REGS_VA and read-only into the guest over the page of its first eight virtio-mmio
 * slots (HV_A64_GUEST_VIRTIO_MMIO, HV_X86_GUEST_VIRTIO_MMIO), for a partition whose table
 * gives it a virtio device. The VMM keeps there what the guest's loads of those registers
 * must read, so that they take no exit (InterruptStatus, in every interrupt's handler); the
 * guest's stores still fault to the VMM. */
#define HV_VMM_DEV_REGS 0x8u

struct hv_vmm_config {
    uint32_t index;      /* the partition's number in the partition table */
    uint32_t ncpus;      /* vcpus in slots HV_VMM_SLOT_VCPU0.. */
    uint32_t prio;       /* the priority its input thread gets */
    uint32_t devices;    /* HV_VMM_DEV_* (0 before the root task gave any device server) */
    struct hv_pt_partition part; /* the partition's record, as the image builder made it */
};

/* Requests to the root task (call HV_VMM_SLOT_ROOT; the label is the request, no words; the
 * reply label is 0 or an enum hv_error). */
enum hv_root_request {
    HV_ROOT_RELOAD = 1,   /* the guest reset: wipe its RAM and load its payloads again. The
                           * VMM has suspended the vcpu threads; it resets the vcpus itself */
    HV_ROOT_STOPPED = 2,  /* the guest powered off: the root notes it (and may report it);
                           * one word: the status of a test exit (x86 port 0xf4) */
};
