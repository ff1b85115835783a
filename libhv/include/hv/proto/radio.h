/* What the root task gives the radio server (docs/network.md): its physical NIC
 * (hv/proto/device.h, as every device server gets its device), and per partition with a network
 * port: its record (MAC, address, reach; the policy's input), its RAM and a page shared with its
 * VMM. The VMMs speak the device protocol (hv/proto/vdev.h, net.h) on its endpoint. */
#pragma once

#include <hv/proto/device.h>
#include <hv/proto/partition_table.h>
#include <hv/proto/vdev.h>
#include <stdint.h>

#define HV_RADIO_CONFIG_VERSION 3u
/* Read-only at HV_DEVICE_CONFIG_VA: struct hv_radio_config. */
/* DMA memory (HV_DEVICE_DMA_VA): one 2 MiB frame for both queues' rings and buffers. */
#define HV_RADIO_DMA_FRAMES 1u
/* Client c is the c-th port's partition: its RAM and shared page (struct hv_net_shared) at
 * HV_DEVICE_RAM_VA(c) and HV_DEVICE_SHARED_VA(c), its caps in the HV_DEVICE_SLOT_* of a server
 * with clients (hv/proto/device.h); its VMM's event badge is HV_VMM_EVENT_NET. */
#define HV_RADIO_MAX_PORTS 4u

/*
 * One thread per port, each on its partition's scheduling context (docs/network.md, "Threads
 * and whose CPU time"): the root task starts port c's at the program's entry with its stack
 * under HV_RADIO_PORT_STACK_TOP(c) (the entry's argument is always 0: the stack is how the
 * thread knows its port), at the priority of the partition's VMM, once the server answers.
 * Port c's notification: the VMM's doorbell (badge HV_VDEV_DOORBELL(c)) and the server's own
 * wake-ups (HV_RADIO_BADGE_WAKE: frames for it, room in its queue to the link, a call).
 */
#define HV_RADIO_PORT_STACK_TOP(c) HV_DEVICE_WORKER_STACK_TOP(c)
#define HV_RADIO_PORT_STACK_PAGES HV_DEVICE_WORKER_STACK_PAGES
#define HV_RADIO_SLOT_PORT_NTFN 32 /* port c's notification at + c (read: its thread waits) */
#define HV_RADIO_SLOT_PORT_WAKE 40 /* the same at + c (write, badge HV_RADIO_BADGE_WAKE) */
#define HV_RADIO_SLOT_UPLINK_BELL 48 /* HV_DEVICE_SLOT_IRQ_NTFN's notification (write, badge
                                      * HV_RADIO_BIT_SEND): frames for the link thread */
#define HV_RADIO_SLOT_CALL_DONE 49   /* a notification (read and write): a port's thread
                                      * answered the call the main thread handed it */
#define HV_RADIO_SLOT_PORT_THREAD 56 /* port c's thread at + c: how it stops itself */
#define HV_RADIO_BADGE_WAKE (UINT64_C(1) << 62)
#define HV_RADIO_BIT_SEND (UINT64_C(1) << 62)

struct hv_radio_port {
    char partition[HV_PT_NAME_MAX];
    struct hv_pt_net net;      /* the partition's record: the policy is built from these */
    uint64_t ram_gpa, ram_size; /* its RAM, mapped at HV_DEVICE_RAM_VA(c) */
};

struct hv_radio_config {
    uint32_t version; /* HV_RADIO_CONFIG_VERSION */
    uint32_t prio;    /* the server's priority: its link thread runs at it too */
    uint32_t nports;
    uint32_t reserved;
    struct hv_device_info dev; /* the physical NIC */
    struct hv_radio_port ports[HV_RADIO_MAX_PORTS];
};
_Static_assert(sizeof(struct hv_radio_config) <= 4096, "one page");
