/* The VMMs' calls on the radio server (the device protocol, hv/proto/vdev.h and net.h), free of
 * system calls so the host tests drive them: the badge alone says which partition a call is for. */
#pragma once

#include "net_port.h"
#include <hv/proto/net.h>
#include <hv/proto/radio.h>
#include <stdint.h>

/* What the calls act on: the ports served (nports; 0 when the policy was refused) of the
 * configured ones (configured), their records, queues and shared pages. */
struct radio_clients {
    unsigned nports, configured;
    const struct hv_radio_port *ports;
    struct net_port *net;
    struct hv_net_shared *const *shared;
};

/* One call: label and w[0, len) in; the reply's label (0 or an enum hv_error) and words back in
 * w. Badge 0 or past the configured ports: HV_EPERM; a configured port not served: HV_ENOENT.
 * Returns true when a queue was set up (the caller runs a pass: the guest may have posted
 * buffers or frames before it said so). */
bool radio_call(const struct radio_clients *rc, uint64_t badge, uint64_t label, uint64_t *w,
                unsigned len, uint64_t *reply_label, unsigned *reply_words);
