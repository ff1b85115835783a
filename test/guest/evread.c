/* duet-evread: reads a keyboard's evdev node in a test guest and prints each key event on the
 * console, for the keyboard tests (docs/trusted-path.md, "Guests"). Built static with no libc by
 * scripts/mkinitramfs; run by the `keys` scenario, the same on bare QEMU and in a partition.
 *
 *   duet-evread <name> <device name> <events> <seconds>
 *
 * Finds the /dev/input/event<N> whose EVIOCGNAME is <device name> ("Duet keyboard" in a
 * partition, "QEMU Virtio Keyboard" on bare QEMU), says DUET-EVREAD <name> ready <path>, then
 * prints one line DUET-EVREAD <name> KEY <code> <value> per EV_KEY event (value 1 press, 0
 * release, 2 repeat), until <events> of them or <seconds> have gone by, and a last line
 * DUET-EVREAD <name> done keys=<n> (or timeout keys=<n>). No such device: DUET-EVREAD <name>
 * absent, exit 1. */
#include <stdint.h>

#define O_RDONLY 0
#define O_CLOEXEC 02000000
#define AT_FDCWD -100
#define CLOCK_MONOTONIC 1
#define POLLIN 1
#define EV_KEY 1
#define EVENT_NODES 32
/* EVIOCGNAME(len): _IOC(_IOC_READ, 'E', 0x06, len), the same encoding on both arches. */
#define EVIOCGNAME(len) ((2ul << 30) | ((unsigned long)(len) << 16) | ('E' << 8) | 0x06)

#if defined(__aarch64__)
enum { NR_ioctl = 29, NR_openat = 56, NR_close = 57, NR_read = 63, NR_write = 64,
       NR_ppoll = 73, NR_exit_group = 94, NR_clock_gettime = 113 };

static long syscall5(long n, long a, long b, long c, long d, long e)
{
    register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c, x3 __asm__("x3") = d, x4 __asm__("x4") = e;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4)
                     : "memory");
    return x0;
}

__asm__(".global _start\n_start:\n mov x29, #0\n mov x0, sp\n bl evread_main\n brk #0\n");
#elif defined(__x86_64__)
enum { NR_read = 0, NR_write = 1, NR_close = 3, NR_ioctl = 16, NR_clock_gettime = 228,
       NR_exit_group = 231, NR_openat = 257, NR_ppoll = 271 };

static long syscall5(long n, long a, long b, long c, long d, long e)
{
    register long r10 __asm__("r10") = d, r8 __asm__("r8") = e;
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return ret;
}

__asm__(".global _start\n_start:\n xor %ebp, %ebp\n mov %rsp, %rdi\n and $-16, %rsp\n"
        " call evread_main\n ud2\n");
#else
#error "duet-evread is built for aarch64 or x86_64"
#endif

static long sys(long n, long a, long b, long c)
{
    return syscall5(n, a, b, c, 0, 0);
}

/* struct input_event of a 64-bit kernel: a timeval, then type, code, value. */
struct input_event {
    int64_t sec, usec;
    uint16_t type, code;
    int32_t value;
};
_Static_assert(sizeof(struct input_event) == 24, "the 64-bit layout");

struct timespec {
    int64_t sec, nsec;
};

struct pollfd {
    int fd;
    short events, revents;
};

/* --- output ------------------------------------------------------------------------------- */

static char line[160];
static unsigned line_len;
static const char *who = "?";

static void add(const char *s)
{
    while (*s && line_len < sizeof(line) - 1)
        line[line_len++] = *s++;
}

static void add_num(int64_t v)
{
    char buf[24];
    int i = sizeof(buf) - 1;
    uint64_t u = v < 0 ? (uint64_t)-v : (uint64_t)v;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[--i] = '-';
    add(buf + i);
}

static void say(const char *what)
{
    add("DUET-EVREAD ");
    add(who);
    add(" ");
    add(what);
}

static void emit(void)
{
    add("\n");
    sys(NR_write, 1, (long)line, line_len);
    line_len = 0;
}

/* --- the work ----------------------------------------------------------------------------- */

static uint64_t parse(const char *s)
{
    uint64_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint64_t)(*s++ - '0');
    return v;
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static int64_t now_s(void)
{
    struct timespec t = {0, 0};
    sys(NR_clock_gettime, CLOCK_MONOTONIC, (long)&t, 0);
    return t.sec;
}

/* /dev/input/event<N> whose name is want: its fd (path in *path), or -1. */
static int find_device(const char *want, char *path)
{
    for (unsigned n = 0; n < EVENT_NODES; n++) {
        const char *pre = "/dev/input/event";
        unsigned i = 0;
        while (*pre)
            path[i++] = *pre++;
        if (n >= 10)
            path[i++] = (char)('0' + n / 10);
        path[i++] = (char)('0' + n % 10);
        path[i] = '\0';
        long fd = sys(NR_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        char name[128] = {0};
        long r = sys(NR_ioctl, fd, (long)EVIOCGNAME(sizeof(name) - 1), (long)name);
        if (r > 0 && streq(name, want))
            return (int)fd;
        sys(NR_close, fd, 0, 0);
    }
    return -1;
}

void evread_main(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    if (argc != 5) {
        add("usage: duet-evread <name> <device name> <events> <seconds>");
        emit();
        sys(NR_exit_group, 2, 0, 0);
    }
    who = argv[1];
    uint64_t want = parse(argv[3]), secs = parse(argv[4]);
    char path[32];
    int fd = find_device(argv[2], path);
    if (fd < 0) {
        say("absent");
        emit();
        sys(NR_exit_group, 1, 0, 0);
    }
    say("ready ");
    add(path);
    emit();
    int64_t end = now_s() + (int64_t)secs;
    uint64_t keys = 0;
    struct input_event ev[16];
    while (keys < want) {
        int64_t left = end - now_s();
        if (left <= 0)
            break;
        struct pollfd p = {fd, POLLIN, 0};
        struct timespec t = {left, 0};
        long r = syscall5(NR_ppoll, (long)&p, 1, (long)&t, 0, 0);
        if (r <= 0)
            continue; /* timed out (checked above) or interrupted */
        long n = sys(NR_read, fd, (long)ev, sizeof(ev));
        if (n < 0) {
            say("error read errno=");
            add_num(-n);
            emit();
            sys(NR_exit_group, 1, 0, 0);
        }
        for (long i = 0; i < n / (long)sizeof(ev[0]) && keys < want; i++) {
            if (ev[i].type != EV_KEY)
                continue;
            say("KEY ");
            add_num(ev[i].code);
            add(" ");
            add_num(ev[i].value);
            emit();
            keys++;
        }
    }
    say(keys < want ? "timeout keys=" : "done keys=");
    add_num((int64_t)keys);
    emit();
    sys(NR_exit_group, 0, 0, 0);
}
