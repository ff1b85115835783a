/* An empty virtio-mmio slot (virtio_empty_slot.h): what the guest finds where its device tree
 * names a slot whose device this VMM could not reach. */
#include "core/virtio_empty_slot.h"
#include <hv/virtio/virtio_spec.h>

#define EMPTY_SLOT_WINDOW 0x200u

static bool empty_read(void *dev, uint64_t offset, unsigned size, uint64_t *value)
{
    (void)dev;
    if (size != 4 || offset % 4) {
        *value = 0;
        return true;
    }
    switch (offset) {
    case VIRTIO_MMIO_MAGIC_VALUE:
        *value = VIRTIO_MMIO_MAGIC;
        break;
    case VIRTIO_MMIO_VERSION:
        *value = VIRTIO_MMIO_VERSION_2;
        break;
    default:
        *value = 0; /* DeviceID 0: no device */
    }
    return true;
}

static bool empty_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    (void)dev, (void)offset, (void)size, (void)value;
    return true;
}

static uint32_t empty_peek(void *dev, uint64_t offset)
{
    uint64_t v;
    empty_read(dev, offset, 4, &v);
    return (uint32_t)v;
}

static const struct vmm_mmio_ops empty_ops = {
    .read = empty_read, .write = empty_write, .peek = empty_peek};

int vmm_virtio_empty_slot_attach(struct vmm *vmm, uint64_t base)
{
    return vmm_bus_add(&vmm->bus, base, EMPTY_SLOT_WINDOW, &empty_ops, NULL, "virtio (empty)");
}
