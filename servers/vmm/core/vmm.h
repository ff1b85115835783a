/* The arch-independent core of a partition's VMM: the services it needs from the outside
 * world (struct vmm_ops), the MMIO bus its device models sit on, and the console path.
 * Nothing here makes a system call, so the same code runs on the host under Check and
 * libFuzzer; servers/vmm/main.c implements the ops with hv_sys calls. docs/vmm.md. */
#pragma once

#include "core/mmio_bus.h"
#include "core/vcpu_reply.h"
#include <hv/log_limit.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMM_MAX_CPUS 8
#define VMM_EXIT_KINDS 8

/* What the vcpu's thread does after an exit was handled. */
enum vmm_exit_action {
    VMM_EXIT_RESUME = 0, /* reply with the reply words */
    VMM_EXIT_STOP_CPU,   /* the guest turned this vcpu off: no reply, the thread stops */
    VMM_EXIT_STOP,       /* the partition powered off or resets: every vcpu stops */
};

enum vmm_power {
    VMM_POWER_OFF = 0,
    VMM_POWER_RESET = 1,
    VMM_POWER_EXIT = 2, /* off through the test exit port, with a status (vmm.exit_status) */
};

/* What the VMM asks of its environment. Every function pointer but console_read is required. */
struct vmm_ops {
    /* Makes interrupt irq pending in vcpu cpu: on AArch64 a virtual INTID with
     * HV_A64_INJECT_PRIO(priority) as flags, on x86_64 a vector (hv/abi/vcpu.h vcpu_inject).
     * Returns HV_OK or an hv_error (HV_EBUSY: the kernel's queue is full, try later). */
    int (*inject)(void *ctx, unsigned cpu, uint32_t irq, uint64_t flags);
    /* Guest console output, to the console server. */
    void (*console_write)(void *ctx, const uint8_t *bytes, size_t len);
    /* Optional: takes up to max bytes of waiting console input (the console server's ring);
     * returns how many. The core calls it when the guest's UART has room. */
    size_t (*console_read)(void *ctx, uint8_t *bytes, size_t max);
    /* The guest asked to power the whole partition off or to reset it. */
    void (*power)(void *ctx, enum vmm_power what);
    /* One line of diagnostics, without a trailing newline. */
    void (*log)(void *ctx, const char *line);
    /* Optional: vcpu_read / vcpu_write of vcpu cpu's register reg (hv/abi/vcpu.h), for state
     * the kernel keeps on the platform's behalf (AArch64: the timers' PPIs, gicv3_timer.c).
     * Return HV_OK or an hv_error. */
    int (*vcpu_read)(void *ctx, unsigned cpu, unsigned reg, uint64_t *val);
    int (*vcpu_write)(void *ctx, unsigned cpu, unsigned reg, uint64_t val);
};

/* The device that takes console input (the platform's UART). */
struct vmm_console_dev {
    size_t (*room)(void *dev);                                      /* bytes it can take now */
    size_t (*receive)(void *dev, const uint8_t *bytes, size_t len); /* returns bytes taken */
    void *dev;
};

struct vmm {
    const struct vmm_ops *ops;
    void *ctx;
    const char *name;
    unsigned ncpus;
    struct vmm_bus bus;
    struct vmm_console_dev console;
    void *platform; /* the arch's platform state (struct vmm_a64 on AArch64) */
    /* Counters for diagnostics and tests. */
    uint64_t exits, guest_faults, inject_errors, console_dropped;
    uint64_t vcpu_reg_errors; /* vcpu_read / vcpu_write refused or not offered */
    /* Exits by kind (the arch names the kinds), for the VMM-STATS line and the benchmarks. */
    uint64_t exit_kinds[VMM_EXIT_KINDS];
    const char *const *exit_kind_names; /* VMM_EXIT_KINDS names; NULL: not counted */
    uint32_t exit_status; /* VMM_POWER_EXIT's status, as QEMU's isa-debug-exit makes it */
    /* Guest output not yet sent: a UART exit brings one byte, the console server takes up
     * to 48 per call, so bytes wait here for a newline, a full buffer or vmm_console_flush. */
    uint8_t out[48];
    unsigned out_len;
};

/* Sets up an empty VMM for ncpus (1..VMM_MAX_CPUS) vcpus; false if ops lacks a required
 * function or ncpus is out of range. */
bool vmm_init(struct vmm *vmm, const struct vmm_ops *ops, void *ctx, const char *name,
              unsigned ncpus);

/* Formats one line and hands it to ops->log, prefixed by the VMM's name. */
void vmm_logf(struct vmm *vmm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes "exits=N <kind>=N ... guest_faults=N inject_errors=N console_dropped=N" into buf
 * (NUL-terminated, cut to size). */
void vmm_format_stats(const struct vmm *vmm, char *buf, size_t size);

/* Counts one exit of the given kind (an index into exit_kind_names) for the statistics. */
void vmm_count_exit(struct vmm *vmm, unsigned kind);

/* The end of every exit handler: the reply's words and length when the guest resumes, zeros
 * and 0 when it does not (a stopped vcpu gets no reply). Returns action. */
enum vmm_exit_action vmm_exit_reply(const struct vmm_reply *r, enum vmm_exit_action action,
                                    uint64_t reply[HV_VCPU_EXIT_WORDS], unsigned *len);

/* Injects through ops->inject, counting failures (a full kernel queue is not the guest's
 * doing, so the caller keeps the interrupt pending and retries). */
int vmm_inject(struct vmm *vmm, unsigned cpu, uint32_t irq, uint64_t flags);

/* A vcpu register through ops->vcpu_read / vcpu_write; HV_ENOSYS when the environment has
 * none (a failure is logged at powers of two: it is the VMM's or the kernel's bug). */
int vmm_vcpu_read(struct vmm *vmm, unsigned cpu, unsigned reg, uint64_t *val);
int vmm_vcpu_write(struct vmm *vmm, unsigned cpu, unsigned reg, uint64_t val);

/* ---- console (core/vmm_console.c) ---- */

/* Makes dev the device that receives console input (one at a time; a second call replaces). */
void vmm_console_attach(struct vmm *vmm, const struct vmm_console_dev *dev);
/* Console input from the console server: gives the guest's UART what fits and returns how
 * many bytes it took; the caller keeps the rest (or drops them: counted either way). */
size_t vmm_console_input(struct vmm *vmm, const uint8_t *bytes, size_t len);
/* The UART has room: pulls waiting input through ops->console_read until it is full. */
void vmm_console_refill(struct vmm *vmm);
/* Guest output to the console server: sent at each newline and whenever 48 bytes wait. */
void vmm_console_output(struct vmm *vmm, const uint8_t *bytes, size_t len);
/* Sends what waits. The UART models call it when the guest touches the UART other than to
 * write the next byte (Linux restores CR or masks the TX interrupt after a burst), so a
 * prompt without a newline still shows. */
void vmm_console_flush(struct vmm *vmm);
