/* The pcap capture and the line log (capture.h). */
#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <string.h>

int capture_open(struct capture *c, const char *pcap_path, const char *log_path, uint64_t limit,
                 char *err, size_t err_size)
{
    memset(c, 0, sizeof(*c));
    c->limit = limit;
    if (pcap_path) {
        /* A capture of Ethernet frames with no live interface behind it. */
        pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
        if (!p) {
            snprintf(err, err_size, "pcap_open_dead failed");
            return -1;
        }
        pcap_dumper_t *d = pcap_dump_open(p, pcap_path);
        if (!d) {
            snprintf(err, err_size, "%s: %s", pcap_path, pcap_geterr(p));
            pcap_close(p);
            return -1;
        }
        c->pcap = p;
        c->dumper = d;
    }
    if (log_path) {
        c->log = strcmp(log_path, "-") ? fopen(log_path, "w") : stdout;
        if (!c->log) {
            snprintf(err, err_size, "%s: %s", log_path, strerror(errno));
            capture_close(c);
            return -1;
        }
    }
    return 0;
}

void capture_note(struct capture *c, const char *line)
{
    if (c->log)
        fprintf(c->log, "%s\n", line);
}

void capture_frame(struct capture *c, const uint8_t *frame, size_t len, struct timeval ts,
                   const char *line)
{
    if (c->full)
        return;
    /* The pcap record header is 16 bytes; a line is its length and a newline. */
    uint64_t cost = (c->dumper ? 16 + len : 0) + (c->log ? strlen(line) + 1 : 0);
    if (c->written + cost > c->limit) {
        c->full = true;
        char note[96];
        snprintf(note, sizeof(note),
                 "netsim: capture limit of %llu bytes reached: frames are "
                 "no longer recorded",
                 (unsigned long long)c->limit);
        capture_note(c, note);
        return;
    }
    c->written += cost;
    if (c->dumper) {
        struct pcap_pkthdr h = {ts, (bpf_u_int32)len, (bpf_u_int32)len};
        pcap_dump(c->dumper, &h, frame);
    }
    if (c->log)
        fprintf(c->log, "%s\n", line);
}

void capture_flush(struct capture *c)
{
    if (c->dumper)
        pcap_dump_flush(c->dumper);
    if (c->log)
        fflush(c->log);
}

void capture_close(struct capture *c)
{
    if (c->dumper)
        pcap_dump_close(c->dumper);
    if (c->pcap)
        pcap_close(c->pcap);
    if (c->log && c->log != stdout)
        fclose(c->log);
    else if (c->log)
        fflush(c->log);
    memset(c, 0, sizeof(*c));
}
