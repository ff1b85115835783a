/* Facts of the virtio network device (virtio 1.x §5.1) that both sides use: feature bits,
 * the configuration space's fields, and struct virtio_net_hdr's layout. */
#pragma once

#define VIRTIO_NET_F_MAC 5     /* the device has a MAC address in its configuration space */
#define VIRTIO_NET_F_STATUS 16 /* the configuration space's status field is valid */

#define VIRTIO_NET_CFG_MAC 0    /* 6 bytes */
#define VIRTIO_NET_CFG_STATUS 6 /* le16, VIRTIO_NET_S_* */
#define VIRTIO_NET_CFG_SIZE 8   /* the fields up to status: all a device without MQ/MTU needs */
#define VIRTIO_NET_S_LINK_UP 1u

/* struct virtio_net_hdr: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, and
 * num_buffers with VERSION_1 (or MRG_RXBUF): 12 bytes, 10 for a legacy device without it. */
#define VIRTIO_NET_HDR_FLAGS 0
#define VIRTIO_NET_HDR_GSO_TYPE 1
#define VIRTIO_NET_HDR_NUM_BUFFERS 10
#define VIRTIO_NET_HDR_SIZE 12u
#define VIRTIO_NET_HDR_SIZE_LEGACY 10u
