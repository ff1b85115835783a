/* duet-disklat: times a partition's small direct disk reads one by one, or floods its disk with
 * a deep queue of tiny direct reads; static, no libc, built by scripts/mkinitramfs for the
 * disk-flood test (docs/storage.md, "Flood isolation"). busybox can't time single requests.
 *
 *   duet-disklat lat DEV N TAG NAME   N reads of 4 KiB (O_DIRECT, depth 1) at spread offsets;
 *                                     prints DUET-LAT NAME TAG n=N p50=.. p90=.. p99=.. max=..
 *                                     (microseconds of CLOCK_MONOTONIC around each pread)
 *   duet-disklat flood DEV DEPTH NAME  DEPTH reads of 512 bytes always in flight (Linux AIO,
 *                                     O_DIRECT) at random sectors, forever; prints one line
 *                                     DUET-FLOOD NAME aio ... once 4096 have completed */
#include <stdint.h>

#include "sys.h"

#define O_RDONLY 0
#define SEEK_END 2
#define AT_FDCWD -100
#define CLOCK_MONOTONIC 1
#define IOCB_CMD_PREAD 0

GUEST_ENTRY(disklat_main);

#define LAT_MAX 4096u    /* samples one lat run may take */
#define LAT_BYTES 4096u  /* one timed read */
#define FLOOD_BYTES 512u /* one flood read: the smallest request there is */
#define DEPTH_MAX 128u

/* The kernel's struct iocb and struct io_event (include/uapi/linux/aio_abi.h, little endian). */
struct iocb {
    uint64_t data;
    uint32_t key, rw_flags;
    uint16_t opcode;
    int16_t reqprio;
    uint32_t fildes;
    uint64_t buf, nbytes;
    int64_t offset;
    uint64_t reserved2;
    uint32_t flags, resfd;
};
struct io_event {
    uint64_t data, obj;
    int64_t res, res2;
};

static _Noreturn void quit(int code)
{
    for (;;)
        sys_call3(NR_exit_group, code, 0, 0);
}

static int str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static _Noreturn void die(const char *what, long err)
{
    add("duet-disklat: ");
    add(what);
    add(" failed: error ");
    add_num((uint64_t)-err);
    emit();
    quit(1);
}

static uint64_t parse_num(const char *s)
{
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (uint64_t)(*s - '0');
    return v;
}

static uint64_t now_ns(void)
{
    struct {
        int64_t sec, nsec;
    } ts;
    sys_call3(NR_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0);
    return (uint64_t)ts.sec * 1000000000u + (uint64_t)ts.nsec;
}

/* xorshift64: offsets that differ from run to run of the ring but need no entropy. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static long open_direct(const char *dev, uint64_t *bytes)
{
    long fd = sys_call3(NR_openat, AT_FDCWD, (long)dev, O_RDONLY | O_DIRECT);
    if (fd < 0)
        die("open", fd);
    long size = sys_call3(NR_lseek, fd, 0, SEEK_END);
    if (size < (long)LAT_BYTES)
        die("lseek to the end", size < 0 ? size : -22);
    *bytes = (uint64_t)size;
    return fd;
}

static uint8_t buffers[DEPTH_MAX][LAT_BYTES] __attribute__((aligned(4096)));
static uint64_t samples[LAT_MAX];

static uint64_t percentile(unsigned n, unsigned pct)
{
    unsigned i = (n * pct + 99) / 100; /* nearest rank */
    return samples[i ? i - 1 : 0];
}

static void lat(const char *dev, unsigned n, const char *tag, const char *name)
{
    uint64_t bytes;
    long fd = open_direct(dev, &bytes);
    uint64_t blocks = bytes / LAT_BYTES;
    for (unsigned i = 0; i < n; i++) {
        int64_t off = (int64_t)(rng() % blocks * LAT_BYTES);
        uint64_t t0 = now_ns();
        long r = sys_call6(NR_pread64, fd, (long)buffers[0], LAT_BYTES, off, 0, 0);
        uint64_t t1 = now_ns();
        if (r != (long)LAT_BYTES)
            die("a timed read", r < 0 ? r : -5);
        samples[i] = (t1 - t0) / 1000;
    }
    for (unsigned i = 1; i < n; i++) { /* insertion sort: n is small */
        uint64_t v = samples[i];
        unsigned j = i;
        for (; j && samples[j - 1] > v; j--)
            samples[j] = samples[j - 1];
        samples[j] = v;
    }
    uint64_t sum = 0;
    for (unsigned i = 0; i < n; i++)
        sum += samples[i];
    add("DUET-LAT ");
    add(name);
    add(" ");
    add(tag);
    add(" n=");
    add_num(n);
    add(" p50=");
    add_num(percentile(n, 50));
    add(" p90=");
    add_num(percentile(n, 90));
    add(" p99=");
    add_num(percentile(n, 99));
    add(" max=");
    add_num(samples[n - 1]);
    add(" mean=");
    add_num(sum / n);
    add(" us");
    emit();
}

static struct iocb cbs[DEPTH_MAX];
static struct iocb *batch[DEPTH_MAX];

/* Sends n prepared requests with one io_submit: one system call, and for the driver one
 * doorbell, for the whole batch, so that a guest short of CPU still keeps its queue deep. */
static void flood_submit(long ctx, unsigned n)
{
    for (unsigned done = 0; done < n;) {
        long r = sys_call3(NR_io_submit, ctx, (long)(n - done), (long)(batch + done));
        if (r <= 0)
            die("io_submit", r < 0 ? r : -5);
        done += (unsigned)r;
    }
}

static void flood_prepare(struct iocb *cb, long fd, uint64_t sectors)
{
    cb->opcode = IOCB_CMD_PREAD;
    cb->fildes = (uint32_t)fd;
    cb->nbytes = FLOOD_BYTES;
    cb->offset = (int64_t)(rng() % sectors * FLOOD_BYTES);
}

static _Noreturn void flood(const char *dev, unsigned depth, const char *name)
{
    uint64_t bytes;
    long fd = open_direct(dev, &bytes);
    uint64_t sectors = bytes / FLOOD_BYTES;
    unsigned long ctx = 0;
    long r = sys_call3(NR_io_setup, depth, (long)&ctx, 0);
    if (r)
        die("io_setup", r);
    for (unsigned i = 0; i < depth; i++) {
        cbs[i].data = i;
        cbs[i].buf = (uint64_t)(uintptr_t)buffers[i];
        flood_prepare(&cbs[i], fd, sectors);
        batch[i] = &cbs[i];
    }
    flood_submit((long)ctx, depth);
    struct io_event ev[DEPTH_MAX];
    uint64_t done = 0, t0 = now_ns();
    for (;;) {
        r = sys_call6(NR_io_getevents, (long)ctx, 1, depth, (long)ev, 0, 0);
        if (r < 0)
            die("io_getevents", r);
        for (long i = 0; i < r; i++) {
            if (ev[i].res != FLOOD_BYTES)
                die("a flood read", ev[i].res < 0 ? ev[i].res : -5);
            struct iocb *cb = &cbs[ev[i].data % depth];
            flood_prepare(cb, fd, sectors);
            batch[i] = cb;
        }
        flood_submit((long)ctx, (unsigned)r);
        uint64_t before = done;
        done += (uint64_t)r;
        if (before < 4096 && done >= 4096) {
            uint64_t us = (now_ns() - t0) / 1000;
            add("DUET-FLOOD ");
            add(name);
            add(" aio depth ");
            add_num(depth);
            add(" of 512-byte direct reads: ");
            add_num(done);
            add(" done in ");
            add_num(us / 1000);
            add(" ms");
            emit();
        }
    }
}

static _Noreturn void usage(void)
{
    add("usage: duet-disklat lat DEV N TAG NAME | flood DEV DEPTH NAME");
    emit();
    quit(2);
}

_Noreturn void disklat_main(long *sp);
_Noreturn void disklat_main(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    if (argc == 6 && str_eq(argv[1], "lat")) {
        unsigned n = (unsigned)parse_num(argv[3]);
        if (n == 0 || n > LAT_MAX)
            usage();
        lat(argv[2], n, argv[4], argv[5]);
        quit(0);
    }
    if (argc == 5 && str_eq(argv[1], "flood")) {
        unsigned depth = (unsigned)parse_num(argv[3]);
        if (depth == 0 || depth > DEPTH_MAX)
            usage();
        flood(argv[2], depth, argv[4]);
    }
    usage();
}
