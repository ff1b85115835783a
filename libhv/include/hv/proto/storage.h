/* What the root task gives the storage server (docs/storage.md, "What a device server gets
 * from the kernel"): its physical disk (hv/proto/device.h, as every device server gets its
 * device), and which slice of the disk each Duet partition is to get. */
#pragma once

#include <hv/proto/device.h>
#include <stdint.h>

#define HV_STORAGE_CONFIG_VERSION 4u
/* Read-only at HV_DEVICE_CONFIG_VA: struct hv_storage_config. */
/* DMA memory (HV_DEVICE_DMA_VA): five 2 MiB frames, for the rings and the bounce buffers. */
#define HV_STORAGE_DMA_FRAMES 5u
/* Client c is the c-th slice's partition: its RAM and shared page (struct hv_blk_shared) at
 * HV_DEVICE_RAM_VA(c) and HV_DEVICE_SHARED_VA(c), its caps in the HV_DEVICE_SLOT_* of a server
 * with clients (hv/proto/device.h); its VMM's event badge is HV_VMM_EVENT_BLK. */

/*
 * One thread per client, each on its partition's scheduling context (docs/storage.md, "Whose
 * CPU time"): the root task starts client c's at the program's entry with its stack under
 * HV_STORAGE_WORKER_STACK_TOP(c) (the entry's argument is always 0: the stack is how the
 * thread knows which client it serves), at the priority of the partition's VMM, once the
 * server answers. Client c's notification: the VMM's doorbell (badge HV_VDEV_DOORBELL(c)) and
 * the server's own wake-ups (HV_STORAGE_BADGE_WAKE: a request back from the disk, a call).
 */
#define HV_STORAGE_WORKER_STACK_TOP(c) HV_DEVICE_WORKER_STACK_TOP(c)
#define HV_STORAGE_WORKER_STACK_PAGES HV_DEVICE_WORKER_STACK_PAGES
#define HV_STORAGE_SLOT_WORKER_NTFN 32 /* client c's notification at + c (read: its thread waits) */
#define HV_STORAGE_SLOT_WORKER_WAKE 40 /* the same at + c (write, badge HV_STORAGE_BADGE_WAKE) */
#define HV_STORAGE_SLOT_DISK_BELL 48   /* HV_DEVICE_SLOT_IRQ_NTFN's notification (write, badge
                                        * HV_STORAGE_BIT_SUBMIT): requests for the disk thread */
#define HV_STORAGE_SLOT_CALL_DONE 49   /* a notification (read and write): a client's thread
                                        * answered the call the main thread handed it */
#define HV_STORAGE_SLOT_WORKER_THREAD 56 /* client c's thread at + c: how it stops itself (the
                                          * program's exit path suspends slot 2, the main
                                          * thread) */
#define HV_STORAGE_BADGE_WAKE (UINT64_C(1) << 62)
#define HV_STORAGE_BIT_SUBMIT (UINT64_C(1) << 62)

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
    /* The partition's RAM, mapped at HV_DEVICE_RAM_VA(c): guest-physical base and size. */
    uint64_t ram_gpa, ram_size;
};

struct hv_storage_config {
    uint32_t version; /* HV_STORAGE_CONFIG_VERSION */
    uint32_t nslices;
    uint32_t prio; /* the server's priority: its disk thread runs at it too */
    uint32_t reserved;
    struct hv_device_info dev; /* the physical disk */
    struct hv_storage_slice_spec slices[HV_STORAGE_MAX_SLICES];
};
_Static_assert(sizeof(struct hv_storage_config) <= 4096, "one page");
