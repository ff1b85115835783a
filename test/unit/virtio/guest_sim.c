/* The fake guest driver behind the virtio unit tests: writes rings the way a driver would. */
#include "guest_sim.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

void guest_init(struct guest *g, uint16_t qsize)
{
    memset(g, 0, sizeof(*g));
    g->ram = aligned_alloc(4096, GUEST_RAM_SIZE);
    ck_assert_ptr_nonnull(g->ram);
    memset(g->ram, 0, GUEST_RAM_SIZE);
    g->region = (struct virtio_mem_region){GUEST_BASE, GUEST_RAM_SIZE, g->ram};
    g->mem = (struct virtio_mem){&g->region, 1};
    g->qsize = qsize;
}

void guest_free(struct guest *g)
{
    free(g->ram);
}

void *guest_ptr(struct guest *g, uint64_t gpa)
{
    ck_assert_uint_ge(gpa, GUEST_BASE);
    ck_assert_uint_lt(gpa, GUEST_BASE + GUEST_RAM_SIZE);
    return g->ram + (gpa - GUEST_BASE);
}

struct virtq_config guest_queue_config(const struct guest *g, uint64_t features)
{
    return (struct virtq_config){.size = g->qsize,
                                 .desc = GUEST_DESC,
                                 .driver = GUEST_AVAIL,
                                 .device = GUEST_USED,
                                 .features = features};
}

static void put16(struct guest *g, uint64_t gpa, uint16_t v)
{
    memcpy(guest_ptr(g, gpa), &v, 2);
}

static uint16_t get16(struct guest *g, uint64_t gpa)
{
    uint16_t v;
    memcpy(&v, guest_ptr(g, gpa), 2);
    return v;
}

void guest_desc(struct guest *g, uint64_t table_gpa, uint16_t i, uint64_t addr, uint32_t len,
                uint16_t flags, uint16_t next)
{
    uint8_t *d = guest_ptr(g, table_gpa + 16u * i);
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
}

void guest_avail(struct guest *g, uint16_t head)
{
    put16(g, GUEST_AVAIL + 4 + 2u * (g->avail_idx % g->qsize), head);
    guest_set_avail_idx(g, (uint16_t)(g->avail_idx + 1));
}

void guest_set_avail_idx(struct guest *g, uint16_t idx)
{
    g->avail_idx = idx;
    put16(g, GUEST_AVAIL + 2, idx);
}

void guest_set_avail_flags(struct guest *g, uint16_t flags)
{
    put16(g, GUEST_AVAIL, flags);
}

void guest_set_used_event(struct guest *g, uint16_t event)
{
    put16(g, GUEST_AVAIL + 4 + 2u * g->qsize, event);
}

uint16_t guest_avail_event(struct guest *g)
{
    return get16(g, GUEST_USED + 4 + 8u * g->qsize);
}

uint16_t guest_used_idx(struct guest *g)
{
    return get16(g, GUEST_USED + 2);
}

void guest_used_elem(struct guest *g, uint16_t i, uint32_t *id, uint32_t *len)
{
    uint8_t *e = guest_ptr(g, GUEST_USED + 4 + 8u * (i % g->qsize));
    memcpy(id, e, 4);
    memcpy(len, e + 4, 4);
}

static void record_line(void *ctx, enum virtio_fault kind, uint64_t count, const char *what)
{
    struct fault_log *log = ctx;
    ck_assert_ptr_nonnull(what);
    log->lines[kind]++;
    log->last_count[kind] = count;
    log->total_lines++;
}

static void record_reset(void *ctx)
{
    struct fault_log *log = ctx;
    log->resets++;
}

void fault_log_init(struct fault_log *log)
{
    memset(log, 0, sizeof(*log));
    log->faults.log = record_line;
    log->faults.log_ctx = log;
    log->faults.needs_reset = record_reset;
    log->faults.reset_ctx = log;
}

uint64_t fault_total(const struct fault_log *log)
{
    uint64_t total = 0;
    for (int i = 0; i < VIRTIO_FAULT_KINDS; i++)
        total += log->faults.count[i];
    return total;
}
