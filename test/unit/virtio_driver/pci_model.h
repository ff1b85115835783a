/* A host model of a virtio-pci modern function, laid out as QEMU's virtio-blk-pci is (five
 * vendor capabilities, structures in a 64-bit BAR 4), with its config space open to tests. */
#pragma once

#include <hv/virtio/virtio_drv_io.h>
#include <hv/virtio/vpci_driver.h>
#include <stdint.h>

#define PCI_MODEL_BAR 4
#define PCI_MODEL_BAR_SIZE 0x4000u
#define PCI_MODEL_COMMON 0x0000u
#define PCI_MODEL_ISR 0x1000u
#define PCI_MODEL_DEVICE 0x2000u
#define PCI_MODEL_NOTIFY 0x3000u
#define PCI_MODEL_NOTIFY_MULT 4u

struct pci_model {
    uint8_t cfg[256];
    uint64_t features;
    uint16_t num_queues, queue_max;
    uint8_t device_cfg[64];
    /* State behind the common configuration structure. */
    uint32_t dfsel, gfsel;
    uint64_t driver_features;
    uint8_t status, generation, isr;
    uint16_t queue_sel;
    struct {
        uint16_t size, msix, enable, notify_off;
        uint64_t desc, driver, device;
    } q[4];
    unsigned notifies[4];
    uint32_t last_notify_offset;
    unsigned bad_accesses;
};

/* A function with vendor 0x1af4, device 0x1001 (transitional blk), its capability list. */
void pci_model_init(struct pci_model *m);
/* Puts a virtio capability at pos, linked after prev (0: first in the list). */
void pci_model_cap(struct pci_model *m, uint8_t prev, uint8_t pos, uint8_t type, uint8_t bar,
                   uint32_t offset, uint32_t length);
struct virtio_regs pci_model_cfg_regs(struct pci_model *m);
void pci_model_bars(struct pci_model *m, struct vpci_bar bars[6]);
