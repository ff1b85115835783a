/* A partition's virtio-input keyboard as its VMM shows it: core/vdev.c's transport with the
 * keyboard's profile, run by the keyboard server (docs/trusted-path.md, "Guests"). Two queues,
 * events (server to guest) and status (the guest's LEDs); the configuration space (§5.8.4:
 * select/subsel choose what the union reads as) is the VMM's own and names the keys the
 * keyboard server can send. */
#pragma once

#include "core/vdev.h"
#include <hv/proto/input.h>
#include <stdbool.h>
#include <stdint.h>

/* struct virtio_input_config (§5.8.4): select, subsel, size, 5 reserved, a 128-byte union. */
#define VINPUT_CFG_SELECT 0u
#define VINPUT_CFG_SUBSEL 1u
#define VINPUT_CFG_SIZE 2u
#define VINPUT_CFG_UNION 8u
#define VINPUT_CFG_UNION_SIZE 128u
#define VINPUT_CFG_BYTES (VINPUT_CFG_UNION + VINPUT_CFG_UNION_SIZE)

/* enum virtio_input_config_select. */
#define VINPUT_CFG_UNSET 0x00u
#define VINPUT_CFG_ID_NAME 0x01u
#define VINPUT_CFG_ID_SERIAL 0x02u
#define VINPUT_CFG_ID_DEVIDS 0x03u
#define VINPUT_CFG_PROP_BITS 0x10u
#define VINPUT_CFG_EV_BITS 0x11u
#define VINPUT_CFG_ABS_INFO 0x12u

/* What the device says it is (ID_NAME, ID_DEVIDS: BUS_VIRTUAL, "Du" as the vendor). */
#define VINPUT_NAME "Duet keyboard"
#define VINPUT_BUS_VIRTUAL 0x06u
#define VINPUT_VENDOR 0x4475u
#define VINPUT_PRODUCT 0x0001u
#define VINPUT_VERSION 0x0001u

/* The LEDs a PC keyboard has (Linux's LED_NUML, LED_CAPSL, LED_SCROLLL): offered so that a
 * guest's console keeps its lock state as on a real keyboard; the server drops them. */
#define VINPUT_LED_NUML 0x00u
#define VINPUT_LED_CAPSL 0x01u
#define VINPUT_LED_SCROLLL 0x02u

extern const struct vdev_profile vinput_profile;

/* Whether the device's EV_KEY bitmap names code (what the tests and the server rely on). */
bool vinput_key_offered(unsigned code);

/* Opens the keyboard with the keyboard server: vmm_vdev_open with vinput_profile. HV_EFORMAT
 * also for a reply of another version or with device feature bits (virtio-input has none). */
int vmm_vinput_open(struct vmm_vdev *vd, struct vmm *vmm, const struct vdev_setup *setup);
