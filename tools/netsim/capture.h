/* The simulator's records of what it received: a pcap capture (libpcap) and the line log,
 * both bounded in size. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

struct capture {
    void *pcap;   /* pcap_t of pcap_open_dead, or NULL */
    void *dumper; /* pcap_dumper_t, or NULL */
    FILE *log;    /* or NULL */
    uint64_t limit, written;
    bool full; /* the limit was reached: frames are no longer recorded */
};

/* Opens the outputs that are named (NULL: none; log "-": stdout). -1 with err on failure. */
int capture_open(struct capture *c, const char *pcap_path, const char *log_path, uint64_t limit,
                 char *err, size_t err_size);
/* Records one received frame and its log line (the line without newline). */
void capture_frame(struct capture *c, const uint8_t *frame, size_t len, struct timeval ts,
                   const char *line);
/* A line of the simulator's own (start, limit, stop): always written, limit or not. */
void capture_note(struct capture *c, const char *line);
void capture_flush(struct capture *c);
void capture_close(struct capture *c);
