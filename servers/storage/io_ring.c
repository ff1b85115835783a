/* The request rings between the storage server's threads (io_ring.h). The entry is written
 * before the index that publishes it (release), and read after the index that announced it
 * (acquire): the same order a virtqueue's rings keep. */
#include "io_ring.h"

bool io_ring_push(struct io_ring *r, struct io_ring_entry e)
{
    uint32_t head = r->head, tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
    if (head - tail >= IO_RING_SIZE)
        return false;
    r->slots[head % IO_RING_SIZE] = e;
    __atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
    return true;
}

bool io_ring_pop(struct io_ring *r, struct io_ring_entry *e)
{
    uint32_t tail = r->tail, head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
    if (head == tail)
        return false;
    *e = r->slots[tail % IO_RING_SIZE];
    __atomic_store_n(&r->tail, tail + 1, __ATOMIC_RELEASE);
    return true;
}
