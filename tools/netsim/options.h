/* The simulator's command line (netsim --help): loopback addresses only. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct netsim_options {
    struct sockaddr_in listen; /* our UDP socket (port 0: the kernel picks one) */
    struct sockaddr_in peer;   /* QEMU's -netdev dgram local address: the only one we send to */
    const char *pcap_path;     /* every frame received; NULL: none */
    const char *log_path;      /* one line per frame received; "-": stdout; NULL: none */
    unsigned duration_s;       /* 0: until SIGTERM/SIGINT or the parent's exit */
    uint64_t capture_limit;    /* bytes of pcap + log, after which frames are no longer logged */
};

/* Fills o from argv; on error returns -1 with a message in err. Returns 1 for --help. */
int netsim_parse_options(int argc, char **argv, struct netsim_options *o, char *err,
                         size_t err_size);

extern const char netsim_usage[];
