/* The in-QEMU test program (the root task of the test image, duet-test.elf): its suites and
 * benchmarks, each selected by a command-line word (main.c), and what they share. */
#pragma once

#include <hv/root.h>
#include <stdbool.h>

/* Suites (duet.test=<name>): each case reports through report.h. */
void core_tests_run(const struct hv_bootinfo *info);   /* core: the kernel core at EL0 */
void console_test_run(const struct hv_bootinfo *info); /* console: the console server */
void vcpu_tests_run(const struct hv_bootinfo *info);   /* vcpu: vcpu_test_<arch>.c */
void sec_tests_run(const struct hv_bootinfo *info);    /* sec: the hardening findings */
void focus_test_run(const struct hv_bootinfo *info);   /* focus: the keyboard server's focus */
/* sec-granted: the same attacks with the access given on purpose (the evaluation's control) */
void sec_granted_tests_run(const struct hv_bootinfo *info);
/* The device caps (device_tests.c): SEC-D1..D3, run by the sec suite. */
void device_tests_run(const struct hv_bootinfo *info);

/* Benchmarks (duet.bench=<name>): true when the figures were printed, false after a
 * BENCH-FAIL line. */
bool bench_ipc_run(void);  /* ipc: call+reply and notification hand-off */
bool vcpu_bench_run(void); /* exit: a guest exit to its VMM and back, vcpu_test_<arch>.c */

/* bench_server (test/qemu/bench_server), started in its own address space to answer every
 * call on ep with an empty reply (echo_server.c). */
#define BENCH_SERVER_EP_SLOT 3
int echo_server_start(uint64_t ep, unsigned prio);
