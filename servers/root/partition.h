/* The root task's partitions: what it made for each entry of the partition table. */
#pragma once

#include <hv/bootfs.h>
#include <hv/root.h>
#include <hv/proto/partition_table.h>

#define PARTITION_MAX_BLOCKS 512 /* 1 GiB of guest RAM in 2 MiB frames */

struct partition {
    const struct hv_pt_partition *rec;
    unsigned index;
    uint64_t gvspace;          /* the guest address space */
    uint64_t first_frame;      /* RAM: frames first_frame .. + nblocks - 1, mapped in gvspace */
    unsigned nblocks;
    uint64_t vcpu, thread;     /* the guest CPU and the thread that runs it */
    uint64_t vmm_ep;           /* the VMM's endpoint (exits and requests arrive there) */
    uint64_t sc;               /* its scheduling context: vcpu thread and VMM share it */
    uint64_t root_ep;          /* its VMM's endpoint to the root, served by a thread of its own */
    uint64_t window;           /* the root's slot for one block of the RAM at a time */
    uint64_t resets;           /* HV_ROOT_RELOADs asked for */
    bool mem_ready;            /* RAM made and loaded: the storage server may map it */
    bool running;
};

/* Builds the partitions of the boot image's partition table, each with a thread of the root
 * that serves its VMM from then on; returns HV_OK once they run, HV_ENOENT when there are
 * none, or an error when the table is malformed or the console server can't start.
 * partition.c */
int root_run_partitions(const struct hv_bootinfo *info);

/* What the root task made for a device server's clients (the storage and radio servers), for
 * their VMMs. */
struct root_device_clients {
    bool ready;        /* the server answers its endpoint */
    uint64_t ep, bell; /* its endpoint and notification (the root's unbadged caps) */
    uint64_t shared[HV_PT_MAX_PARTITIONS]; /* by partition index: its shared page's frame */
    int client[HV_PT_MAX_PARTITIONS];      /* by partition index: its client number, or -1 */
    /* By partition index: the notification its VMM's doorbell rings, when the server has
     * one per client (storage: the client's own thread waits on it); 0: bell. */
    uint64_t client_bell[HV_PT_MAX_PARTITIONS];
};

/* Starts the storage server on the first virtio-blk disk, serving every partition of parts
 * whose record has a disk (and whose RAM is made: mem_ready), and waits until it answers; it
 * logs through the console. HV_ENOENT: no disk. storage_start.c */
int root_start_storage(const struct hv_bootinfo *info, const struct partition *parts,
                       unsigned nparts, const struct root_console *con, unsigned prio,
                       struct root_device_clients *out);

/* Starts the radio server on the first virtio NIC, serving every partition of parts whose
 * record has a network port (and whose RAM is made), and waits until it answers; it logs
 * through the console. HV_ENOENT: no NIC. radio_start.c */
int root_start_radio(const struct hv_bootinfo *info, const struct partition *parts,
                     unsigned nparts, const struct root_console *con, unsigned prio,
                     struct root_device_clients *out);

/* Starts the keyboard server, the owner of the machine's focus (focus, made by the root before
 * the console): the physical keyboard (the i8042 on x86_64, the first virtio keyboard on
 * AArch64, or none: it owns the focus anyway), the focus page and endpoint, and the listeners'
 * notifications; waits until it answers. keyboard_start.c */
int root_start_keyboard(const struct hv_bootinfo *info, const struct partition *parts,
                        unsigned nparts, const struct root_console *con,
                        const struct root_focus *focus, unsigned prio,
                        struct root_device_clients *out);
/* The program to start as standard, or a test image's program in_place of it (the evaluation's
 * rogue programs), said on the console with what it is: partition.c */
const char *root_program_in_place(const char *standard, const char *in_place, const char *what);

/* Whether the record can be built: HV_OK, or an error with *why naming the problem. */
int partition_check(const struct bootfs *fs, const struct hv_pt_partition *rec, const char **why);
/* The guest address space with all RAM mapped (zeroed, as retype leaves it), and the window
 * slot every load of the partition uses. */
int partition_mem_create(struct partition *p);
/* Copies the payloads in; wipe zeroes the RAM first (a reset). Takes no slot: the window is
 * empty again when it returns, whatever failed. */
int partition_mem_load(struct partition *p, const struct bootfs *fs, bool wipe);
/* Maps the RAM read-write at va of another address space (the VMM's). */
int partition_mem_map_into(const struct partition *p, uint64_t vspace, uint64_t va);

/* Starts the display server on QEMU's ramfb with one screen buffer for every partition of parts
 * with a screen (and whose RAM is made), its guest rows mapped into that partition; it follows
 * focus and logs through the console. HV_ENOENT: no partition has a screen. display_start.c */
int root_start_display(const struct hv_bootinfo *info, const struct partition *parts,
                       unsigned nparts, const struct root_console *con,
                       const struct root_focus *focus, unsigned prio);
