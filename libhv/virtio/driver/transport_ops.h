/* The ops table of a transport file, whose ops are static functions named after their fields. */
#pragma once

#include <hv/virtio/virtio_transport.h>

/*
 * vmmio_driver.c and vpci_driver.c each implement every op under the op's own name; the
 * list is written once here, and a transport missing an op fails to compile.
 */
#define VIRTIO_TRANSPORT_OPS(name)                                                                 \
    static const struct virtio_transport_ops name = {                                              \
        .get_status = get_status,                                                                  \
        .set_status = set_status,                                                                  \
        .device_features = device_features,                                                        \
        .driver_features = driver_features,                                                        \
        .config_generation = config_generation,                                                    \
        .config_read = config_read,                                                                \
        .queue_max = queue_max,                                                                    \
        .queue_enable = queue_enable,                                                              \
        .notify = notify,                                                                          \
        .interrupt_ack = interrupt_ack,                                                            \
    }
