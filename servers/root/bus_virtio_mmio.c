/* The virtio-mmio bus of QEMU virt: 32 transports of 0x200 bytes, found by reading each
 * one's MagicValue and DeviceID through the root's own mapping of their four pages. */
#include "bus.h"
#include <hv/abi/error.h>
#include <hv/fmt.h>
#include <hv/virtio/virtio_spec.h>
#include <platform.h>

#define ROOT_MMIO_VA 0x60000000ull /* the root's look at the transports */
#define PAGE 4096ull
#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt" */

static uint32_t reg(unsigned slot, unsigned off)
{
    return *(volatile uint32_t *)(ROOT_MMIO_VA + slot * PLAT_VIRTIO_MMIO_STRIDE + off);
}

static int map_transports(const struct hv_bootinfo *info)
{
    static bool mapped;
    for (uint64_t p = 0; !mapped && p < PLAT_VIRTIO_MMIO_SIZE / PAGE; p++) {
        uint64_t frame = root_device_frame(info, PLAT_VIRTIO_MMIO_BASE + p * PAGE);
        if (!frame)
            return HV_ENOENT;
        int r = hv_map(frame, ROOT_VSPACE, ROOT_MMIO_VA + p * PAGE,
                       HV_MAP_READ | HV_MAP_WRITE | HV_MAP_DEVICE);
        if (r)
            return r;
    }
    mapped = true;
    return HV_OK;
}

int bus_find_virtio(const struct hv_bootinfo *info, uint32_t virtio_id, struct bus_device *dev,
                    struct hv_device_info *out)
{
    int r = map_transports(info);
    if (r)
        return r;
    /* QEMU gives the first -device the highest slot: look from the top. */
    for (unsigned n = PLAT_VIRTIO_MMIO_SLOTS; n-- > 0;) {
        if (reg(n, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
            reg(n, VIRTIO_MMIO_DEVICE_ID) != virtio_id)
            continue;
        uint64_t at = n * PLAT_VIRTIO_MMIO_STRIDE;
        /* A page holds eight transports: the server's mapping reaches its seven neighbours
         * too (docs/storage.md says why that is accepted). */
        dev->npages = 1;
        dev->page_pa[0] = PLAT_VIRTIO_MMIO_BASE + (at & ~(PAGE - 1));
        dev->irq = PLAT_IRQ_VIRTIO_MMIO0 + n;
        dev->trigger = HV_IRQ_EDGE_HIGH; /* as QEMU's device tree describes the transports */
        out->bus = HV_DEVICE_BUS_MMIO;
        out->mmio = (struct hv_device_window){HV_DEVICE_REGS_VA + (at & (PAGE - 1)),
                                              PLAT_VIRTIO_MMIO_STRIDE};
        out->irq = dev->irq;
        fmt_snprintf(out->location, sizeof(out->location), "virtio-mmio slot %u", n);
        return HV_OK;
    }
    return HV_ENOENT;
}
