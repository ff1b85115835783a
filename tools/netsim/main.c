/* netsim: the simulated mobile network on a loopback UDP socket, one Ethernet frame per
 * datagram, as QEMU's -netdev dgram sends them (docs/network.md). */
#include "capture.h"
#include "netsim.h"
#include "options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The largest UDP payload over IPv4: no datagram is ever cut short. */
#define DATAGRAM_MAX 65536
/* Datagrams taken per wake-up before the timers get their turn. */
#define RX_BURST 64

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static uint64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct link {
    int fd;
    uint64_t send_errors;
};

static void link_send(void *ctx, const uint8_t *frame, size_t len)
{
    struct link *l = ctx;
    /* The socket is connected to the peer: nothing can go anywhere else. A peer that is gone
     * (ECONNREFUSED) or a full buffer loses the frame, as a radio link would. */
    if (send(l->fd, frame, len, MSG_DONTWAIT) != (ssize_t)len)
        l->send_errors++;
}

static int open_socket(const struct netsim_options *o, struct sockaddr_in *bound)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("netsim: socket");
        return -1;
    }
    socklen_t blen = sizeof(*bound);
    if (bind(fd, (const struct sockaddr *)&o->listen, sizeof(o->listen)) ||
        connect(fd, (const struct sockaddr *)&o->peer, sizeof(o->peer)) ||
        getsockname(fd, (struct sockaddr *)bound, &blen)) {
        perror("netsim: bind/connect");
        close(fd);
        return -1;
    }
    return fd;
}

static void format_address(char *out, size_t size, const struct sockaddr_in *a)
{
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
    snprintf(out, size, "%s:%u", ip, ntohs(a->sin_port));
}

/* Takes what the socket holds, up to RX_BURST datagrams. */
static void receive_burst(struct netsim *sim, struct link *l, struct capture *cap, uint8_t *buf,
                          uint64_t start_ms)
{
    for (int i = 0; i < RX_BURST; i++) {
        ssize_t n = recv(l->fd, buf, DATAGRAM_MAX, MSG_DONTWAIT);
        if (n < 0)
            return; /* EAGAIN, or an ICMP error of an earlier send (ECONNREFUSED) */
        struct timeval ts;
        gettimeofday(&ts, NULL);
        uint64_t now = monotonic_ms() - start_ms;
        struct netsim_event ev;
        netsim_rx(sim, buf, (size_t)n, now, &ev);
        char line[256];
        netsim_format_event(line, sizeof(line), &ev, now);
        capture_frame(cap, buf, (size_t)n, ts, line);
    }
}

static void summary(char *out, size_t size, const struct netsim *sim, const struct link *l,
                    const char *why)
{
    const struct netsim_counters *c = &sim->counters;
    snprintf(out, size,
             "netsim: stopped (%s): rx=%llu tx=%llu router=%llu internet=%llu corporate=%llu "
             "dropped=%llu send-errors=%llu tcp-open=%u",
             why, (unsigned long long)c->rx, (unsigned long long)c->tx,
             (unsigned long long)c->route[NETSIM_ROUTE_ROUTER],
             (unsigned long long)c->route[NETSIM_ROUTE_INTERNET],
             (unsigned long long)c->route[NETSIM_ROUTE_CORPORATE],
             (unsigned long long)c->route[NETSIM_ROUTE_DROPPED], (unsigned long long)l->send_errors,
             tcp_conns_in_use(&sim->tcp));
}

int main(int argc, char **argv)
{
    struct netsim_options o;
    char err[256];
    int r = netsim_parse_options(argc, argv, &o, err, sizeof(err));
    if (r) {
        if (r < 0)
            fprintf(stderr, "netsim: %s\n", err);
        fputs(netsim_usage, r < 0 ? stderr : stdout);
        return r < 0 ? 2 : 0;
    }
    /* Started by a test or scripts/hv: never outlive it. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    struct capture cap;
    if (capture_open(&cap, o.pcap_path, o.log_path, o.capture_limit, err, sizeof(err))) {
        fprintf(stderr, "netsim: %s\n", err);
        return 1;
    }
    struct link link = {.fd = -1};
    struct sockaddr_in bound;
    link.fd = open_socket(&o, &bound);
    if (link.fd < 0) {
        capture_close(&cap);
        return 1;
    }
    static struct netsim sim; /* half a MiB of TCP buffers: not on the stack */
    static uint8_t buf[DATAGRAM_MAX];
    netsim_init(&sim, link_send, &link);

    char here[32], peer[32], line[256];
    format_address(here, sizeof(here), &bound);
    format_address(peer, sizeof(peer), &o.peer);
    snprintf(line, sizeof(line), "netsim: listening on %s, peer %s", here, peer);
    capture_note(&cap, line);
    capture_flush(&cap);
    if (!o.log_path || strcmp(o.log_path, "-")) { /* else the log on stdout said it */
        printf("%s\n", line);                     /* the chosen port, for whoever started us */
        fflush(stdout);
    }

    uint64_t start = monotonic_ms(), last_flush = 0;
    uint64_t end = o.duration_s ? (uint64_t)o.duration_s * 1000 : UINT64_MAX;
    const char *why = "duration";
    for (;;) {
        if (stop_signal) {
            why = stop_signal == SIGTERM ? "SIGTERM" : "SIGINT";
            break;
        }
        uint64_t now = monotonic_ms() - start;
        if (now >= end)
            break;
        struct pollfd p = {.fd = link.fd, .events = POLLIN};
        int n = poll(&p, 1, NETSIM_TICK_MS);
        if (n < 0 && errno != EINTR) {
            perror("netsim: poll");
            why = "error";
            break;
        }
        if (n > 0)
            receive_burst(&sim, &link, &cap, buf, start);
        now = monotonic_ms() - start;
        netsim_tick(&sim, now);
        if (now - last_flush >= 100) {
            capture_flush(&cap);
            last_flush = now;
        }
    }
    summary(line, sizeof(line), &sim, &link, why);
    capture_note(&cap, line);
    capture_close(&cap);
    fprintf(stderr, "%s\n", line);
    close(link.fd);
    return strcmp(why, "error") ? 0 : 1;
}
