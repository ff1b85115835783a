/* The system-call ABI shared by the kernel and user space: numbers, registers, object types,
 * rights and the message-info word. See docs/syscalls.md for each call's arguments. */
#pragma once

#include <stdint.h>

/* System-call numbers. Gaps are reserved; a number not listed returns HV_ENOSYS. */
enum hv_syscall {
    HV_SYS_CALL = 0,
    HV_SYS_REPLY_RECV = 1,
    HV_SYS_SEND = 2,
    HV_SYS_RECV = 3,
    HV_SYS_REPLY = 4,
    HV_SYS_SIGNAL = 5,
    HV_SYS_WAIT = 6,
    HV_SYS_POLL = 7,
    HV_SYS_YIELD = 8,
    HV_SYS_RETYPE = 9,
    HV_SYS_MAP = 10,
    HV_SYS_UNMAP = 11,
    HV_SYS_CAP_COPY = 12,
    HV_SYS_CAP_DELETE = 13,
    HV_SYS_CAP_REVOKE = 14,
    HV_SYS_THREAD_CONFIGURE = 15,
    HV_SYS_THREAD_RESUME = 16,
    HV_SYS_THREAD_SUSPEND = 17,
    HV_SYS_IRQ_ACK = 18,
    HV_SYS_IRQ_GET = 19,
    HV_SYS_IRQ_BIND = 20,
    HV_SYS_DEBUG_PUTC = 21,
    /* Virtual CPUs (hv/abi/vcpu.h): a thread bound to a vcpu runs the guest when scheduled. */
    HV_SYS_VCPU_BIND = 22,
    HV_SYS_VCPU_READ = 23,
    HV_SYS_VCPU_WRITE = 24,
    HV_SYS_VCPU_INJECT = 25,
    /* Port I/O through an I/O-port cap (x86; HV_ENOSYS elsewhere). */
    HV_SYS_IOPORT_IN = 26,
    HV_SYS_IOPORT_OUT = 27,
    /* Scheduling contexts (docs/syscalls.md, "Scheduling"). */
    HV_SYS_SC_CONFIGURE = 28,
    HV_SYS_SC_CONSUMED = 29,
    /* DMA memory: a frame's bus address for a device the caller drives (docs/syscalls.md). */
    HV_SYS_DMA_MAP = 30,
    /* A vcpu's doorbell: a guest store to one register signals a notification without an
     * exit to the VMM (hv/abi/vcpu.h; AArch64, HV_ENOSYS elsewhere). */
    HV_SYS_VCPU_DOORBELL = 31,
    HV_SYS_COUNT = 32,
};

/*
 * Registers. A call uses nine abstract registers R0..R8, the same on both arches:
 *
 *            number   R0   R1   R2   R3   R4   R5   R6   R7   R8 (out only)
 *   AArch64  x8       x0   x1   x2   x3   x4   x5   x6   x7   x8
 *   x86_64   rax      rdi  rsi  rdx  r10  r8   r9   r12  r13  rax
 *
 * AArch64 enters with `svc #0`; x86_64 with `syscall` (which clobbers rcx and r11).
 * On return R0 holds the error code (HV_OK or an enum hv_error), other results follow in R1...
 * For IPC, R1 is the message-info word, R2..R7 the six message words, and R8 (the register
 * that carried the number) the badge of the capability the message came through.
 * Registers a call does not name as results are preserved.
 */
#define HV_SYSCALL_REGS 9
#define HV_REG_NUMBER 8 /* R8 carries the number in and the badge out */
#define HV_MSG_WORDS 6
#define HV_REG_MSG0 2

/* Message-info word: bits 0..3 length (0..6 words), bits 4..15 zero, bits 16..63 the label. */
#define HV_MSGINFO_LEN_MASK 0xfull
#define HV_MSGINFO_RESERVED 0xfff0ull
#define HV_MSGINFO_LABEL_SHIFT 16
static inline uint64_t hv_msginfo(uint64_t label, unsigned len)
{
    return (label << HV_MSGINFO_LABEL_SHIFT) | (len & HV_MSGINFO_LEN_MASK);
}
static inline unsigned hv_msginfo_len(uint64_t info) { return (unsigned)(info & HV_MSGINFO_LEN_MASK); }
static inline uint64_t hv_msginfo_label(uint64_t info) { return info >> HV_MSGINFO_LABEL_SHIFT; }

/* Object types: the value a capability reports and the `type` argument of retype. */
enum hv_obj_type {
    HV_OBJ_NONE = 0, /* an empty slot */
    HV_OBJ_UNTYPED = 1,
    HV_OBJ_CNODE = 2,
    HV_OBJ_THREAD = 3,
    HV_OBJ_ENDPOINT = 4,
    HV_OBJ_NOTIFICATION = 5,
    HV_OBJ_FRAME = 6,  /* size_bits 12 (4 KiB) or 21 (2 MiB) */
    HV_OBJ_VSPACE = 7, /* a page-table root plus its table pool: size_bits 15..24 */
    HV_OBJ_IRQ_CONTROL = 8,
    HV_OBJ_IRQ_HANDLER = 9,
    HV_OBJ_IOPORT = 10, /* x86 only: honoured by that arch alone */
    HV_OBJ_VCPU = 11,   /* a guest CPU (hv/abi/vcpu.h): retype size 0, HV_VCPU_SIZE_BITS */
    HV_OBJ_GUEST_VSPACE = 12, /* a guest-physical address space (stage 2 / NPT): 15..24 */
    HV_OBJ_SCHED_CONTEXT = 13, /* a CPU budget per period threads run on: retype size 0 */
    HV_OBJ_SCHED_CONTROL = 14, /* the root task's right to set budgets (one, made at boot) */
    HV_OBJ_DEBUG_CONSOLE = 15, /* the right to write to the kernel's console (debug_putc) */
    HV_OBJ_TYPE_COUNT = 16,
};

/* Object sizes fixed by the kernel (log2 bytes). */
#define HV_THREAD_SIZE_BITS 10
#define HV_ENDPOINT_SIZE_BITS 6
#define HV_NOTIFICATION_SIZE_BITS 6
#define HV_SCHED_CONTEXT_SIZE_BITS 7
#define HV_CNODE_SLOT_BITS 6       /* a cnode of 2^n slots takes 2^(n + 6) bytes */
#define HV_CNODE_MIN_SLOTS_BITS 2
#define HV_CNODE_MAX_SLOTS_BITS 12
#define HV_VSPACE_MIN_BITS 15
#define HV_VSPACE_MAX_BITS 24
#define HV_UNTYPED_MIN_BITS 12
#define HV_UNTYPED_MAX_BITS 47

/* Capability rights (the model: docs/syscalls.md, "Rights"). */
#define HV_RIGHT_READ (1u << 0)  /* recv/wait/poll; map readable; read the object's state */
#define HV_RIGHT_WRITE (1u << 1) /* send/call/signal; map writable; modify, configure, unmap,
                                  * revoke; run a thread in the cnode or address space */
#define HV_RIGHT_GRANT (1u << 2) /* pass it on: cap_copy takes it from the source */
#define HV_RIGHT_EXEC (1u << 3)  /* map the frame executable */
#define HV_RIGHTS_ALL 15u

/* Mapping flags of HV_SYS_MAP. */
#define HV_MAP_READ (1u << 0)
#define HV_MAP_WRITE (1u << 1)
#define HV_MAP_EXEC (1u << 2)
#define HV_MAP_DEVICE (1u << 3)

/* irq_get's R4: how the line signals. 0 is the platform's way for that line (x86_64: IOAPIC
 * inputs 0-15 edge / active high, the ISA convention; 16 and up level / active low, PCI INTx;
 * AArch64: level, the GIC's reset state). The GIC has no active-low lines. */
#define HV_IRQ_TRIGGER_DEFAULT 0u
#define HV_IRQ_EDGE_HIGH 1u
#define HV_IRQ_LEVEL_HIGH 2u
#define HV_IRQ_EDGE_LOW 3u
#define HV_IRQ_LEVEL_LOW 4u
#define HV_IRQ_TRIGGER_MAX 4u

/* I/O-port caps: cap_copy's badge argument narrows a copy to ports [first, first + count),
 * which must lie within the source cap's range (count 1..65536). */
#define HV_IOPORT_RANGE(first, count) ((uint64_t)(first) | (uint64_t)(count) << 16)
#define HV_IOPORT_MAX 0xffffu

/* Fault messages: the label of the message a faulting thread's handler receives; words are
 * {address, syndrome, pc}. Replying resumes the thread with its registers unchanged. */
enum hv_fault {
    HV_FAULT_PAGE = 1,
    HV_FAULT_UNDEFINED = 2,
    HV_FAULT_OTHER = 3,
    HV_FAULT_VCPU = 4, /* a guest exit: words laid out in hv/abi/vcpu.h */
};

/* Scheduling limits: thread_configure's priority, sc_configure's budget and period. */
#define HV_PRIO_MAX 255
#define HV_SC_PERIOD_MIN_US 100u       /* 0.1 ms: shorter periods would be all overhead */
#define HV_SC_PERIOD_MAX_US 100000000u /* 100 s */
/* thread_configure's R5: the scheduling context the thread runs on. */
#define HV_SC_INHERIT 0 /* the configuring thread's own (the root task's: unbudgeted) */
