/* The device server's side of hv/proto/device.h: the physical device's registers as a virtio
 * transport (virtio-mmio or virtio-pci, whichever the root task found), and its DMA memory
 * with the bus addresses the kernel gives. Shared by every device server (docs/device-servers.md). */
#pragma once

#include <hv/proto/device.h>
#include <hv/virtio/vmmio_driver.h>
#include <hv/sys.h>
#include <hv/virtio/vpci_driver.h>

/* A register window: an uncached mapping and the bytes the server may touch in it. */
struct device_window {
    uintptr_t base;
    uint64_t size;
};

struct device_server {
    const char *name; /* the server's, for its messages */
    const struct hv_device_info *info;
    struct vmmio_drv mmio;
    struct vpci_drv pci;
    struct device_window windows[7]; /* mmio, or the six BARs */
    uint8_t pci_config[256];         /* the bus owner's copy: never written back */
    bool said_config_write;
};

/* Probes the device info describes for virtio device type virtio_id; *e says why not.
 * The transport returned lives in d. */
struct virtio_transport *device_server_probe(struct device_server *d, const char *name,
                                             const struct hv_device_info *info,
                                             uint32_t virtio_id, enum virtio_drv_error *e);

/* The DMA frames' bus addresses from the kernel (hv_dma_map): true and *dma for one
 * contiguous run of info->dma_frames frames at HV_DEVICE_DMA_VA, false (said) otherwise. */
bool device_server_dma(const struct device_server *d, struct virtio_dma *dma);

/* Which of max_clients clients' threads the caller is, by its stack (the root task placed it
 * under HV_DEVICE_WORKER_STACK_TOP); -1 for any other thread (the server's main thread). */
int device_worker_of_stack(unsigned max_clients);

/* Waits for the device's interrupt on HV_DEVICE_SLOT_IRQ_NTFN (with whatever other bits came
 * with it, in *bits), acknowledges it to the device and then to the kernel, which unmasks the
 * line again: the order a level-triggered line needs. */
void device_server_wait_irq(struct virtio_transport *t, uint64_t *bits);

/* The device's own acknowledgement, then the kernel's (after a wake-up some other loop took). */
void device_server_ack_irq(struct virtio_transport *t);

/* A server with partitions as clients (hv/proto/device.h's client slots): starts its event
 * thread at prio (each wake-up of HV_DEVICE_SLOT_IRQ_NTFN becomes one call on the server's own
 * endpoint with the bits, so that the main thread alone touches the server's state), says it
 * answers (HV_DEVICE_SLOT_READY), then serves forever: events(bits) for its own event thread,
 * call(badge, msg) for a VMM's call, which sets the reply in msg. If the event thread can't
 * start, *nclients becomes 0 (said, and every call is answered as a stranger's). */
_Noreturn void device_server_serve(const char *name, unsigned prio, unsigned *nclients,
                                   void (*events)(uint64_t bits),
                                   void (*call)(uint64_t badge, struct hv_msg *m));
