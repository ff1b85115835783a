/* The storage server's answer to a call on its endpoint (hv/proto/block.h): the badge alone
 * names the client, so a VMM can only ever reach its own partition's queue. */
#pragma once

#include "storage.h"

#include <stdint.h>

struct storage_answer {
    uint64_t label; /* 0 or an enum hv_error */
    unsigned nwords;
    uint64_t w[HV_BLK_OPEN_REPLY_WORDS];
};

/*
 * A VMM's call: badge is its cap's (client + 1, as the root task minted it), label and
 * w[0, len) the message. Badge 0 or above HV_VDEV_MAX_CLIENTS: HV_EPERM (no VMM holds such a
 * cap); a client the server does not serve (nclients: 0 when the disk was refused):
 * HV_ENOENT; a malformed message or a refused queue: HV_EINVAL.
 */
void storage_call(struct storage *s, uint32_t nclients, uint64_t badge, uint64_t label,
                  const uint64_t *w, unsigned len, struct storage_answer *a);
