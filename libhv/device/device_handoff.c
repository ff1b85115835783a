/* The hand-over of a VMM's call between a device server's main thread and a client's thread
 * (hv/device_handoff.h). */
#include <hv/device_handoff.h>
#include <hv/string.h>

void device_handoff_call(struct device_handoff *h, uint64_t badge, struct hv_msg *m,
                         uint64_t wake_slot, uint64_t done_slot)
{
    unsigned len = hv_msginfo_len(m->info);
    h->badge = badge;
    h->label = hv_msginfo_label(m->info);
    h->len = len < HV_MSG_WORDS ? len : HV_MSG_WORDS;
    memcpy(h->w, m->w, sizeof(h->w));
    /* The call's words before the flag that hands them over. */
    __atomic_store_n(&h->full, 1, __ATOMIC_RELEASE);
    hv_signal(wake_slot);
    uint64_t bits;
    while (__atomic_load_n(&h->full, __ATOMIC_ACQUIRE))
        hv_wait(done_slot, &bits);
    unsigned n = h->reply_words < HV_MSG_WORDS ? h->reply_words : HV_MSG_WORDS;
    memcpy(m->w, h->w, n * sizeof(uint64_t));
    m->info = hv_msginfo(h->reply_label, n);
}

bool device_handoff_pending(struct device_handoff *h)
{
    return __atomic_load_n(&h->full, __ATOMIC_ACQUIRE) != 0;
}

void device_handoff_answered(struct device_handoff *h, uint64_t done_slot)
{
    /* The answer before the flag that gives it back. */
    __atomic_store_n(&h->full, 0, __ATOMIC_RELEASE);
    hv_signal(done_slot);
}
