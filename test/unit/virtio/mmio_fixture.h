/* The virtio-mmio transport tests' fixture (mmio_fixture.c): a transport over a simulated
 * guest's memory (guest_sim.h), a device model that records what the transport asked of it,
 * the interrupt line and fault log it reports to, and the driver-side steps the tests share. */
#pragma once

#include "check_run.h"
#include "guest_sim.h"

#include <hv/virtio/virtio_mmio.h>
#include <hv/virtio/virtio_spec.h>
#include <string.h>

#define QUEUES 2
#define QMAX 16
#define DEV_FEATURE_0 VIRTIO_BIT(0)
#define DEV_FEATURE_5 VIRTIO_BIT(5)
#define OFFERED                                                                                    \
    (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |                         \
     VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | DEV_FEATURE_0 | DEV_FEATURE_5)
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define ACK VIRTIO_STATUS_ACKNOWLEDGE
#define DRV VIRTIO_STATUS_DRIVER
#define FOK VIRTIO_STATUS_FEATURES_OK
#define DOK VIRTIO_STATUS_DRIVER_OK
#define NEEDS_RESET VIRTIO_STATUS_DEVICE_NEEDS_RESET

/* A device model that records what the transport asked of it. */
struct recorder {
    uint8_t config[16];
    unsigned notifies[QUEUES];
    unsigned resets;
    unsigned config_reads;
};

extern struct guest g;         /* the guest's memory */
extern struct recorder rec;    /* what the model saw */
extern struct virtio_mmio dev; /* the transport under test */
extern struct virtio_mmio_queue queues[QUEUES];
extern bool irq_level; /* the interrupt line, and how often it changed */
extern unsigned irq_edges;
extern unsigned log_lines; /* fault-log calls */
extern const struct virtio_device_ops rec_ops;

void set_irq(void *ctx, bool level);
/* Fresh guest memory, recorder and transport (every test calls both). */
void setup(void);
void teardown(void);
/* 32-bit register access, as a driver makes it. */
uint32_t rd(uint32_t offset);
void wr(uint32_t offset, uint32_t value);
uint64_t faults(enum virtio_fault kind);
uint64_t all_faults(void);
void write_driver_features(uint64_t features);
/* §3.1.1 steps 1-6; returns Status as read back. */
uint32_t negotiate(uint64_t features);
void queue_regs(uint32_t sel, uint32_t num, uint64_t desc, uint64_t avail, uint64_t used);
/* A driver all the way to DRIVER_OK with queue 0 on the guest's rings. */
void bring_up(void);
