/* What the root task hands every device server for its physical device (hv/proto/device.h):
 * the register pages, the interrupt bound to the server's notification, DMA memory. */
#pragma once

#include "bus.h"
#include "partition.h"
#include "server_watch.h"

/* Gives program p the device dev (as bus_find_virtio found it): its register pages at
 * HV_DEVICE_REGS_VA and the first one as HV_DEVICE_SLOT_DEVICE; its irq handler bound to ntfn
 * with the badge HV_DEVICE_BIT_IRQ (HV_DEVICE_SLOT_IRQ, and ntfn readable at
 * HV_DEVICE_SLOT_IRQ_NTFN); dma_frames contiguous 2 MiB frames at HV_DEVICE_DMA_VA
 * (HV_DEVICE_SLOT_DMA + i). Notes the frames in out->dma_frames. */
int device_grant(const struct hv_bootinfo *info, const struct root_program *p,
                 const struct bus_device *dev, uint64_t ntfn, unsigned dma_frames,
                 struct hv_device_info *out);

/* A server with partitions as clients (hv/proto/device.h's client slots): its endpoint (read,
 * and write with HV_DEVICE_BADGE_EVENTS), its own address space and an unconfigured thread for
 * its event thread, ready (write) to say it answers, and w's fault cap for the threads it
 * starts itself. Its main thread and that event thread go on w's list. */
int device_grant_endpoint(const struct root_program *p, const struct root_device_clients *out,
                          uint64_t ready, struct server_watch *w);

/* Client c (partition part) of p: its RAM at HV_DEVICE_RAM_VA(c), a fresh page shared with its
 * VMM at HV_DEVICE_SHARED_VA(c) (the frame noted in out->shared), and its VMM's event
 * notification (write, badge vmm_event) at HV_DEVICE_SLOT_VMM_EVENTS + c. */
int device_grant_client(const struct root_program *p, const struct partition *part, unsigned c,
                        uint64_t vmm_events, uint64_t vmm_event, struct root_device_clients *out);

/* Client c's RAM as dev sees it (hv/proto/device.h, HV_DEVICE_RAM_BUS_VA): the bus address of
 * each of part's 2 MiB blocks, which the kernel tells the root task as the holder of dev's
 * registers, on a read-only page of p. Only for a server whose device may DMA into its
 * clients' RAM (docs/storage.md, "Data moves once"). */
int device_grant_client_bus(const struct hv_bootinfo *info, const struct root_program *p,
                            const struct bus_device *dev, const struct partition *part,
                            unsigned c);

/* Where a server keeps what it needs for a thread of its own per client, each run on that
 * client partition's scheduling context (the storage and radio servers: docs/device-servers.md):
 * the slots of client c's notification (read: its thread waits; write, badged: the server's
 * other threads wake it) and of its thread, and the top and size of its stack. */
struct device_worker_layout {
    unsigned slot_ntfn, slot_wake, slot_thread; /* client c's at + c */
    uint64_t wake_badge;
    uint64_t stack_top; /* client c's */
    unsigned stack_pages;
};

/* Client c's notification ntfn and stack in p, as the layout says. */
int device_grant_worker(const struct root_program *p, unsigned c, uint64_t ntfn,
                        const struct device_worker_layout *w);

/* Client c's thread: p's entry on c's stack (how the thread knows which client it serves), on
 * part's scheduling context, at the priority of part's VMM, faulting to watch (and on its list). */
int device_start_worker(const struct root_program *p, const struct partition *part, unsigned c,
                        const struct device_worker_layout *w, struct server_watch *watch);
