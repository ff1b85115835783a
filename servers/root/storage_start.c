/* Starts the storage server (servers/storage) on the physical disk the bus code finds: the
 * disk's register pages, its interrupt, DMA memory, a cap to log through the console, the
 * slice each partition with a disk is to get (its record's hv_pt_disk), that partition's RAM,
 * its shared page and its VMM's event notification; then waits until the server answers
 * (docs/storage.md). */
#include "device_grant.h"
#include "partition.h"
#include <hv/abi/error.h>
#include <hv/proto/console.h>
#include <hv/fmt.h>
#include <hv/print.h>
#include <hv/proto/block.h>
#include <hv/proto/partition.h>
#include <hv/proto/storage.h>
#include <hv/string.h>
#include <hv/virtio/virtio_spec.h>

/* Its own budget, 20 %, for what no partition can be charged with: the disk's interrupt and
 * the physical queue (the disk thread). What it does for one partition (its requests, its
 * VMM's calls) runs on that partition's budget: in the client thread started on it below, or
 * lent over the VMM's call. Taken as 2 ms of every 10, as the radio server's: a spent budget
 * then holds every partition's disk for at most 8 ms, not 80 of a 100 ms period. */
#define STORAGE_BUDGET_US 2000u
#define STORAGE_PERIOD_US 10000u

/* Slice spec c from the partition's record: its GPT partition by name or GUID, its access,
 * and where its RAM is. */
static void fill_slice(struct hv_storage_slice_spec *s, const struct partition *part)
{
    const struct hv_pt_partition *rec = part->rec;
    memset(s, 0, sizeof(*s));
    fmt_snprintf(s->partition, sizeof(s->partition), "%s", rec->name);
    if (rec->disk.select == HV_PT_DISK_BY_GUID) {
        s->by = HV_STORAGE_BY_GUID;
        memcpy(s->gpt_guid, rec->disk.gpt_guid, sizeof(s->gpt_guid));
    } else {
        s->by = HV_STORAGE_BY_NAME;
        for (size_t k = 0; k < sizeof(s->gpt_name) - 1 && k < sizeof(rec->disk.gpt_name) &&
                           rec->disk.gpt_name[k];
             k++)
            s->gpt_name[k] = rec->disk.gpt_name[k];
    }
    s->writable = rec->disk.access == HV_PT_DISK_READ_WRITE;
    s->ram_gpa = rec->ram_gpa;
    s->ram_size = rec->ram_size;
}

/* Client c's thread (docs/storage.md, "Whose CPU time"): its notification, which its VMM
 * rings (the caps for the VMM are made in partition.c from out->client_bell) and the server's
 * other threads wake; its thread's slot; its stack. */
static struct device_worker_layout client_thread(unsigned c)
{
    return (struct device_worker_layout){HV_STORAGE_SLOT_WORKER_NTFN, HV_STORAGE_SLOT_WORKER_WAKE,
                                         HV_STORAGE_SLOT_WORKER_THREAD, HV_STORAGE_BADGE_WAKE,
                                         HV_STORAGE_WORKER_STACK_TOP(c),
                                         HV_STORAGE_WORKER_STACK_PAGES};
}

/* Its threads fault to the root's watcher, which then removes it (server_watch.c). */
static struct server_watch watch;

int root_start_storage(const struct hv_bootinfo *info, const struct partition *parts,
                       unsigned nparts, const struct root_console *con, unsigned prio,
                       struct root_device_clients *out)
{
    static struct hv_storage_config cfg; /* a page: kept off the stack */
    struct bus_device dev;
    struct root_program p;
    memset(&cfg, 0, sizeof(cfg));
    memset(out, 0, sizeof(*out));
    for (unsigned i = 0; i < HV_PT_MAX_PARTITIONS; i++)
        out->client[i] = -1;
    cfg.version = HV_STORAGE_CONFIG_VERSION;
    int r = bus_find_virtio(info, VIRTIO_ID_BLOCK, &dev, &cfg.dev);
    if (r)
        return r;
    cfg.prio = prio;
    out->ep = root_new(HV_OBJ_ENDPOINT, 0);
    out->bell = root_new(HV_OBJ_NOTIFICATION, 0);
    uint64_t ready = root_new(HV_OBJ_NOTIFICATION, 0);
    uint64_t call_done = root_new(HV_OBJ_NOTIFICATION, 0);
    if (!out->ep || !out->bell || !ready || !call_done)
        return HV_ENOMEM;
    r = server_watch_add(&watch, "the storage server", "its partitions' disks no longer answer",
                         out->ep, ready);
    if (r)
        return r;
    /* Test images only: the evaluation's rogue server in its place, and IF-30's control, the
     * same program logging through the root task's own cap (its lines untagged). */
    const char *program = root_program_in_place("storage", "storage.eval", "the storage server");
    bool log_as_root = false;
    if (!strcmp(program, "storage")) {
        program = root_program_in_place("storage", "storage.eval-rootlog",
                                        "the storage server, logging as the root task,");
        log_as_root = strcmp(program, "storage") != 0;
    }
    uint64_t log_badge = log_as_root ? 0 : HV_CONSOLE_BADGE_SERVER(HV_CONSOLE_SERVER_STORAGE);
    if ((r = root_load_program(program, &p)) ||
        (r = device_grant(info, &p, &dev, out->bell, HV_STORAGE_DMA_FRAMES, &cfg.dev)) ||
        (r = device_grant_endpoint(&p, out, ready, &watch)) ||
        (r = hv_cap_copy(con->ep, p.cnode, HV_DEVICE_SLOT_LOG, HV_RIGHT_WRITE, log_badge)) ||
        (r = hv_cap_copy(out->bell, p.cnode, HV_STORAGE_SLOT_DISK_BELL, HV_RIGHT_WRITE,
                         HV_STORAGE_BIT_SUBMIT)) ||
        (r = hv_cap_copy(call_done, p.cnode, HV_STORAGE_SLOT_CALL_DONE,
                         HV_RIGHT_READ | HV_RIGHT_WRITE, 0)))
        return r;
    const struct partition *client_part[HV_STORAGE_MAX_SLICES];
    for (unsigned i = 0; i < nparts; i++) {
        const struct partition *part = &parts[i];
        if (!part->mem_ready || part->rec->disk.select == HV_PT_DISK_NONE)
            continue;
        if (cfg.nslices >= HV_STORAGE_MAX_SLICES || cfg.nslices >= HV_VDEV_MAX_CLIENTS) {
            hv_printf("root: partition %s: no disk: the storage server has %u clients at most\n",
                      part->rec->name, cfg.nslices);
            continue;
        }
        unsigned c = cfg.nslices;
        const struct device_worker_layout worker = client_thread(c);
        uint64_t ntfn = root_new(HV_OBJ_NOTIFICATION, 0);
        if (!ntfn)
            return HV_ENOMEM;
        if ((r = device_grant_client(&p, part, c, con->input_ntfn[i], HV_VMM_EVENT_BLK, out)) ||
            (r = device_grant_client_bus(info, &p, &dev, part, c)) ||
            (r = device_grant_worker(&p, c, ntfn, &worker)))
            return r;
        out->client_bell[i] = ntfn;
        client_part[c] = part;
        fill_slice(&cfg.slices[c], part);
        out->client[i] = (int)c;
        cfg.nslices++;
    }
    if (!root_page_into(p.vspace, HV_DEVICE_CONFIG_VA, HV_MAP_READ, &cfg, sizeof(cfg)))
        return HV_ENOMEM;
    if ((r = root_start_budgeted_us(&p, prio, STORAGE_BUDGET_US, STORAGE_PERIOD_US,
                                    watch.fault_cap)))
        return r;
    /* The VMMs' HV_VDEV_OPEN is a call: they get the caps only once the server answers (it
     * does whatever it found: a refused disk answers every OPEN with an error). */
    uint64_t bits;
    if ((r = hv_wait(ready, &bits)))
        return r;
    if (watch.faulted)
        return HV_ECANCELED; /* the watcher said so: nothing of it is left */
    /* Only now: a client thread reads what the server set up before it answered. A partition
     * whose thread can't start gets no disk (its VMM would wait for the thread forever). */
    for (unsigned i = 0; i < nparts; i++) {
        int c = out->client[i];
        const struct device_worker_layout worker = client_thread(c >= 0 ? (unsigned)c : 0);
        if (c >= 0 &&
            (r = device_start_worker(&p, client_part[c], (unsigned)c, &worker, &watch))) {
            hv_printf("root: partition %s: no disk: its storage thread did not start (%d)\n",
                      client_part[c]->rec->name, r);
            out->client[i] = -1;
        }
    }
    out->ready = true;
    return HV_OK;
}
