/* PCI bus 0 of QEMU q35 through ECAM: the root task reads configuration space, sizes the BARs
 * SeaBIOS assigned, and turns on what a driver needs; the server only ever sees a copy. */
#include "bus.h"
#include <hv/abi/error.h>
#include <hv/fmt.h>
#include <hv/string.h>
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/vpci_driver.h>
#include <platform.h>

#define ROOT_ECAM_VA 0x60000000ull /* the root's look at configuration space (2 MiB) */
#define PAGE 4096ull
#define PCI_BAR0 0x10
#define PCI_INTERRUPT_PIN 0x3d
#define PCI_BAR_IO 0x1u
#define PCI_BAR_TYPE_64 0x4u
#define PCI_BAR_ADDR_MASK (~0xfull)
#define BAR_MAX_PAGES 4u /* virtio-pci's BAR 4 on QEMU: 16 KiB */

static volatile uint8_t *function_cfg(unsigned dev)
{
    return (volatile uint8_t *)(ROOT_ECAM_VA + ((uint64_t)dev << 15)); /* bus 0, function 0 */
}

static uint32_t rd32(unsigned dev, unsigned off)
{
    return *(volatile uint32_t *)(function_cfg(dev) + off);
}

static uint16_t rd16(unsigned dev, unsigned off)
{
    return *(volatile uint16_t *)(function_cfg(dev) + off);
}

static void wr32(unsigned dev, unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(function_cfg(dev) + off) = v;
}

static void wr16(unsigned dev, unsigned off, uint16_t v)
{
    *(volatile uint16_t *)(function_cfg(dev) + off) = v;
}

/* BAR i's size, by writing all ones and reading back (PCI 3.0 §6.2.5.1), decoding off
 * meanwhile so the device never answers at the probe address. */
static uint64_t bar_size(unsigned dev, unsigned i, bool is64)
{
    unsigned off = PCI_BAR0 + 4 * i;
    uint16_t cmd = rd16(dev, PCI_COMMAND);
    uint32_t lo = rd32(dev, off), hi = is64 ? rd32(dev, off + 4) : 0;
    wr16(dev, PCI_COMMAND, cmd & ~PCI_COMMAND_MEMORY);
    wr32(dev, off, 0xffffffffu);
    uint64_t mask = rd32(dev, off) & PCI_BAR_ADDR_MASK & 0xffffffffu;
    if (is64) {
        wr32(dev, off + 4, 0xffffffffu);
        mask |= (uint64_t)rd32(dev, off + 4) << 32;
        wr32(dev, off + 4, hi);
    } else {
        mask |= 0xffffffff00000000ull;
    }
    wr32(dev, off, lo);
    wr16(dev, PCI_COMMAND, cmd);
    return mask ? ~mask + 1 : 0;
}

static bool is_virtio(unsigned dev, uint32_t virtio_id)
{
    uint16_t vendor = rd16(dev, PCI_VENDOR_ID), id = rd16(dev, PCI_DEVICE_ID);
    if (vendor != VIRTIO_PCI_VENDOR)
        return false;
    if (id == VIRTIO_PCI_DEVICE_MODERN + virtio_id)
        return true;
    return id >= VIRTIO_PCI_DEVICE_TRANSITIONAL && id < VIRTIO_PCI_DEVICE_TRANSITIONAL + 0x40 &&
           rd16(dev, PCI_SUBSYSTEM_ID) == virtio_id;
}

/* The function's memory BARs inside the PCI window, page by page into dev and out. */
static void collect_bars(unsigned slot, struct bus_device *dev, struct hv_device_info *out)
{
    for (unsigned i = 0; i < 6; i++) {
        uint32_t lo = rd32(slot, PCI_BAR0 + 4 * i);
        if (lo & PCI_BAR_IO)
            continue;
        bool is64 = lo & PCI_BAR_TYPE_64;
        uint64_t base = (lo & PCI_BAR_ADDR_MASK & 0xffffffffu) |
                        (is64 && i < 5 ? (uint64_t)rd32(slot, PCI_BAR0 + 4 * (i + 1)) << 32 : 0);
        uint64_t size = bar_size(slot, i, is64 && i < 5);
        unsigned bar = i;
        if (is64)
            i++;
        uint64_t pages = (size + PAGE - 1) / PAGE;
        if (!base || !size || base < PLAT_PCI_WINDOW_BASE || base + size > PLAT_PCI_WINDOW_END ||
            pages > BAR_MAX_PAGES || dev->npages + pages > HV_DEVICE_REGS_MAX_PAGES)
            continue; /* not one a virtio driver needs (or can be given) */
        out->bars[bar] = (struct hv_device_window){
            HV_DEVICE_REGS_VA + dev->npages * PAGE + (base & (PAGE - 1)), size};
        for (uint64_t p = 0; p < pages; p++)
            dev->page_pa[dev->npages++] = (base & ~(PAGE - 1)) + p * PAGE;
    }
}

int bus_find_virtio(const struct hv_bootinfo *info, uint32_t virtio_id, struct bus_device *dev,
                    struct hv_device_info *out)
{
    static bool mapped;
    if (!mapped) {
        uint64_t ecam = root_device_frame_sized(info, PLAT_PCI_ECAM_BASE, 21);
        int r = ecam ? hv_map(ecam, ROOT_VSPACE, ROOT_ECAM_VA,
                              HV_MAP_READ | HV_MAP_WRITE | HV_MAP_DEVICE)
                     : HV_ENOENT;
        if (r)
            return r;
        mapped = true;
    }
    for (unsigned slot = 0; slot < 32; slot++) {
        if (rd16(slot, PCI_VENDOR_ID) == 0xffff || !is_virtio(slot, virtio_id))
            continue;
        uint8_t pin = function_cfg(slot)[PCI_INTERRUPT_PIN];
        if (pin < 1 || pin > 4)
            continue; /* no INTx: the server would have no interrupt */
        dev->npages = 0;
        collect_bars(slot, dev, out);
        dev->irq = PLAT_PCI_INTX_GSI(slot, pin - 1u);
        dev->trigger = HV_IRQ_LEVEL_LOW; /* PCI INTx */
        /* What the driver would ask for: memory decoding and bus mastering on, INTx on. */
        uint16_t cmd = rd16(slot, PCI_COMMAND);
        wr16(slot, PCI_COMMAND,
             (uint16_t)((cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER) &
                        ~PCI_COMMAND_INTX_DISABLE));
        for (unsigned off = 0; off < sizeof(out->pci_config); off += 4) {
            uint32_t v = rd32(slot, off);
            memcpy(out->pci_config + off, &v, 4);
        }
        out->bus = HV_DEVICE_BUS_PCI;
        out->irq = dev->irq;
        fmt_snprintf(out->location, sizeof(out->location), "pci 00:%02x.0", slot);
        return HV_OK;
    }
    return HV_ENOENT;
}
