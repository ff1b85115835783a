/* The storage server's calls (storage_calls.h): HV_BLK_* decoded and handed to storage.c for
 * the client the badge names. */
#include "storage_calls.h"

#include <hv/abi/error.h>
#include <hv/string.h>

void storage_call(struct storage *s, uint32_t nclients, uint64_t badge, uint64_t label,
                  const uint64_t *w, unsigned len, struct storage_answer *a)
{
    memset(a, 0, sizeof(*a));
    if (badge == 0 || badge > HV_VDEV_MAX_CLIENTS) {
        a->label = HV_EPERM;
        return;
    }
    unsigned c = (unsigned)badge - 1;
    if (c >= nclients) {
        a->label = HV_ENOENT; /* no slice: the VMM shows the guest no disk */
        return;
    }
    if (label == HV_VDEV_OPEN) {
        struct hv_blk_open o;
        struct hv_blk_open_reply r;
        if (!hv_blk_open_decode(w, len, &o) || !storage_open(s, c, &o, &r)) {
            a->label = HV_EINVAL;
            return;
        }
        const uint64_t words[HV_BLK_OPEN_REPLY_WORDS] = {r.version, r.capacity, r.features,
                                                         r.seg_limits, r.queue_num_max};
        memcpy(a->w, words, sizeof(words));
        a->nwords = HV_BLK_OPEN_REPLY_WORDS;
    } else if (label == HV_VDEV_QUEUE_SETUP) {
        struct hv_vdev_queue_setup q;
        if (!hv_vdev_queue_setup_decode(w, len, &q) ||
            storage_queue_setup(s, c, &q) != STORAGE_SETUP_OK)
            a->label = HV_EINVAL;
    } else if (label == HV_VDEV_RESET) {
        storage_reset(s, c);
    } else {
        a->label = HV_EINVAL;
    }
}
