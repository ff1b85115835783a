/* The AArch64 platform behind vmm_target.h: one QEMU-virt-like platform per VMM. */
#include "aarch64/vmm_a64.h"
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
    return &platform.vmm;
}

enum vmm_exit_action vmm_target_exit(struct vmm *vmm, unsigned cpu,
                                       const uint64_t w[HV_VCPU_EXIT_WORDS],
                                       uint64_t reply[HV_VCPU_EXIT_WORDS], unsigned *len)
{
    return vmm_a64_handle_exit_cpu(vmm, cpu, w, reply, len);
}
