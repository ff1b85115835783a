/* Starts the display server (servers/display): fw_cfg (AArch64 its register page, x86_64 its
 * ports narrowed to the selector, data and DMA registers), a DMA page, the focus page read-only
 * and the notification the focus owner signals, and for every partition with a screen one
 * buffer laid out as [strip][guest rows], physically contiguous because ramfb scans out one
 * physical range: the server maps only the strip's pages, the partition only the guest rows'
 * (at HV_DISPLAY_GUEST_FB_GPA_*), and nothing else maps either (docs/trusted-path.md). */
#include "../display/screen_place.h"
#include "partition.h"
#include <hv/abi/error.h>
#include <hv/proto/console.h>
#include <hv/abi/syscall.h>
#include <hv/print.h>
#include <hv/proto/display.h>
#include <hv/proto/focus.h>
#include <hv/string.h>
#include <platform.h>

/* Its own budget: it works only at start and at a focus move. */
#define DISPLAY_BUDGET_TICKS 1
#define DISPLAY_PERIOD_TICKS 10

#if defined(__aarch64__)
#define GUEST_FB_GPA HV_DISPLAY_GUEST_FB_GPA_AARCH64
#else
#define GUEST_FB_GPA HV_DISPLAY_GUEST_FB_GPA_X86_64
#define FW_CFG_PORT_SELECTOR 0x510u /* selector and data */
#define FW_CFG_PORT_DMA 0x514u      /* the DMA address's two halves */
#endif

/* fw_cfg for the server, and the frame that names its DMA to dma_map. */
static int give_fw_cfg(const struct hv_bootinfo *info, const struct root_program *p)
{
#if defined(__aarch64__)
    uint64_t frame = root_device_frame(info, PLAT_FW_CFG_BASE);
    if (!frame)
        return HV_ENOENT;
    int r = hv_map(frame, p->vspace, HV_DEVICE_REGS_VA, HV_MAP_READ | HV_MAP_WRITE | HV_MAP_DEVICE);
    if (!r)
        r = hv_cap_copy(frame, p->cnode, HV_DEVICE_SLOT_DEVICE, HV_RIGHT_READ | HV_RIGHT_WRITE, 0);
    return r;
#else
    /* fw_cfg is ports, with no frame of its own: the PCI host's configuration frame names the
     * machine's DMA master, given write-only, which dma_map takes and map refuses. */
    uint64_t ecam = root_device_frame_sized(info, PLAT_PCI_ECAM_BASE, 21);
    if (!ecam)
        return HV_ENOENT;
    int r = hv_cap_copy(ecam, p->cnode, HV_DEVICE_SLOT_DEVICE, HV_RIGHT_WRITE, 0);
    if (!r)
        r = hv_cap_copy(ROOT_IOPORT, p->cnode, HV_DISPLAY_SLOT_SELECT,
                        HV_RIGHT_READ | HV_RIGHT_WRITE, HV_IOPORT_RANGE(FW_CFG_PORT_SELECTOR, 2));
    if (!r)
        r = hv_cap_copy(ROOT_IOPORT, p->cnode, HV_DISPLAY_SLOT_DMA_PORTS,
                        HV_RIGHT_READ | HV_RIGHT_WRITE, HV_IOPORT_RANGE(FW_CFG_PORT_DMA, 8));
    return r;
#endif
}

/* A page mapped at va of p (rights and map flags as given) and a cap to it in p's slot. */
static int give_page(const struct root_program *p, uint64_t frame, uint64_t va, unsigned rights,
                     unsigned flags, uint64_t slot)
{
    uint64_t copy = root_slot();
    int r = hv_cap_copy(frame, ROOT_CNODE, copy, rights, 0);
    if (!r)
        r = hv_map(copy, p->vspace, va, flags);
    if (!r && slot)
        r = hv_cap_copy(frame, p->cnode, slot, rights, 0);
    return r;
}

/* Screen i for partition part: the buffer placed by screen_place() in an untyped of its own. */
static int make_screen(const struct root_program *p, const struct partition *part, unsigned i,
                       struct hv_display_screen *s)
{
    const uint64_t strip_bytes = (uint64_t)HV_DISPLAY_STRIP_ROWS * HV_DISPLAY_STRIDE;
    struct screen_place sp;
    if (!screen_place(strip_bytes, HV_DISPLAY_GUEST_BYTES, &sp) ||
        sp.guest_blocks != HV_DISPLAY_GUEST_BLOCKS)
        return HV_EINVAL;
    uint64_t ut = root_new_anywhere(HV_OBJ_UNTYPED, sp.untyped_bits);
    if (!ut)
        return HV_ENOMEM;
    int r = HV_OK;
    /* The pads only move the untyped's watermark; they stay unused for as long as it lives. */
    for (unsigned k = 0; !r && k < sp.npads; k++) {
        uint64_t pad = root_slot();
        r = pad ? hv_retype(ut, HV_OBJ_UNTYPED, sp.pad_bits[k], ROOT_CNODE, pad, 1) : HV_ENOMEM;
    }
    uint64_t strip = root_slots(sp.strip_pages), guest = root_slots(sp.guest_blocks);
    if (!strip || !guest)
        return HV_ENOMEM;
    for (uint32_t k = 0; !r && k < sp.strip_pages; k += 256) {
        uint32_t n = sp.strip_pages - k < 256 ? sp.strip_pages - k : 256;
        r = hv_retype(ut, HV_OBJ_FRAME, SCREEN_PLACE_PAGE_BITS, ROOT_CNODE, strip + k, n);
    }
    if (!r)
        r = hv_retype(ut, HV_OBJ_FRAME, SCREEN_PLACE_BLOCK_BITS, ROOT_CNODE, guest,
                      sp.guest_blocks);
    /* The strip: the server's alone. */
    for (uint32_t k = 0; !r && k < sp.strip_pages; k++)
        r = hv_map(strip + k, p->vspace, HV_DISPLAY_SCREEN_VA(i) + (uint64_t)k * 4096,
                   HV_MAP_READ | HV_MAP_WRITE);
    if (!r)
        r = hv_cap_copy(strip, p->cnode, HV_DISPLAY_SLOT_SCREEN + i, HV_RIGHT_READ | HV_RIGHT_WRITE,
                        0);
    /* The guest rows: the partition's alone. */
    for (uint32_t k = 0; !r && k < sp.guest_blocks; k++)
        r = hv_map(guest + k, part->gvspace, GUEST_FB_GPA + (uint64_t)k * HV_DISPLAY_GUEST_BLOCK,
                   HV_MAP_READ | HV_MAP_WRITE);
    if (r)
        return r;
    s->partition = part->index;
    s->colour = part->rec->ui.colour;
    for (unsigned k = 0; k < HV_PT_NAME_MAX - 1 && part->rec->name[k]; k++)
        s->name[k] = part->rec->name[k];
    s->strip_bytes = strip_bytes;
    return HV_OK;
}

int root_start_display(const struct hv_bootinfo *info, const struct partition *parts,
                       unsigned nparts, const struct root_console *con,
                       const struct root_focus *focus, unsigned prio)
{
    static struct hv_display_config cfg; /* a page: kept off the stack */
    struct root_program p;
    memset(&cfg, 0, sizeof(cfg));
    cfg.version = HV_DISPLAY_CONFIG_VERSION;
    cfg.width = HV_DISPLAY_WIDTH;
    cfg.height = HV_DISPLAY_HEIGHT;
    cfg.stride = HV_DISPLAY_STRIDE;
    cfg.strip_rows = HV_DISPLAY_STRIP_ROWS;
    cfg.focus_first = focus->first;
    bool any = false;
    for (unsigned i = 0; i < nparts; i++)
        any = any || (parts[i].mem_ready && (parts[i].rec->ui.flags & HV_PT_UI_SCREEN));
    if (!any)
        return HV_ENOENT;
    uint64_t dma = root_new(HV_OBJ_FRAME, 12);
    int r = dma ? root_load_program("display", &p) : HV_ENOMEM;
    if (!r)
        r = give_fw_cfg(info, &p);
    if (!r)
        r = give_page(&p, dma, HV_DISPLAY_DMA_VA, HV_RIGHT_READ | HV_RIGHT_WRITE,
                      HV_MAP_READ | HV_MAP_WRITE, HV_DEVICE_SLOT_DMA);
    if (!r)
        r = give_page(&p, focus->page, HV_DISPLAY_FOCUS_VA, HV_RIGHT_READ, HV_MAP_READ, 0);
    if (!r)
        r = hv_cap_copy(focus->display_ntfn, p.cnode, HV_DISPLAY_SLOT_FOCUS_NTFN, HV_RIGHT_READ, 0);
    if (!r)
        r = hv_cap_copy(con->ep, p.cnode, HV_DEVICE_SLOT_LOG, HV_RIGHT_WRITE,
                               HV_CONSOLE_BADGE_SERVER(HV_CONSOLE_SERVER_DISPLAY));
    for (unsigned i = 0; !r && i < nparts; i++) {
        const struct partition *part = &parts[i];
        if (!part->mem_ready || !(part->rec->ui.flags & HV_PT_UI_SCREEN))
            continue;
        r = make_screen(&p, part, cfg.nscreens, &cfg.screens[cfg.nscreens]);
        if (r)
            hv_printf("root: partition %s: no screen (error %d)\n", part->rec->name, r);
        else
            cfg.nscreens++;
    }
    if (r)
        return r;
    if (!root_page_into(p.vspace, HV_DEVICE_CONFIG_VA, HV_MAP_READ, &cfg, sizeof(cfg)))
        return HV_ENOMEM;
    return root_start_budgeted(&p, prio, DISPLAY_BUDGET_TICKS, DISPLAY_PERIOD_TICKS);
}
