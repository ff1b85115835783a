/* The root task as the owner of the buses: it (not the kernel, not a server) finds a device
 * for a device server and says which register pages and interrupt line the server gets. */
#pragma once

#include <hv/proto/device.h>
#include <hv/root.h>

struct bus_device {
    unsigned npages;
    uint64_t page_pa[HV_DEVICE_REGS_MAX_PAGES]; /* mapped at HV_DEVICE_REGS_VA + i pages */
    unsigned irq;
    unsigned trigger; /* HV_IRQ_*: how the line signals, which the bus owner knows */
};

/* Finds the first virtio device of type virtio_id (virtio-mmio on AArch64: bus_virtio_mmio.c;
 * PCI on x86_64: bus_pci.c), fills *dev and the bus part of *info (bus, location, windows, PCI
 * configuration space) and, on PCI, turns on its memory decoding and bus mastering.
 * HV_ENOENT: there is none. */
int bus_find_virtio(const struct hv_bootinfo *info, uint32_t virtio_id, struct bus_device *dev,
                    struct hv_device_info *out);
