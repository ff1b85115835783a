/* The display server's protocol (docs/trusted-path.md, "Display"): the screen every partition
 * with `screen;` gets, where its guest sees the framebuffer, and the caps and config page the
 * root task hands the server. A protocol between the root task (servers/root/display_start.c),
 * the server (servers/display/main.c), the VMMs (x86_64: screen_info in the zero page) and the
 * image builder (tools/mkimage: AArch64's simple-framebuffer node). */
#pragma once

#include <hv/proto/device.h>
#include <hv/proto/partition_table.h>
#include <stdint.h>

/* One geometry for the machine: ramfb shows XRGB8888 ('XR24'); a 4096-byte stride makes any
 * strip height a whole number of pages, so the strip is exactly HV_DISPLAY_STRIP_ROWS rows
 * (the font's 32 and a margin), and the guest gets the rows below it. */
#define HV_DISPLAY_WIDTH 1024u
#define HV_DISPLAY_HEIGHT 768u
#define HV_DISPLAY_STRIDE 4096u
#define HV_DISPLAY_BPP 4u
#define HV_DISPLAY_STRIP_ROWS 40u
#define HV_DISPLAY_GUEST_HEIGHT (HV_DISPLAY_HEIGHT - HV_DISPLAY_STRIP_ROWS)
#define HV_DISPLAY_GUEST_BYTES ((uint64_t)HV_DISPLAY_GUEST_HEIGHT * HV_DISPLAY_STRIDE)
/* The guest's rows are mapped in 2 MiB blocks (the first guest row starts one); the last block's
 * tail past HV_DISPLAY_GUEST_BYTES is the guest's too and is never shown. */
#define HV_DISPLAY_GUEST_BLOCK 0x200000ull
#define HV_DISPLAY_GUEST_BLOCKS                                                                    \
    ((HV_DISPLAY_GUEST_BYTES + HV_DISPLAY_GUEST_BLOCK - 1) / HV_DISPLAY_GUEST_BLOCK)
#define HV_DISPLAY_GUEST_MAP_BYTES (HV_DISPLAY_GUEST_BLOCKS * HV_DISPLAY_GUEST_BLOCK)

/* Where a partition sees its framebuffer (the first guest row): outside its RAM and every device
 * its VMM models. AArch64: 0x1000_0000, the start of what QEMU virt gives PCIe's MMIO window
 * (this VMM models no PCI) and below RAM at 1 GiB; x86_64: 0xe000_0000, in the device window
 * [0xc000_0000, 4 GiB) above the VMM's virtio-mmio slots at 0xd000_0000 (pc_wiring.h) and
 * below the IOAPIC/HPET/LAPIC pages from 0xfec0_0000, below 4 GiB so that screen_info's
 * 32-bit lfb_base holds it. */
#define HV_DISPLAY_GUEST_FB_GPA_AARCH64 0x10000000ull
#define HV_DISPLAY_GUEST_FB_GPA_X86_64 0xe0000000ull

/* ---- the server's caps (hv/proto/device.h's numbering) ---- */
/* HV_DEVICE_SLOT_LOG: the console. HV_DEVICE_SLOT_DEVICE: a device frame that names fw_cfg's
 * DMA master to dma_map (AArch64: fw_cfg's own register page, also mapped at HV_DEVICE_REGS_VA;
 * x86_64, where fw_cfg is ports: the PCI host's configuration frame, write-only so that it can
 * never be mapped). HV_DEVICE_SLOT_DMA: one 4 KiB page at HV_DISPLAY_DMA_VA for fw_cfg's DMA
 * descriptor and the ramfb configuration it carries. */
#define HV_DISPLAY_SLOT_FOCUS_NTFN 16 /* the focus owner signals it after a move (read) */
#define HV_DISPLAY_SLOT_SELECT 17     /* x86_64: ports 0x510..0x511 (selector, data) */
#define HV_DISPLAY_SLOT_DMA_PORTS 18  /* x86_64: ports 0x514..0x51b (DMA address, BE) */
#define HV_DISPLAY_SLOT_SCREEN 24     /* screen i's first frame at + i: dma_map names it */

#define HV_DISPLAY_DMA_VA 0x40000000ull
#define HV_DISPLAY_FOCUS_VA 0x7ffd0000ull /* struct hv_focus_page, read-only */
/* Screen i's strip pages, read-write: the server draws there and nowhere else. */
#define HV_DISPLAY_SCREEN_VA(i) (0x50000000ull + ((uint64_t)(i) << 24))

#define HV_DISPLAY_MAX_SCREENS HV_PT_MAX_PARTITIONS
#define HV_DISPLAY_CONFIG_VERSION 1u

struct hv_display_screen {
    uint32_t partition;        /* its index in the root's partitions, as the focus page names it */
    uint32_t colour;           /* 0x00RRGGBB: the strip's background */
    char name[HV_PT_NAME_MAX]; /* NUL-terminated: what the strip says */
    uint64_t strip_bytes;      /* mapped at HV_DISPLAY_SCREEN_VA(i): the strip's pages */
};

struct hv_display_config {
    uint32_t version; /* HV_DISPLAY_CONFIG_VERSION */
    uint32_t nscreens;
    uint32_t width, height, stride, strip_rows;
    uint32_t focus_first; /* the focus at start (HV_FOCUS_NONE: none) */
    uint32_t reserved;
    struct hv_display_screen screens[HV_DISPLAY_MAX_SCREENS];
};
_Static_assert(sizeof(struct hv_display_config) <= 4096, "one page");
