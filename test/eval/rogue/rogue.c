/* A rogue VMM (docs/eval.md): started by the root task in place of partition attacker's VMM in
 * the evaluation's test images, with every cap and page a VMM gets (hv/proto/partition.h). It
 * never runs its guest: it reads a case line "ID [arg1 [arg2]]" from its partition's console
 * input ring (the harness types it, as for the attack guest), runs that attack with a VMM's
 * authority, and reports on its partition's console, which the console server tags as the
 * attacker's: nothing it prints is trusted, the harness judges it by the kernel's, the root's,
 * the console server's and the victim's lines and by the victim's memory. */
#include <hv/abi/error.h>
#include <hv/fmt.h>
#include <hv/proto/console.h>
#include <hv/proto/partition.h>
#include <hv/string.h>
#include <hv/sys.h>
#include <stdarg.h>

#include "rogue.h"

#define LINE_MAX 80

static const char *current_id = "?";

int rogue_write(const uint8_t *bytes, unsigned n)
{
    int last = HV_OK;
    while (n) {
        unsigned k = n < HV_CONSOLE_WRITE_MAX ? n : HV_CONSOLE_WRITE_MAX;
        struct hv_msg m = {0};
        for (unsigned i = 0; i < k; i++)
            m.w[i / 8] |= (uint64_t)bytes[i] << (8 * (i % 8));
        m.info = hv_msginfo(hv_console_write_label(k), (k + 7) / 8);
        int r = hv_call(HV_VMM_SLOT_CONSOLE, &m);
        last = r ? r : (int)hv_msginfo_label(m.info);
        bytes += k;
        n -= k;
    }
    return last;
}

static void vline(const char *prefix, const char *fmt, va_list ap)
{
    char text[200];
    size_t n = (size_t)fmt_snprintf(text, sizeof(text), "%s", prefix);
    if (n >= sizeof(text))
        n = sizeof(text) - 1;
    int k = fmt_vsnprintf(text + n, sizeof(text) - n - 1, fmt, ap);
    n += k < 0 ? 0 : (size_t)k;
    if (n > sizeof(text) - 2)
        n = sizeof(text) - 2;
    text[n++] = '\n';
    rogue_write((const uint8_t *)text, (unsigned)n);
}

void rogue_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline("", fmt, ap);
    va_end(ap);
}

void evidence(const char *fmt, ...)
{
    char prefix[40];
    fmt_snprintf(prefix, sizeof(prefix), "EVAL-EVIDENCE %s ", current_id);
    va_list ap;
    va_start(ap, fmt);
    vline(prefix, fmt, ap);
    va_end(ap);
}

void claim(bool breach, const char *fmt, ...)
{
    char prefix[48];
    fmt_snprintf(prefix, sizeof(prefix), "EVAL-CLAIM %s %s: ", current_id,
                 breach ? "breach" : "denied");
    va_list ap;
    va_start(ap, fmt);
    vline(prefix, fmt, ap);
    va_end(ap);
}

/* A line typed on its partition's console: the ring the console server fills, its
 * notification signalled when bytes arrive. */
static void read_line(char *line)
{
    struct hv_console_ring *ring = (struct hv_console_ring *)HV_VMM_RING_VA;
    unsigned n = 0;
    for (;;) {
        uint8_t c;
        if (!hv_console_ring_take(ring, &c, 1)) {
            uint64_t bits;
            hv_wait(HV_VMM_SLOT_EVENTS, &bits);
            continue;
        }
        if (c == '\r' || c == '\n') {
            if (n == 0)
                continue;
            line[n] = '\0';
            return;
        }
        if (n + 1 < LINE_MAX)
            line[n++] = (char)c;
    }
}

static uint64_t parse_number(const char **s)
{
    while (**s == ' ')
        (*s)++;
    uint64_t v = 0;
    unsigned base = 10;
    if ((*s)[0] == '0' && (*s)[1] == 'x') {
        base = 16;
        *s += 2;
    }
    for (;; (*s)++) {
        char c = **s;
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else
            break;
        v = v * base + d;
    }
    return v;
}

static void run_line(const char *line)
{
    char id[16];
    unsigned n = 0;
    while (line[n] && line[n] != ' ' && n + 1 < sizeof(id)) {
        id[n] = line[n];
        n++;
    }
    id[n] = '\0';
    const char *rest = line + n;
    uint64_t a1 = parse_number(&rest), a2 = parse_number(&rest);
    for (const struct rogue_attack *a = rogue_attacks; a < rogue_attacks + rogue_nattacks; a++) {
        if (strcmp(a->id, id))
            continue;
        current_id = a->id;
        rogue_line("EVAL-ATTACK %s start 0x%llx 0x%llx", id, (unsigned long long)a1,
                   (unsigned long long)a2);
        a->run(a1, a2);
        rogue_line("EVAL-ATTACK %s done", id);
        current_id = "?";
        return;
    }
    rogue_line("EVAL-UNKNOWN %s: this rogue VMM has no such attack", id);
}

void hv_main(uint64_t arg)
{
    (void)arg;
    char line[LINE_MAX];
    for (;;) {
        rogue_line("EVAL-READY %u attacks (a rogue VMM)", rogue_nattacks);
        read_line(line);
        run_line(line);
    }
}
