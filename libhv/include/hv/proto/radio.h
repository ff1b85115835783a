/* What the root task gives the radio server (docs/network.md): its physical NIC
 * (hv/proto/device.h, as every device server gets its device). The partitions' ports and the
 * policy table come next (issue 16). */
#pragma once

#include <hv/proto/device.h>
#include <stdint.h>

#define HV_RADIO_CONFIG_VERSION 1u
/* Read-only: struct hv_radio_config. */
#define HV_RADIO_CONFIG_VA 0x7ffe0000ull
/* DMA memory (HV_DEVICE_DMA_VA): one 2 MiB frame for both queues' rings and buffers. */
#define HV_RADIO_DMA_FRAMES 1u

struct hv_radio_config {
    uint32_t version; /* HV_RADIO_CONFIG_VERSION */
    uint32_t prio;    /* the server's priority */
    uint32_t reserved[2];
    struct hv_device_info dev; /* the physical NIC */
};
_Static_assert(sizeof(struct hv_radio_config) <= 4096, "one page");
