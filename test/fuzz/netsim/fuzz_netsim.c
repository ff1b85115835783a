/* libFuzzer target: the network simulator's frame path (tools/netsim) on hostile guest
 * frames. The input is a list of steps: raw frames, frames built from a template (ARP, ICMP,
 * UDP, TCP to the plan's hosts, TCP numbers near the live connection's so the states past the
 * handshake are reached) with a byte flipped if the input says so, and clock ticks. Every
 * answer must be a well-formed frame from the router to the sender, routes must follow the
 * plan, and drops must answer nothing. */
#include "frames.h"
#include "fuzz_input.h"
#include "fuzz_invariant.h"
#include "netsim.h"
#include "plan.h"

#include <string.h>

#define MAX_STEPS 256
/* The most one frame can make us send: a full TCP buffer in segments of the smallest MSS,
 * and a FIN. */
#define MAX_SENDS_PER_RX (TCP_BUF_SIZE / TCP_MSS_MIN + 2)

struct oracle {
    const uint8_t *reply_to; /* the received frame's source MAC, or NULL during a tick */
    unsigned sends;
};

static void check_sent(void *ctx, const uint8_t *frame, size_t len)
{
    static const uint8_t router[ETH_ALEN] = NETSIM_ROUTER_MAC;
    struct oracle *o = ctx;
    o->sends++;
    INVARIANT(len >= ETH_HLEN + ARP_LEN && len <= NETSIM_FRAME_MAX);
    INVARIANT(memcmp(frame + ETH_ALEN, router, ETH_ALEN) == 0);
    INVARIANT(!(frame[0] & 1)); /* never to a group address */
    if (o->reply_to)
        INVARIANT(memcmp(frame, o->reply_to, ETH_ALEN) == 0);
    uint16_t type = wire_be16(frame + 12);
    INVARIANT(type == ETH_TYPE_ARP || type == ETH_TYPE_IPV4);
    if (type == ETH_TYPE_ARP)
        return;
    struct wire_ipv4 ip;
    INVARIANT(wire_ipv4_parse(frame + ETH_HLEN, len - ETH_HLEN, &ip) == WIRE_IPV4_OK);
    INVARIANT(ETH_HLEN + ip.header_len + ip.payload_len == len);
    INVARIANT(netsim_host_find(ip.src) != NULL); /* only the plan's hosts speak */
    if (ip.proto == IPV4_PROTO_TCP || ip.proto == IPV4_PROTO_UDP)
        INVARIANT(wire_l4_checksum(ip.src, ip.dst, ip.proto, ip.payload, ip.payload_len) == 0);
    else
        INVARIANT(ip.proto == IPV4_PROTO_ICMP &&
                  wire_fold(wire_sum(ip.payload, ip.payload_len, 0)) == 0);
}

static const uint32_t destinations[8] = {NETSIM_ROUTER_IP,
                                         NETSIM_INTERNET_SERVICE_IP,
                                         NETSIM_CORPORATE_GATEWAY_IP,
                                         NETSIM_CORPORATE_SERVICE_IP,
                                         NETSIM_IP(203, 0, 113, 99),
                                         NETSIM_IP(10, 0, 0, 1),
                                         NETSIM_IP(192, 0, 2, 10),
                                         NETSIM_IP(198, 51, 100, 10)};
static const uint16_t ports[8] = {7, 9, 17, 19, 23, 7, 9, 80};

static const struct tcp_conn *find_conn(const struct netsim *sim, uint32_t dst, uint16_t sport,
                                        uint16_t dport)
{
    for (unsigned i = 0; i < TCP_CONN_MAX; i++) {
        const struct tcp_conn *c = &sim->tcp.conn[i];
        if (c->used && c->host_ip == dst && c->guest_port == sport && c->host_port == dport)
            return c;
    }
    return NULL;
}

/* A source address: the guest's, mostly; any, when the input says so. */
static uint32_t source(struct fuzz_input *in)
{
    return in_u8(in) & 1 ? in_u32(in) : GUEST_IP;
}

static size_t build_tcp(struct fuzz_input *in, const struct netsim *sim, uint8_t *f, uint32_t dst,
                        const uint8_t *payload, size_t plen)
{
    uint16_t sport = (uint16_t)(40000 + in_u8(in) % 64); /* enough to fill the table */
    uint16_t dport = ports[in_u8(in) % 8];
    uint8_t flags = in_u8(in);
    int16_t dseq = (int16_t)in_u16(in), dack = (int16_t)in_u16(in);
    uint16_t window = in_u16(in);
    uint8_t options[40];
    size_t options_len = (size_t)(in_u8(in) % 11) * 4;
    in_bytes(in, options, options_len);
    uint32_t src = source(in);
    const struct tcp_conn *c = find_conn(sim, dst, sport, dport);
    uint32_t seq = (c ? c->rcv_nxt : 1000) + (uint32_t)(int32_t)dseq;
    uint32_t ack = (c ? c->snd_nxt : 0) + (uint32_t)(int32_t)dack;
    return frame_tcp_options(f, src, dst, sport, dport, seq, ack, flags, window, options,
                             options_len, payload, plen);
}

/* A frame from a template; a byte flipped afterwards when the input says so. */
static size_t build(struct fuzz_input *in, const struct netsim *sim, uint8_t *f)
{
    uint8_t kind = in_u8(in) % 5;
    uint32_t dst = destinations[in_u8(in) % 8];
    uint8_t payload[1400];
    size_t plen = (size_t)in_u8(in) * 8;
    if (plen > sizeof(payload))
        plen = sizeof(payload);
    in_bytes(in, payload, plen);
    size_t len;
    switch (kind) {
    case 0:
        len = frame_arp_request(f, dst);
        break;
    case 1:
        len = frame_icmp_echo(f, dst, in_u16(in), in_u16(in), payload, plen);
        if (in_u8(in) & 1) { /* another type, checksum made again */
            uint8_t *icmp = f + ETH_HLEN + IPV4_HLEN;
            icmp[0] = in_u8(in);
            wire_put_be16(icmp + 2, 0);
            wire_put_be16(icmp + 2, wire_fold(wire_sum(icmp, ICMP_HLEN + plen, 0)));
        }
        break;
    case 2:
        len = frame_udp(f, dst, in_u16(in), ports[in_u8(in) % 8], payload, plen);
        break;
    case 3:
        len = build_tcp(in, sim, f, dst, payload, plen);
        break;
    default: /* any protocol from any source, checksums of the IP header only */
        len = frame_ipv4(f, source(in), dst, in_u8(in), payload, plen);
        break;
    }
    if (in_u8(in) & 1) {
        size_t at = in_u16(in) % len;
        f[at] ^= (uint8_t)(in_u8(in) | 1);
    }
    return len;
}

static void check_event(const struct netsim_event *ev, unsigned sends)
{
    INVARIANT((unsigned)ev->verdict < NETSIM_VERDICT_COUNT);
    INVARIANT(sends <= MAX_SENDS_PER_RX);
    if (ev->route == NETSIM_ROUTE_INTERNET)
        INVARIANT((ev->dst_ip & NETSIM_NET_MASK24) == NETSIM_INTERNET_NET);
    if (ev->route == NETSIM_ROUTE_CORPORATE)
        INVARIANT((ev->dst_ip & NETSIM_NET_MASK24) == NETSIM_CORPORATE_NET);
    if (ev->route == NETSIM_ROUTE_ROUTER)
        INVARIANT(ev->dst_ip == NETSIM_ROUTER_IP);
    switch (ev->verdict) {
    case NETSIM_ANSWERED:
    case NETSIM_UNREACHABLE:
    case NETSIM_TABLE_FULL:
        INVARIANT(sends >= 1);
        break;
    case NETSIM_ACCEPTED:
        break;
    default:
        INVARIANT(sends == 0); /* a drop answers nothing */
    }
    char line[256];
    int n = netsim_format_event(line, sizeof(line), ev, 0);
    INVARIANT(n > 0 && (size_t)n < sizeof(line));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct netsim sim;
    static uint8_t f[NETSIM_FRAME_MAX + 64];
    struct oracle o = {0};
    struct fuzz_input in = {data, size, 0};
    netsim_init(&sim, check_sent, &o);
    uint64_t now = 0;
    for (unsigned step = 0; step < MAX_STEPS && !in_done(&in); step++) {
        uint8_t op = in_u8(&in) % 3;
        if (op == 2) {
            now += in_u16(&in);
            o.reply_to = NULL;
            netsim_tick(&sim, now);
            continue;
        }
        size_t len;
        if (op == 0) {
            len = in_u16(&in) % (sizeof(f) + 1);
            in_bytes(&in, f, len);
        } else {
            len = build(&in, &sim, f);
        }
        o.reply_to = len >= ETH_HLEN ? f + ETH_ALEN : NULL;
        o.sends = 0;
        struct netsim_event ev;
        netsim_rx(&sim, f, len, now, &ev);
        check_event(&ev, o.sends);
        for (unsigned i = 0; i < TCP_CONN_MAX; i++)
            INVARIANT(sim.tcp.conn[i].buf_len <= TCP_BUF_SIZE);
    }
    return 0;
}
