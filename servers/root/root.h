/* The root task's shared pieces: its resources, and a tiny object allocator over them. */
#pragma once

#include <hv/root.h>

/* A device the IRQ test can make interrupt (irq_source.c): HV_ENOSYS where there is none. */
extern const unsigned irq_kernel_line; /* a line the kernel keeps: never claimable */
int irq_source_prepare(const struct hv_bootinfo *info, unsigned *irq);
void irq_source_fire(void);
bool irq_source_raised(void);
void irq_source_clear(void);

/* Starts bench_server, which answers every call on ep with an empty reply. */
#define BENCH_SERVER_EP_SLOT 3
int root_start_echo_server(uint64_t ep, unsigned prio);

/* The IPC and notification benchmarks (duet.bench=ipc). */
void bench_ipc_run(void);

/* The in-QEMU vcpu tests (duet.test=vcpu; vcpu_test_<arch>.c); returns the number of failures.
 * An arch without them has a weak stand-in in main.c that reports a SKIP. */
unsigned vcpu_tests_run(const struct hv_bootinfo *info);

/* Builds the partitions of the boot image's partition table and serves their VMMs; returns
 * only when there are none (HV_ENOENT) or the table is malformed. partition.c */
int root_run_partitions(const struct hv_bootinfo *info);

/* The console server's in-QEMU test (duet.test=console); returns the number of failures. */
unsigned console_test_run(const struct hv_bootinfo *info);

/* The in-QEMU kernel-core tests (duet.test=core); returns the number of failures. */
unsigned core_tests_run(const struct hv_bootinfo *info);

/* The vcpu exit round-trip benchmark (duet.bench=exit), next to the vcpu tests in
 * vcpu_test_<arch>.c; main.c has a weak stand-in for an arch without it. */
void vcpu_bench_run(void);
