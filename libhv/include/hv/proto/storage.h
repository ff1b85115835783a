/* What the root task gives the storage server (docs/storage.md, "What a device server gets
 * from the kernel"): its physical disk (hv/proto/device.h, as every device server gets its
 * device), and which slice of the disk each Duet partition is to get. */
#pragma once

#include <hv/proto/device.h>
#include <stdint.h>

#define HV_STORAGE_CONFIG_VERSION 3u
/* Read-only: struct hv_storage_config. */
#define HV_STORAGE_CONFIG_VA 0x7ffe0000ull
/* DMA memory (HV_DEVICE_DMA_VA): five 2 MiB frames, for the rings and the bounce buffers. */
#define HV_STORAGE_DMA_FRAMES 5u
/* Client c's (the c-th slice's) partition RAM, read-write, in 2 MiB frames: the guest's
 * physical range [ram_gpa, ram_gpa + ram_size) of its slice spec, at most 1 GiB. */
#define HV_STORAGE_RAM_VA(c) (0x100000000ull + ((uint64_t)(c) << 30))
#define HV_STORAGE_RAM_MAX (1ull << 30)
/* Client c's struct hv_blk_shared page (hv/proto/block.h), read-write: the VMM maps it too. */
#define HV_STORAGE_SHARED_VA(c) (0x7ff00000ull + ((uint64_t)(c) << 12))

/* Cap slots of the storage server's cnode, beyond every device server's (HV_DEVICE_SLOT_*;
 * the VMMs' doorbells signal its HV_DEVICE_SLOT_IRQ_NTFN too: HV_VDEV_DOORBELL(c)). */
#define HV_STORAGE_SLOT_EP 16      /* its endpoint (read): VMM calls (badge c + 1), its events */
#define HV_STORAGE_SLOT_EP_EVENTS 17 /* the same endpoint (write, badge HV_STORAGE_BADGE_EVENTS) */
#define HV_STORAGE_SLOT_VSPACE 18  /* its own address space, to start its event thread */
#define HV_STORAGE_SLOT_EVENT_THREAD 19 /* an unconfigured thread: waits on the notification */
#define HV_STORAGE_SLOT_READY 20   /* the root task's notification (write): signalled once the
                                    * server answers its endpoint, whatever it found */
#define HV_STORAGE_SLOT_VMM_EVENTS 24 /* client c's VMM event notification at + c (write,
                                       * badge HV_VMM_EVENT_BLK) */

/* The badge of the event thread's calls: above every VMM's (client + 1). */
#define HV_STORAGE_BADGE_EVENTS 0x100u

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

struct hv_storage_config {
    uint32_t version; /* HV_STORAGE_CONFIG_VERSION */
    uint32_t nslices;
    uint32_t prio; /* the server's priority: its event thread runs at it too */
    uint32_t reserved;
    struct hv_device_info dev; /* the physical disk */
    struct hv_storage_slice_spec slices[HV_STORAGE_MAX_SLICES];
};
_Static_assert(sizeof(struct hv_storage_config) <= 4096, "one page");
