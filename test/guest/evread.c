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

#define GUEST_LINE_BYTES 160
#include "sys.h"

#define O_RDONLY 0
#define O_CLOEXEC 02000000
#define AT_FDCWD -100
#define CLOCK_MONOTONIC 1
#define POLLIN 1
#define EV_KEY 1
#define EVENT_NODES 32
/* EVIOCGNAME(len): _IOC(_IOC_READ, 'E', 0x06, len), the same encoding on both arches. */
#define EVIOCGNAME(len) ((2ul << 30) | ((unsigned long)(len) << 16) | ('E' << 8) | 0x06)

GUEST_ENTRY(evread_main);

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

static const char *who = "?";

/* Appends a signed number in decimal. */
static void add_int(int64_t v)
{
    if (v < 0)
        add("-");
    add_num(v < 0 ? -(uint64_t)v : (uint64_t)v);
}

static void say(const char *what)
{
    add("DUET-EVREAD ");
    add(who);
    add(" ");
    add(what);
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
    sys_call3(NR_clock_gettime, CLOCK_MONOTONIC, (long)&t, 0);
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
        long fd = sys_call3(NR_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        char name[128] = {0};
        long r = sys_call3(NR_ioctl, fd, (long)EVIOCGNAME(sizeof(name) - 1), (long)name);
        if (r > 0 && streq(name, want))
            return (int)fd;
        sys_call3(NR_close, fd, 0, 0);
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
        sys_call3(NR_exit_group, 2, 0, 0);
    }
    who = argv[1];
    uint64_t want = parse(argv[3]), secs = parse(argv[4]);
    char path[32];
    int fd = find_device(argv[2], path);
    if (fd < 0) {
        say("absent");
        emit();
        sys_call3(NR_exit_group, 1, 0, 0);
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
        long r = sys_call3(NR_ppoll, (long)&p, 1, (long)&t);
        if (r <= 0)
            continue; /* timed out (checked above) or interrupted */
        long n = sys_call3(NR_read, fd, (long)ev, sizeof(ev));
        if (n < 0) {
            say("error read errno=");
            add_int(-n);
            emit();
            sys_call3(NR_exit_group, 1, 0, 0);
        }
        for (long i = 0; i < n / (long)sizeof(ev[0]) && keys < want; i++) {
            if (ev[i].type != EV_KEY)
                continue;
            say("KEY ");
            add_int(ev[i].code);
            add(" ");
            add_int(ev[i].value);
            emit();
            keys++;
        }
    }
    say(keys < want ? "timeout keys=" : "done keys=");
    add_int((int64_t)keys);
    emit();
    sys_call3(NR_exit_group, 0, 0, 0);
}
