/* What the root task gives every device server about the physical device it owns: where the
 * registers are mapped, the interrupt, the DMA memory, and how the device sits on its bus. One
 * layout and one set of cap slots for the storage, keyboard, display and radio servers alike
 * (docs/device-servers.md); each server's own protocol header adds what is its alone. */
#pragma once

#include <stdint.h>

/* The device's register pages, mapped uncached in the order the windows below name them. */
#define HV_DEVICE_REGS_VA 0x7fc00000ull
#define HV_DEVICE_REGS_MAX_PAGES 16u
/* DMA memory: info.dma_frames frames of 2 MiB, one after the other; the server learns their
 * bus addresses itself (hv_dma_map) and may count on them being contiguous. */
#define HV_DEVICE_DMA_VA 0x40000000ull
#define HV_DEVICE_DMA_FRAME_BITS 21u
#define HV_DEVICE_DMA_MAX_FRAMES 8u

/* Cap slots every device server has (its own protocol numbers the rest from 16 up). */
#define HV_DEVICE_SLOT_LOG 3      /* the console endpoint (write, unbadged): log lines */
#define HV_DEVICE_SLOT_IRQ 4      /* the device's irq handler (ack) */
#define HV_DEVICE_SLOT_IRQ_NTFN 5 /* the notification it signals (read), bit HV_DEVICE_BIT_IRQ */
#define HV_DEVICE_SLOT_DEVICE 6   /* one of the device's register frames: names it to dma_map */
#define HV_DEVICE_SLOT_DMA 8      /* DMA frame i at + i, i < HV_DEVICE_DMA_MAX_FRAMES */

/* A device server with partitions as clients (the storage and radio servers): its endpoint,
 * which the VMMs call with a badge of client + 1 and its own event thread with
 * HV_DEVICE_BADGE_EVENTS; the thread; the root task's "I answer" notification; and client c's
 * VMM event notification (write, badged with the VMM's event bit for this server). */
#define HV_DEVICE_SLOT_EP 16           /* its endpoint (read) */
#define HV_DEVICE_SLOT_EP_EVENTS 17    /* the same (write, badge HV_DEVICE_BADGE_EVENTS) */
#define HV_DEVICE_SLOT_VSPACE 18       /* its own address space, to start its event thread */
#define HV_DEVICE_SLOT_EVENT_THREAD 19 /* an unconfigured thread: waits on the notification */
#define HV_DEVICE_SLOT_READY 20        /* the root task's notification (write) */
#define HV_DEVICE_SLOT_FAULT 21        /* the root's watch endpoint (write): its threads' faults */
#define HV_DEVICE_SLOT_VMM_EVENTS 24   /* client c's VMM event notification at + c */
#define HV_DEVICE_BADGE_EVENTS 0x100u  /* above every VMM's (client + 1) */
/* Client c's partition RAM (read-write, at most HV_DEVICE_RAM_MAX) and the page it shares with
 * that partition's VMM (the device protocol's struct hv_vdev_shared first). */
#define HV_DEVICE_RAM_VA(c) (0x100000000ull + ((uint64_t)(c) << 30))
#define HV_DEVICE_RAM_MAX (1ull << 30)
#define HV_DEVICE_SHARED_VA(c) (0x7ff00000ull + ((uint64_t)(c) << 12))
/* Client c's RAM as the device sees it, for a server the root task lets its device DMA into
 * its clients' RAM (the storage server): one read-only page, word i the bus address of the
 * i-th 2 MiB block of HV_DEVICE_RAM_VA(c) (0 past the partition's RAM). There is no IOMMU on
 * these machines, so the bus address is the physical one (docs/threat-model.md). */
#define HV_DEVICE_RAM_BUS_VA(c) (0x7ff80000ull + ((uint64_t)(c) << 12))
#define HV_DEVICE_RAM_BLOCK_BITS 21u
/* A server with a thread per client (the storage and radio servers): client c's thread's
 * stack, under HV_DEVICE_WORKER_STACK_TOP(c); where it is tells the thread which client it
 * serves (device_worker_of_stack). */
#define HV_DEVICE_WORKER_STACK_TOP(c) (0x7f000000ull + ((uint64_t)(c) + 1) * 0x10000ull)
#define HV_DEVICE_WORKER_STACK_PAGES 4u
/* The server's config page (read-only): its own struct, with struct hv_device_info in it. */
#define HV_DEVICE_CONFIG_VA 0x7ffe0000ull

/* The device's interrupt on HV_DEVICE_SLOT_IRQ_NTFN: the top bit, so that the server may let
 * its clients' doorbells signal the same notification with the bits below. */
#define HV_DEVICE_BIT_IRQ (UINT64_C(1) << 63)

enum hv_device_bus {
    HV_DEVICE_BUS_MMIO = 1, /* a virtio-mmio transport */
    HV_DEVICE_BUS_PCI = 2,  /* a PCI function */
};

struct hv_device_window {
    uint64_t va;   /* where the server has it mapped (0: none) */
    uint64_t size; /* bytes the server may touch from va */
};

struct hv_device_info {
    uint32_t bus;        /* enum hv_device_bus */
    uint32_t irq;        /* the line its irq handler is for, for messages */
    uint32_t dma_frames; /* DMA frames granted, at most HV_DEVICE_DMA_MAX_FRAMES */
    uint32_t reserved;
    char location[32];   /* "virtio-mmio slot 31", "pci 00:04.0": for messages */
    /* HV_DEVICE_BUS_MMIO: the transport's registers. */
    struct hv_device_window mmio;
    /* HV_DEVICE_BUS_PCI: the function's memory BARs, and its configuration space as the bus
     * owner (the root task) left it: memory decoding and bus mastering on, BARs assigned. The
     * server never writes configuration space: the BARs in it decide where the device
     * answers, which is the bus owner's to decide. */
    struct hv_device_window bars[6];
    uint8_t pci_config[256];
};
