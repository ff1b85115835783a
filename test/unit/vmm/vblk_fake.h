/* A fake storage server behind struct vdev_server_ops for the VMM's virtio-blk tests and
 * fuzzer: answers as scripted, records every call, and checks what the block protocol
 * promises the server (queue set-ups only with rings inside the guest's RAM). */
#pragma once

#include "core/vblk.h"
#include <stdbool.h>
#include <stdint.h>

#define VBLK_FAKE_RAM_GPA 0x40000000ull
#define VBLK_FAKE_RAM_SIZE 0x10000ull
#define VBLK_FAKE_CALLS 64

struct vblk_fake_call {
    uint64_t label;
    uint64_t w[HV_VDEV_QUEUE_SETUP_WORDS];
    unsigned n;
};

struct vblk_fake {
    /* The script. */
    int open_result;                   /* label of the OPEN reply (or an IPC error) */
    uint64_t open_reply[HV_BLK_OPEN_REPLY_WORDS + 1];
    unsigned open_len;
    int setup_result, reset_result;
    /* What happened. */
    struct vblk_fake_call calls[VBLK_FAKE_CALLS];
    unsigned ncalls;       /* all calls, also those past the table */
    unsigned opens, setups, resets, doorbells;
    unsigned bad_setups;   /* set-ups whose rings were not inside the guest's RAM */
    bool live;             /* the server's queue runs (between a set-up it took and a reset) */
    unsigned setups_while_live; /* set-ups of a queue that was still running: a protocol bug */
    /* The interrupt line. */
    bool level;
    unsigned rises;
    /* The shared page and guest RAM. */
    struct hv_blk_shared shared;
    uint8_t *ram;
    struct virtio_mem_region region;
    struct virtio_mem mem;
};

extern const struct vdev_server_ops vblk_fake_ops;

/* A server that answers like storage.c for a writable 2 GiB slice (and offers MQ, which the
 * VMM must not pass on), with RAM of VBLK_FAKE_RAM_SIZE bytes at VBLK_FAKE_RAM_GPA. */
void vblk_fake_init(struct vblk_fake *f);
void vblk_fake_free(struct vblk_fake *f);
/* The transport's set-up for it. */
struct vdev_setup vblk_fake_setup(struct vblk_fake *f);
/* Labels of call i (0 if out of range). */
uint64_t vblk_fake_label(const struct vblk_fake *f, unsigned i);
