/* What the root task hands every device server for its physical device (hv/proto/device.h):
 * the register pages, the interrupt bound to the server's notification, DMA memory. */
#pragma once

#include "bus.h"

/* Gives program p the device dev (as bus_find_virtio found it): its register pages at
 * HV_DEVICE_REGS_VA and the first one as HV_DEVICE_SLOT_DEVICE; its irq handler bound to ntfn
 * with the badge HV_DEVICE_BIT_IRQ (HV_DEVICE_SLOT_IRQ, and ntfn readable at
 * HV_DEVICE_SLOT_IRQ_NTFN); dma_frames contiguous 2 MiB frames at HV_DEVICE_DMA_VA
 * (HV_DEVICE_SLOT_DMA + i). Notes the frames in out->dma_frames. */
int device_grant(const struct hv_bootinfo *info, const struct root_program *p,
                 const struct bus_device *dev, uint64_t ntfn, unsigned dma_frames,
                 struct hv_device_info *out);
