/* A partition's virtio-blk device as its VMM shows it: the virtio-mmio v2 register window
 * (libhv's transport), with the device itself run by the storage server over the block
 * protocol of hv/proto/block.h (docs/storage.md). The VMM forwards the guest's queue set-up,
 * resets and kicks, and turns the server's completion bits into the guest's interrupt. Plain C
 * with the IPC behind struct vblk_server_ops, so host tests drive it with a fake server. */
#pragma once

#include "core/irq_line.h"
#include "core/vmm.h"
#include <hv/proto/block.h>
#include <hv/virtio/virtio_blk.h>
#include <hv/virtio/virtio_mmio.h>
#include <stdbool.h>
#include <stdint.h>

#define VBLK_WINDOW 0x200u /* a virtio-mmio transport's register window */

/* What the transport asks of the storage server (IPC on the target, a model in tests). */
struct vblk_server_ops {
    /* Calls the server: label, n words in; up to reply_max words back in reply, their count in
     * *reply_len. Returns the reply's label (0 or an enum hv_error), or the IPC's own error
     * when the call failed. */
    int (*call)(void *ctx, uint64_t label, const uint64_t *w, unsigned n, uint64_t *reply,
                unsigned reply_max, unsigned *reply_len);
    /* Rings the server's doorbell (a signal: never waits for the server). */
    void (*doorbell)(void *ctx);
};

/* Everything vmm_vblk_open needs. */
struct vblk_setup {
    const struct vblk_server_ops *ops;
    void *ctx;
    struct hv_blk_shared *shared;  /* the page shared with the server (its completion bits) */
    const struct virtio_mem *mem;  /* the guest's RAM as the VMM maps it: rings are checked */
    struct vmm_irq_line irq;       /* the slot's interrupt line */
};

/* Counters for the VMM's log and the tests. */
struct vblk_stats {
    uint64_t kicks;          /* doorbells rung */
    uint64_t setups;         /* queues the server took */
    uint64_t setup_refused;  /* queues it refused (the guest sees DEVICE_NEEDS_RESET) */
    uint64_t resets;         /* HV_BLK_RESET calls */
    uint64_t reset_failed;   /* ... that the server did not answer with 0 */
    uint64_t used_irqs;      /* HV_BLK_IRQ_USED taken */
    uint64_t needs_reset;    /* HV_BLK_IRQ_NEEDS_RESET taken */
    uint64_t dropped_irqs;   /* completion bits for a queue no longer live (after a reset) */
};

struct vmm_vblk {
    struct virtio_mmio mmio;
    struct virtio_device_ops dev_ops; /* the device's identity, features and limits */
    struct virtio_mmio_queue queue;
    struct vblk_setup setup;
    struct vmm *vmm;
    uint8_t config[VIRTIO_BLK_CFG_SIZE]; /* struct virtio_blk_config, little-endian */
    /* The server did not confirm a reset: it may still use the guest's old rings, so no new
     * queue is handed to it (each refused: DEVICE_NEEDS_RESET) until a reset succeeds. */
    bool server_unsure;
    struct vblk_stats stats;
};

/* Opens the device with the server (HV_BLK_OPEN) and sets up the transport from its answer:
 * HV_OK, HV_EINVAL for an unusable setup, HV_EFORMAT for a reply that breaks the protocol (a
 * wrong word count or version, a queue size that is not a power of two up to 32768, limits of
 * 0), or the server's or IPC's error. Nothing is on the bus until vmm_vblk_attach. */
int vmm_vblk_open(struct vmm_vblk *vb, struct vmm *vmm, const struct vblk_setup *setup);

/* Puts the opened device's window on the VMM's bus at base: HV_OK or vmm_bus_add's error. */
int vmm_vblk_attach(struct vmm_vblk *vb, uint64_t base);

/* The server signalled: takes the shared page's completion bits (exchange with 0) and raises
 * them: a used buffer interrupt, or DEVICE_NEEDS_RESET with a configuration change interrupt. */
void vmm_vblk_complete(struct vmm_vblk *vb);

/* The guest's RAM is about to be wiped and reloaded (a partition reset) or the partition
 * stops: the server must let go of the rings first. Resets the transport as a Status = 0 write
 * would; true if the server confirmed. */
bool vmm_vblk_stop(struct vmm_vblk *vb);

/* The guest-visible window (also the bus callbacks), for tests and the fuzzer. */
uint64_t vmm_vblk_read(struct vmm_vblk *vb, uint32_t offset, unsigned size);
void vmm_vblk_write(struct vmm_vblk *vb, uint32_t offset, unsigned size, uint64_t value);
