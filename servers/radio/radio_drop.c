/* The names of the radio switch's drop reasons, for its log lines and counters. */
#include "radio_drop.h"

#include <hv/enum_name.h>

static const char *const names[RADIO_DROP_COUNT] = {
    [RADIO_PASS] = "pass",
    [RADIO_DROP_RUNT] = "runt",
    [RADIO_DROP_OVERSIZE] = "oversize",
    [RADIO_DROP_ETHERTYPE] = "ethertype",
    [RADIO_DROP_ARP_FORMAT] = "arp-format",
    [RADIO_DROP_IP_HEADER] = "ip-header",
    [RADIO_DROP_IP_FRAGMENT] = "ip-fragment",
    [RADIO_DROP_SPOOF_MAC] = "spoof-mac",
    [RADIO_DROP_SPOOF_IP] = "spoof-ip",
    [RADIO_DROP_SPOOF_ARP] = "spoof-arp",
    [RADIO_DROP_BROADCAST] = "broadcast",
    [RADIO_DROP_PEER] = "peer",
    [RADIO_DROP_SOURCE_ROUTE] = "source-route",
    [RADIO_DROP_UNREACHABLE] = "unreachable",
    [RADIO_DROP_NOT_FOR_PORT] = "not-for-port",
    [RADIO_DROP_QUEUE_FULL] = "queue-full",
    [RADIO_DROP_RX_BUFFER] = "rx-buffer",
};

const char *radio_drop_name(enum radio_drop reason)
{
    return HV_ENUM_NAME(names, reason, "?");
}
