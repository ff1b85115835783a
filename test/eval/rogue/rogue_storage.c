/* DS-21: a rogue storage client (docs/eval.md). The rogue VMM speaks the block protocol
 * (hv/proto/block.h) itself, with a virtqueue it lays out in its partition's RAM, and sends what
 * no virtio-blk driver would: rings outside its RAM, writes at and across its slice's end, a
 * sector number whose byte offset wraps, a data buffer outside its RAM. The storage server must
 * refuse each (VIRTIO_BLK_S_IOERR, or the queue refused) and write nothing outside its slice:
 * the harness reads the victim's slice through QEMU's block layer afterwards. */
#include <hv/abi/error.h>
#include <hv/proto/block.h>
#include <hv/proto/partition.h>
#include <hv/string.h>
#include <hv/sys.h>

#include "rogue.h"

#define QUEUE_SIZE 8
#define RING_OFFSET (12ull << 20) /* in its RAM: clear of the guest image it never runs */
#define DESC_F_NEXT 1
#define DESC_F_WRITE 2
#define BLK_T_IN 0
#define BLK_T_OUT 1
#define STATUS_NONE 0xff
#define SLOT_SPARE 60 /* a free slot of its cnode */
#define WAIT_YIELDS 20000
/* What a write past its slice's end would leave on the disk, where the harness looks. */
#define MARKER "DUET-ROGUE-MARKER past its slice"

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};
struct avail {
    uint16_t flags, idx, ring[QUEUE_SIZE], used_event;
};
struct used {
    uint16_t flags, idx;
    struct {
        uint32_t id, len;
    } ring[QUEUE_SIZE];
    uint16_t avail_event;
};
struct blk_header {
    uint32_t type, reserved;
    uint64_t sector;
};

/* Its queue's parts: guest-physical address (what the server is told) and where the rogue
 * sees it (its mapping of its RAM). */
static uint64_t gpa_base;
static uint8_t *va_base;
#define AT(off, type) ((volatile type *)(va_base + (off)))
#define DESC_OFF 0x0
#define AVAIL_OFF 0x400
#define USED_OFF 0x800
#define HEADER_OFF 0x1000
#define DATA_OFF 0x2000 /* 8 KiB */
#define STATUS_OFF 0x4000
static uint16_t avail_idx, used_seen;

static int call(uint64_t label, const uint64_t *w, unsigned n, uint64_t *reply)
{
    struct hv_msg m = {.info = hv_msginfo(label, n)};
    for (unsigned i = 0; i < n; i++)
        m.w[i] = w[i];
    int r = hv_call(HV_VMM_SLOT_STORAGE, &m);
    if (reply)
        for (unsigned i = 0; i < HV_MSG_WORDS; i++)
            reply[i] = m.w[i];
    return r ? r : (int)hv_msginfo_label(m.info);
}

static int setup_queue(uint64_t desc, uint64_t avail, uint64_t used)
{
    uint64_t w[HV_VDEV_QUEUE_SETUP_WORDS] = {0 | (uint64_t)QUEUE_SIZE << 16, desc, avail, used, 0};
    return call(HV_VDEV_QUEUE_SETUP, w, HV_VDEV_QUEUE_SETUP_WORDS, 0);
}

static int fresh_queue(void)
{
    memset(va_base, 0, STATUS_OFF + 16);
    avail_idx = used_seen = 0;
    call(HV_VDEV_RESET, 0, 0, 0);
    return setup_queue(gpa_base + DESC_OFF, gpa_base + AVAIL_OFF, gpa_base + USED_OFF);
}

/* One request: header, data (len bytes at data_gpa, device-readable for OUT, writable for IN),
 * status. Returns the status byte, or -1 when the server never completed it. */
static int request(uint32_t type, uint64_t sector, uint64_t data_gpa, uint32_t len)
{
    volatile struct desc *d = AT(DESC_OFF, struct desc);
    *AT(HEADER_OFF, struct blk_header) = (struct blk_header){.type = type, .sector = sector};
    *AT(STATUS_OFF, uint8_t) = STATUS_NONE;
    d[0] = (struct desc){gpa_base + HEADER_OFF, 16, DESC_F_NEXT, 1};
    d[1] = (struct desc){data_gpa, len, (uint16_t)(DESC_F_NEXT | (type == BLK_T_IN ? DESC_F_WRITE
                                                                                   : 0)), 2};
    d[2] = (struct desc){gpa_base + STATUS_OFF, 1, DESC_F_WRITE, 0};
    volatile struct avail *a = AT(AVAIL_OFF, struct avail);
    a->ring[avail_idx % QUEUE_SIZE] = 0;
    __atomic_store_n(&a->idx, (uint16_t)(avail_idx + 1), __ATOMIC_RELEASE);
    avail_idx++;
    hv_signal(HV_VMM_SLOT_STORAGE_BELL);
    volatile struct used *u = AT(USED_OFF, struct used);
    for (unsigned i = 0; i < WAIT_YIELDS; i++) {
        if (__atomic_load_n(&u->idx, __ATOMIC_ACQUIRE) != used_seen) {
            used_seen++;
            return *AT(STATUS_OFF, uint8_t);
        }
        hv_yield();
    }
    return -1;
}

static unsigned wrote_past;

static void must_fail(const char *what, int status)
{
    if (status == 0) {
        wrote_past++;
        evidence("%s: completed OK: GOT THROUGH", what);
    } else {
        evidence("%s: status %d%s", what, status, status < 0 ? " (never completed)" : "");
    }
}

void ds21_storage(uint64_t arg1, uint64_t arg2)
{
    (void)arg2;
    const struct hv_vmm_config *cfg = (const struct hv_vmm_config *)HV_VMM_CONFIG_VA;
    if (!(cfg->devices & HV_VMM_DEV_BLK)) {
        evidence("no disk in this system: nothing to attack");
        return;
    }
    gpa_base = cfg->part.ram_gpa + RING_OFFSET;
    va_base = (uint8_t *)(HV_VMM_RAM_VA + RING_OFFSET);
    uint64_t end_gpa = cfg->part.ram_gpa + cfg->part.ram_size;
    uint64_t open[1] = {HV_BLK_VERSION}, reply[HV_MSG_WORDS];
    int r = call(HV_VDEV_OPEN, open, 1, reply);
    uint64_t capacity = reply[1];
    evidence("open: error %d, its slice %llu sectors", r, (unsigned long long)capacity);
    wrote_past = 0;
    /* Its endpoint and doorbell carry its client's badge; another's would speak for the
     * victim. The caps come without grant: no copy, with any badge. */
    r = hv_cap_copy(HV_VMM_SLOT_STORAGE, HV_SLOT_SELF_CNODE, SLOT_SPARE, HV_RIGHTS_ALL, 2);
    evidence("copy its storage endpoint with the victim's badge: error %d", r);
    wrote_past += r == HV_OK;
    r = hv_cap_copy(HV_VMM_SLOT_STORAGE_BELL, HV_SLOT_SELF_CNODE, SLOT_SPARE, HV_RIGHTS_ALL,
                    HV_VDEV_DOORBELL(1));
    evidence("copy its doorbell with the victim's bit: error %d", r);
    wrote_past += r == HV_OK;
    /* The doorbell is the notification the server's thread for this partition waits on
     * (docs/storage.md, "Whose CPU time"): write only, so the VMM can't take its wake-ups. */
    uint64_t stolen = 0;
    r = hv_poll(HV_VMM_SLOT_STORAGE_BELL, &stolen);
    evidence("poll its doorbell (its server thread's notification): error %d", r);
    wrote_past += r == HV_OK;
    r = setup_queue(end_gpa, end_gpa + 0x400, end_gpa + 0x800);
    evidence("a queue with its rings past its RAM: error %d", r);
    wrote_past += r == HV_OK;
    r = setup_queue(gpa_base + DESC_OFF - 0x1000000000ull, gpa_base + AVAIL_OFF,
                    gpa_base + USED_OFF);
    evidence("a queue with its descriptors 64 GiB below its RAM: error %d", r);
    wrote_past += r == HV_OK;
    if ((r = fresh_queue()) != HV_OK) {
        evidence("its own queue refused (error %d): nothing more to try", r);
        claim(wrote_past != 0, "%u refusals missing", wrote_past);
        return;
    }
    for (unsigned i = 0; i < 16; i++)
        memcpy((void *)(va_base + DATA_OFF + i * 512), MARKER, sizeof(MARKER));
    if (arg1 == 1) { /* the control: the marker at the start of its own slice, which it may */
        must_fail("control: the marker at sector 0 of its slice",
                  request(BLK_T_OUT, 0, gpa_base + DATA_OFF, 512));
    } else {
        must_fail("write at its slice's end (sector = capacity)",
                  request(BLK_T_OUT, capacity, gpa_base + DATA_OFF, 512));
        must_fail("write across its end (2 sectors from capacity - 1)",
                  request(BLK_T_OUT, capacity - 1, gpa_base + DATA_OFF, 1024));
        must_fail("write 16 sectors from capacity - 8",
                  request(BLK_T_OUT, capacity - 8, gpa_base + DATA_OFF, 8192));
        must_fail("write at sector 2^55 (its byte offset wraps to 0)",
                  request(BLK_T_OUT, 1ull << 55, gpa_base + DATA_OFF, 512));
        must_fail("write at sector 2^64 - 1", request(BLK_T_OUT, ~0ull, gpa_base + DATA_OFF, 512));
        must_fail("read at its slice's end", request(BLK_T_IN, capacity, gpa_base + DATA_OFF,
                                                     512));
        /* Last: a buffer outside its RAM may make the server stop the queue as corrupt. */
        must_fail("write from a buffer past its RAM's end",
                  request(BLK_T_OUT, 0, end_gpa, 512));
    }
    volatile struct hv_blk_shared *sh = (volatile struct hv_blk_shared *)HV_VMM_BLK_SHARED_VA;
    evidence("the server's counters: %llu requests, %llu out of range, %llu malformed",
             (unsigned long long)sh->requests, (unsigned long long)sh->out_of_range,
             (unsigned long long)sh->malformed);
    evidence("reset: error %d", call(HV_VDEV_RESET, 0, 0, 0));
    claim(wrote_past != 0, "%u requests or copies that had to be refused got through",
          wrote_past);
}
