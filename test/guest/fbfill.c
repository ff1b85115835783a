/* duet-fbfill: fills a guest's whole /dev/fb0 with a pattern the display test can recompute,
 * then tries to write past its end. Built static with no libc by scripts/mkinitramfs; run by
 * the `fb` scenario (docs/trusted-path.md, "Display").
 *
 *   duet-fbfill <name> <seed>
 *
 * Pixel (x, y) of the framebuffer, for every row that fits smem_len, is fbfill_pixel(x, y, seed)
 * below (test/qemu/display_screen.py has the same formula). Prints
 *   DUET-FB <name> fb0 id=<driver> xres=.. yres=.. bpp=.. stride=.. smem_start=.. smem_len=..
 *   DUET-FB <name> filled rows=.. past-end=<errno of a write at smem_len> straddle=<bytes>
 * and exits 1 on an error (DUET-FB <name> error <what>). */
#include <stdint.h>

#include "sys.h"

#define O_RDWR 2
#define PROT_RW 3
#define MAP_SHARED 0x01
#define AT_FDCWD -100
#define FBIOGET_VSCREENINFO 0x4600
#define FBIOGET_FSCREENINFO 0x4602

GUEST_ENTRY(fill_main);

/* The pattern: red and green from the position, blue from the seed, so that two guests'
 * screens and a shifted or cut copy of one all differ. */
static uint32_t fbfill_pixel(uint32_t x, uint32_t y, uint32_t seed)
{
    return ((x * 3 + y) & 0xff) << 16 | ((x ^ (y * 5)) & 0xff) << 8 | (seed & 0xff);
}

static const char *name = "?";

static void add_kv(const char *key, uint64_t v, unsigned base)
{
    add(" ");
    add(key);
    add(base == 16 ? "=0x" : "=");
    add_num_base(v, base);
}

static void start_line(void)
{
    add("DUET-FB ");
    add(name);
}

static void fail(const char *what, long err)
{
    start_line();
    add(" error ");
    add(what);
    if (err < 0)
        add_kv("errno", (uint64_t)-err, 10);
    emit();
    sys_call3(NR_exit_group, 1, 0, 0);
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t var[160], fix[80], scratch[4096];

void fill_main(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    if (argc != 3) {
        add("DUET-FB usage: duet-fbfill <name> <seed>");
        emit();
        sys_call3(NR_exit_group, 2, 0, 0);
    }
    name = argv[1];
    uint32_t seed = 0;
    for (const char *s = argv[2]; *s >= '0' && *s <= '9'; s++)
        seed = seed * 10 + (uint32_t)(*s - '0');
    long fd = sys_call3(NR_openat, AT_FDCWD, (long)"/dev/fb0", O_RDWR);
    if (fd < 0)
        fail("open-/dev/fb0", fd);
    long r = sys_call3(NR_ioctl, fd, FBIOGET_VSCREENINFO, (long)var);
    if (r < 0)
        fail("FBIOGET_VSCREENINFO", r);
    r = sys_call3(NR_ioctl, fd, FBIOGET_FSCREENINFO, (long)fix);
    if (r < 0)
        fail("FBIOGET_FSCREENINFO", r);
    /* struct fb_fix_screeninfo: id[16], smem_start (unsigned long), smem_len, ..., line_length
     * at 48; struct fb_var_screeninfo: xres, yres, ..., bits_per_pixel at 24. */
    uint32_t xres = le32(var), yres = le32(var + 4), bpp = le32(var + 24);
    uint64_t smem_start = le32(fix + 16) | (uint64_t)le32(fix + 20) << 32;
    uint32_t smem_len = le32(fix + 24), stride = le32(fix + 48);
    char id[17];
    for (unsigned i = 0; i < 16; i++)
        id[i] = fix[i] ? (char)fix[i] : '\0';
    id[16] = '\0';
    start_line();
    add(" fb0 id=");
    add(id);
    add_kv("xres", xres, 10);
    add_kv("yres", yres, 10);
    add_kv("bpp", bpp, 10);
    add_kv("stride", stride, 10);
    add_kv("smem_start", smem_start, 16);
    add_kv("smem_len", smem_len, 10);
    emit();
    if (bpp != 32 || stride < xres * 4 || stride == 0)
        fail("not-xrgb8888", 0);
    long va = sys_call6(NR_mmap, 0, smem_len, PROT_RW, MAP_SHARED, fd, 0);
    if (va < 0 && va > -4096)
        fail("mmap", va);
    /* All of smem_len: the rows, a stride's padding, and whatever follows the last row. */
    uint32_t rows = smem_len / stride;
    for (uint32_t y = 0; y < rows; y++) {
        uint32_t *row = (uint32_t *)(va + (uint64_t)y * stride);
        for (uint32_t x = 0; x < stride / 4; x++)
            row[x] = fbfill_pixel(x, y, seed);
    }
    for (uint64_t b = (uint64_t)rows * stride; b < smem_len; b++)
        ((volatile uint8_t *)va)[b] = 0xff;
    /* Past the end through write(): refused; across the end: cut at it. */
    for (unsigned i = 0; i < sizeof(scratch); i++)
        scratch[i] = 0xff;
    long past = sys_call6(NR_pwrite64, fd, (long)scratch, sizeof(scratch), smem_len, 0, 0);
    long straddle =
        sys_call6(NR_pwrite64, fd, (long)scratch, sizeof(scratch), smem_len - 2048, 0, 0);
    /* ... which wrote 0xff over the last 2048 bytes: put the pattern back there. */
    for (uint64_t b = smem_len - 2048; b < smem_len; b++) {
        uint64_t y = b / stride, x = (b % stride) / 4;
        if (y < rows)
            ((volatile uint8_t *)va)[b] =
                (uint8_t)(fbfill_pixel((uint32_t)x, (uint32_t)y, seed) >> (8 * (b % 4)));
    }
    start_line();
    add(" filled");
    add_kv("rows", rows, 10);
    add_kv("past-end", past < 0 ? (uint64_t)-past : 0, 10);
    add_kv("straddle", straddle < 0 ? 0 : (uint64_t)straddle, 10);
    emit();
    sys_call3(NR_exit_group, 0, 0, 0);
}
