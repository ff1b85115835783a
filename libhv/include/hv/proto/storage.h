/* What the root task gives the storage server (docs/storage.md, "What a device server gets
 * from the kernel"): its physical disk's registers, interrupt and DMA memory, and which slice
 * of the disk each Duet partition is to get. */
#pragma once

#include <stdint.h>

#define HV_STORAGE_CONFIG_VERSION 2u
/* Read-only: struct hv_storage_config. */
#define HV_STORAGE_CONFIG_VA 0x7ffe0000ull
/* The device's register pages, mapped uncached in the order the config's windows name. */
#define HV_STORAGE_REGS_VA 0x7fc00000ull
#define HV_STORAGE_REGS_MAX_PAGES 16u
/* DMA memory: HV_STORAGE_DMA_FRAMES frames of 2 MiB, one after the other; the server learns
 * their bus addresses itself (hv_dma_map) and needs them to be contiguous. */
#define HV_STORAGE_DMA_VA 0x40000000ull
#define HV_STORAGE_DMA_FRAMES 5u
#define HV_STORAGE_DMA_FRAME_BITS 21u
/* Client c's (the c-th slice's) partition RAM, read-write, in 2 MiB frames: the guest's
 * physical range [ram_gpa, ram_gpa + ram_size) of its slice spec, at most 1 GiB. */
#define HV_STORAGE_RAM_VA(c) (0x100000000ull + ((uint64_t)(c) << 30))
#define HV_STORAGE_RAM_MAX (1ull << 30)
/* Client c's struct hv_blk_shared page (hv/proto/block.h), read-write: the VMM maps it too. */
#define HV_STORAGE_SHARED_VA(c) (0x7ff00000ull + ((uint64_t)(c) << 12))

/* Cap slots of the storage server's cnode. */
#define HV_STORAGE_SLOT_LOG 3      /* the console endpoint (write, unbadged): log lines */
#define HV_STORAGE_SLOT_IRQ 4      /* the disk's irq handler */
#define HV_STORAGE_SLOT_IRQ_NTFN 5 /* the notification it signals (read), HV_STORAGE_BIT_IRQ;
                                    * the VMMs' doorbells signal it too: HV_BLK_DOORBELL(c) */
#define HV_STORAGE_SLOT_DEVICE 6   /* one of the disk's register frames: names it to dma_map */
#define HV_STORAGE_SLOT_DMA 8      /* DMA frame i at + i */
#define HV_STORAGE_SLOT_EP 16      /* its endpoint (read): VMM calls (badge c + 1), its events */
#define HV_STORAGE_SLOT_EP_EVENTS 17 /* the same endpoint (write, badge HV_STORAGE_BADGE_EVENTS) */
#define HV_STORAGE_SLOT_VSPACE 18  /* its own address space, to start its event thread */
#define HV_STORAGE_SLOT_EVENT_THREAD 19 /* an unconfigured thread: waits on the notification */
#define HV_STORAGE_SLOT_READY 20   /* the root task's notification (write): signalled once the
                                    * server answers its endpoint, whatever it found */
#define HV_STORAGE_SLOT_VMM_EVENTS 24 /* client c's VMM event notification at + c (write,
                                       * badge HV_VMM_EVENT_BLK) */

/* The disk's interrupt on HV_STORAGE_SLOT_IRQ_NTFN: the bit above every client's doorbell. */
#define HV_STORAGE_BIT_IRQ (UINT64_C(1) << 63)
/* The badge of the event thread's calls: above every VMM's (client + 1). */
#define HV_STORAGE_BADGE_EVENTS 0x100u

enum hv_storage_bus {
    HV_STORAGE_BUS_MMIO = 1, /* a virtio-mmio transport */
    HV_STORAGE_BUS_PCI = 2,  /* a virtio-pci function */
};

/* Where a GPT partition is found: by name, or by its unique partition GUID. */
enum hv_storage_select { HV_STORAGE_BY_NAME = 1, HV_STORAGE_BY_GUID = 2 };

#define HV_STORAGE_MAX_SLICES 8u
#define HV_STORAGE_NAME_MAX 32u     /* a Duet partition's name, NUL included */
#define HV_STORAGE_GPT_NAME_MAX 37u /* a GPT partition's name (36 units), NUL included */

struct hv_storage_slice_spec {
    char partition[HV_STORAGE_NAME_MAX];
    char gpt_name[HV_STORAGE_GPT_NAME_MAX];
    uint8_t by;       /* enum hv_storage_select */
    uint8_t writable; /* 1: read-write, 0: read-only */
    uint8_t reserved[5];
    uint8_t gpt_guid[16]; /* on-disk byte order */
    /* The partition's RAM, mapped at HV_STORAGE_RAM_VA(c): guest-physical base and size. */
    uint64_t ram_gpa, ram_size;
};

struct hv_storage_window {
    uint64_t va;   /* where the server has it mapped (0: none) */
    uint64_t size; /* bytes the server may touch from va */
};

struct hv_storage_config {
    uint32_t version; /* HV_STORAGE_CONFIG_VERSION */
    uint32_t bus;     /* enum hv_storage_bus */
    uint32_t irq;     /* the line its irq handler is for, for messages */
    uint32_t nslices;
    uint32_t prio;      /* the server's priority: its event thread runs at it too */
    uint32_t reserved;
    char location[32];  /* "virtio-mmio slot 31", "pci 00:04.0": for messages */
    /* HV_STORAGE_BUS_MMIO: the transport's registers. */
    struct hv_storage_window mmio;
    /* HV_STORAGE_BUS_PCI: the function's memory BARs, and its configuration space as the bus
     * owner (the root task) left it: memory decoding and bus mastering on, BARs assigned. The
     * server never writes configuration space: the BARs in it decide where the device
     * answers, which is the bus owner's to decide. */
    struct hv_storage_window bars[6];
    uint8_t pci_config[256];
    struct hv_storage_slice_spec slices[HV_STORAGE_MAX_SLICES];
};
_Static_assert(sizeof(struct hv_storage_config) <= 4096, "one page");
