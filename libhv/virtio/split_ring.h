/* Where things sit in a split virtqueue's rings, for the device side and the driver side alike. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Ring field offsets (§2.7.6, §2.7.8). */
#define AVAIL_FLAGS 0u
#define AVAIL_IDX 2u
#define AVAIL_RING 4u
#define USED_FLAGS 0u
#define USED_IDX 2u
#define USED_RING 4u
#define USED_ELEM_SIZE 8u

/* The ring slot a free-running idx names; size is a power of two (both sides check it). */
static inline uint8_t *split_avail_entry(uint8_t *avail, uint16_t size, uint16_t idx)
{
    return avail + AVAIL_RING + 2u * (idx & (size - 1u));
}

static inline uint8_t *split_used_entry(uint8_t *used, uint16_t size, uint16_t idx)
{
    return used + USED_RING + USED_ELEM_SIZE * (idx & (size - 1u));
}

/* used_event sits after the available ring, avail_event after the used ring (§2.7.10). */
static inline uint8_t *split_used_event(uint8_t *avail, uint16_t size)
{
    return avail + AVAIL_RING + 2u * size;
}

static inline uint8_t *split_avail_event(uint8_t *used, uint16_t size)
{
    return used + USED_RING + USED_ELEM_SIZE * size;
}

/*
 * §2.7.10: whether the other side asked to be notified, given the event idx it wrote and
 * the idx moving from old_idx to new_idx: true when the move has just passed the event.
 */
static inline bool split_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
    return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

/*
 * §2.7.7, §2.7.10: whether the other side wants to hear that our idx moved from old_idx to
 * new_idx (which differ). `asked` is what it wrote for that: with VIRTIO_F_EVENT_IDX the idx
 * it wants to hear at, without it its ring's flags word, in which no_flag says "don't".
 */
static inline bool split_wants_signal(bool event_idx, uint16_t asked, uint16_t no_flag,
                                      uint16_t old_idx, uint16_t new_idx)
{
    if (event_idx)
        return split_need_event(asked, new_idx, old_idx);
    return !(asked & no_flag);
}
