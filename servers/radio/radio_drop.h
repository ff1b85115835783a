/* Why the radio server's switch dropped a frame: the reasons its counters are kept by, one per
 * rule of docs/network.md, with the names its log lines and tests use. */
#pragma once

enum radio_drop {
    RADIO_PASS = 0, /* not dropped */
    /* The frame itself (radio_frame.c). */
    RADIO_DROP_RUNT,        /* shorter than the headers it claims (Ethernet, ARP, IPv4) */
    RADIO_DROP_OVERSIZE,    /* longer than RADIO_FRAME_MAX */
    RADIO_DROP_ETHERTYPE,   /* neither IPv4 nor ARP (IPv6, VLAN tags, 802.3 lengths, ...) */
    RADIO_DROP_ARP_FORMAT,  /* ARP that is not Ethernet/IPv4 request or reply */
    RADIO_DROP_IP_HEADER,   /* IPv4 version, header length, total length or flags wrong */
    RADIO_DROP_IP_FRAGMENT, /* a fragment reaching past 65535 bytes */
    /* The policy (radio_policy.c). */
    RADIO_DROP_SPOOF_MAC,    /* Ethernet source is not the port's MAC */
    RADIO_DROP_SPOOF_IP,     /* IPv4 source is not the port's address */
    RADIO_DROP_SPOOF_ARP,    /* ARP sender MAC or IP is not the port's */
    RADIO_DROP_BROADCAST,    /* a broadcast or multicast the rules give to no one */
    RADIO_DROP_PEER,         /* between partitions: to or from another port's MAC or IP */
    RADIO_DROP_SOURCE_ROUTE, /* IPv4 with a source route option: its real destination is hidden */
    RADIO_DROP_UNREACHABLE,  /* to or from a network the partition may not reach */
    RADIO_DROP_NOT_FOR_PORT, /* from the uplink, addressed to no port (MAC or IP) */
    /* The switch (radio_switch.c). */
    RADIO_DROP_QUEUE_FULL, /* the port's bounded queue was full */
    RADIO_DROP_RX_BUFFER,  /* the receiver's buffer was smaller than the frame */
    RADIO_DROP_COUNT
};

/* "runt", "spoof-ip", ...; "?" for a value outside the enum. */
const char *radio_drop_name(enum radio_drop reason);
