/* Logging for the x86 platform: messages, and "once per address" notes about guest accesses
 * nothing models, so a guest poking at an unknown port in a loop cannot flood the log. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum x86_log_kind {
    X86_LOG_PORT = 1,  /* port I/O nothing claims */
    X86_LOG_MSR = 2,   /* an MSR outside the policy table */
    X86_LOG_MMIO = 3,  /* a guest-physical address nothing claims */
    X86_LOG_EXIT = 4,  /* an exit code the handler does not know */
    X86_LOG_MODEL = 5, /* a device model used in a way it ignores (keyed by model-chosen id) */
};

#define X86_LOG_SEEN 256 /* distinct addresses remembered; a power of two */

typedef void x86_log_fn(void *ctx, const char *msg);

struct x86_log {
    x86_log_fn *fn; /* may be NULL: logging off */
    void *ctx;
    uint64_t seen[X86_LOG_SEEN]; /* open-addressed set of kind<<56 | address, 0 = free */
    unsigned used;
    bool full_noted;
};

void x86_log_init(struct x86_log *log, x86_log_fn *fn, void *ctx);
void x86_log_msg(struct x86_log *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Logs the message only the first time (kind, addr) is seen; returns whether it logged. */
bool x86_log_once(struct x86_log *log, enum x86_log_kind kind, uint64_t addr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
