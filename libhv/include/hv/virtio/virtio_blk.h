/* virtio-blk (§5.2): feature bits, request types and status values, and the layouts of the
 * configuration space and of requests, with the spec's names. */
#pragma once

#include <stdint.h>

/* §5.2.3 Feature bits. */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_GEOMETRY 4
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_TOPOLOGY 10
#define VIRTIO_BLK_F_CONFIG_WCE 11
#define VIRTIO_BLK_F_MQ 12
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* §5.2.4 struct virtio_blk_config: byte offsets of its fields (all little-endian). */
#define VIRTIO_BLK_CFG_CAPACITY 0    /* le64, in 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 8    /* le32 */
#define VIRTIO_BLK_CFG_SEG_MAX 12    /* le32 */
#define VIRTIO_BLK_CFG_GEOMETRY 16   /* le16 cylinders, u8 heads, u8 sectors */
#define VIRTIO_BLK_CFG_BLK_SIZE 20   /* le32 */
#define VIRTIO_BLK_CFG_TOPOLOGY 24   /* u8, u8, le16, le32 */
#define VIRTIO_BLK_CFG_WRITEBACK 32  /* u8 */
#define VIRTIO_BLK_CFG_NUM_QUEUES 34 /* le16 */
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS 36
#define VIRTIO_BLK_CFG_MAX_DISCARD_SEG 40
#define VIRTIO_BLK_CFG_DISCARD_ALIGNMENT 44
#define VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SECTORS 48
#define VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SEG 52
#define VIRTIO_BLK_CFG_WRITE_ZEROES_MAY_UNMAP 56 /* u8 */
#define VIRTIO_BLK_CFG_SIZE 60

/* §5.2.6 Requests: struct virtio_blk_req { le32 type; le32 reserved; le64 sector; data; u8 status;
 * } */
#define VIRTIO_BLK_REQ_HDR_SIZE 16u
#define VIRTIO_BLK_SECTOR_SIZE 512u
#define VIRTIO_BLK_T_IN 0u
#define VIRTIO_BLK_T_OUT 1u
#define VIRTIO_BLK_T_FLUSH 4u
#define VIRTIO_BLK_T_GET_ID 8u
#define VIRTIO_BLK_T_GET_LIFETIME 10u
#define VIRTIO_BLK_T_DISCARD 11u
#define VIRTIO_BLK_T_WRITE_ZEROES 13u
#define VIRTIO_BLK_T_SECURE_ERASE 14u
#define VIRTIO_BLK_ID_BYTES 20u

/* struct virtio_blk_discard_write_zeroes { le64 sector; le32 num_sectors; le32 flags; } */
#define VIRTIO_BLK_DWZ_SIZE 16u
#define VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP 1u

#define VIRTIO_BLK_S_OK 0u
#define VIRTIO_BLK_S_IOERR 1u
#define VIRTIO_BLK_S_UNSUPP 2u
