/* A VMM's call that a device server's main thread hands to the thread of the client it speaks
 * for, and the answer back: for the storage and radio servers, whose client threads alone
 * touch their client's state (docs/device-servers.md). One call per client at a time: the
 * main thread waits for each answer. */
#pragma once

#include <hv/sys.h>
#include <stdbool.h>
#include <stdint.h>

struct device_handoff {
    uint64_t badge, label;
    unsigned len;             /* words of w the call carried */
    uint64_t w[HV_MSG_WORDS]; /* the call's words; the client's thread writes the answer's */
    uint64_t reply_label;
    unsigned reply_words; /* at most HV_MSG_WORDS */
    uint32_t full;        /* 1 from the hand-over to the answer */
};

/* The main thread: hands m, badge's call, to h; wakes the client's thread (wake_slot) and
 * waits on done_slot until it answered; puts the answer in m. */
void device_handoff_call(struct device_handoff *h, uint64_t badge, struct hv_msg *m,
                         uint64_t wake_slot, uint64_t done_slot);

/* The client's thread: whether h holds a call for it to answer. */
bool device_handoff_pending(struct device_handoff *h);

/* The client's thread, once reply_label and reply_words (of w) are written: the main thread
 * may go on (done_slot). */
void device_handoff_answered(struct device_handoff *h, uint64_t done_slot);
