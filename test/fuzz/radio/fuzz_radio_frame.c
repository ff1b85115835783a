/* libFuzzer target: the radio switch's frame parser on arbitrary bytes. A frame it passes has
 * every field where the bytes say and inside the frame; one it drops has a parser's reason;
 * the policy's two decisions on a passed frame never pick a port it does not have. */
#include <stdint.h>
#include <string.h>

#include "fuzz_invariant.h"
#include "radio_fixture.h"
#include "radio_frame.h"

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void check_passed(const uint8_t *b, size_t len, const struct radio_frame *f)
{
    INVARIANT(len >= RADIO_ETH_HLEN && len <= RADIO_FRAME_MAX);
    INVARIANT(!memcmp(f->dst_mac, b, 6) && !memcmp(f->src_mac, b + 6, 6));
    INVARIANT(f->ethertype == (b[12] << 8 | b[13]));
    if (f->ethertype == RADIO_ETHERTYPE_ARP) {
        INVARIANT(len >= RADIO_ETH_HLEN + RADIO_ARP_LEN);
        INVARIANT(f->arp_op == RADIO_ARP_REQUEST || f->arp_op == RADIO_ARP_REPLY);
        INVARIANT(!memcmp(f->arp_sha, b + 22, 6) && f->arp_spa == be32(b + 28));
        INVARIANT(!memcmp(f->arp_tha, b + 32, 6) && f->arp_tpa == be32(b + 38));
        return;
    }
    INVARIANT(f->ethertype == RADIO_ETHERTYPE_IPV4);
    INVARIANT(b[14] >> 4 == 4);
    INVARIANT(f->ip_header_len >= 20 && f->ip_header_len <= 60);
    INVARIANT(f->ip_header_len <= f->ip_total_len);
    INVARIANT(RADIO_ETH_HLEN + (size_t)f->ip_total_len <= len);
    INVARIANT(f->ip_frag_offset + (f->ip_total_len - f->ip_header_len) <= 65535u);
    INVARIANT(f->ip_src == be32(b + 26) && f->ip_dst == be32(b + 30));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct radio_policy pol;
    static int ready;
    if (!ready) {
        fixture_policy(&pol);
        ready = 1;
    }
    struct radio_frame f, g;
    enum radio_drop r = radio_frame_parse(data, size, &f);
    INVARIANT(radio_frame_parse(data, size, &g) == r && !memcmp(&f, &g, sizeof(f)));
    if (r != RADIO_PASS) {
        INVARIANT(r >= RADIO_DROP_RUNT && r <= RADIO_DROP_IP_FRAGMENT);
        return 0;
    }
    check_passed(data, size, &f);
    for (unsigned port = 0; port < pol.nports; port++) {
        enum radio_drop e = radio_policy_egress(&pol, port, &f);
        INVARIANT(e == RADIO_PASS || (e >= RADIO_DROP_SPOOF_MAC && e <= RADIO_DROP_UNREACHABLE));
        if (e == RADIO_PASS)
            INVARIANT(!memcmp(f.src_mac, pol.port[port].mac, 6));
    }
    int to;
    enum radio_drop i = radio_policy_ingress(&pol, &f, &to);
    INVARIANT(to == RADIO_NO_PORT || (to >= 0 && (unsigned)to < pol.nports));
    INVARIANT(i != RADIO_PASS || to != RADIO_NO_PORT);
    return 0;
}
