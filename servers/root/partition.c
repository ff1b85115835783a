/* Builds the partitions of the partition table (hv/proto/partition_table.h): each gets its RAM and
 * payloads (partition_mem.c), a vcpu bound to a thread of the partition's priority and
 * budget, a console client, a VMM (servers/vmm) that takes the vcpu's exits, and a thread of
 * the root task that serves its VMM's requests (reload after a reset, stop) for as long as the
 * system runs. */
#include "measure.h"
#include "partition.h"
#include "server_watch.h"
#include <hv/abi/error.h>
#include <hv/fmt.h>
#include <hv/log_limit.h>
#include <hv/proto/block.h>
#include <hv/proto/focus.h>
#include <hv/proto/partition.h>
#include <hv/print.h>
#include <hv/string.h>

#if defined(__aarch64__)
#include <hv/proto/guest_layout_aarch64.h>
#define PT_ARCH HV_PT_ARCH_AARCH64
#define GUEST_VIRTIO_PAGE HV_A64_GUEST_VIRTIO_MMIO
#else
#include <hv/proto/guest_layout_x86_64.h>
#define PT_ARCH HV_PT_ARCH_X86_64
#define GUEST_VIRTIO_PAGE HV_X86_GUEST_VIRTIO_MMIO
#endif
#define CONSOLE_PRIO 200
#define STORAGE_PRIO 190
#define RADIO_PRIO 190
#define KEYBOARD_PRIO CONSOLE_PRIO /* the console calls it: at least the console's priority */
#define VMM_PRIO_ABOVE HV_PT_VMM_PRIO_ABOVE /* above its guest: an exit is handled at once */

static struct partition parts[HV_PT_MAX_PARTITIONS];
static unsigned nparts;
static struct root_device_clients storage, radio, keyboard;
/* The machine's one focus (docs/trusted-path.md): made before the console, which follows it;
 * the keyboard server owns it and the display server shows it. */
static struct root_focus focus;
static struct bootfs fs;

/* The table's header and size; records are checked one by one later. */
static int open_table(const struct hv_bootinfo *info, const struct hv_pt_header **hdr)
{
    struct bootfs_file f;
    int r = bootfs_open(&fs, (const void *)info->bootfs_vaddr, info->bootfs_size);
    if (!r)
        r = bootfs_find(&fs, HV_PT_FILE, &f);
    if (r)
        return r;
    const struct hv_pt_header *h = (const void *)f.data;
    if (f.size < sizeof(*h) || memcmp(h->magic, HV_PT_MAGIC, 8) || h->version != HV_PT_VERSION ||
        h->arch != PT_ARCH || h->record_size != sizeof(struct hv_pt_partition) ||
        h->count > HV_PT_MAX_PARTITIONS ||
        h->total_size != sizeof(*h) + (uint64_t)h->count * h->record_size ||
        h->total_size > f.size)
        return HV_EFORMAT;
    *hdr = h;
    return HV_OK;
}

static uint64_t copy_to(uint64_t src, uint64_t cnode, uint64_t index, unsigned rights,
                        uint64_t badge, int *r)
{
    if (!*r)
        *r = hv_cap_copy(src, cnode, index, rights, badge);
    return index;
}

/* Where a device server's caps and shared page go in a VMM (hv/proto/partition.h). */
struct vmm_device_slots {
    uint64_t ep, bell, shared_va;
    uint32_t device; /* HV_VMM_DEV_* */
};

static const struct vmm_device_slots storage_slots = {
    HV_VMM_SLOT_STORAGE, HV_VMM_SLOT_STORAGE_BELL, HV_VMM_BLK_SHARED_VA, HV_VMM_DEV_BLK};
static const struct vmm_device_slots radio_slots = {HV_VMM_SLOT_RADIO, HV_VMM_SLOT_RADIO_BELL,
                                                    HV_VMM_NET_SHARED_VA, HV_VMM_DEV_NET};
static const struct vmm_device_slots keyboard_slots = {
    HV_VMM_SLOT_KEYBOARD, HV_VMM_SLOT_KEYBOARD_BELL, HV_VMM_KBD_SHARED_VA, HV_VMM_DEV_KBD};

/* A device server's caps and shared page for p's VMM, if p is one of its clients: its
 * endpoint badged with the client (the server knows whom a call is for by it alone), the
 * doorbell bit of that client, and the page only p's VMM and the server map. */
static int give_device(const struct partition *p, const struct root_device_clients *srv,
                       const struct vmm_device_slots *at, uint64_t vmm_cnode,
                       uint64_t vmm_vspace, uint32_t *devices)
{
    int c = srv->client[p->index];
    if (!srv->ready || c < 0)
        return HV_OK;
    uint64_t copy = root_slot();
    int r = HV_OK;
    copy_to(srv->ep, vmm_cnode, at->ep, HV_RIGHT_WRITE, (uint64_t)c + 1, &r);
    uint64_t bell = srv->client_bell[p->index] ? srv->client_bell[p->index] : srv->bell;
    copy_to(bell, vmm_cnode, at->bell, HV_RIGHT_WRITE, HV_VDEV_DOORBELL((unsigned)c), &r);
    if (!r)
        r = hv_cap_copy(srv->shared[p->index], ROOT_CNODE, copy, HV_RIGHTS_ALL, 0);
    if (!r)
        r = hv_map(copy, vmm_vspace, at->shared_va, HV_MAP_READ | HV_MAP_WRITE);
    if (!r) {
        *devices |= at->device;
    } else {
        hv_cap_delete(copy); /* empty or unmapped: the slot goes back either way */
        root_slot_free(copy);
    }
    return r;
}

/* The register page (HV_VMM_DEV_REGS) for a partition whose table gives it a virtio device:
 * read-only in the guest over its virtio-mmio slots' page, read-write in its VMM. The guest
 * can't change it (its stores fault to the VMM), and no one else maps it. */
static int give_register_page(const struct partition *p, uint64_t vmm_vspace, uint32_t *devices)
{
    const struct hv_pt_partition *rec = p->rec;
    if (rec->disk.select == HV_PT_DISK_NONE && rec->net.kind != HV_PT_NET_IPV4 &&
        !(rec->ui.flags & HV_PT_UI_KEYBOARD))
        return HV_OK;
    uint64_t page = root_page_new(NULL, 0), copy = root_slot();
    if (!page || !copy)
        return HV_ENOMEM;
    int r = hv_map(page, p->gvspace, GUEST_VIRTIO_PAGE, HV_MAP_READ);
    if (!r)
        r = hv_cap_copy(page, ROOT_CNODE, copy, HV_RIGHTS_ALL, 0);
    if (!r)
        r = hv_map(copy, vmm_vspace, HV_VMM_REGS_VA, HV_MAP_READ | HV_MAP_WRITE);
    if (!r)
        *devices |= HV_VMM_DEV_REGS;
    return r;
}

/* The program to start as `standard`: the boot archive's program `in_place` if it has one,
 * else `standard`. Only the evaluation's test images carry such programs (a rogue VMM
 * "vmm.<partition>", a rogue storage server "storage.eval": test/eval/rogue; docs/manifest.md
 * "Programs in place of the VMM"). Programs come before the partition table in the archive,
 * the payload after it, so a payload file a manifest happened to name so is never taken for
 * one. The root says so on the console: no log can pass for a system that runs the programs it
 * was built with. */
const char *root_program_in_place(const char *standard, const char *in_place, const char *what)
{
    struct bootfs_file f;
    for (uint32_t i = 0; bootfs_file_at(&fs, i, &f) == HV_OK; i++) {
        if (!strcmp(f.name, HV_PT_FILE))
            break;
        if (!strcmp(f.name, in_place)) {
            hv_printf("root: %s is the program %s of this test image\n", what, in_place);
            return in_place;
        }
    }
    return standard;
}

/* The program that serves p as its VMM: "vmm", or "vmm.<partition>" in a test image. */
static const char *vmm_program(const struct partition *p)
{
    static char name[BOOTFS_NAME_MAX], what[BOOTFS_NAME_MAX + 32];
    fmt_snprintf(name, sizeof(name), "vmm.%s", p->rec->name);
    fmt_snprintf(what, sizeof(what), "partition %s: its VMM", p->rec->name);
    return root_program_in_place("vmm", name, what);
}

/* The VMM program with everything hv/proto/partition.h promises it. */
static int start_vmm(struct partition *p, const struct root_console *con, unsigned con_index,
                     uint64_t root_ep)
{
    const struct hv_pt_partition *rec = p->rec;
    struct root_program vmm;
    int r = root_load_program(vmm_program(p), &vmm);
    if (r)
        return r;
    p->vmm_ep = root_new(HV_OBJ_ENDPOINT, 0);
    p->vcpu = root_new_anywhere(HV_OBJ_VCPU, 0);
    p->thread = root_new(HV_OBJ_THREAD, 0);
    uint64_t input_thread = root_new(HV_OBJ_THREAD, 0), fault = root_slot();
    if (!p->vmm_ep || !p->vcpu || !p->thread || !input_thread)
        return HV_ENOMEM;
    unsigned prio = rec->priority;
    /* Made even when it is the whole CPU, so that what the partition used is counted. */
    r = hv_sc_configure(ROOT_SCHED_CONTROL, p->sc, (uint64_t)rec->budget * ROOT_TICK_US,
                        (uint64_t)rec->period * ROOT_TICK_US);
    if (r)
        return r;
    copy_to(p->vmm_ep, vmm.cnode, HV_VMM_SLOT_EP, HV_RIGHT_READ, 0, &r);
    copy_to(p->vmm_ep, vmm.cnode, HV_VMM_SLOT_EP_INPUT, HV_RIGHT_WRITE, HV_VMM_BADGE_INPUT, &r);
    copy_to(vmm.vspace, vmm.cnode, HV_VMM_SLOT_VSPACE, HV_RIGHTS_ALL, 0, &r);
    copy_to(input_thread, vmm.cnode, HV_VMM_SLOT_INPUT_THREAD, HV_RIGHTS_ALL, 0, &r);
    copy_to(con->ep, vmm.cnode, HV_VMM_SLOT_CONSOLE, HV_RIGHT_WRITE, con_index + 1, &r);
    copy_to(con->input_ntfn[con_index], vmm.cnode, HV_VMM_SLOT_CONSOLE_NTFN, HV_RIGHT_READ, 0,
            &r);
    copy_to(root_ep, vmm.cnode, HV_VMM_SLOT_ROOT, HV_RIGHT_WRITE, p->index + 1, &r);
    /* The vcpu thread: the partition's priority and budget; its exits go to the VMM. */
    copy_to(p->vmm_ep, ROOT_CNODE, fault, HV_RIGHT_WRITE, HV_VMM_BADGE_VCPU(0), &r);
    if (!r)
        r = hv_thread_configure(p->thread, vmm.cnode, vmm.vspace, fault, prio, p->sc, 0, 0);
    if (!r)
        r = hv_sys(HV_SYS_VCPU_BIND, p->vcpu, p->thread, p->gvspace, 0, 0, 0);
    copy_to(p->vcpu, vmm.cnode, HV_VMM_SLOT_VCPU0, HV_RIGHTS_ALL, 0, &r);
    copy_to(p->thread, vmm.cnode, HV_VMM_SLOT_THREAD0, HV_RIGHTS_ALL, 0, &r);
    if (r)
        return r;

    uint64_t ring = root_slot();
    if ((r = hv_cap_copy(con->ring_frame[con_index], ROOT_CNODE, ring, HV_RIGHTS_ALL, 0)) ||
        (r = hv_map(ring, vmm.vspace, HV_VMM_RING_VA, HV_MAP_READ | HV_MAP_WRITE)) ||
        (r = partition_mem_map_into(p, vmm.vspace, HV_VMM_RAM_VA)))
        return r;
    static struct hv_vmm_config cfg; /* a page's worth: kept off the stack */
    memset(&cfg, 0, sizeof(cfg));
    cfg.index = p->index;
    cfg.ncpus = 1;
    cfg.prio = prio + VMM_PRIO_ABOVE;
    cfg.part = *rec;
    if ((r = give_device(p, &storage, &storage_slots, vmm.cnode, vmm.vspace, &cfg.devices)) ||
        (r = give_device(p, &radio, &radio_slots, vmm.cnode, vmm.vspace, &cfg.devices)) ||
        (r = give_device(p, &keyboard, &keyboard_slots, vmm.cnode, vmm.vspace, &cfg.devices)) ||
        (r = give_register_page(p, vmm.vspace, &cfg.devices)))
        return r;
    if (!root_page_into(vmm.vspace, HV_VMM_CONFIG_VA, HV_MAP_READ, &cfg, sizeof(cfg)))
        return HV_ENOMEM;
    return root_start_program(&vmm, prio + VMM_PRIO_ABOVE, p->sc);
}

/* One budget for the whole partition: its vcpu thread, its VMM's threads (they inherit it),
 * what servers do for their calls and the storage server's thread for it. Made before the
 * storage server starts, which runs a thread on it; its budget is set when the VMM starts
 * (start_vmm), so that the partition's share is counted from then, and that thread waits
 * for it. */
static int make_sc(struct partition *p)
{
    p->sc = root_new(HV_OBJ_SCHED_CONTEXT, 0);
    return p->sc ? HV_OK : HV_ENOMEM;
}

/* The partition's RAM with its payloads: before the storage server starts, which maps it. */
static int build_mem(struct partition *p)
{
    int r = partition_mem_create(p);
    if (!r)
        r = partition_mem_load(p, &fs, false);
    p->mem_ready = r == HV_OK;
    return r;
}

/* What the partition has had of the CPU since its budget started: the kernel's charge to its
 * scheduling context (vcpu thread, VMM, and what servers did on its calls) against the time
 * since then, both by the kernel's counter (scripts/bench-budget reads these lines). */
static void report_cpu(const struct partition *p)
{
    uint64_t used_us, elapsed_us;
    int r = hv_sc_consumed(p->sc, &used_us, &elapsed_us);
    if (r)
        hv_printf("root: partition %s: cpu unknown (error %d)\n", p->rec->name, r);
    else
        hv_printf("root: partition %s: cpu %lu us of %lu us\n", p->rec->name, used_us,
                  elapsed_us);
}

/* Every partition's line at once, printed at a partition's (logged) reset: two such snapshots
 * give each partition's share over the time between them (linux-spin in test/qemu/linux.cmake
 * reads the spinner's that way, free of its boot). A stop prints the stopping partition's
 * line only: that one is its whole life's share (scripts/bench-budget). */
static void report_cpu_all(void)
{
    for (unsigned i = 0; i < nparts; i++)
        report_cpu(&parts[i]);
}

/* The first 8 bytes of a digest in hex: enough to tell two apart in a log line. */
static void digest_prefix(const uint8_t *d, char out[17])
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 8; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[16] = '\0';
}

/* Measured boot (docs/manifest.md): a partition whose payloads are not the bytes the image
 * builder hashed is not built, with a line naming it and the payload; the others are. */
static bool payloads_match(const struct hv_pt_partition *rec)
{
    static struct measure_cache cache;
    uint8_t got[HV_PT_SHA256_SIZE];
    int bad = measure_first_mismatch(&fs, rec, &cache, got);
    if (bad < 0) {
        hv_printf("root: partition %s: %u payloads match their SHA-256\n", rec->name,
                  rec->nloads);
        return true;
    }
    const struct hv_pt_load *l = &rec->loads[bad];
    char file[HV_PT_FILE_MAX + 1], got_hex[17], want_hex[17];
    memcpy(file, l->file, HV_PT_FILE_MAX);
    file[HV_PT_FILE_MAX] = '\0';
    digest_prefix(got, got_hex);
    digest_prefix(l->sha256, want_hex);
    hv_printf("root: partition %s refused: its %s (%s, %lu bytes) is not what the image was "
              "built with: SHA-256 %s..., recorded %s...\n", rec->name,
              measure_load_kind(l->kind), file, l->size, got_hex, want_hex);
    return false;
}

/* A VMM's request: badge = partition index + 1. */
static uint64_t serve(uint64_t badge, const struct hv_msg *m)
{
    uint64_t label = hv_msginfo_label(m->info);
    if (badge == 0 || badge > nparts)
        return HV_EPERM;
    struct partition *p = &parts[badge - 1];
    switch (label) {
    case HV_ROOT_RELOAD:
        /* Logged at the 1st, 2nd, 4th, ... reset: a partition that resets in a loop must not
         * fill the root's share of the console queue, whose lines speak for every partition. */
        if (hv_count_and_check(&p->resets)) {
            report_cpu_all();
            hv_printf("root: partition %s resets (%lu)\n", p->rec->name, p->resets);
        }
        return (uint64_t)partition_mem_load(p, &fs, true);
    case HV_ROOT_STOPPED:
        p->running = false;
        report_cpu(p);
        /* A test exit's status, as QEMU's isa-debug-exit would make QEMU's. */
        if (hv_msginfo_len(m->info) >= 1)
            hv_printf("root: partition %s stopped (exit status %lu)\n", p->rec->name, m->w[0]);
        else
            hv_printf("root: partition %s stopped\n", p->rec->name);
        return HV_OK;
    default:
        return HV_EINVAL;
    }
}

/* Each partition's requests are served by a thread of the root's own, at the priority of the
 * partition's VMM: the work a request asks for (a reset's wipe and reload of the RAM) then runs
 * at that priority and, lent over the call, on the partition's budget (docs/syscalls.md,
 * "Scheduling"), as if the VMM did it itself. Served at the root's priority, a partition that
 * resets in a loop would preempt partitions above its own for as long as each reset takes,
 * and its resets would hold up the others' requests. */
static uint64_t handoff_ep; /* where a new server thread learns its partition */

static _Noreturn void serve_partition(struct partition *p)
{
    struct hv_msg m = {0};
    hv_recv(p->root_ep, &m);
    for (;;) {
        /* Only p's VMM holds the endpoint, with p's badge; anything else is a root bug. */
        uint64_t err = m.badge == p->index + 1 ? serve(m.badge, &m) : HV_EPERM;
        m.info = hv_msginfo(err, 0);
        hv_reply_recv(p->root_ep, &m);
    }
}

static void server_thread(void)
{
    struct hv_msg m = {0};
    hv_recv(handoff_ep, &m);
    struct partition *p = &parts[m.w[0]];
    m.info = hv_msginfo(HV_OK, 0);
    hv_reply(&m);
    serve_partition(p);
}

/* p's endpoint to the root, and its server thread waiting on it. */
static int start_server(struct partition *p)
{
    p->root_ep = root_new(HV_OBJ_ENDPOINT, 0);
    uint64_t thread = p->root_ep ? root_spawn(server_thread, ROOT_CNODE, 0,
                                              p->rec->priority + VMM_PRIO_ABOVE, 1, 1)
                                 : 0;
    if (!thread)
        return HV_ENOMEM;
    /* The thread (below the root's priority) runs while this call waits for its answer. */
    struct hv_msg m = {.info = hv_msginfo(0, 1), .w = {p->index}};
    int r = hv_call(handoff_ep, &m);
    return r ? r : (int)hv_msginfo_label(m.info);
}

#define DISPLAY_PRIO 190

/* The display server, if a partition has a screen: it makes the screens before the partitions
 * run, for their guests find the framebuffer mapped from their first instruction. */
static void start_display(const struct hv_bootinfo *info, const struct root_console *con)
{
    int r = root_start_display(info, parts, nparts, con, &focus, DISPLAY_PRIO);
    if (r && r != HV_ENOENT)
        hv_printf("root: the display server did not start (error %d)\n", r);
}

/* The storage server, if the machine has a disk; the partitions run without one if not. */
static void start_storage(const struct hv_bootinfo *info, const struct root_console *con)
{
    int r = root_start_storage(info, parts, nparts, con, STORAGE_PRIO, &storage);
    if (r == HV_ENOENT)
        hv_printf("root: no virtio-blk disk: no storage server\n");
    else if (r)
        hv_printf("root: the storage server did not start (error %d)\n", r);
}

/* The radio server, if the machine has a NIC; the partitions run without one if not. */
static void start_radio(const struct hv_bootinfo *info, const struct root_console *con)
{
    int r = root_start_radio(info, parts, nparts, con, RADIO_PRIO, &radio);
    if (r == HV_ENOENT)
        hv_printf("root: no virtio NIC: no radio server\n");
    else if (r)
        hv_printf("root: the radio server did not start (error %d)\n", r);
}

/* The keyboard server, the focus owner, whenever a partition may take focus; once it answers,
 * the console may ask it (Ctrl-T). Should it not start, the console keeps its own focus. */
static void start_keyboard(const struct hv_bootinfo *info, const struct root_console *con)
{
    int r = root_start_keyboard(info, parts, nparts, con, &focus, KEYBOARD_PRIO, &keyboard);
    if (!r)
        r = root_console_focus_owner(con, &focus);
    if (r)
        hv_printf("root: the keyboard server did not start (error %d): the console keeps its own "
                  "focus\n", r);
}

int root_run_partitions(const struct hv_bootinfo *info)
{
    const struct hv_pt_header *hdr;
    int r = open_table(info, &hdr);
    if (r == HV_ENOENT)
        return r; /* an image without partitions: nothing to do */
    if (r) {
        hv_printf("root: the partition table is malformed (error %d): no partitions\n", r);
        return r;
    }
    const struct hv_pt_partition *recs = (const void *)(hdr + 1);
    static char names[HV_CONSOLE_MAX_CLIENTS][HV_CONSOLE_NAME_MAX];
    for (unsigned i = 0; i < hdr->count && nparts < HV_CONSOLE_MAX_CLIENTS; i++) {
        const char *why = "";
        if (partition_check(&fs, &recs[i], &why)) {
            hv_printf("root: partition %u refused: %s\n", i, why);
            continue;
        }
        if (!payloads_match(&recs[i]))
            continue;
        parts[nparts].rec = &recs[i];
        parts[nparts].index = nparts;
        const char *tag = recs[i].console_name[0] ? recs[i].console_name : recs[i].name;
        for (unsigned k = 0; k < HV_CONSOLE_NAME_MAX - 1 && k < HV_PT_NAME_MAX && tag[k]; k++)
            names[nparts][k] = tag[k];
        nparts++;
    }
    if (!nparts)
        return HV_ENOENT;

    /* The focus first, for the console follows it: on the first partition that may take it. */
    uint32_t first = HV_FOCUS_NONE;
    for (unsigned i = nparts; i-- > 0;)
        if (parts[i].rec->ui.flags)
            first = parts[i].index;
    if ((r = root_focus_create(first, &focus))) {
        hv_printf("root: no focus objects (error %d)\n", r);
        return r;
    }
    struct root_console con;
    handoff_ep = root_new(HV_OBJ_ENDPOINT, 0);
    /* The console follows the focus's owner when there is one to follow. */
    const struct root_focus *follow = first != HV_FOCUS_NONE ? &focus : NULL;
    if (!handoff_ep ||
        (r = root_start_console(info, nparts, names, CONSOLE_PRIO, follow, &con))) {
        hv_printf("root: no console server (error %d)\n", r);
        return r ? r : HV_ENOMEM;
    }
    hv_print_to_console(con.ep); /* from now on partitions write too: no split lines */
    /* Every server first: once a partition runs, it may keep a new server's thread from ever
     * getting the CPU it needs to learn its partition. The storage server maps the
     * partitions' RAM, so that is made before it starts. */
    int served[HV_PT_MAX_PARTITIONS];
    for (unsigned i = 0; i < nparts; i++) {
        served[i] = start_server(&parts[i]);
        if (!served[i])
            served[i] = make_sc(&parts[i]);
        if (!served[i])
            served[i] = build_mem(&parts[i]);
    }
    /* The watcher of the servers partitions call: above them all (the keyboard's is the
     * console's priority). Without it they do not start (server_watch_add refuses). */
    if ((r = server_watch_start(CONSOLE_PRIO + 1)))
        hv_printf("root: no watcher of the device servers (error %d): none starts\n", r);
    start_display(info, &con); /* needs the guest address spaces made just above */
    start_storage(info, &con);
    start_radio(info, &con);
    if (follow)
        start_keyboard(info, &con);
    for (unsigned i = 0; i < nparts; i++) {
        struct partition *p = &parts[i];
        r = served[i];
        if (!r)
            r = start_vmm(p, &con, i, p->root_ep);
        p->running = r == HV_OK;
        hv_printf("root: partition %s: %lu MiB at 0x%lx, budget %u/%u: %s (%d)\n", p->rec->name,
                  p->rec->ram_size >> 20, p->rec->ram_gpa, p->rec->budget, p->rec->period,
                  r ? "FAILED" : "started", r);
    }
    return HV_OK; /* the partitions' servers go on */
}
