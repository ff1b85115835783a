/* duet-udp: sends one UDP datagram and prints the answer, for the guests' network scenario
 * (busybox's nc has no UDP mode). Built static with no libc by scripts/mkinitramfs.
 *   usage: duet-udp IPV4 PORT TEXT
 * Prints `DUET-UDP-REPLY <text>` for the first datagram that comes back (three tries, 3 s
 * each), `DUET-UDP-REFUSED` when the port is closed, or `DUET-UDP-TIMEOUT`; exits 0 only on
 * a reply. */
#include <stdint.h>

#include "sys.h"

GUEST_ENTRY(udp_main);

#define AF_INET 2
#define SOCK_DGRAM 2
#define SOL_SOCKET 1
#define SO_RCVTIMEO 20
#define TRIES 3
#define ECONNREFUSED 111

struct sockaddr_in4 {
    uint16_t family;
    uint16_t port; /* big-endian */
    uint8_t addr[4];
    uint8_t zero[8];
};

static unsigned long str_len(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}

static void put(const char *s, unsigned long n)
{
    sys_call3(NR_write, 1, (long)s, (long)n);
}

static void say(const char *s)
{
    put(s, str_len(s));
}

static void leave(int code)
{
    sys_call3(NR_exit_group, code, 0, 0);
    for (;;)
        ;
}

/* "a.b.c.d" into addr; 0 on success. */
static int parse_ipv4(const char *s, uint8_t addr[4])
{
    for (int i = 0; i < 4; i++) {
        unsigned v = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 3)
            v = v * 10 + (unsigned)(*s++ - '0'), digits++;
        if (!digits || v > 255 || *s != (i < 3 ? '.' : '\0'))
            return -1;
        addr[i] = (uint8_t)v;
        s += i < 3;
    }
    return 0;
}

static int parse_port(const char *s, uint16_t *port)
{
    unsigned long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || (v = v * 10 + (unsigned long)(*s - '0')) > 65535)
            return -1;
    }
    *port = (uint16_t)v;
    return 0;
}

void udp_main(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    struct sockaddr_in4 to = {.family = AF_INET};
    uint16_t port = 0;
    if (argc != 4 || parse_ipv4(argv[1], to.addr) || parse_port(argv[2], &port)) {
        say("usage: duet-udp IPV4 PORT TEXT\n");
        leave(2);
    }
    to.port = (uint16_t)(port >> 8 | port << 8);
    long fd = sys_call3(NR_socket, AF_INET, SOCK_DGRAM, 0);
    struct {
        long sec, usec;
    } timeout = {3, 0};
    if (fd < 0 ||
        sys_call6(NR_setsockopt, fd, SOL_SOCKET, SO_RCVTIMEO, (long)&timeout, sizeof(timeout),
                  0) < 0 ||
        sys_call3(NR_connect, fd, (long)&to, sizeof(to)) < 0) {
        say("DUET-UDP-ERROR socket\n");
        leave(1);
    }
    const char *text = argv[3];
    unsigned long len = str_len(text);
    char reply[1500];
    for (int i = 0; i < TRIES; i++) {
        if (sys_call3(NR_write, fd, (long)text, (long)len) != (long)len)
            continue;
        long n = sys_call3(NR_read, fd, (long)reply, sizeof(reply));
        if (n == -ECONNREFUSED) {
            say("DUET-UDP-REFUSED\n"); /* an ICMP port unreachable came back */
            leave(3);
        }
        if (n >= 0) {
            say("DUET-UDP-REPLY ");
            put(reply, (unsigned long)n);
            say("\n");
            leave(0);
        }
    }
    say("DUET-UDP-TIMEOUT\n");
    leave(1);
}
