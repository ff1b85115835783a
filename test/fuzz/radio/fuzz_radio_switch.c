/* libFuzzer target: the radio switch's egress and ingress paths driven by a script of sends,
 * receives and drains, over a policy built from (possibly mutated) partition table records.
 * Every frame that comes out is checked against the policy by this file's own reading of the
 * rules (docs/network.md), against what went in (same bytes, per-port order), and the counters
 * and queue bounds are checked after every step. */
#include <stdint.h>
#include <string.h>

#include "fuzz_invariant.h"
#include "radio_fixture.h"

/* The input, consumed front to back; zeros once it runs out. */
struct input {
    const uint8_t *p;
    size_t n;
};

static uint8_t take(struct input *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static struct radio_switch sw;
static struct radio_policy pol;

/* What went in, to compare with what comes out: a shadow of every queue. */
struct shadow {
    unsigned head, count;
    uint16_t len[RADIO_QUEUE_SLOTS];
    uint8_t data[RADIO_QUEUE_SLOTS][RADIO_FRAME_MAX];
};
static struct shadow sh_egress[RADIO_MAX_PORTS], sh_ingress[RADIO_MAX_PORTS];
static uint64_t accepted_egress[RADIO_MAX_PORTS], accepted_ingress[RADIO_MAX_PORTS];

static void shadow_push(struct shadow *s, const uint8_t *f, size_t len)
{
    INVARIANT(s->count < RADIO_QUEUE_SLOTS);
    unsigned i = (s->head + s->count++) % RADIO_QUEUE_SLOTS;
    s->len[i] = (uint16_t)len;
    memcpy(s->data[i], f, len);
}

static void shadow_pop_check(struct shadow *s, const uint8_t *f, size_t len)
{
    INVARIANT(s->count > 0);
    INVARIANT(s->len[s->head] == len && !memcmp(s->data[s->head], f, len));
    s->head = (s->head + 1) % RADIO_QUEUE_SLOTS;
    s->count--;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The rules, read independently of radio_policy.c. */
static int port_with_mac(const uint8_t *mac)
{
    for (unsigned i = 0; i < pol.nports; i++)
        if (!memcmp(pol.port[i].mac, mac, 6))
            return (int)i;
    return -1;
}

static int port_with_ip(uint32_t ip)
{
    for (unsigned i = 0; i < pol.nports; i++)
        if (pol.port[i].ip == ip)
            return (int)i;
    return -1;
}

static bool reaches(unsigned port, uint32_t ip)
{
    int best = -1;
    unsigned best_len = 0;
    for (unsigned i = 0; i < pol.nnetworks; i++) {
        unsigned len = pol.networks[i].len;
        uint32_t mask = len ? ~0u << (32 - len) : 0;
        if ((ip & mask) == pol.networks[i].prefix && (best < 0 || len > best_len))
            best = (int)i, best_len = len;
    }
    return best >= 0 && (pol.port[port].reach >> best & 1);
}

/* Whether an IPv4 frame (already parsed well-formed) carries LSRR or SSRR. */
static bool has_source_route(const uint8_t *f, size_t len)
{
    unsigned hlen = (f[14] & 0xfu) * 4u;
    for (unsigned i = 20; i < hlen && 14 + i < len;) {
        uint8_t type = f[14 + i];
        if (type == 0)
            return false;
        if (type == 0x83 || type == 0x89)
            return true;
        i += type == 1 ? 1 : (f[14 + i + 1] ? f[14 + i + 1] : 1);
    }
    return false;
}

/* A frame the uplink sends: from one partition, as itself, to where it may go. */
static unsigned check_uplink_frame(const uint8_t *f, size_t len)
{
    struct radio_frame fr;
    INVARIANT(radio_frame_parse(f, len, &fr) == RADIO_PASS);
    int p = port_with_mac(f + 6);
    INVARIANT(p >= 0);
    INVARIANT(port_with_mac(f) < 0);
    uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
    if (type == RADIO_ETHERTYPE_ARP) {
        INVARIANT(!(f[0] & 1) || !memcmp(f, mac_broadcast, 6));
        INVARIANT(!memcmp(f + 22, pol.port[p].mac, 6));
        uint32_t spa = be32(f + 28), tpa = be32(f + 38);
        INVARIANT(spa == pol.port[p].ip || spa == 0);
        if (tpa != pol.port[p].ip)
            INVARIANT(port_with_ip(tpa) < 0 && reaches((unsigned)p, tpa));
    } else {
        INVARIANT(type == RADIO_ETHERTYPE_IPV4);
        INVARIANT(!(f[0] & 1));
        uint32_t src = be32(f + 26), dst = be32(f + 30);
        INVARIANT(src == pol.port[p].ip);
        INVARIANT(port_with_ip(dst) < 0 && reaches((unsigned)p, dst));
        INVARIANT(dst != ~0u && (dst >> 28) != 0xe);
        INVARIANT(!has_source_route(f, len));
    }
    return (unsigned)p;
}

/* A frame delivered to port q: addressed to it, from no partition, from where it may reach. */
static void check_port_frame(unsigned q, const uint8_t *f, size_t len)
{
    struct radio_frame fr;
    INVARIANT(radio_frame_parse(f, len, &fr) == RADIO_PASS);
    INVARIANT(port_with_mac(f + 6) < 0);
    uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
    if (type == RADIO_ETHERTYPE_ARP) {
        uint32_t spa = be32(f + 28), tpa = be32(f + 38);
        INVARIANT(!memcmp(f, pol.port[q].mac, 6) ||
                  (!memcmp(f, mac_broadcast, 6) && fr.arp_op == RADIO_ARP_REQUEST));
        INVARIANT(tpa == pol.port[q].ip);
        INVARIANT(port_with_mac(f + 22) < 0 && port_with_ip(spa) < 0 && reaches(q, spa));
    } else {
        INVARIANT(!memcmp(f, pol.port[q].mac, 6));
        uint32_t src = be32(f + 26), dst = be32(f + 30);
        INVARIANT(dst == pol.port[q].ip);
        INVARIANT(port_with_ip(src) < 0 && reaches(q, src));
        INVARIANT(!has_source_route(f, len));
    }
}

/* A frame from a template the fuzzer then bends: mostly-valid frames reach deep into the
 * policy, raw bytes reach the parser's corners. */
static size_t make_frame(struct input *in, uint8_t *buf, bool from_uplink)
{
    static const uint8_t zero[6];
    uint8_t t = take(in);
    unsigned who = t & 1; /* personal or work */
    const uint8_t *mac = who ? mac_work : mac_personal;
    uint32_t ip = who ? IP_WORK : IP_PERSONAL;
    static const uint32_t others[] = {IP_ROUTER,   IP_CORP_GW, IP_CORP_SVC, IP_NET_SVC,
                                      IP_PERSONAL, IP_WORK,    0xffffffffu, IP(224, 0, 0, 1)};
    uint32_t other = others[(t >> 1) & 7];
    size_t len;
    switch ((t >> 4) & 3) {
    case 0:
        len = 34 + take(in) % 200u;
        len = from_uplink ? frame_ipv4(buf, len, mac, mac_router, other, ip, 1)
                          : frame_ipv4(buf, len, mac_router, mac, ip, other, 1);
        break;
    case 1:
        len = from_uplink
                  ? frame_arp(buf, mac_broadcast, mac_router, RADIO_ARP_REQUEST, mac_router, other,
                              zero, ip)
                  : frame_arp(buf, mac_broadcast, mac, RADIO_ARP_REQUEST, mac, ip, zero, other);
        break;
    case 2:
        len = from_uplink
                  ? frame_arp(buf, mac, mac_router, RADIO_ARP_REPLY, mac_router, other, mac, ip)
                  : frame_arp(buf, mac_router, mac, RADIO_ARP_REPLY, mac, ip, mac_router, other);
        break;
    default: /* raw bytes */
        len = (size_t)take(in) | (size_t)(take(in) & 7) << 8;
        for (size_t i = 0; i < len; i++)
            buf[i] = take(in);
        return len;
    }
    /* Up to 7 bytes changed: offset within the headers (mostly), value. */
    for (unsigned k = take(in) & 7; k; k--) {
        size_t at = take(in) % len;
        buf[at] = take(in);
    }
    return len;
}

static void check_counters(void)
{
    for (unsigned p = 0; p < pol.nports; p++) {
        const struct radio_counters *c = radio_switch_counters(&sw, p);
        uint64_t drops = 0;
        for (unsigned r = 1; r < RADIO_DROP_COUNT; r++)
            drops += c->in_drops[r];
        INVARIANT(c->in_frames == accepted_egress[p] + drops);
        INVARIANT(radio_queue_count(&sw.egress[p]) == sh_egress[p].count);
        INVARIANT(radio_queue_count(&sw.ingress[p]) == sh_ingress[p].count);
        INVARIANT(radio_queue_count(&sw.egress[p]) <= RADIO_QUEUE_SLOTS);
        INVARIANT(radio_queue_count(&sw.ingress[p]) <= RADIO_QUEUE_SLOTS);
        INVARIANT(sw.deficit[p] <= 2 * RADIO_QUANTUM);
    }
    /* Every frame the uplink brought was queued for a port or dropped, counted once. */
    uint64_t uplink = accepted_ingress[0] + accepted_ingress[1];
    for (unsigned r = 1; r < RADIO_DROP_COUNT; r++) {
        uplink += sw.count[RADIO_UPLINK].in_drops[r];
        for (unsigned p = 0; p < pol.nports; p++)
            if (r != RADIO_DROP_RX_BUFFER)
                uplink += sw.count[p].out_drops[r];
    }
    INVARIANT(sw.count[RADIO_UPLINK].in_frames == uplink);
}

/* The records the policy is built from: the default system's, with up to 15 bytes changed. */
static bool build_policy(struct input *in)
{
    struct hv_pt_net recs[2];
    fixture_records(&recs[0], &recs[1]);
    for (unsigned k = take(in) & 15; k; k--) {
        size_t at = (size_t)take(in) << 8 | take(in);
        ((uint8_t *)recs)[at % sizeof(recs)] = take(in);
    }
    char why[128] = "";
    const struct radio_port_spec spec[2] = {{"personal", &recs[0]}, {"work", &recs[1]}};
    if (radio_policy_build(&pol, spec, 2, why, sizeof(why))) {
        INVARIANT(why[0] != '\0');
        return false;
    }
    INVARIANT(pol.nports == 2 && pol.nnetworks >= 1 && pol.nnetworks <= RADIO_MAX_NETWORKS);
    for (unsigned i = 0; i < pol.nnetworks; i++)
        INVARIANT(pol.networks[i].len <= 32 && !(pol.networks[i].prefix & ~pol.networks[i].mask));
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {data, size};
    static uint8_t buf[2048], out[RADIO_FRAME_MAX];
    if (!build_policy(&in))
        return 0;
    radio_switch_init(&sw, &pol);
    memset(sh_egress, 0, sizeof(sh_egress));
    memset(sh_ingress, 0, sizeof(sh_ingress));
    memset(accepted_egress, 0, sizeof(accepted_egress));
    memset(accepted_ingress, 0, sizeof(accepted_ingress));

    for (unsigned steps = 0; in.n && steps < 4096; steps++) {
        uint8_t op = take(&in);
        unsigned port = (op >> 3) & 3; /* 2 and 3 are ports the switch lacks */
        switch (op & 7) {
        case 0:
        case 1: { /* a partition sends */
            size_t len = make_frame(&in, buf, false);
            bool known = port < pol.nports;
            bool room = known && radio_switch_egress_room(&sw, port);
            if (radio_switch_from_partition(&sw, port, buf, len) == RADIO_PASS) {
                INVARIANT(known && room);
                accepted_egress[port]++;
                shadow_push(&sh_egress[port], buf, len);
            }
            break;
        }
        case 2:
        case 3: { /* the uplink receives */
            size_t len = make_frame(&in, buf, true);
            unsigned to;
            if (radio_switch_from_uplink(&sw, buf, len, &to) == RADIO_PASS) {
                INVARIANT(to < pol.nports);
                accepted_ingress[to]++;
                shadow_push(&sh_ingress[to], buf, len);
            } else {
                INVARIANT(to < pol.nports || to == RADIO_UPLINK);
            }
            break;
        }
        case 4: { /* the uplink sends one */
            size_t cap = take(&in) < 16 ? 100 : sizeof(out);
            uint64_t rx_drops = sw.count[RADIO_UPLINK].out_drops[RADIO_DROP_RX_BUFFER];
            unsigned before = radio_switch_queued(&sw, RADIO_UPLINK);
            size_t len = radio_switch_next_for(&sw, RADIO_UPLINK, out, cap);
            if (len) {
                unsigned p = check_uplink_frame(out, len);
                shadow_pop_check(&sh_egress[p], out, len);
            } else if (before) {
                /* Only a frame too large for the buffer is lost, and it is counted. */
                INVARIANT(sw.count[RADIO_UPLINK].out_drops[RADIO_DROP_RX_BUFFER] == rx_drops + 1);
                unsigned p = 0;
                while (p < pol.nports && radio_queue_count(&sw.egress[p]) == sh_egress[p].count)
                    p++;
                INVARIANT(p < pol.nports);
                sh_egress[p].head = (sh_egress[p].head + 1) % RADIO_QUEUE_SLOTS;
                sh_egress[p].count--;
            }
            break;
        }
        case 5: { /* a partition receives one */
            if (port >= pol.nports) {
                INVARIANT(radio_switch_next_for(&sw, port, out, sizeof(out)) == 0);
                break;
            }
            size_t cap = take(&in) < 16 ? 100 : sizeof(out);
            unsigned before = radio_queue_count(&sw.ingress[port]);
            size_t len = radio_switch_next_for(&sw, port, out, cap);
            if (len) {
                check_port_frame(port, out, len);
                shadow_pop_check(&sh_ingress[port], out, len);
            } else if (before) {
                INVARIANT(sh_ingress[port].len[sh_ingress[port].head] > cap);
                sh_ingress[port].head = (sh_ingress[port].head + 1) % RADIO_QUEUE_SLOTS;
                sh_ingress[port].count--;
            }
            break;
        }
        case 6: { /* peek twice, then pop: one frame */
            size_t a_len, b_len;
            unsigned who = port < pol.nports ? port : RADIO_UPLINK;
            const uint8_t *a = radio_switch_peek(&sw, who, &a_len);
            const uint8_t *b = radio_switch_peek(&sw, who, &b_len);
            INVARIANT(a == b && (!a || a_len == b_len));
            if (a) {
                if (who == RADIO_UPLINK) {
                    unsigned p = check_uplink_frame(a, a_len);
                    shadow_pop_check(&sh_egress[p], a, a_len);
                } else {
                    check_port_frame(who, a, a_len);
                    shadow_pop_check(&sh_ingress[who], a, a_len);
                }
                radio_switch_pop(&sw, who);
            }
            break;
        }
        default: { /* the log line, into a small buffer */
            char line[48];
            int n = radio_switch_format_drops(&sw, port < pol.nports ? port : RADIO_UPLINK, line,
                                              (size_t)take(&in) % sizeof(line));
            INVARIANT(n > 0);
            break;
        }
        }
        check_counters();
    }
    return 0;
}
