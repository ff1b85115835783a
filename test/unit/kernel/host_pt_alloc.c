/* A page-table allocator for host tests backed by one aligned heap block. */
#include "host_pt_alloc.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

static bool host_alloc(struct pt_alloc *self, paddr_t *table)
{
    struct host_pt_alloc *a = (struct host_pt_alloc *)self;
    if (a->used == a->capacity)
        return false;
    *table = pa_init(HOST_PT_BASE + (uint64_t)a->used++ * PT_TABLE_SIZE);
    return true;
}

static unsigned host_available(struct pt_alloc *self)
{
    struct host_pt_alloc *a = (struct host_pt_alloc *)self;
    return a->capacity - a->used;
}

static uint64_t *host_virt(struct pt_alloc *self, paddr_t table)
{
    struct host_pt_alloc *a = (struct host_pt_alloc *)self;
    uint64_t index = (pa_addr(table) - HOST_PT_BASE) / PT_TABLE_SIZE;
    /* A descriptor pointing anywhere but at one of our tables is a builder bug. */
    ck_assert_uint_eq(pa_addr(table) % PT_TABLE_SIZE, 0);
    ck_assert_uint_lt(index, a->used);
    return a->tables[index];
}

void host_pt_alloc_init(struct host_pt_alloc *a, unsigned capacity)
{
    a->ops = (struct pt_alloc){host_alloc, host_available, host_virt};
    a->tables = aligned_alloc(PT_TABLE_SIZE, (size_t)capacity * PT_TABLE_SIZE);
    ck_assert_ptr_nonnull(a->tables);
    memset(a->tables, 0, (size_t)capacity * PT_TABLE_SIZE);
    a->capacity = capacity;
    a->used = 0;
}

void host_pt_alloc_free(struct host_pt_alloc *a)
{
    free(a->tables);
}
