/* duet-udp: sends one UDP datagram and prints the answer, for the guests' network scenario
 * (busybox's nc has no UDP mode). Built static with no libc by scripts/mkinitramfs.
 *   usage: duet-udp IPV4 PORT TEXT
 * Prints `DUET-UDP-REPLY <text>` for the first datagram that comes back (three tries, 3 s
 * each), `DUET-UDP-REFUSED` when the port is closed, or `DUET-UDP-TIMEOUT`; exits 0 only on
 * a reply. */
#include <stdint.h>

#if defined(__aarch64__)
enum {
    NR_read = 63,
    NR_write = 64,
    NR_exit_group = 94,
    NR_socket = 198,
    NR_connect = 203,
    NR_setsockopt = 208
};

static long syscall5(long n, long a, long b, long c, long d, long e)
{
    register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c, x3 __asm__("x3") = d, x4 __asm__("x4") = e;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
    return x0;
}

__asm__(".global _start\n_start:\n mov x29, #0\n mov x0, sp\n bl udp_main\n brk #0\n");
#elif defined(__x86_64__)
enum {
    NR_read = 0,
    NR_write = 1,
    NR_socket = 41,
    NR_connect = 42,
    NR_setsockopt = 54,
    NR_exit_group = 231
};

static long syscall5(long n, long a, long b, long c, long d, long e)
{
    register long r10 __asm__("r10") = d, r8 __asm__("r8") = e;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return ret;
}

__asm__(".global _start\n_start:\n xor %ebp, %ebp\n mov %rsp, %rdi\n and $-16, %rsp\n"
        " call udp_main\n ud2\n");
#else
#error "duet-udp is built for aarch64 or x86_64"
#endif

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
    syscall5(NR_write, 1, (long)s, (long)n, 0, 0);
}

static void say(const char *s)
{
    put(s, str_len(s));
}

static void leave(int code)
{
    syscall5(NR_exit_group, code, 0, 0, 0, 0);
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
    long fd = syscall5(NR_socket, AF_INET, SOCK_DGRAM, 0, 0, 0);
    struct {
        long sec, usec;
    } timeout = {3, 0};
    if (fd < 0 ||
        syscall5(NR_setsockopt, fd, SOL_SOCKET, SO_RCVTIMEO, (long)&timeout, sizeof(timeout)) < 0 ||
        syscall5(NR_connect, fd, (long)&to, sizeof(to), 0, 0) < 0) {
        say("DUET-UDP-ERROR socket\n");
        leave(1);
    }
    const char *text = argv[3];
    unsigned long len = str_len(text);
    char reply[1500];
    for (int i = 0; i < TRIES; i++) {
        if (syscall5(NR_write, fd, (long)text, (long)len, 0, 0) != (long)len)
            continue;
        long n = syscall5(NR_read, fd, (long)reply, sizeof(reply), 0, 0);
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
