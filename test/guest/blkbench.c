/* duet-blkbench: one phase of the block benchmark (`scripts/hv bench blk`, docs/storage.md) on
 * a disk, with direct I/O (O_DIRECT: no page cache on either side of the figure), timed with
 * CLOCK_MONOTONIC. Built static with no libc by scripts/mkinitramfs; run by the `blkbench`
 * scenario, the same on bare QEMU and in a Duet partition.
 *
 *   duet-blkbench <name> write|read|rand <device> <MiB> <seed> [<seconds>]
 *
 * write: sequential 1 MiB writes of the disk's first <MiB> MiB, in passes until <seconds> (5
 *        by default) have gone by, then an untimed fsync (the flush);
 * read:  sequential 1 MiB reads of what write wrote, in passes likewise;
 * rand:  4 KiB reads at random pages of those MiB, one at a time, for <seconds>.
 * Every 4 KiB page written carries a stamp (the seed and its page number) over a body of
 * bytes drawn from the seed; read and rand check the stamp of every page they read, and read
 * then compares three whole blocks with what was written (untimed), so a benchmark that moved
 * no data, or the wrong data, says so (bad_pages, mismatched_blocks).
 * Prints DUET-BLKBENCH <name> <phase> begin, then one line DUET-BLKBENCH <name> <phase>
 * key=value...; exits 1 on any error (DUET-BLKBENCH <name> <phase> error <what>). The line
 * also carries what the guest's block layer counted over the timed part
 * (/sys/block/<device>/stat): disk_ios requests completed and disk_ms the milliseconds they
 * spent from issue to completion, the device's side of the time as the guest sees it. */
#include <stdbool.h>
#include <stdint.h>

#include "sys.h"

#define MIB (1ul << 20)
#define PAGE 4096ul
#define PAGES_PER_MIB (MIB / PAGE)
#define STAMP_MAGIC 0x4455455442454e43ull /* "DUETBENC" */
#define O_RDWR 2
#define PROT_RW 3
#define MAP_PRIVATE_ANON 0x22
#define CLOCK_MONOTONIC 1
#define AT_FDCWD -100
#define BLKGETSIZE64 0x80081272ul

GUEST_ENTRY(bench_main);

/* --- output ------------------------------------------------------------------------------- */

static void add_kv(const char *key, uint64_t v)
{
    add(" ");
    add(key);
    add("=");
    add_num(v);
}

static const char *bench_name = "?", *phase = "?";

static void start_line(void)
{
    add("DUET-BLKBENCH ");
    add(bench_name);
    add(" ");
    add(phase);
}

/* Just before the timed part: the host times this line and the result line too, a check
 * on the guest's clock (scripts/bench-blk). */
static void say_begin(void)
{
    start_line();
    add(" begin");
    emit();
}

static void fail(const char *what, long err)
{
    start_line();
    add(" error ");
    add(what);
    if (err < 0)
        add_kv("errno", (uint64_t)-err);
    emit();
    sys_call3(NR_exit_group, 1, 0, 0);
}

/* --- arguments, time, randomness ---------------------------------------------------------- */

static uint64_t parse_num(const char *s, const char *what)
{
    uint64_t v = 0;
    if (!*s)
        fail(what, 0);
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            fail(what, 0);
        v = v * 10 + (uint64_t)(*s - '0');
    }
    return v;
}

static uint64_t now_ns(void)
{
    struct {
        long sec, nsec;
    } ts;
    long r = sys_call3(NR_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0);
    if (r < 0)
        fail("clock_gettime", r);
    return (uint64_t)ts.sec * 1000000000ull + (uint64_t)ts.nsec;
}

/* splitmix64: a full-period generator, enough to spread pages and fill bodies. */
static uint64_t mix_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* --- the data ------------------------------------------------------------------------------ */

static uint64_t seed;
static uint64_t *block;    /* 1 MiB: the body every written block carries, stamps rewritten */
static uint64_t *readbuf;  /* 1 MiB: what a read brings */

static void *map_mib(void)
{
    long p = sys_call6(NR_mmap, 0, (long)MIB, PROT_RW, MAP_PRIVATE_ANON, -1, 0);
    if (p < 0 && p > -4096)
        fail("mmap", p);
    return (void *)p; /* page aligned: what O_DIRECT asks of a buffer */
}

static void make_body(void)
{
    uint64_t s = seed;
    for (unsigned long i = 0; i < MIB / 8; i++)
        block[i] = mix_next(&s);
}

/* Page p of the disk (4 KiB from offset 0) starts with {magic ^ seed, p}. */
static void stamp_block(uint64_t blk)
{
    for (unsigned long i = 0; i < PAGES_PER_MIB; i++) {
        block[i * PAGE / 8] = STAMP_MAGIC ^ seed;
        block[i * PAGE / 8 + 1] = blk * PAGES_PER_MIB + i;
    }
}

static bool stamp_ok(const uint64_t *page, uint64_t p)
{
    return page[0] == (STAMP_MAGIC ^ seed) && page[1] == p;
}

static int dev;

/* --- the block layer's own counters --------------------------------------------------------- */

static char stat_path[64] = "/sys/block/";

/* Completed requests and their milliseconds, reads and writes (fields 1, 4, 5 and 8 of
 * Documentation/block/stat.rst); zeros when the file can't be read. */
static void disk_stat(uint64_t *ios, uint64_t *ms)
{
    *ios = *ms = 0;
    char buf[256];
    int fd = (int)sys_call3(NR_openat, AT_FDCWD, (long)stat_path, 0);
    if (fd < 0)
        return;
    long n = sys_call3(NR_read, fd, (long)buf, sizeof(buf) - 1);
    sys_call3(NR_close, fd, 0, 0);
    if (n <= 0)
        return;
    buf[n] = 0;
    uint64_t field[8] = {0};
    unsigned f = 0;
    for (const char *p = buf; *p && f < 8;) {
        while (*p == ' ')
            p++;
        if (*p < '0' || *p > '9')
            break;
        uint64_t v = 0;
        while (*p >= '0' && *p <= '9')
            v = v * 10 + (uint64_t)(*p++ - '0');
        field[f++] = v;
    }
    if (f == 8) {
        *ios = field[0] + field[4];
        *ms = field[3] + field[7];
    }
}

static uint64_t stat_ios0, stat_ms0;

static void stat_begin(void)
{
    disk_stat(&stat_ios0, &stat_ms0);
}

static void stat_end(void)
{
    uint64_t ios, ms;
    disk_stat(&ios, &ms);
    add_kv("disk_ios", ios - stat_ios0);
    add_kv("disk_ms", ms - stat_ms0);
}

static void transfer(long nr, void *buf, uint64_t len, uint64_t offset, const char *what)
{
    long r = sys_call6(nr, dev, (long)buf, (long)len, (long)offset, 0, 0);
    if (r != (long)len)
        fail(what, r < 0 ? r : 0);
}

/* --- the phases ---------------------------------------------------------------------------- */

static void phase_write(uint64_t mib, uint64_t seconds)
{
    say_begin();
    stat_begin();
    uint64_t passes = 0, t0 = now_ns(), t1, end = t0 + seconds * 1000000000ull;
    do {
        for (uint64_t b = 0; b < mib; b++) {
            stamp_block(b);
            transfer(NR_pwrite64, block, MIB, b * MIB, "pwrite");
        }
        passes++;
        t1 = now_ns();
    } while (t1 < end);
    uint64_t ios, ms;
    disk_stat(&ios, &ms); /* before the flush, which is untimed */
    long r = sys_call3(NR_fsync, dev, 0, 0);
    if (r < 0)
        fail("fsync", r);
    uint64_t t2 = now_ns();
    start_line();
    add_kv("bytes", passes * mib * MIB);
    add_kv("ns", t1 - t0);
    add_kv("flush_ns", t2 - t1);
    add_kv("disk_ios", ios - stat_ios0);
    add_kv("disk_ms", ms - stat_ms0);
    emit();
}

/* Whether block b as read into readbuf is exactly what write wrote there. */
static bool block_matches(uint64_t b)
{
    stamp_block(b);
    for (unsigned long i = 0; i < MIB / 8; i++)
        if (readbuf[i] != block[i])
            return false;
    return true;
}

static void phase_read(uint64_t mib, uint64_t seconds)
{
    say_begin();
    stat_begin();
    uint64_t bad = 0, passes = 0, t0 = now_ns(), t1, end = t0 + seconds * 1000000000ull;
    do {
        for (uint64_t b = 0; b < mib; b++) {
            transfer(NR_pread64, readbuf, MIB, b * MIB, "pread");
            for (unsigned long i = 0; i < PAGES_PER_MIB; i++)
                bad += !stamp_ok(readbuf + i * PAGE / 8, b * PAGES_PER_MIB + i);
        }
        passes++;
        t1 = now_ns();
    } while (t1 < end);
    uint64_t ios, ms;
    disk_stat(&ios, &ms);
    /* Untimed: three whole blocks compared byte for byte. */
    const uint64_t check[3] = {0, mib / 2, mib - 1};
    uint64_t mismatched = 0;
    for (unsigned i = 0; i < 3; i++) {
        transfer(NR_pread64, readbuf, MIB, check[i] * MIB, "pread");
        mismatched += !block_matches(check[i]);
    }
    start_line();
    add_kv("bytes", passes * mib * MIB);
    add_kv("ns", t1 - t0);
    add_kv("bad_pages", bad);
    add_kv("mismatched_blocks", mismatched);
    add_kv("disk_ios", ios - stat_ios0);
    add_kv("disk_ms", ms - stat_ms0);
    emit();
}

/* After rand's line, a line of its own: the guest's own speed with no I/O, rounds of filling
 * 1 MiB from the generator, copying it and comparing the copy, for 1 s
 * (DUET-BLKBENCH <name> cpu rounds= ns=). Bare and Duet against each other say how much slower
 * the guest itself runs in a partition (nested paging under QEMU's TCG), apart from the device
 * path. */
static void cpu_probe(void)
{
    uint64_t rounds = 0, t0 = now_ns(), t1 = t0;
    while (t1 - t0 < 1000000000ull) {
        make_body();
        for (unsigned long i = 0; i < MIB / 8; i++)
            readbuf[i] = block[i];
        for (unsigned long i = 0; i < MIB / 8; i++)
            if (readbuf[i] != block[i])
                fail("cpu-probe-copy", 0);
        rounds++;
        t1 = now_ns();
    }
    phase = "cpu";
    start_line();
    add_kv("rounds", rounds);
    add_kv("ns", t1 - t0);
    emit();
}

static void phase_rand(uint64_t mib, uint64_t seconds)
{
    uint64_t pages = mib * PAGES_PER_MIB, ops = 0, bad = 0, s = seed ^ 0x52414e44ull;
    say_begin();
    stat_begin();
    uint64_t t0 = now_ns(), t1 = t0, end = t0 + seconds * 1000000000ull;
    while (t1 < end) {
        for (unsigned k = 0; k < 16; k++, ops++) {
            uint64_t p = mix_next(&s) % pages;
            transfer(NR_pread64, readbuf, PAGE, p * PAGE, "pread");
            bad += !stamp_ok(readbuf, p);
        }
        t1 = now_ns();
    }
    start_line();
    add_kv("ops", ops);
    add_kv("bytes", ops * PAGE);
    add_kv("ns", t1 - t0);
    add_kv("bad_pages", bad);
    stat_end();
    emit();
    cpu_probe();
}

static bool same(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

void bench_main(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    if (argc < 6 || argc > 7) {
        add("DUET-BLKBENCH usage: duet-blkbench <name> write|read|rand <device> <MiB> <seed> "
            "[<seconds>]");
        emit();
        sys_call3(NR_exit_group, 2, 0, 0);
    }
    bench_name = argv[1];
    phase = argv[2];
    uint64_t mib = parse_num(argv[4], "bad-MiB");
    seed = parse_num(argv[5], "bad-seed");
    uint64_t seconds = argc == 7 ? parse_num(argv[6], "bad-seconds") : 5;
    /* /sys/block/<the device's name>/stat: the name is what follows the last '/'. */
    const char *base = argv[3];
    for (const char *p = argv[3]; *p; p++)
        if (*p == '/')
            base = p + 1;
    unsigned at = 11;
    for (const char *p = base; *p && at < sizeof(stat_path) - 6; p++)
        stat_path[at++] = *p;
    for (const char *p = "/stat"; *p; p++)
        stat_path[at++] = *p;
    stat_path[at] = 0;
    dev = (int)sys_call3(NR_openat, AT_FDCWD, (long)argv[3], O_RDWR | O_DIRECT);
    if (dev < 0)
        fail("open", dev);
    uint64_t size = 0;
    long r = sys_call3(NR_ioctl, dev, (long)BLKGETSIZE64, (long)&size);
    if (r < 0)
        fail("BLKGETSIZE64", r);
    if (mib == 0 || mib > size / MIB)
        fail("MiB-beyond-the-disk", 0);
    block = map_mib();
    readbuf = map_mib();
    make_body();
    if (same(phase, "write"))
        phase_write(mib, seconds ? seconds : 1);
    else if (same(phase, "read"))
        phase_read(mib, seconds ? seconds : 1);
    else if (same(phase, "rand"))
        phase_rand(mib, seconds ? seconds : 1);
    else
        fail("unknown-phase", 0);
    sys_call3(NR_close, dev, 0, 0);
    sys_call3(NR_exit_group, 0, 0, 0);
}
