/* The root task's shared pieces: its resources, and a tiny object allocator over them. */
#pragma once

#include <hv/abi/bootinfo.h>
#include <hv/proto/console.h>
#include <stdbool.h>
#include <hv/sys.h>

/* The root's own capabilities (kernel/include/kernel/core_boot.h). */
#define ROOT_CNODE 1
#define ROOT_THREAD 2
#define ROOT_IRQ_CONTROL 3
#define ROOT_VSPACE 5

/* Makes one object of type from the root's largest untyped; returns its slot (0: failed).
 * size_bits as retype takes it: 0 for the fixed-size types. */
uint64_t root_new(unsigned type, unsigned size_bits);
/* As root_new, but when the current untyped is full tries every other RAM untyped. */
uint64_t root_new_anywhere(unsigned type, unsigned size_bits);
/* Makes the object in the given empty slot, from whichever RAM untyped has room. */
int root_retype_at(unsigned type, unsigned size_bits, uint64_t slot);
/* Makes root_new take memory from the untyped in slot from now on; returns the previous. */
uint64_t root_use_untyped(uint64_t slot);
/* A fresh slot, empty. */
uint64_t root_slot(void);
/* Maps one new page read-write at a fresh address of the root's space; returns its address. */
uint64_t root_new_page(void);
/* Starts fn as a thread of the root's address space with its own stack. */
uint64_t root_spawn(void (*fn)(void), uint64_t cnode, uint64_t fault_ep, unsigned prio,
                    uint32_t budget, uint32_t period);

void root_alloc_init(const struct hv_bootinfo *info);

/* A program of the boot archive, loaded into its own address space and capability table
 * (slot 1 itself, slot 2 its thread, the rest for the caps it is given). */
struct root_program {
    uint64_t vspace, cnode, thread; /* the root's slots for them */
    uint64_t entry, stack_top;
};

void root_loader_init(const struct hv_bootinfo *info);
int root_load_program(const char *name, struct root_program *p);
int root_start_program(const struct root_program *p, unsigned prio, uint32_t budget,
                       uint32_t period);
/* A new page holding src[0..len) (len <= 4096) and zeros, mapped at va of vspace with
 * HV_MAP_* flags; returns the frame's slot (0: failed). */
uint64_t root_page_into(uint64_t vspace, uint64_t va, unsigned flags, const void *src,
                        uint64_t len);
/* A device page of the boot information's device untyped at paddr, as a frame (0: none). */
uint64_t root_device_frame(const struct hv_bootinfo *info, uint64_t paddr);

/* The console server (console_start.c): started with nclients named clients; client i's
 * endpoint cap (badge i + 1), input ring frame and input notification are left in the
 * root's slots for the partition that will use them. */
struct root_console {
    uint64_t ep;                              /* the endpoint (the root's, unbadged) */
    uint64_t ring_frame[HV_CONSOLE_MAX_CLIENTS];
    uint64_t input_ntfn[HV_CONSOLE_MAX_CLIENTS];
};
int root_start_console(const struct hv_bootinfo *info, unsigned nclients,
                       const char names[][HV_CONSOLE_NAME_MAX], unsigned prio,
                       struct root_console *out);

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
