/* duet-nettool: raw Ethernet frames and timed transfers for the network attack test and the
 * network benchmark (docs/network.md); static, no libc, built by scripts/mkinitramfs. busybox
 * can neither forge a frame's source addresses nor time a transfer to the millisecond.
 *
 *   duet-nettool raw IFINDEX SMAC SIP DMAC DIP DPORT COUNT WAIT [BYTES]
 *       COUNT UDP frames from SMAC/SIP (any addresses: the spoofs) to DMAC/DIP:DPORT through an
 *       AF_PACKET socket, BYTES of payload (the mark, padded; up to 4000, for a frame larger
 *       than Ethernet's, with the device's MTU raised), then up to WAIT s for an answer to this
 *       machine naming DPORT (a UDP reply from it, or an ICMP unreachable quoting it). Prints
 *       DUET-NETTOOL raw DPORT sent=N answered=yes|no
 *   duet-nettool flood IFINDEX SMAC SIP SECONDS DPORT
 *       as fast as the socket takes them, in turn: a UDP broadcast to 255.255.255.255:DPORT, a
 *       UDP multicast to 224.0.0.1:DPORT and an ARP request for the router 192.0.2.1, all from
 *       the partition's own addresses. Prints DUET-NETTOOL flood sent=N ms=T per-s=R
 *   duet-nettool listen IFINDEX SECONDS PORTLO PORTHI
 *       every frame this machine receives for SECONDS s: a line for each UDP frame whose
 *       destination port, or ICMP error whose quoted UDP destination port, is in the range
 *       (DUET-NETTOOL heard port=P kind=udp|icmp smac=M src=A, at most 32), then
 *       DUET-NETTOOL listen done heard=N frames=F
 *   duet-nettool echo-rate IP PORT SECONDS LABEL
 *       UDP echo round trips, one at a time (a lost one after 2 s), for SECONDS s. Prints
 *       DUET-NETTOOL rate LABEL n=N lost=L ms=T per-s=R rtt-mean-us=U rtt-max-us=X
 *   duet-nettool tcp-send IP PORT KIB LABEL  /  tcp-recv IP PORT KIB LABEL
 *       KIB KiB to a TCP service (discard) or from one (chargen), timed from connect to the
 *       last byte (sent: until the service closed after taking all of it). Prints DUET-NETTOOL tcp LABEL kib=K ms=T kib-per-s=R
 * Errors print DUET-NETTOOL error <what> <errno> and exit 1. */
#include <stddef.h>
#include <stdint.h>

#include "sys.h"

#define CLOCK_MONOTONIC 1

GUEST_ENTRY(nettool_main);

#define AF_INET 2
#define AF_PACKET 17
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOL_SOCKET 1
#define SO_RCVTIMEO 20
#define ETH_P_ALL 0x0003
#define PACKET_OUTGOING 4
#define EAGAIN 11
#define EINTR 4
#define ENOBUFS 105
#define ECONNREFUSED 111

/* The compiler may turn loops and struct copies into these calls; there is no libc. */
void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

static int str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* ---- output: one line built in a buffer, written at once (the console interleaves) ---- */

static void add_hex2(unsigned v)
{
    static const char h[] = "0123456789abcdef";
    char s[3] = {h[(v >> 4) & 15], h[v & 15], 0};
    add(s);
}

static void add_mac(const uint8_t m[6])
{
    for (int i = 0; i < 6; i++) {
        if (i)
            add(":");
        add_hex2(m[i]);
    }
}

static void add_ip(const uint8_t a[4])
{
    for (int i = 0; i < 4; i++) {
        if (i)
            add(".");
        add_num(a[i]);
    }
}

static _Noreturn void leave(int code)
{
    sys_call3(NR_exit_group, code, 0, 0);
    for (;;)
        ;
}

static _Noreturn void fail(const char *what, long err)
{
    add("DUET-NETTOOL error ");
    add(what);
    add(" ");
    add_num((uint64_t)(err < 0 ? -err : err));
    emit();
    leave(1);
}

static _Noreturn void usage(void)
{
    add("usage: duet-nettool raw|flood|listen|echo-rate|tcp-send|tcp-recv ... (see its source)");
    emit();
    leave(2);
}

/* ---- arguments ---- */

static int parse_u(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || (v = v * 10 + (uint64_t)(*s - '0')) > max)
            return -1;
    }
    *out = v;
    return 0;
}

static uint64_t arg_u(const char *s, uint64_t max)
{
    uint64_t v;
    if (parse_u(s, max, &v))
        usage();
    return v;
}

static void arg_ip(const char *s, uint8_t a[4])
{
    for (int i = 0; i < 4; i++) {
        unsigned v = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 3)
            v = v * 10 + (unsigned)(*s++ - '0'), digits++;
        if (!digits || v > 255 || *s != (i < 3 ? '.' : '\0'))
            usage();
        a[i] = (uint8_t)v;
        s += i < 3;
    }
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void arg_mac(const char *s, uint8_t m[6])
{
    for (int i = 0; i < 6; i++) {
        int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);
        if (lo < 0 || s[2] != (i < 5 ? ':' : '\0'))
            usage();
        m[i] = (uint8_t)(hi << 4 | lo);
        s += 3;
    }
}

/* ---- time ---- */

static uint64_t now_us(void)
{
    struct {
        long sec, nsec;
    } ts;
    sys_call3(NR_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0);
    return (uint64_t)ts.sec * 1000000u + (uint64_t)ts.nsec / 1000u;
}

static void set_rcv_timeout(long fd, long usec)
{
    struct {
        long sec, usec;
    } tv = {usec / 1000000, usec % 1000000};
    long r = sys_call6(NR_setsockopt, fd, SOL_SOCKET, SO_RCVTIMEO, (long)&tv, sizeof(tv), 0);
    if (r < 0)
        fail("setsockopt", r);
}

/* ---- frames ---- */

struct sockaddr_ll {
    uint16_t family, protocol; /* protocol big-endian */
    int32_t ifindex;
    uint16_t hatype;
    uint8_t pkttype, halen;
    uint8_t addr[8];
};

static const uint8_t router_ip[4] = {192, 0, 2, 1};
static const uint8_t broadcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mark[] = "DUET-NETTOOL-MARK";

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static unsigned ip_checksum(const uint8_t *p, unsigned n)
{
    uint32_t s = 0;
    for (unsigned i = 0; i + 1 < n; i += 2)
        s += get16(p + i);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return ~s & 0xffff;
}

/* Ethernet + IPv4 + UDP with the mark as payload (UDP checksum 0: none, as IPv4 allows).
 * Returns the frame's length. */
static unsigned udp_frame(uint8_t *f, const uint8_t smac[6], const uint8_t sip[4],
                          const uint8_t dmac[6], const uint8_t dip[4], unsigned dport, unsigned id,
                          unsigned payload)
{
    unsigned udp_len = 8 + payload, ip_len = 20 + udp_len;
    memcpy(f, dmac, 6);
    memcpy(f + 6, smac, 6);
    put16(f + 12, 0x0800);
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, ip_len);
    put16(ip + 4, id & 0xffff);
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, sip, 4);
    memcpy(ip + 16, dip, 4);
    put16(ip + 10, ip_checksum(ip, 20));
    uint8_t *udp = ip + 20;
    put16(udp, 40000 + (id & 0xff));
    put16(udp + 2, dport);
    put16(udp + 4, udp_len);
    put16(udp + 6, 0);
    for (unsigned i = 0; i < payload; i++)
        udp[8 + i] = i < sizeof(mark) - 1 ? mark[i] : (uint8_t)'.';
    return 14 + ip_len;
}

/* A broadcast ARP request for the router from the partition's own addresses. */
static unsigned arp_request(uint8_t *f, const uint8_t smac[6], const uint8_t sip[4])
{
    memcpy(f, broadcast_mac, 6);
    memcpy(f + 6, smac, 6);
    put16(f + 12, 0x0806);
    uint8_t *a = f + 14;
    put16(a, 1);
    put16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, 1);
    memcpy(a + 8, smac, 6);
    memcpy(a + 14, sip, 4);
    memset(a + 18, 0, 6);
    memcpy(a + 24, router_ip, 4);
    return 14 + 28;
}

static long packet_socket(long ifindex, struct sockaddr_ll *sll)
{
    long fd = sys_call3(NR_socket, AF_PACKET, SOCK_RAW, 0x0300 /* htons(ETH_P_ALL) */);
    if (fd < 0)
        fail("socket", fd);
    memset(sll, 0, sizeof(*sll));
    sll->family = AF_PACKET;
    sll->protocol = 0x0300;
    sll->ifindex = (int32_t)ifindex;
    long r = sys_call3(NR_bind, fd, (long)sll, sizeof(*sll));
    if (r < 0)
        fail("bind", r);
    return fd;
}

static long send_frame(long fd, const struct sockaddr_ll *sll, const uint8_t *f, unsigned len)
{
    return sys_call6(NR_sendto, fd, (long)f, len, 0, (long)sll, sizeof(*sll));
}

/* A frame received (not one this machine sent): its length, or -1 on the timeout. */
static long receive_frame(long fd, uint8_t *buf, unsigned cap)
{
    for (;;) {
        struct sockaddr_ll from;
        uint32_t fromlen = sizeof(from);
        long n = sys_call6(NR_recvfrom, fd, (long)buf, cap, 0, (long)&from, (long)&fromlen);
        if (n == -EINTR)
            continue;
        if (n < 0)
            return -1;
        if (from.pkttype != PACKET_OUTGOING)
            return n;
    }
}

/* The UDP destination port a received frame concerns: its own (kind 'u'), or the one an ICMP
 * error quotes (kind 'i'); 0 if neither. */
static unsigned port_of(const uint8_t *f, long n, char *kind)
{
    if (n < 14 + 20 || get16(f + 12) != 0x0800)
        return 0;
    const uint8_t *ip = f + 14;
    unsigned ihl = (ip[0] & 15u) * 4;
    if ((ip[0] >> 4) != 4 || ihl < 20 || n < (long)(14 + ihl + 8))
        return 0;
    const uint8_t *l4 = ip + ihl;
    if (ip[9] == 17) {
        *kind = 'u';
        return get16(l4 + 2);
    }
    if (ip[9] != 1 || (l4[0] != 3 && l4[0] != 11))
        return 0;
    const uint8_t *q = l4 + 8; /* the quoted IPv4 header */
    if (n < (long)(14 + ihl + 8 + 20) || q[9] != 17)
        return 0;
    unsigned qihl = (q[0] & 15u) * 4;
    if (qihl < 20 || n < (long)(14 + ihl + 8 + qihl + 4))
        return 0;
    *kind = 'i';
    return get16(q + qihl + 2);
}

/* ---- the commands ---- */

static void cmd_raw(char **a)
{
    long ifindex = (long)arg_u(a[0], 1u << 30);
    static uint8_t f[4096];
    uint8_t smac[6], dmac[6], sip[4], dip[4];
    arg_mac(a[1], smac);
    arg_ip(a[2], sip);
    arg_mac(a[3], dmac);
    arg_ip(a[4], dip);
    unsigned dport = (unsigned)arg_u(a[5], 65535);
    uint64_t count = arg_u(a[6], 100000), wait = arg_u(a[7], 600);
    unsigned payload = a[8] ? (unsigned)arg_u(a[8], 4000) : sizeof(mark) - 1;
    if (payload < sizeof(mark) - 1)
        usage();
    struct sockaddr_ll sll;
    long fd = packet_socket(ifindex, &sll);
    set_rcv_timeout(fd, 200000);
    uint64_t sent = 0;
    for (uint64_t i = 0; i < count; i++) {
        unsigned len = udp_frame(f, smac, sip, dmac, dip, dport, (unsigned)i, payload);
        if (send_frame(fd, &sll, f, len) == (long)len)
            sent++;
    }
    int answered = 0;
    uint64_t end = now_us() + wait * 1000000u;
    static uint8_t buf[2048];
    while (!answered && now_us() < end) {
        long n = receive_frame(fd, buf, sizeof(buf));
        char kind;
        if (n > 0 && port_of(buf, n, &kind) == dport)
            answered = 1;
    }
    add("DUET-NETTOOL raw ");
    add_num(dport);
    add(" sent=");
    add_num(sent);
    add(answered ? " answered=yes" : " answered=no");
    emit();
}

static void cmd_flood(char **a)
{
    long ifindex = (long)arg_u(a[0], 1u << 30);
    uint8_t smac[6], sip[4], f[128];
    arg_mac(a[1], smac);
    arg_ip(a[2], sip);
    uint64_t seconds = arg_u(a[3], 3600);
    unsigned dport = (unsigned)arg_u(a[4], 65535);
    static const uint8_t all_ones[4] = {255, 255, 255, 255}, all_hosts[4] = {224, 0, 0, 1};
    static const uint8_t all_hosts_mac[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
    struct sockaddr_ll sll;
    long fd = packet_socket(ifindex, &sll);
    uint64_t start = now_us(), end = start + seconds * 1000000u, sent = 0, refused = 0;
    for (unsigned i = 0; now_us() < end; i++) {
        unsigned len;
        switch (i % 3) {
        case 0:
            len = udp_frame(f, smac, sip, broadcast_mac, all_ones, dport, i, sizeof(mark) - 1);
            break;
        case 1:
            len = udp_frame(f, smac, sip, all_hosts_mac, all_hosts, dport, i, sizeof(mark) - 1);
            break;
        default:
            len = arp_request(f, smac, sip);
            break;
        }
        long r = send_frame(fd, &sll, f, len);
        if (r == (long)len)
            sent++;
        else if (r == -ENOBUFS || r == -EAGAIN)
            refused++; /* the device's queue is full: the flood goes on */
        else
            fail("sendto", r);
    }
    uint64_t ms = (now_us() - start) / 1000;
    add("DUET-NETTOOL flood sent=");
    add_num(sent);
    add(" refused=");
    add_num(refused);
    add(" ms=");
    add_num(ms);
    add(" per-s=");
    add_num(ms ? sent * 1000 / ms : 0);
    emit();
}

static void cmd_listen(char **a)
{
    long ifindex = (long)arg_u(a[0], 1u << 30);
    uint64_t seconds = arg_u(a[1], 36000);
    unsigned lo = (unsigned)arg_u(a[2], 65535), hi = (unsigned)arg_u(a[3], 65535);
    struct sockaddr_ll sll;
    long fd = packet_socket(ifindex, &sll);
    set_rcv_timeout(fd, 500000);
    add("DUET-NETTOOL listening ports ");
    add_num(lo);
    add("-");
    add_num(hi);
    emit();
    static uint8_t buf[2048];
    uint64_t end = now_us() + seconds * 1000000u, heard = 0, frames = 0;
    while (now_us() < end) {
        long n = receive_frame(fd, buf, sizeof(buf));
        if (n <= 0)
            continue;
        frames++;
        char kind = 0;
        unsigned port = port_of(buf, n, &kind);
        if (port < lo || port > hi || !port)
            continue;
        if (heard++ < 32) {
            add("DUET-NETTOOL heard port=");
            add_num(port);
            add(kind == 'u' ? " kind=udp smac=" : " kind=icmp smac=");
            add_mac(buf + 6);
            add(" src=");
            add_ip(buf + 14 + 12);
            emit();
        }
    }
    add("DUET-NETTOOL listen done heard=");
    add_num(heard);
    add(" frames=");
    add_num(frames);
    emit();
}

struct sockaddr_in4 {
    uint16_t family;
    uint16_t port; /* big-endian */
    uint8_t addr[4];
    uint8_t zero[8];
};

static long connected(int type, const char *ip, const char *port)
{
    struct sockaddr_in4 to = {.family = AF_INET};
    arg_ip(ip, to.addr);
    unsigned p = (unsigned)arg_u(port, 65535);
    to.port = (uint16_t)((p >> 8) | (p << 8));
    long fd = sys_call3(NR_socket, AF_INET, type, 0);
    if (fd < 0)
        fail("socket", fd);
    long r = sys_call3(NR_connect, fd, (long)&to, sizeof(to));
    if (r < 0)
        fail("connect", r);
    return fd;
}

static void cmd_echo_rate(char **a)
{
    long fd = connected(SOCK_DGRAM, a[0], a[1]);
    uint64_t seconds = arg_u(a[2], 3600);
    set_rcv_timeout(fd, 2000000);
    uint64_t start = now_us(), end = start + seconds * 1000000u, ok = 0, lost = 0;
    uint64_t rtt_sum = 0, rtt_max = 0;
    uint8_t msg[32], back[64];
    for (uint32_t seq = 0; now_us() < end; seq++) {
        memcpy(msg, mark, 16);
        for (int i = 0; i < 4; i++)
            msg[16 + i] = (uint8_t)(seq >> (8 * i));
        uint64_t t0 = now_us();
        if (sys_call3(NR_write, fd, (long)msg, 20) != 20) {
            lost++;
            continue;
        }
        /* Only the answer to this datagram counts: a late one of an earlier is read and
         * skipped. */
        for (;;) {
            long n = sys_call3(NR_read, fd, (long)back, sizeof(back));
            if (n == 20 && back[16] == msg[16] && back[17] == msg[17] && back[18] == msg[18] &&
                back[19] == msg[19]) {
                uint64_t rtt = now_us() - t0;
                ok++;
                rtt_sum += rtt;
                rtt_max = rtt > rtt_max ? rtt : rtt_max;
                break;
            }
            if (n < 0 && n != -EINTR) {
                if (n == -ECONNREFUSED)
                    fail("echo-refused", n);
                lost++;
                break;
            }
        }
    }
    uint64_t ms = (now_us() - start) / 1000;
    add("DUET-NETTOOL rate ");
    add(a[3]);
    add(" n=");
    add_num(ok);
    add(" lost=");
    add_num(lost);
    add(" ms=");
    add_num(ms);
    add(" per-s=");
    add_num(ms ? ok * 1000 / ms : 0);
    add(" rtt-mean-us=");
    add_num(ok ? rtt_sum / ok : 0);
    add(" rtt-max-us=");
    add_num(rtt_max);
    emit();
}

static void cmd_tcp(char **a, int sending)
{
    uint64_t start = now_us();
    long fd = connected(SOCK_STREAM, a[0], a[1]);
    uint64_t want = arg_u(a[2], 1u << 22) * 1024u, done = 0;
    static uint8_t buf[16384];
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)('a' + i % 26);
    while (done < want) {
        uint64_t chunk = want - done < sizeof(buf) ? want - done : sizeof(buf);
        long n = sending ? sys_call3(NR_write, fd, (long)buf, (long)chunk)
                         : sys_call3(NR_read, fd, (long)buf, (long)chunk);
        if (n == -EINTR)
            continue;
        if (n <= 0)
            fail(sending ? "tcp-write" : "tcp-read", n);
        done += (uint64_t)n;
    }
    if (sending) {
        /* Done when the service has every byte: our FIN goes after the data, and its FIN
         * (the service closes when we do) only once it has taken all of it, in order. */
        sys_call3(NR_shutdown, fd, 1 /* SHUT_WR */, 0);
        long n;
        while ((n = sys_call3(NR_read, fd, (long)buf, sizeof(buf))) > 0 || n == -EINTR)
            ;
        if (n < 0)
            fail("tcp-close", n);
    }
    sys_call3(NR_close, fd, 0, 0);
    uint64_t ms = (now_us() - start) / 1000;
    add("DUET-NETTOOL tcp ");
    add(a[3]);
    add(" kib=");
    add_num(done / 1024);
    add(" ms=");
    add_num(ms);
    add(" kib-per-s=");
    add_num(ms ? done * 1000 / 1024 / ms : 0);
    emit();
}

void nettool_main(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    if (argc < 2)
        usage();
    const char *cmd = argv[1];
    long n = argc - 2;
    char **a = argv + 2;
    if (str_eq(cmd, "raw") && (n == 8 || n == 9))
        cmd_raw(a); /* argv ends in a NULL: a[8] is the optional BYTES or NULL */
    else if (str_eq(cmd, "flood") && n == 5)
        cmd_flood(a);
    else if (str_eq(cmd, "listen") && n == 4)
        cmd_listen(a);
    else if (str_eq(cmd, "echo-rate") && n == 4)
        cmd_echo_rate(a);
    else if (str_eq(cmd, "tcp-send") && n == 4)
        cmd_tcp(a, 1);
    else if (str_eq(cmd, "tcp-recv") && n == 4)
        cmd_tcp(a, 0);
    else
        usage();
    leave(0);
}
