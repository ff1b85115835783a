/* A guest driver's steps on the VMM's virtio-blk window, against the fake storage server
 * (vblk_fake.h): shared by test_vblk.c and test_vblk_reset.c. */
#pragma once

#include "core/vblk_place.h"
#include "vblk_fake.h"
#include <stdint.h>

#define BASE 0x0a000000ull /* the window's guest-physical address */
#define DESC (VBLK_FAKE_RAM_GPA + 0x1000)
#define AVAIL (VBLK_FAKE_RAM_GPA + 0x2000)
#define USED (VBLK_FAKE_RAM_GPA + 0x3000)

/* The fake server and the device under test. */
extern struct vblk_fake srv;
extern struct vmm_vdev vb;
/* ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK. */
extern const uint32_t status_live;

/* A fresh fixture and server for each test, and its end. */
void setup(void);
void teardown(void);
/* The VMM opens the device with the server and places it at BASE. */
void open_ok(void);
/* A 32-bit load or store of the window at off. */
uint32_t rd(uint32_t off);
void wr(uint32_t off, uint32_t v);
/* The 64 feature bits offered. */
uint64_t features(void);
/* Linux's bring-up up to FEATURES_OK, accepting `want` of what is offered. */
void negotiate(uint64_t want);
/* Queue 0's size and ring addresses. */
void queue_regs(uint32_t num, uint64_t desc, uint64_t avail, uint64_t used);
/* A whole bring-up with a 128-entry queue; the device ends live. */
void bring_up(void);
