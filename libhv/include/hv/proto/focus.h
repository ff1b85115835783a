/* The machine's one focus (docs/trusted-path.md): who may move it, and how the servers that
 * act on it (console, keyboard, display) learn where it is. The keyboard server owns it. */
#pragma once

#include <hv/proto/partition_table.h>
#include <stdbool.h>
#include <stdint.h>

/* Requests to the focus owner: call its focus endpoint with the label below (reply label 0 or
 * an enum hv_error). Only two caps to that endpoint exist, badged with who holds them: the
 * keyboard server's own (its switch combination) and the console server's (Ctrl-T). A VMM, a
 * guest or another server holds none, and a call through any other badge is HV_EPERM. */
#define HV_FOCUS_SET 1u  /* w[0] = the partition's index in the partition table */
#define HV_FOCUS_NEXT 2u /* the next partition, in table order, that may take focus */
/* The owner's endpoint is the keyboard server's own, which its partitions' VMMs also call
 * (badge client + 1, at most HV_PT_MAX_PARTITIONS) and its event thread too
 * (HV_DEVICE_BADGE_EVENTS, 0x100): these two are above both, so no VMM's cap is ever taken for
 * the console's. The keyboard's badge never arrives on the endpoint (its combination is handled
 * in-process), and the server refuses it there like any other. */
#define HV_FOCUS_BADGE_KEYBOARD 0x401u
#define HV_FOCUS_BADGE_CONSOLE 0x402u

/* No partition has focus (none may take it). */
#define HV_FOCUS_NONE 0xffffffffu

/* Where the focus is: one page the owner writes and every listener maps read-only. The owner
 * stores hv_focus_word() with one release store, then signals each listener's notification;
 * a listener loads the word (acquire) and acts when the generation moved. One 64-bit word, so
 * a reader never sees a focus with another change's generation. */
#define HV_FOCUS_VERSION 1u
struct hv_focus_page {
    uint64_t word;    /* hv_focus_word(partition, generation) */
    uint32_t version; /* HV_FOCUS_VERSION, written once before the page is shared */
    uint32_t reserved0;
    uint64_t reserved[510];
};
_Static_assert(sizeof(struct hv_focus_page) == 4096, "one page");

static inline uint64_t hv_focus_word(uint32_t partition, uint32_t generation)
{
    return partition | (uint64_t)generation << 32;
}

static inline uint32_t hv_focus_partition(uint64_t word)
{
    return (uint32_t)word;
}

static inline uint32_t hv_focus_generation(uint64_t word)
{
    return (uint32_t)(word >> 32);
}

/* The owner's store and a listener's load of the word (the page's only changing field). */
static inline void hv_focus_publish(struct hv_focus_page *page, uint64_t word)
{
    __atomic_store_n(&page->word, word, __ATOMIC_RELEASE);
}

static inline uint64_t hv_focus_read(const struct hv_focus_page *page)
{
    return __atomic_load_n(&page->word, __ATOMIC_ACQUIRE);
}

/* A listener woken by the owner's signal: true when the focus moved since the generation it
 * last acted on (*seen, updated). A wake-up for nothing, or two moves seen as one, are both
 * fine: the listener acts on where the focus is now. */
static inline bool hv_focus_moved(uint64_t word, uint32_t *seen)
{
    if (hv_focus_generation(word) == *seen)
        return false;
    *seen = hv_focus_generation(word);
    return true;
}
