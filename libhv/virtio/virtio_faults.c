/* Counting and rate-limited logging of driver mistakes, for the virtqueue and the transport. */
#include <hv/virtio/virtio_faults.h>

#include <hv/enum_name.h>
#include <hv/log_limit.h>
#include <stddef.h>

static const char *const fault_names[VIRTIO_FAULT_KINDS] = {
    [VIRTIO_FAULT_AVAIL_IDX_JUMP] = "avail idx: more chains outstanding than the queue size",
    [VIRTIO_FAULT_HEAD_INDEX] = "avail ring entry >= queue size",
    [VIRTIO_FAULT_DESC_INDEX] = "descriptor next out of range",
    [VIRTIO_FAULT_CHAIN_LOOP] = "descriptor chain loops",
    [VIRTIO_FAULT_CHAIN_TOO_LONG] = "descriptor chain longer than the queue size",
    [VIRTIO_FAULT_SEGS_OVERFLOW] = "descriptor chain exceeds the device's segment limit",
    [VIRTIO_FAULT_INDIRECT_UNNEGOTIATED] = "indirect descriptor without VIRTIO_F_INDIRECT_DESC",
    [VIRTIO_FAULT_INDIRECT_NESTED] = "indirect descriptor inside an indirect table",
    [VIRTIO_FAULT_INDIRECT_NEXT] = "indirect descriptor with NEXT set",
    [VIRTIO_FAULT_INDIRECT_LEN] = "indirect table length zero or not a multiple of 16",
    [VIRTIO_FAULT_ADDR_WRAP] = "buffer address + length wraps",
    [VIRTIO_FAULT_ADDR_OUTSIDE] = "buffer outside guest memory",
    [VIRTIO_FAULT_READABLE_AFTER_WRITABLE] = "device-readable buffer after a device-writable one",
    [VIRTIO_FAULT_RING_SETUP] = "bad queue size or ring address",
    [VIRTIO_FAULT_MMIO_ACCESS] = "register access not 32-bit and aligned",
    [VIRTIO_FAULT_MMIO_OFFSET] = "access to a reserved offset",
    [VIRTIO_FAULT_MMIO_DIRECTION] = "read of a write-only or write of a read-only register",
    [VIRTIO_FAULT_STATUS_ILLEGAL] = "illegal device status transition",
    [VIRTIO_FAULT_FEATURES_REFUSED] = "FEATURES_OK refused: features not offered or no VERSION_1",
    [VIRTIO_FAULT_FEATURES_LATE] = "driver features written after FEATURES_OK",
    [VIRTIO_FAULT_QUEUE_SEL] = "register access for a queue that does not exist",
    [VIRTIO_FAULT_QUEUE_LIVE] = "queue configured while ready or before FEATURES_OK",
    [VIRTIO_FAULT_NOTIFY] = "notify of a queue that is not live",
    [VIRTIO_FAULT_CONFIG_ACCESS] = "bad config space access",
};

const char *virtio_fault_name(enum virtio_fault kind)
{
    return HV_ENUM_NAME(fault_names, kind, "unknown virtio fault");
}

void virtio_fault_record(struct virtio_faults *faults, enum virtio_fault kind)
{
    if (faults == NULL || (unsigned)kind >= VIRTIO_FAULT_KINDS)
        return;
    if (hv_count_and_check(&faults->count[kind]) && faults->log != NULL)
        faults->log(faults->log_ctx, kind, faults->count[kind], fault_names[kind]);
}

void virtio_fault_fatal(struct virtio_faults *faults, enum virtio_fault kind)
{
    virtio_fault_record(faults, kind);
    if (faults != NULL && faults->needs_reset != NULL)
        faults->needs_reset(faults->reset_ctx);
}
