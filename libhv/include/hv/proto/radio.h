/* What the root task gives the radio server (docs/network.md): its physical NIC
 * (hv/proto/device.h, as every device server gets its device), and per partition with a network
 * port: its record (MAC, address, reach; the policy's input), its RAM and a page shared with its
 * VMM. The VMMs speak the device protocol (hv/proto/vdev.h, net.h) on its endpoint. */
#pragma once

#include <hv/proto/device.h>
#include <hv/proto/partition_table.h>
#include <hv/proto/vdev.h>
#include <stdint.h>

#define HV_RADIO_CONFIG_VERSION 2u
/* Read-only: struct hv_radio_config. */
#define HV_RADIO_CONFIG_VA 0x7ffe0000ull
/* DMA memory (HV_DEVICE_DMA_VA): one 2 MiB frame for both queues' rings and buffers. */
#define HV_RADIO_DMA_FRAMES 1u
/* Client c's partition RAM, read-write, at most 1 GiB; its struct hv_net_shared page. */
#define HV_RADIO_RAM_VA(c) (0x100000000ull + ((uint64_t)(c) << 30))
#define HV_RADIO_RAM_MAX (1ull << 30)
#define HV_RADIO_SHARED_VA(c) (0x7ff00000ull + ((uint64_t)(c) << 12))
#define HV_RADIO_MAX_PORTS 4u

/* Cap slots beyond every device server's (HV_DEVICE_SLOT_*; the VMMs' doorbells signal its
 * HV_DEVICE_SLOT_IRQ_NTFN with HV_VDEV_DOORBELL(c)). */
#define HV_RADIO_SLOT_EP 16           /* its endpoint (read): VMM calls (badge c + 1), events */
#define HV_RADIO_SLOT_EP_EVENTS 17    /* the same (write, badge HV_RADIO_BADGE_EVENTS) */
#define HV_RADIO_SLOT_VSPACE 18       /* its own address space, to start its event thread */
#define HV_RADIO_SLOT_EVENT_THREAD 19 /* an unconfigured thread: waits on the notification */
#define HV_RADIO_SLOT_READY 20        /* the root task's notification (write): "I answer" */
#define HV_RADIO_SLOT_VMM_EVENTS 24   /* client c's VMM event notification at + c (write,
                                       * badge HV_VMM_EVENT_NET) */
#define HV_RADIO_BADGE_EVENTS 0x100u

struct hv_radio_port {
    char partition[HV_PT_NAME_MAX];
    struct hv_pt_net net;      /* the partition's record: the policy is built from these */
    uint64_t ram_gpa, ram_size; /* its RAM, mapped at HV_RADIO_RAM_VA(c) */
};

struct hv_radio_config {
    uint32_t version; /* HV_RADIO_CONFIG_VERSION */
    uint32_t prio;    /* the server's priority: its event thread runs at it too */
    uint32_t nports;
    uint32_t reserved;
    struct hv_device_info dev; /* the physical NIC */
    struct hv_radio_port ports[HV_RADIO_MAX_PORTS];
};
_Static_assert(sizeof(struct hv_radio_config) <= 4096, "one page");
