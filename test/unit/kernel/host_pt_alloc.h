/* A page-table allocator for host tests: a fixed pool of aligned tables, "physical"
 * addresses being offsets into it, so a wild descriptor can't reach real memory. */
#pragma once

#include <kernel/pagetable.h>

struct host_pt_alloc {
    struct pt_alloc ops;
    uint64_t (*tables)[PT_ENTRIES];
    unsigned capacity, used;
};

#define HOST_PT_BASE 0x100000000ull /* fake physical address of table 0 */

void host_pt_alloc_init(struct host_pt_alloc *a, unsigned capacity);
void host_pt_alloc_free(struct host_pt_alloc *a);
