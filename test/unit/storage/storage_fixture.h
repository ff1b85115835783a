/* The storage tests' world: a RAM disk (immediate or deferred completions, checking that every
 * operation stays inside a slice), two partitions' guest RAM, and a guest driver for each
 * built on libhv's own virtqueue driver side. */
#pragma once

#include "storage.h"

#include <hv/virtio/vq_driver.h>
#include <stdbool.h>
#include <stdint.h>

#define DISK_SECTORS 8192u /* 4 MiB */
#define GUEST_GPA 0x40000000ull
#define GUEST_SIZE 0x100000u /* 1 MiB per partition */
#define GQ 256               /* the guest's queue size */
#define RING_GPA GUEST_GPA   /* rings at the start of RAM, data from 64 KiB */
#define DATA_GPA (GUEST_GPA + 0x10000)

struct ramdisk {
    uint8_t *data;
    bool defer;
    bool fail;
    struct blk_io *queued[STORAGE_IOS];
    unsigned nqueued;
    unsigned submits, flushes, zeroes;
    unsigned outside; /* operations that reached outside every slice: must stay 0 */
};

struct guest_drv {
    uint8_t *ram;
    struct vqd vq;
    struct vqd_slot slots[GQ];
    uint64_t features;
};

extern struct ramdisk disk;
extern struct storage srv;
extern struct guest_drv guests[2];
extern unsigned irqs[2], resets_asked[2];

/* Partition 0 "personal" (rw, sectors 2048..4095), 1 "work" (ro unless work_rw, 4096..6143). */
void world_init(bool work_rw);
void world_free(void);
/* Sets up partition p's queue through the protocol, as its VMM would. */
void world_queue(unsigned p, uint64_t features);
/* Completes the deferred disk operations in order (all of them). */
void disk_complete_all(void);

/* Guest p queues one request: header {type, sector}, then data (out: readable, in: writable),
 * then a status byte; all in its RAM at DATA_GPA + slot * 0x8000. Returns the slot's gpa. */
uint64_t guest_request(unsigned p, uint32_t type, uint64_t sector, uint32_t data_len, bool out,
                       unsigned slot);
void *guest_at(unsigned p, uint64_t gpa);
/* Status byte of the request at slot. */
uint8_t guest_status(unsigned p, unsigned slot);
/* Takes the next used entry of guest p: its slot and length; false if none. */
bool guest_used(unsigned p, unsigned *slot, uint32_t *len);
