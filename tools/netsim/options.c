/* The simulator's command line (options.h). Addresses outside 127.0.0.0/8 are refused: the
 * simulated network must never reach beyond this machine. */
#include "options.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char netsim_usage[] =
    "usage: netsim --listen 127.0.0.1:PORT --peer 127.0.0.1:PORT [--pcap FILE] [--log FILE|-]\n"
    "              [--duration SECONDS] [--capture-limit MIB]\n"
    "  The simulated mobile network (docs/network.md) on one end of QEMU's\n"
    "  -netdev dgram,local.type=inet,local.host=127.0.0.1,local.port=PEER,\n"
    "          remote.type=inet,remote.host=127.0.0.1,remote.port=LISTEN\n"
    "  --listen   our UDP address (port 0: any; the chosen one is printed)\n"
    "  --peer     QEMU's address: the only one frames are sent to and taken from\n"
    "  --pcap     every frame received, as a pcap capture (tcpdump -r, wireshark)\n"
    "  --log      one line per frame received: what it was and where it was routed\n"
    "  --duration stop after this many seconds (default: at SIGTERM/SIGINT)\n"
    "  --capture-limit  stop logging frames after this many MiB of pcap + log (256)\n";

/* "127.x.y.z:port" into a sockaddr; loopback only. */
static int parse_address(const char *what, const char *text, struct sockaddr_in *out, char *err,
                         size_t err_size)
{
    const char *colon = strrchr(text, ':');
    char host[INET_ADDRSTRLEN];
    size_t hlen = colon ? (size_t)(colon - text) : 0;
    if (!colon || hlen == 0 || hlen >= sizeof(host)) {
        snprintf(err, err_size, "%s: '%s' is not ADDRESS:PORT", what, text);
        return -1;
    }
    memcpy(host, text, hlen);
    host[hlen] = '\0';
    memset(out, 0, sizeof(*out));
    out->sin_family = AF_INET;
    if (inet_pton(AF_INET, host, &out->sin_addr) != 1) {
        snprintf(err, err_size, "%s: '%s' is not an IPv4 address", what, host);
        return -1;
    }
    if ((ntohl(out->sin_addr.s_addr) >> 24) != 127) {
        snprintf(err, err_size,
                 "%s: %s is not a loopback address (127.0.0.0/8): the "
                 "simulated network never leaves this machine",
                 what, host);
        return -1;
    }
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || port > 65535) {
        snprintf(err, err_size, "%s: '%s' is not a port number", what, colon + 1);
        return -1;
    }
    out->sin_port = htons((uint16_t)port);
    return 0;
}

static int parse_count(const char *what, const char *text, unsigned long max, unsigned long *out,
                       char *err, size_t err_size)
{
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || v > max) {
        snprintf(err, err_size, "%s: '%s' is not a number up to %lu", what, text, max);
        return -1;
    }
    *out = v;
    return 0;
}

int netsim_parse_options(int argc, char **argv, struct netsim_options *o, char *err,
                         size_t err_size)
{
    memset(o, 0, sizeof(*o));
    o->capture_limit = 256ull << 20;
    bool have_listen = false, have_peer = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            return 1;
        if (i + 1 >= argc) {
            snprintf(err, err_size, "'%s' needs a value (or is unknown)", a);
            return -1;
        }
        const char *v = argv[++i];
        unsigned long n;
        if (!strcmp(a, "--listen")) {
            if (parse_address(a, v, &o->listen, err, err_size))
                return -1;
            have_listen = true;
        } else if (!strcmp(a, "--peer")) {
            if (parse_address(a, v, &o->peer, err, err_size))
                return -1;
            have_peer = true;
        } else if (!strcmp(a, "--pcap")) {
            o->pcap_path = v;
        } else if (!strcmp(a, "--log")) {
            o->log_path = v;
        } else if (!strcmp(a, "--duration")) {
            if (parse_count(a, v, 7 * 24 * 3600, &n, err, err_size))
                return -1;
            o->duration_s = (unsigned)n;
        } else if (!strcmp(a, "--capture-limit")) {
            if (parse_count(a, v, 1 << 20, &n, err, err_size))
                return -1;
            o->capture_limit = (uint64_t)n << 20;
        } else {
            snprintf(err, err_size, "unknown option '%s'", a);
            return -1;
        }
    }
    if (!have_listen || !have_peer) {
        snprintf(err, err_size, "--listen and --peer are required");
        return -1;
    }
    if (o->peer.sin_port == 0) {
        snprintf(err, err_size, "--peer: port 0 names no one");
        return -1;
    }
    return 0;
}
