/* The root-task kit: what the first program the kernel starts (the system's root task, or the
 * test image's test program) uses to turn its untyped memory and boot archive into objects,
 * programs and the console server. */
#pragma once

#include <hv/abi/bootinfo.h>
#include <hv/proto/console.h>
#include <hv/sys.h>
#include <stdbool.h>

/* The root's own capabilities, where the kernel puts them (kernel/include/kernel/core_boot.h). */
#define ROOT_CNODE 1
#define ROOT_THREAD 2
#define ROOT_IRQ_CONTROL 3
#define ROOT_IOPORT 4 /* every I/O port (x86_64 only) */
#define ROOT_VSPACE 5
#define ROOT_SCHED_CONTROL 6 /* sets budgets (sc_configure) */
#define ROOT_DEBUG_CONSOLE 7 /* writes to the kernel's console (debug_putc) */
/* The root cnode's size (the kernel's ROOT_SLOT_BITS, kernel/root_task.c). */
#define ROOT_CNODE_SLOTS 2048u
/* The unit of the budgets and periods these helpers take: the kernel's 100 Hz tick. */
#define ROOT_TICK_US 10000u

/* ---- objects from untyped memory (alloc.c) ---- */
/* Not for concurrent use: one thread of the program allocates (the root task's main thread,
 * before its partition servers start). */

void root_alloc_init(const struct hv_bootinfo *info);
/* Makes one object of type from the root's largest untyped; returns its slot (0: failed).
 * size_bits as retype takes it: 0 for the fixed-size types. */
uint64_t root_new(unsigned type, unsigned size_bits);
/* As root_new, but when the current untyped is full tries every other RAM untyped. */
uint64_t root_new_anywhere(unsigned type, unsigned size_bits);
/* Makes the object in the given empty slot, from whichever RAM untyped has room. */
int root_retype_at(unsigned type, unsigned size_bits, uint64_t slot);
/* Makes root_new take memory from the untyped in slot from now on; returns the previous. */
uint64_t root_use_untyped(uint64_t slot);
/* An empty slot: one given back if there is one, else a fresh one. */
uint64_t root_slot(void);
/* n consecutive fresh slots, empty; returns the first. */
uint64_t root_slots(unsigned n);
/* Gives a slot of root_slot's back: what it holds is deleted (unmap a frame first) and the
 * slot is the next root_slot's. A slot the kit did not hand out is left alone. */
void root_slot_free(uint64_t slot);
/* Maps one new page read-write at a fresh address of the root's space; returns its address. */
uint64_t root_new_page(void);
/* A scheduling context with budget and period in ticks (ROOT_TICK_US) into *sc: a new one, or
 * HV_SC_INHERIT (the root's own, unbudgeted) when budget >= period. */
int root_new_sc(uint32_t budget, uint32_t period, uint64_t *sc);
/* Starts fn as a thread of the root's address space with its own stack, on a new scheduling
 * context of budget per period ticks (the root's own when budget >= period). */
uint64_t root_spawn(void (*fn)(void), uint64_t cnode, uint64_t fault_ep, unsigned prio,
                    uint32_t budget, uint32_t period);
/* A device page of the boot information's device untyped at paddr, as a frame (0: none). The
 * same page asked for again comes back as another cap to the same frame (device_mem.c). */
uint64_t root_device_frame(const struct hv_bootinfo *info, uint64_t paddr);
/* The same for a frame of 2^bits bytes (12 or 21), aligned to its size. */
uint64_t root_device_frame_sized(const struct hv_bootinfo *info, uint64_t paddr, unsigned bits);

/* ---- programs of the boot archive (loader.c) ---- */

/* A program of the boot archive, loaded into its own address space and capability table
 * (slot 1 itself, slot 2 its thread, the rest for the caps it is given). */
struct root_program {
    uint64_t vspace, cnode, thread; /* the root's slots for them */
    uint64_t entry, stack_top;
};

void root_loader_init(const struct hv_bootinfo *info);
int root_load_program(const char *name, struct root_program *p);
/* Starts the program on scheduling context sc (a slot, or HV_SC_INHERIT: the root's own). */
int root_start_program(const struct root_program *p, unsigned prio, uint64_t sc);
/* The same, with the thread's faults sent to fault_ep (a slot of the root's: an endpoint cap,
 * its badge telling the root whose fault it is) instead of stopping it unseen. */
int root_start_watched(const struct root_program *p, unsigned prio, uint64_t sc,
                       uint64_t fault_ep);
/* root_start_program on a new scheduling context of its own: a server's own work (its
 * interrupts, its housekeeping) on a budget of budget ticks every period ticks. */
int root_start_budgeted(const struct root_program *p, unsigned prio, uint32_t budget,
                        uint32_t period);
/* The same with budget and period in microseconds (a server whose spent budget holds every
 * partition's I/O, a device thread, takes its share in short periods, so that a spent budget
 * holds it for a few milliseconds, not most of a 100 ms period), watched: its faults go to
 * fault_ep, as root_start_watched's. */
int root_start_budgeted_us(const struct root_program *p, unsigned prio, uint32_t budget_us,
                           uint32_t period_us, uint64_t fault_ep);
/* A new page holding src[0..len) (len <= 4096) and zeros, mapped at va of vspace with
 * HV_MAP_* flags; returns the frame's slot (0: failed). */
uint64_t root_page_into(uint64_t vspace, uint64_t va, unsigned flags, const void *src,
                        uint64_t len);
/* A new page holding src[0..len) (len <= 4096) and zeros, mapped nowhere; its frame's slot
 * (0: failed). Each address space it goes into maps a copy of the cap. */
uint64_t root_page_new(const void *src, uint64_t len);

/* ---- the machine's one focus (focus.c, docs/trusted-path.md) ---- */

/* Made before any server starts, since the console (started first) follows it: the page the
 * focus owner (the keyboard server) writes and every listener maps read-only, the owner's
 * endpoint, and each listener's notification, which the owner signals after a move. The
 * servers get copies with the rights they need; the root keeps these. */
struct root_focus {
    uint64_t page;         /* frame: struct hv_focus_page, version and first focus written */
    uint64_t ep;           /* the endpoint the owner serves (the root's, unbadged) */
    uint64_t console_ntfn; /* the console server waits on it */
    uint64_t display_ntfn; /* the display server waits on it */
    uint32_t first;        /* the partition with focus at start, or HV_FOCUS_NONE */
};
/* first: the partition that has the focus at start (HV_FOCUS_NONE: none may take it). */
int root_focus_create(uint32_t first, struct root_focus *out);

/* ---- the console server (console_start.c) ---- */

/* Started with nclients named clients; client i's endpoint cap (badge i + 1), input ring
 * frame and input notification are left in the root's slots for whoever will be client i.
 * focus: the machine's focus to follow (its page read-only, its console_ntfn as the input
 * thread's notification), or NULL (a system without a keyboard server: the console keeps a
 * focus of its own, moved by Ctrl-T alone). */
struct root_console {
    uint64_t ep;    /* the endpoint (the root's, unbadged) */
    uint64_t cnode; /* the server's cnode (the root's cap), for root_console_focus_owner */
    uint64_t ring_frame[HV_CONSOLE_MAX_CLIENTS];
    uint64_t input_ntfn[HV_CONSOLE_MAX_CLIENTS];
};
int root_start_console(const struct hv_bootinfo *info, unsigned nclients,
                       const char names[][HV_CONSOLE_NAME_MAX], unsigned prio,
                       const struct root_focus *focus, struct root_console *out);
/* Once the focus owner answers: the console's cap to ask it (its endpoint, badged
 * HV_FOCUS_BADGE_CONSOLE). Until then a Ctrl-T finds no owner, and the console keeps its own
 * focus from then on. */
int root_console_focus_owner(const struct root_console *con, const struct root_focus *focus);
