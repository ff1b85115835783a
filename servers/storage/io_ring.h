/* A ring of requests handed from one thread to another (one producer, one consumer, no
 * lock): how a partition's thread of the storage server gives its requests to the disk
 * thread and gets them back done, so that a thread stopped anywhere (its partition's budget
 * spent) holds up nobody else. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define IO_RING_SIZE 32u /* a power of two, at least the requests one partition may hold */

struct io_ring_entry {
    uint8_t io; /* the request's blk_io.index */
    bool ok;    /* on the way back: the disk's answer */
};

struct io_ring {
    uint32_t head; /* written by the producer only */
    uint32_t tail; /* written by the consumer only */
    struct io_ring_entry slots[IO_RING_SIZE];
};

/* The producer's side: false (nothing written) when the ring is full. */
bool io_ring_push(struct io_ring *r, struct io_ring_entry e);
/* The consumer's side: false when the ring is empty. */
bool io_ring_pop(struct io_ring *r, struct io_ring_entry *e);
