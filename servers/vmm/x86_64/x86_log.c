/* Logging for the x86 platform, with a bounded "seen once" set of addresses. */
#include "x86_64/x86_log.h"

#include <hv/fmt.h>
#include <stdarg.h>
#include <stddef.h>

#define X86_LOG_LINE 160

struct line {
    char buf[X86_LOG_LINE];
    size_t len;
};

static void line_putc(void *ctx, char c)
{
    struct line *l = ctx;
    if (l->len + 1 < sizeof(l->buf))
        l->buf[l->len++] = c;
}

static void log_va(struct x86_log *log, const char *fmt, va_list ap)
{
    if (!log->fn)
        return;
    struct line l = {.len = 0};
    fmt_vformat(line_putc, &l, fmt, ap);
    l.buf[l.len] = 0;
    log->fn(log->ctx, l.buf);
}

void x86_log_init(struct x86_log *log, x86_log_fn *fn, void *ctx)
{
    *log = (struct x86_log){.fn = fn, .ctx = ctx};
}

void x86_log_msg(struct x86_log *log, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_va(log, fmt, ap);
    va_end(ap);
}

/* Inserts key; false if it was already there or the set is (three quarters) full. */
static bool seen_insert(struct x86_log *log, uint64_t key, bool *full)
{
    *full = false;
    uint64_t h = key * 0x9e3779b97f4a7c15ull;
    for (unsigned i = 0; i < X86_LOG_SEEN; i++) {
        unsigned slot = (unsigned)((h >> 40) + i) & (X86_LOG_SEEN - 1);
        if (log->seen[slot] == key)
            return false;
        if (log->seen[slot] == 0) {
            /* Keep probes short, and stop remembering before lookups get slow. */
            if (log->used >= X86_LOG_SEEN * 3 / 4) {
                *full = true;
                return false;
            }
            log->seen[slot] = key;
            log->used++;
            return true;
        }
    }
    *full = true;
    return false;
}

bool x86_log_once(struct x86_log *log, enum x86_log_kind kind, uint64_t addr, const char *fmt, ...)
{
    /* +1 so that no key is 0, the free-slot marker. */
    uint64_t key = ((uint64_t)kind << 56 | (addr & ((1ull << 56) - 1))) + 1;
    bool full;
    if (!seen_insert(log, key, &full)) {
        if (full && !log->full_noted) {
            log->full_noted = true;
            x86_log_msg(log, "x86: too many distinct unknown accesses; no longer logging new ones");
        }
        return false;
    }
    va_list ap;
    va_start(ap, fmt);
    log_va(log, fmt, ap);
    va_end(ap);
    return true;
}
