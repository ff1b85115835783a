/* A partition's virtio device whose device side a server runs (hv/proto/vdev.h): the VMM shows
 * the virtio-mmio v2 register window (libhv's transport), forwards the guest's queue set-ups,
 * resets and kicks to the server, and turns the server's completion bits into the guest's
 * interrupt. What differs between devices (identity, configuration space, what OPEN answers)
 * is a struct vdev_profile: core/vblk.c for the disk, core/vnet.c for the network. Plain C
 * with the IPC behind struct vdev_server_ops, so host tests drive it with a fake server. */
#pragma once

#include "core/irq_line.h"
#include "core/vmm.h"
#include <hv/proto/vdev.h>
#include <hv/virtio/virtio_mmio.h>
#include <stdbool.h>
#include <stdint.h>

#define VDEV_WINDOW 0x200u   /* a virtio-mmio transport's register window */
#define VDEV_MAX_QUEUES 2u   /* a network device's receive and transmit queues */
#define VDEV_CONFIG_MAX 136u /* bytes of device configuration space (virtio-input's is the most) */
#define VDEV_OPEN_REPLY_MAX 8u

/* What the transport asks of the server (IPC on the target, a model in tests). */
struct vdev_server_ops {
    /* Calls the server: label, n words in; up to reply_max words back in reply, their count in
     * *reply_len. Returns the reply's label (0 or an enum hv_error), or the IPC's own error
     * when the call failed. */
    int (*call)(void *ctx, uint64_t label, const uint64_t *w, unsigned n, uint64_t *reply,
                unsigned reply_max, unsigned *reply_len);
    /* Rings the server's doorbell (a signal: never waits for the server). */
    void (*doorbell)(void *ctx);
};

/* Everything vmm_vdev_open needs. */
struct vdev_setup {
    const struct vdev_server_ops *ops;
    void *ctx;
    uint32_t *irq_bits;           /* the shared page's irq word (struct hv_vdev_shared) */
    const struct virtio_mem *mem; /* the guest's RAM as the VMM maps it: rings are checked */
    struct vmm_irq_line irq;      /* the slot's interrupt line */
};

/* One kind of device: its identity and how its server's OPEN answer becomes its registers. */
struct vdev_profile {
    const char *what;   /* "disk", "network": the VMM's log lines name it */
    const char *server; /* "storage server", "radio server": and whom it depends on */
    uint32_t device_id;
    uint16_t num_queues; /* 1..VDEV_MAX_QUEUES */
    uint32_t config_size; /* up to VDEV_CONFIG_MAX */
    const uint64_t *open; /* HV_VDEV_OPEN's words (the device protocol's version first) */
    unsigned open_words;
    /* Checks the server's answer (len words) and fills the configuration space, the device
     * feature bits to offer (transport bits are the VMM's) and the largest queue: HV_OK, or
     * HV_EFORMAT for an answer that breaks the protocol. */
    int (*open_reply)(const uint64_t *w, unsigned len, uint8_t *config, uint64_t *features,
                      uint16_t *queue_num_max);
    /* A guest's write to the configuration space (libhv checked its range, size and alignment):
     * the profile updates config in place. NULL: every field is read-only (writes dropped).
     * Only virtio-input has writable fields (select, subsel) whose values choose what the rest
     * of the space reads as. */
    void (*config_write)(uint8_t *config, uint32_t offset, unsigned size, uint64_t value);
};

/* Counters for the VMM's log and the tests. */
struct vdev_stats {
    uint64_t kicks;         /* doorbells rung */
    uint64_t setups;        /* queues the server took */
    uint64_t setup_refused; /* queues it refused (the guest sees DEVICE_NEEDS_RESET) */
    uint64_t resets;        /* HV_VDEV_RESET calls */
    uint64_t reset_failed;  /* ... that the server did not answer with 0 */
    uint64_t used_irqs;     /* HV_VDEV_IRQ_USED taken */
    uint64_t needs_reset;   /* HV_VDEV_IRQ_NEEDS_RESET taken */
    uint64_t dropped_irqs;  /* completion bits for a queue no longer live (after a reset) */
};

struct vmm_vdev {
    struct virtio_mmio mmio;
    struct virtio_device_ops dev_ops; /* the device's identity, features and limits */
    struct virtio_mmio_queue queues[VDEV_MAX_QUEUES];
    struct vdev_setup setup;
    const struct vdev_profile *profile;
    struct vmm *vmm;
    uint8_t config[VDEV_CONFIG_MAX]; /* the device's configuration space, little-endian */
    /* The server did not confirm a reset: it may still use the guest's old rings, so no new
     * queue is handed to it (each refused: DEVICE_NEEDS_RESET) until a reset succeeds. */
    bool server_unsure;
    bool attached; /* on the bus at base (vmm_vdev_attach) */
    uint64_t base;
    struct vdev_stats stats;
};

/* Opens the device with the server (HV_VDEV_OPEN) and sets up the transport from its answer:
 * HV_OK, HV_EINVAL for an unusable setup or profile, HV_EFORMAT for a reply that breaks the
 * protocol, or the server's or IPC's error. Nothing is on the bus until vmm_vdev_attach. */
int vmm_vdev_open(struct vmm_vdev *vd, struct vmm *vmm, const struct vdev_profile *profile,
                  const struct vdev_setup *setup);

/* Puts the opened device's window on the VMM's bus at base: HV_OK or vmm_bus_add's error. */
int vmm_vdev_attach(struct vmm_vdev *vd, uint64_t base);

/* The server signalled: takes the shared page's completion bits (exchange with 0) and raises
 * them: a used buffer interrupt, or DEVICE_NEEDS_RESET with a configuration change interrupt. */
void vmm_vdev_complete(struct vmm_vdev *vd);

/* The guest's RAM is about to be wiped and reloaded (a partition reset) or the partition
 * stops: the server must let go of the rings first. Resets the transport as a Status = 0 write
 * would; true if the server confirmed. */
bool vmm_vdev_stop(struct vmm_vdev *vd);

/* The guest-visible window (also the bus callbacks), for tests and the fuzzer. */
uint64_t vmm_vdev_read(struct vmm_vdev *vd, uint32_t offset, unsigned size);
void vmm_vdev_write(struct vmm_vdev *vd, uint32_t offset, unsigned size, uint64_t value);
