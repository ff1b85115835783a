/* A fake guest driver for the virtio unit tests: RAM, a virtqueue in it, a fault recorder. */
#pragma once

#include <hv/virtio/virtio_faults.h>
#include <hv/virtio/virtqueue.h>
#include <stdint.h>

#define GUEST_BASE 0x40000000u
#define GUEST_RAM_SIZE 0x10000u
/* Fixed layout inside guest RAM; queue sizes up to 256 fit. */
#define GUEST_DESC 0x40000000u
#define GUEST_AVAIL 0x40002000u
#define GUEST_USED 0x40003000u
#define GUEST_DATA 0x40004000u

struct guest {
    uint8_t *ram;
    struct virtio_mem_region region;
    struct virtio_mem mem;
    uint16_t qsize;
    uint16_t avail_idx; /* the driver's copy of avail->idx */
};

void guest_init(struct guest *g, uint16_t qsize);
void guest_free(struct guest *g);
void *guest_ptr(struct guest *g, uint64_t gpa);
struct virtq_config guest_queue_config(const struct guest *g, uint64_t features);

/* Writes descriptor i of the table at table_gpa (GUEST_DESC for the queue's own). */
void guest_desc(struct guest *g, uint64_t table_gpa, uint16_t i, uint64_t addr, uint32_t len,
                uint16_t flags, uint16_t next);
/* Puts head in the available ring and publishes it. */
void guest_avail(struct guest *g, uint16_t head);
void guest_set_avail_idx(struct guest *g, uint16_t idx);
void guest_set_avail_flags(struct guest *g, uint16_t flags);
void guest_set_used_event(struct guest *g, uint16_t event);
uint16_t guest_avail_event(struct guest *g);
uint16_t guest_used_idx(struct guest *g);
void guest_used_elem(struct guest *g, uint16_t i, uint32_t *id, uint32_t *len);

/* Records every fault log line and NEEDS_RESET request, to assert on them. */
struct fault_log {
    struct virtio_faults faults;
    unsigned lines[VIRTIO_FAULT_KINDS];
    uint64_t last_count[VIRTIO_FAULT_KINDS];
    unsigned total_lines;
    unsigned resets;
};

void fault_log_init(struct fault_log *log);
/* Total faults counted, of every kind. */
uint64_t fault_total(const struct fault_log *log);
