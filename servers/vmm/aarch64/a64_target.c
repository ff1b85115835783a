/* The AArch64 platform behind vmm_target.h: one QEMU-virt-like platform per VMM. */
#include "aarch64/vmm_a64.h"
#include "core/virtio_empty_slot.h"
#include "vmm_keyboard.h"
#include "vmm_radio.h"
#include "vmm_storage.h"
#include "vmm_target.h"
#include <hv/abi/error.h>
#include <hv/proto/guest_layout_aarch64.h>

const uint32_t vmm_target_arch = HV_PT_ARCH_AARCH64;

static struct vmm_a64 platform;

int vmm_target_boot_regs(const struct hv_pt_partition *part, struct vmm_boot *boot)
{
    return vmm_a64_boot_regs(part, boot);
}

struct vmm *vmm_target_create(const struct vmm_ops *ops, void *ctx, const struct vmm_boot *boot)
{
    /* vmm_a64_boot_regs gives vcpu i the affinity Aff0 = i: the models use the same (NULL). */
    if (vmm_a64_init(&platform, ops, ctx, boot->name, boot->ncpus, NULL) != HV_OK)
        return NULL;
    /* The register page over slots 0-7, before any of them is on the bus (mmio_bus.h). */
    if (boot->regs_page_given &&
        vmm_bus_page_init(&platform.vmm.bus, HV_A64_GUEST_VIRTIO_MMIO,
                          (volatile uint32_t *)HV_VMM_REGS_VA, 0) != HV_OK) {
        vmm_logf(&platform.vmm, "can't use the register page");
        return NULL;
    }
    /* The disk in the slot the image builder's device tree names (guest_layout_aarch64.h). */
    const unsigned slot = HV_A64_GUEST_VIRTIO_SLOT_BLK;
    int r = vmm_storage_attach(&platform.vmm, boot,
                               HV_A64_GUEST_VIRTIO_MMIO + slot * HV_A64_GUEST_VIRTIO_MMIO_SIZE,
                               gicv3_line(&platform.gic, 32 + HV_A64_GUEST_VIRTIO_SPI + slot), true);
    if (r != HV_OK) {
        vmm_logf(&platform.vmm, "can't place the disk (error %d)", r);
        return NULL;
    }
    const unsigned net = HV_A64_GUEST_VIRTIO_SLOT_NET;
    r = vmm_radio_attach(&platform.vmm, boot,
                         HV_A64_GUEST_VIRTIO_MMIO + net * HV_A64_GUEST_VIRTIO_MMIO_SIZE,
                         gicv3_line(&platform.gic, 32 + HV_A64_GUEST_VIRTIO_SPI + net), true);
    if (r != HV_OK) {
        vmm_logf(&platform.vmm, "can't place the network port (error %d)", r);
        return NULL;
    }
    const unsigned kbd = HV_A64_GUEST_VIRTIO_SLOT_KBD;
    r = vmm_keyboard_attach(&platform.vmm, boot,
                            HV_A64_GUEST_VIRTIO_MMIO + kbd * HV_A64_GUEST_VIRTIO_MMIO_SIZE,
                            gicv3_line(&platform.gic, 32 + HV_A64_GUEST_VIRTIO_SPI + kbd), true);
    if (r != HV_OK) {
        vmm_logf(&platform.vmm, "can't place the keyboard (error %d)", r);
        return NULL;
    }
    /* The page's other slots are QEMU virt's unused transports, as they would be without the
     * page (no device tree node names them): a load there reads what a trapped one would. */
    for (unsigned s = 0; boot->regs_page_given && s < VMM_BUS_PAGE / HV_A64_GUEST_VIRTIO_MMIO_SIZE;
         s++) {
        uint64_t base = HV_A64_GUEST_VIRTIO_MMIO + s * HV_A64_GUEST_VIRTIO_MMIO_SIZE;
        if (!vmm_bus_find(&platform.vmm.bus, base) &&
            vmm_virtio_empty_slot_attach(&platform.vmm, base) != HV_OK)
            return NULL;
    }
    return &platform.vmm;
}

enum vmm_exit_action vmm_target_exit(struct vmm *vmm, unsigned cpu,
                                       const uint64_t w[HV_VCPU_EXIT_WORDS],
                                       uint64_t reply[HV_VCPU_EXIT_WORDS], unsigned *len)
{
    return vmm_a64_handle_exit_cpu(vmm, cpu, w, reply, len);
}
