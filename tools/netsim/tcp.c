/* The simulator's TCP (tcp.h): passive opens to the service hosts' ports, in-order data with
 * ACKs, FIN from either side, RST for closed ports and unknown connections, go-back-N
 * retransmission of our own data on a timeout. Out-of-order data is not kept: the ACK that
 * answers it makes the guest send again. */
#include "handlers.h"
#include "plan.h"

#include <string.h>

static const uint8_t router_mac[ETH_ALEN] = NETSIM_ROUTER_MAC;

/* Sequence-space comparisons: a precedes b when b - a, as a signed 32-bit value, is positive. */
static bool seq_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

static const char *banner_text(const struct tcp_conn *c)
{
    return netsim_route_of(c->host_ip) == NETSIM_ROUTE_CORPORATE
               ? "DUET-NETSIM hello from the corporate service\r\n"
               : "DUET-NETSIM hello from the internet service\r\n";
}

static bool service_of_port(uint16_t port, enum tcp_service *svc)
{
    switch (port) {
    case NETSIM_PORT_ECHO:
        *svc = TCP_SVC_ECHO;
        return true;
    case NETSIM_PORT_DISCARD:
        *svc = TCP_SVC_DISCARD;
        return true;
    case NETSIM_PORT_BANNER:
        *svc = TCP_SVC_BANNER;
        return true;
    case NETSIM_PORT_CHARGEN:
        *svc = TCP_SVC_CHARGEN;
        return true;
    default:
        return false;
    }
}

unsigned tcp_conns_in_use(const struct tcp_table *t)
{
    unsigned n = 0;
    for (unsigned i = 0; i < TCP_CONN_MAX; i++)
        n += t->conn[i].used;
    return n;
}

/* The window we offer: the echo can take what its buffer has room for; the others drop
 * what they get, so a full buffer's worth. */
static uint16_t conn_window(const struct tcp_conn *c)
{
    if (c->svc == TCP_SVC_ECHO)
        return (uint16_t)(TCP_BUF_SIZE - c->buf_len);
    return TCP_BUF_SIZE;
}

struct tcp_out {
    const uint8_t *mac;
    uint32_t src_ip, dst_ip;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t window;
    bool mss_option;
    const uint8_t *data;
    size_t len;
};

static void tcp_send(struct netsim *sim, const struct tcp_out *o)
{
    uint8_t out[NETSIM_FRAME_MAX];
    size_t hlen = TCP_HLEN + (o->mss_option ? 4 : 0);
    size_t len = hlen + o->len;
    uint8_t *t = wire_ipv4_start(out, o->mac, router_mac, o->src_ip, o->dst_ip, IPV4_PROTO_TCP, len,
                                 netsim_next_ip_id(sim));
    wire_put_be16(t, o->sport);
    wire_put_be16(t + 2, o->dport);
    wire_put_be32(t + 4, o->seq);
    wire_put_be32(t + 8, o->ack);
    t[12] = (uint8_t)(hlen / 4 << 4);
    t[13] = o->flags;
    wire_put_be16(t + 14, o->window);
    wire_put_be16(t + 16, 0);
    wire_put_be16(t + 18, 0);
    if (o->mss_option) {
        t[20] = 2; /* MSS, 4 bytes */
        t[21] = 4;
        wire_put_be16(t + 22, TCP_MSS);
    }
    if (o->len)
        memcpy(t + hlen, o->data, o->len);
    wire_put_be16(t + 16, wire_l4_checksum(o->src_ip, o->dst_ip, IPV4_PROTO_TCP, t, len));
    wire_ipv4_seal(out);
    netsim_send(sim, out, ETH_HLEN + IPV4_HLEN + len);
}

/* A segment of connection c: flags, from sequence number seq, with len bytes of data. */
static void conn_send(struct netsim *sim, struct tcp_conn *c, uint32_t seq, uint8_t flags,
                      const uint8_t *data, size_t len)
{
    struct tcp_out o = {
        c->guest_mac, c->host_ip, c->guest_ip,    c->host_port,           c->guest_port, seq,
        c->rcv_nxt,   flags,      conn_window(c), (flags & TCP_SYN) != 0, data,          len};
    tcp_send(sim, &o);
}

static void conn_free(struct tcp_conn *c)
{
    c->used = false;
}

/* Aborts c with a RST (our retransmissions gave up). */
static void conn_reset(struct netsim *sim, struct tcp_conn *c)
{
    conn_send(sim, c, c->snd_nxt, TCP_RST | TCP_ACK, NULL, 0);
    conn_free(c);
}

/* chargen's stream (RFC 864's rotating lines of 72 printable characters). */
static uint8_t chargen_byte(uint64_t k)
{
    uint64_t line = k / 74, col = k % 74;
    if (col == 72)
        return '\r';
    if (col == 73)
        return '\n';
    return (uint8_t)(' ' + (line + col) % 95);
}

static void chargen_fill(struct tcp_conn *c)
{
    while (!c->fin_queued && c->buf_len < TCP_BUF_SIZE)
        c->buf[c->buf_len++] = chargen_byte(c->chargen_offset++);
}

static void service_established(struct tcp_conn *c)
{
    if (c->svc == TCP_SVC_BANNER) {
        const char *text = banner_text(c);
        size_t n = strlen(text);
        memcpy(c->buf + c->buf_len, text, n);
        c->buf_len += n;
        c->fin_queued = true; /* the banner service closes first */
    } else if (c->svc == TCP_SVC_CHARGEN) {
        chargen_fill(c);
    }
}

/* Data in order from the guest: how many bytes of it the service took. */
static size_t service_data(struct tcp_conn *c, const uint8_t *data, size_t len)
{
    if (c->svc != TCP_SVC_ECHO)
        return len; /* discard, banner and chargen drop what they are sent */
    if (c->fin_queued)
        return len; /* cannot happen in order after the peer's FIN; keep the buffer closed */
    size_t room = TCP_BUF_SIZE - c->buf_len;
    size_t n = len < room ? len : room;
    memcpy(c->buf + c->buf_len, data, n);
    c->buf_len += n;
    return n;
}

static void service_peer_fin(struct tcp_conn *c)
{
    if (c->svc == TCP_SVC_CHARGEN && c->syn_acked) {
        /* Stop generating: what was sent stays to be acked, the rest is not sent. */
        size_t sent = c->snd_max - c->snd_una;
        if (c->buf_len > sent)
            c->buf_len = sent;
    }
    c->fin_queued = true;
}

static void arm_timer(struct tcp_conn *c, uint64_t now)
{
    c->rto_at = now + c->rto_ms;
}

/* Sends what the peer's window allows from snd_nxt on, then our FIN when it is due. Returns
 * whether anything went out. */
static bool conn_push(struct netsim *sim, struct tcp_conn *c, uint64_t now)
{
    if (!c->syn_acked)
        return false;
    bool sent = false, was_idle = c->snd_una == c->snd_max;
    size_t offset = c->snd_nxt - c->snd_una;
    size_t limit = c->buf_len < c->peer_wnd ? c->buf_len : c->peer_wnd;
    while (offset < limit) {
        size_t n = limit - offset < c->peer_mss ? limit - offset : c->peer_mss;
        conn_send(sim, c, c->snd_una + (uint32_t)offset, TCP_ACK | TCP_PSH, c->buf + offset, n);
        offset += n;
        sent = true;
    }
    c->snd_nxt = c->snd_una + (uint32_t)offset;
    if (c->fin_queued && offset == c->buf_len &&
        !(c->fin_sent_once && c->snd_nxt == c->fin_seq + 1)) {
        c->fin_seq = c->snd_nxt;
        c->fin_sent_once = true;
        conn_send(sim, c, c->fin_seq, TCP_FIN | TCP_ACK, NULL, 0);
        c->snd_nxt = c->fin_seq + 1;
        sent = true;
    }
    if (seq_lt(c->snd_max, c->snd_nxt))
        c->snd_max = c->snd_nxt;
    /* A timer runs while anything is unacked, or while data waits on a closed window (then
     * it sends a probe). */
    if ((sent && was_idle) || (c->peer_wnd == 0 && c->buf_len > offset && c->snd_una == c->snd_max))
        arm_timer(c, now);
    return sent;
}

/* The ACK field of a segment of an established connection. */
static void conn_ack(struct tcp_conn *c, uint32_t ack, uint64_t now)
{
    uint32_t acked = ack - c->snd_una;
    if (acked == 0 || acked > c->snd_max - c->snd_una)
        return; /* a duplicate, or an ACK of what was never sent */
    size_t data = acked < c->buf_len ? acked : c->buf_len;
    memmove(c->buf, c->buf + data, c->buf_len - data);
    c->buf_len -= data;
    c->snd_una = ack;
    if (seq_lt(c->snd_nxt, c->snd_una))
        c->snd_nxt = c->snd_una;
    if (c->fin_sent_once && c->snd_una == c->fin_seq + 1)
        c->fin_acked = true;
    c->retries = 0;
    c->rto_ms = TCP_RTO_MS;
    if (c->snd_una != c->snd_max)
        arm_timer(c, now);
    if (c->svc == TCP_SVC_CHARGEN)
        chargen_fill(c);
}

/* The peer's MSS option, if any, bounded to [TCP_MSS_MIN, TCP_MSS]. */
static uint16_t parse_mss(const uint8_t *opt, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t kind = opt[i];
        if (kind == 0)
            break;
        if (kind == 1) {
            i++;
            continue;
        }
        if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
            break; /* a malformed option list: stop reading, keep the default */
        if (kind == 2 && opt[i + 1] == 4) {
            uint16_t mss = wire_be16(opt + i + 2);
            return mss < TCP_MSS_MIN ? TCP_MSS_MIN : mss > TCP_MSS ? TCP_MSS : mss;
        }
        i += opt[i + 1];
    }
    return 536; /* RFC 1122's default when the peer says nothing */
}

struct tcp_seg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t window;
    const uint8_t *options, *data;
    size_t options_len, len;
};

/* A RST answering seg, which belongs to no connection (RFC 793, "Reset Generation"). */
static void send_reset_for(struct netsim *sim, const struct netsim_ipv4_in *in,
                           const struct tcp_seg *s)
{
    struct tcp_out o = {in->src_mac, in->host->ip, in->ip->src, s->dport, s->sport, 0,
                        0,           TCP_RST,      0,           false,    NULL,     0};
    if (s->flags & TCP_ACK) {
        o.seq = s->ack;
    } else {
        o.ack = s->seq + (uint32_t)s->len + ((s->flags & TCP_SYN) ? 1 : 0) +
                ((s->flags & TCP_FIN) ? 1 : 0);
        o.flags |= TCP_ACK;
    }
    tcp_send(sim, &o);
}

static struct tcp_conn *conn_find(struct tcp_table *t, const struct netsim_ipv4_in *in,
                                  const struct tcp_seg *s)
{
    for (unsigned i = 0; i < TCP_CONN_MAX; i++) {
        struct tcp_conn *c = &t->conn[i];
        /* The guest's MAC is part of the key: answers go where the segment came from, and
         * another sender of the same addresses is a stranger to this connection. */
        if (c->used && c->guest_ip == in->ip->src && c->host_ip == in->host->ip &&
            c->guest_port == s->sport && c->host_port == s->dport &&
            memcmp(c->guest_mac, in->src_mac, ETH_ALEN) == 0)
            return c;
    }
    return NULL;
}

static enum netsim_verdict conn_open(struct netsim *sim, const struct netsim_ipv4_in *in,
                                     const struct tcp_seg *s, uint64_t now)
{
    enum tcp_service svc;
    if (!in->host->services || !service_of_port(s->dport, &svc)) {
        send_reset_for(sim, in, s);
        return NETSIM_UNREACHABLE;
    }
    struct tcp_conn *c = NULL;
    for (unsigned i = 0; i < TCP_CONN_MAX && !c; i++)
        if (!sim->tcp.conn[i].used)
            c = &sim->tcp.conn[i];
    if (!c) {
        send_reset_for(sim, in, s);
        return NETSIM_TABLE_FULL;
    }
    memset(c, 0, offsetof(struct tcp_conn, buf));
    c->used = true;
    c->svc = svc;
    memcpy(c->guest_mac, in->src_mac, ETH_ALEN);
    c->guest_ip = in->ip->src;
    c->host_ip = in->host->ip;
    c->guest_port = s->sport;
    c->host_port = s->dport;
    c->peer_wnd = s->window;
    c->peer_mss = parse_mss(s->options, s->options_len);
    c->irs = s->seq;
    c->rcv_nxt = s->seq + 1; /* data on a SYN is not taken: it comes again after the handshake */
    /* A deterministic ISN: a simulator on loopback has no off-path attacker to fear. */
    sim->tcp.isn_next += 0x01000193u;
    c->iss = sim->tcp.isn_next;
    c->snd_una = c->iss;
    c->snd_nxt = c->snd_max = c->iss + 1;
    c->rto_ms = TCP_RTO_MS;
    c->last_heard = now;
    conn_send(sim, c, c->iss, TCP_SYN | TCP_ACK, NULL, 0);
    arm_timer(c, now);
    return NETSIM_ANSWERED;
}

/* Data and FIN of an in-window segment: whether an ACK is owed. */
static bool conn_receive(struct tcp_conn *c, const struct tcp_seg *s)
{
    const uint8_t *data = s->data;
    size_t len = s->len;
    uint32_t seq = s->seq;
    bool owe_ack = len > 0;
    /* A retransmission that overlaps what was taken: keep only the new part. */
    if (len && seq_lt(seq, c->rcv_nxt) && seq_lt(c->rcv_nxt, seq + (uint32_t)len)) {
        size_t skip = c->rcv_nxt - seq;
        data += skip, len -= skip, seq = c->rcv_nxt;
    }
    bool all_taken = len == 0;
    if (len && seq == c->rcv_nxt && !c->peer_fin) {
        size_t took = service_data(c, data, len);
        c->rcv_nxt += (uint32_t)took;
        all_taken = took == len;
    }
    if (s->flags & TCP_FIN) {
        if (!c->peer_fin && all_taken && seq + (uint32_t)len == c->rcv_nxt) {
            c->rcv_nxt++;
            c->peer_fin = true;
            service_peer_fin(c);
        }
        owe_ack = true; /* also for a FIN sent again */
    }
    return owe_ack;
}

static enum netsim_verdict conn_segment(struct netsim *sim, const struct netsim_ipv4_in *in,
                                        struct tcp_conn *c, const struct tcp_seg *s, uint64_t now)
{
    c->last_heard = now;
    if (s->flags & TCP_RST) {
        /* Any RST inside what we would accept ends the connection. */
        if ((uint32_t)(s->seq - c->rcv_nxt) <= conn_window(c)) {
            conn_free(c);
            return NETSIM_ACCEPTED;
        }
        return NETSIM_IGNORED;
    }
    if (s->flags & TCP_SYN) {
        if (!c->syn_acked && s->seq == c->irs) {
            conn_send(sim, c, c->iss, TCP_SYN | TCP_ACK, NULL, 0); /* our SYN-ACK was lost */
            return NETSIM_ANSWERED;
        }
        conn_send(sim, c, c->snd_nxt, TCP_ACK, NULL, 0); /* RFC 5961's challenge ACK */
        return NETSIM_ANSWERED;
    }
    if (!(s->flags & TCP_ACK))
        return NETSIM_IGNORED;
    if (!c->syn_acked) {
        if (s->ack != c->iss + 1) {
            send_reset_for(sim, in, s);
            return NETSIM_UNREACHABLE;
        }
        c->syn_acked = true;
        c->snd_una = c->snd_nxt = c->snd_max = c->iss + 1;
        c->retries = 0;
        c->rto_ms = TCP_RTO_MS;
        service_established(c);
    } else {
        conn_ack(c, s->ack, now);
    }
    c->peer_wnd = s->window;
    bool owe_ack = conn_receive(c, s);
    bool sent = conn_push(sim, c, now);
    if (owe_ack && !sent) {
        conn_send(sim, c, c->snd_nxt, TCP_ACK, NULL, 0);
        sent = true;
    }
    if (c->fin_acked && c->peer_fin)
        conn_free(c); /* both sides closed; a server keeps no TIME-WAIT here */
    return sent ? NETSIM_ANSWERED : NETSIM_ACCEPTED;
}

enum netsim_verdict tcp_input(struct netsim *sim, const struct netsim_ipv4_in *in, uint64_t now_ms,
                              struct netsim_event *ev)
{
    const struct wire_ipv4 *ip = in->ip;
    if (ip->payload_len < TCP_HLEN)
        return NETSIM_SHORT;
    const uint8_t *t = ip->payload;
    struct tcp_seg s = {.sport = wire_be16(t),
                        .dport = wire_be16(t + 2),
                        .seq = wire_be32(t + 4),
                        .ack = wire_be32(t + 8),
                        .flags = t[13],
                        .window = wire_be16(t + 14)};
    ev->detail = s.dport;
    ev->tcp_flags = s.flags;
    size_t hlen = (size_t)(t[12] >> 4) * 4;
    if (hlen < TCP_HLEN || hlen > ip->payload_len)
        return NETSIM_BAD_HEADER;
    if (wire_l4_checksum(ip->src, ip->dst, IPV4_PROTO_TCP, t, ip->payload_len) != 0)
        return NETSIM_BAD_CHECKSUM;
    s.options = t + TCP_HLEN;
    s.options_len = hlen - TCP_HLEN;
    s.data = t + hlen;
    s.len = ip->payload_len - hlen;

    struct tcp_conn *c = conn_find(&sim->tcp, in, &s);
    if (c)
        return conn_segment(sim, in, c, &s, now_ms);
    if (s.flags & TCP_RST)
        return NETSIM_IGNORED; /* never answer a RST */
    if ((s.flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
        return conn_open(sim, in, &s, now_ms);
    send_reset_for(sim, in, &s);
    return NETSIM_UNREACHABLE;
}

/* One retransmission timeout of c: go back to the first unacked byte (or probe a closed
 * window), or give up. */
static void conn_timeout(struct netsim *sim, struct tcp_conn *c, uint64_t now)
{
    if (++c->retries > TCP_RETRIES_MAX) {
        conn_reset(sim, c);
        return;
    }
    c->rto_ms = c->rto_ms * 2 > TCP_RTO_MAX_MS ? TCP_RTO_MAX_MS : c->rto_ms * 2;
    arm_timer(c, now);
    if (!c->syn_acked) {
        conn_send(sim, c, c->iss, TCP_SYN | TCP_ACK, NULL, 0);
        return;
    }
    c->snd_nxt = c->snd_una;
    if (c->peer_wnd == 0 && c->buf_len) {
        conn_send(sim, c, c->snd_una, TCP_ACK, c->buf, 1); /* a window probe */
        c->snd_nxt = c->snd_una + 1;
        if (seq_lt(c->snd_max, c->snd_nxt))
            c->snd_max = c->snd_nxt;
        return;
    }
    conn_push(sim, c, now);
}

void tcp_tick(struct netsim *sim, uint64_t now_ms)
{
    for (unsigned i = 0; i < TCP_CONN_MAX; i++) {
        struct tcp_conn *c = &sim->tcp.conn[i];
        if (!c->used)
            continue;
        if (now_ms - c->last_heard > TCP_IDLE_MS) {
            conn_free(c);
            continue;
        }
        bool waiting =
            c->snd_una != c->snd_max || !c->syn_acked || (c->peer_wnd == 0 && c->buf_len > 0);
        if (waiting && now_ms >= c->rto_at)
            conn_timeout(sim, c, now_ms);
    }
}
