/* The shared fixture of the virtqueue tests: a simulated guest, one queue, and the two
 * outcomes a hostile driver can get (a dropped chain, a broken ring). */
#pragma once

#include "check_run.h"
#include "guest_sim.h"

#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/virtqueue.h>
#include <string.h>

#define W VIRTQ_DESC_F_WRITE
#define N VIRTQ_DESC_F_NEXT
#define I VIRTQ_DESC_F_INDIRECT
#define F_INDIRECT VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)
#define F_EVENT_IDX VIRTIO_BIT(VIRTIO_F_EVENT_IDX)
#define F_V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define TABLE (GUEST_DATA + 0x2000) /* an indirect table */

extern struct guest g;
extern struct fault_log flog;
extern struct virtq vq;
extern struct virtq_seg segs[300];
extern struct virtq_req req;

void setup_queue(uint16_t qsize, uint64_t features);
void teardown(void);
void assert_seg(uint32_t i, uint64_t gpa, uint32_t len);
void assert_used(uint16_t i, uint32_t id, uint32_t len);
/* The one outcome of a refused chain: returned with length 0, counted once, logged once. */
void expect_dropped(enum virtio_fault kind, uint16_t head);
/* The one outcome of a corrupt ring: DEVICE_NEEDS_RESET requested and the queue stopped. */
void expect_broken(enum virtio_fault kind);

/* The hostile-driver cases (test_virtqueue_hostile.c). */
TCase *virtqueue_hostile_tcase(void);
