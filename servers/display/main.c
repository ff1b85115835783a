/* The display server: owns QEMU's ramfb through fw_cfg, draws each partition's strip once in
 * its screen buffer (the strip's pages are the only ones it maps), points ramfb at the focused
 * partition's buffer, and follows the focus page: after every move the owner signals, it points
 * ramfb at the other buffer, whose strip is already drawn (docs/trusted-path.md, "Display"). */
#include "fw_cfg.h"
#include "psf.h"
#include "strip.h"
#include "strip_font.h"

#include <hv/abi/error.h>
#include <hv/print.h>
#include <hv/proto/display.h>
#include <hv/proto/focus.h>
#include <hv/string.h>
#include <hv/sys.h>

static const struct hv_display_config *config = (const void *)HV_DEVICE_CONFIG_VA;
static const struct hv_focus_page *focus_page = (const void *)HV_DISPLAY_FOCUS_VA;

/* The DMA page: the access descriptor, etc/ramfb's bytes, and the file directory read in. */
#define DMA_DESC_OFFSET 0u
#define DMA_RAMFB_OFFSET 64u
#define DMA_DIR_OFFSET 128u
#define DMA_DIR_MAX (4096u - DMA_DIR_OFFSET)
static uint8_t *const dma_page = (uint8_t *)HV_DISPLAY_DMA_VA;
static uint64_t dma_bus;

/* ---- fw_cfg's registers: MMIO on AArch64 virt, I/O ports on x86_64 q35 ---- */

#if defined(__aarch64__)
#define FW_CFG_DATA 0x0u     /* 8 bits read at a time here */
#define FW_CFG_SELECTOR 0x8u /* 16 bits, big-endian */
#define FW_CFG_DMA 0x10u     /* 64 bits, big-endian; the store starts the access */

static volatile uint8_t *const regs = (volatile uint8_t *)HV_DEVICE_REGS_VA;

static void select_item(uint16_t item)
{
    *(volatile uint16_t *)(regs + FW_CFG_SELECTOR) = __builtin_bswap16(item);
}

static uint8_t read_data(void)
{
    return regs[FW_CFG_DATA];
}

static void start_dma(uint64_t addr)
{
    __asm__ volatile("dsb sy" ::: "memory"); /* the descriptor before the device reads it */
    *(volatile uint64_t *)(regs + FW_CFG_DMA) = __builtin_bswap64(addr);
    __asm__ volatile("dsb sy" ::: "memory");
}
#else
#define FW_CFG_PORT_SELECTOR 0x510u /* 16 bits, little-endian */
#define FW_CFG_PORT_DATA 0x511u
#define FW_CFG_PORT_DMA_HI 0x514u /* the DMA address, big-endian: high half */
#define FW_CFG_PORT_DMA_LO 0x518u /* low half: writing it starts the access */

static void select_item(uint16_t item)
{
    hv_ioport_out(HV_DISPLAY_SLOT_SELECT, FW_CFG_PORT_SELECTOR, 2, item);
}

static uint8_t read_data(void)
{
    uint32_t v = 0;
    hv_ioport_in(HV_DISPLAY_SLOT_SELECT, FW_CFG_PORT_DATA, 1, &v);
    return (uint8_t)v;
}

static void start_dma(uint64_t addr)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* port writes are serialising; the compiler too */
    hv_ioport_out(HV_DISPLAY_SLOT_DMA_PORTS, FW_CFG_PORT_DMA_HI, 4,
                  __builtin_bswap32((uint32_t)(addr >> 32)));
    hv_ioport_out(HV_DISPLAY_SLOT_DMA_PORTS, FW_CFG_PORT_DMA_LO, 4,
                  __builtin_bswap32((uint32_t)addr));
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
#endif

/* One DMA access with the descriptor at the DMA page's start; QEMU completes it before the
 * kick returns, so a control word not yet 0 is an error. */
static bool dma_access(uint16_t item, uint32_t op, uint32_t len, uint32_t page_offset)
{
    fw_cfg_dma_encode(dma_page + DMA_DESC_OFFSET, item, true, op, len, dma_bus + page_offset);
    start_dma(dma_bus + DMA_DESC_OFFSET);
    for (unsigned spin = 0; spin < 1000; spin++) {
        uint32_t c = fw_cfg_dma_control(dma_page + DMA_DESC_OFFSET);
        if (c == 0)
            return true;
        if (c & FW_CFG_DMA_ERROR)
            return false;
    }
    return false;
}

/* etc/ramfb's selector, or 0 when the machine has no ramfb (or fw_cfg lacks DMA). */
static uint16_t find_ramfb(void)
{
    static const char sig[4] = {'Q', 'E', 'M', 'U'};
    select_item(FW_CFG_SEL_SIGNATURE);
    for (unsigned i = 0; i < 4; i++)
        if (read_data() != (uint8_t)sig[i]) {
            hv_printf("display: no fw_cfg (signature byte %u): no ramfb\n", i);
            return 0;
        }
    select_item(FW_CFG_SEL_ID);
    uint32_t id = 0;
    for (unsigned i = 0; i < 4; i++)
        id |= (uint32_t)read_data() << (8 * i);
    if (!(id & FW_CFG_ID_DMA)) {
        hv_printf("display: fw_cfg without its DMA interface (id %x): no ramfb\n", id);
        return 0;
    }
    if (!dma_access(FW_CFG_SEL_FILE_DIR, FW_CFG_DMA_READ, DMA_DIR_MAX, DMA_DIR_OFFSET)) {
        hv_printf("display: fw_cfg's file directory could not be read\n");
        return 0;
    }
    uint16_t sel;
    uint32_t size;
    if (!fw_cfg_find_file(dma_page + DMA_DIR_OFFSET, DMA_DIR_MAX, "etc/ramfb", &sel, &size)) {
        hv_printf("display: no etc/ramfb in fw_cfg: the machine has no ramfb\n");
        return 0;
    }
    if (size != RAMFB_CFG_SIZE) {
        hv_printf("display: etc/ramfb is %u bytes, not %u\n", size, RAMFB_CFG_SIZE);
        return 0;
    }
    return sel;
}

/* ---- the screens ---- */

static uint64_t screen_bus[HV_DISPLAY_MAX_SCREENS];
static uint16_t ramfb_item;

static void draw_strips(void)
{
    static struct psf_font font;
    enum psf_error pe = psf_open(&font, strip_font_psf, strip_font_psf_size);
    if (pe != PSF_OK)
        hv_printf("display: the strip's font: %s\n", psf_strerror(pe));
    for (unsigned i = 0; i < config->nscreens; i++) {
        const struct hv_display_screen *s = &config->screens[i];
        struct framebuffer fb = {
            .base = (uint8_t *)HV_DISPLAY_SCREEN_VA(i),
            .size = s->strip_bytes,
            .width = config->width,
            .height = config->strip_rows,
            .stride = config->stride,
            .format = FB_XRGB8888,
        };
        enum strip_error se = pe == PSF_OK ? strip_draw(&fb, config->strip_rows, &font, s->name,
                                                        HV_PT_NAME_MAX, s->colour)
                                           : STRIP_EFRAMEBUFFER;
        int r = hv_dma_map(HV_DISPLAY_SLOT_SCREEN + i, HV_DEVICE_SLOT_DEVICE, &screen_bus[i]);
        if (se != STRIP_OK || r)
            hv_printf("display: screen %s: strip error %d, bus address error %d\n", s->name, se, r);
    }
}

/* Points ramfb at the screen of the partition with focus. */
static void show(uint32_t partition)
{
    const struct hv_display_screen *s = NULL;
    unsigned i = 0;
    for (; i < config->nscreens; i++)
        if (config->screens[i].partition == partition) {
            s = &config->screens[i];
            break;
        }
    if (!s || !screen_bus[i]) {
        /* The old screen stays: its strip names the partition it belongs to, not this one. */
        hv_printf("display: the partition with focus (%u) has no screen\n", partition);
        return;
    }
    if (!ramfb_item)
        return;
    ramfb_cfg_encode(dma_page + DMA_RAMFB_OFFSET, screen_bus[i], config->width, config->height,
                     config->stride);
    if (!dma_access(ramfb_item, FW_CFG_DMA_WRITE, RAMFB_CFG_SIZE, DMA_RAMFB_OFFSET))
        hv_printf("display: ramfb refused screen %s\n", s->name);
    else
        hv_printf("display: showing %s\n", s->name);
}

void hv_main(uint64_t arg)
{
    (void)arg;
    hv_print_to_console(HV_DEVICE_SLOT_LOG);
    if (config->version != HV_DISPLAY_CONFIG_VERSION || config->nscreens > HV_DISPLAY_MAX_SCREENS ||
        config->width != HV_DISPLAY_WIDTH || config->stride != HV_DISPLAY_STRIDE ||
        config->strip_rows != HV_DISPLAY_STRIP_ROWS) {
        hv_printf("display: configuration version %u or geometry refused\n", config->version);
        return; /* the thread stops: nothing is shown */
    }
    int r = hv_dma_map(HV_DEVICE_SLOT_DMA, HV_DEVICE_SLOT_DEVICE, &dma_bus);
    if (r)
        hv_printf("display: no bus address for the DMA page (error %d)\n", r);
    draw_strips();
    ramfb_item = r ? 0 : find_ramfb();
    uint64_t word = hv_focus_read(focus_page);
    uint32_t seen = hv_focus_generation(word);
    hv_printf("display: %u screen(s) of %ux%u, strip %u rows, ramfb %s\n", config->nscreens,
              config->width, config->height, config->strip_rows, ramfb_item ? "found" : "absent");
    show(hv_focus_partition(word));
    for (;;) {
        uint64_t bits;
        int e = hv_wait(HV_DISPLAY_SLOT_FOCUS_NTFN, &bits);
        if (e) { /* no notification to wait on: say so once and stop rather than spin */
            hv_printf("display: cannot wait for focus moves (error %d): the screen stays\n", e);
            return;
        }
        word = hv_focus_read(focus_page);
        if (hv_focus_moved(word, &seen))
            show(hv_focus_partition(word));
    }
}
