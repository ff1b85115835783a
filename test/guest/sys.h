/* The system-call layer the guests' static no-libc tools in test/guest share, for aarch64 and
 * x86_64: Linux syscall numbers, the call itself, the _start stub and a one-line output buffer. */
#ifndef DUET_GUEST_SYS_H
#define DUET_GUEST_SYS_H

#include <stdint.h>

/* The union of the syscall numbers the tools use; checked against linux-libc-dev's
 * asm-generic/unistd.h (arm64 uses the generic table) and asm/unistd_64.h. */
#if defined(__aarch64__)
#define O_DIRECT 0200000 /* arm64's own value (arch/arm64/include/uapi/asm/fcntl.h) */
enum {
    NR_io_setup = 0,
    NR_io_submit = 2,
    NR_io_getevents = 4,
    NR_ioctl = 29,
    NR_openat = 56,
    NR_close = 57,
    NR_lseek = 62,
    NR_read = 63,
    NR_write = 64,
    NR_pread64 = 67,
    NR_pwrite64 = 68,
    NR_ppoll = 73,
    NR_fsync = 82,
    NR_exit_group = 94,
    NR_clock_gettime = 113,
    NR_uname = 160,
    NR_socket = 198,
    NR_bind = 200,
    NR_connect = 203,
    NR_sendto = 206,
    NR_recvfrom = 207,
    NR_setsockopt = 208,
    NR_shutdown = 210,
    NR_clone = 220,
    NR_mmap = 222,
    NR_wait4 = 260
};

static inline long sys_call6(long n, long a, long b, long c, long d, long e, long f)
{
    register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c, x3 __asm__("x3") = d, x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;
    __asm__ volatile("svc #0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory");
    return x0;
}

/* The kernel enters at _start with argc, argv, envp on the stack: hand that stack to main;
 * main never returns (it calls exit_group), so a return traps. */
#define GUEST_ENTRY(main_function)                                                                 \
    __asm__(".global _start\n_start:\n mov x29, #0\n mov x0, sp\n"                                 \
            " bl " #main_function "\n brk #0\n")
#elif defined(__x86_64__)
#define O_DIRECT 040000 /* asm-generic/fcntl.h */
enum {
    NR_read = 0,
    NR_write = 1,
    NR_close = 3,
    NR_lseek = 8,
    NR_mmap = 9,
    NR_ioctl = 16,
    NR_pread64 = 17,
    NR_pwrite64 = 18,
    NR_socket = 41,
    NR_connect = 42,
    NR_sendto = 44,
    NR_recvfrom = 45,
    NR_shutdown = 48,
    NR_bind = 49,
    NR_setsockopt = 54,
    NR_clone = 56,
    NR_wait4 = 61,
    NR_uname = 63,
    NR_fsync = 74,
    NR_iopl = 172,
    NR_io_setup = 206,
    NR_io_getevents = 208,
    NR_io_submit = 209,
    NR_clock_gettime = 228,
    NR_exit_group = 231,
    NR_openat = 257,
    NR_ppoll = 271
};

static inline long sys_call6(long n, long a, long b, long c, long d, long e, long f)
{
    register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

/* As above; the stack is aligned to 16 bytes before the call, as the ABI wants. */
#define GUEST_ENTRY(main_function)                                                                 \
    __asm__(".global _start\n_start:\n xor %ebp, %ebp\n mov %rsp, %rdi\n and $-16, %rsp\n"         \
            " call " #main_function "\n ud2\n")
#else
#error "the guest tools are built for aarch64 or x86_64"
#endif

/* Most calls take three arguments or fewer. */
static inline long sys_call3(long n, long a, long b, long c)
{
    return sys_call6(n, a, b, c, 0, 0, 0);
}

/* One output line is built whole and written with one write, so lines never tear against
 * other writers of the console. A tool may define GUEST_LINE_BYTES before including this. */
#ifndef GUEST_LINE_BYTES
#define GUEST_LINE_BYTES 256
#endif

static char line[GUEST_LINE_BYTES];
static unsigned line_len;

/* Appends s, cut short where the line is full (one byte always stays free for the newline). */
static inline void add(const char *s)
{
    while (*s && line_len < sizeof(line) - 1)
        line[line_len++] = *s++;
}

/* Appends v in base 2 to 16, with no prefix. */
static inline void add_num_base(uint64_t v, unsigned base)
{
    char buf[66];
    int i = sizeof(buf) - 1;
    buf[i] = '\0';
    do {
        buf[--i] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    add(buf + i);
}

/* Appends v in decimal. */
static inline void add_num(uint64_t v)
{
    add_num_base(v, 10);
}

/* Ends the line, writes it to stdout and starts the next. */
static inline void emit(void)
{
    line[line_len++] = '\n';
    sys_call3(NR_write, 1, (long)line, line_len);
    line_len = 0;
}

#endif
