/* The guest-physical MMIO bus of one partition: device regions [base, base + size), each with
 * read/write callbacks taking an offset into the region. An access nobody claims, or one that
 * runs past the end of its region, is reported to the caller, which gives the guest the
 * architectural fault; it is logged once per address (a small table), never a crash. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct vmm;

/* A device's side of the bus. size is 1, 2, 4 or 8 and offset + size <= the region's size;
 * alignment is the device's business. read stores the value in the low size bytes of *value
 * (higher bytes are ignored). Returning false asks for the architectural fault (an external
 * abort); most registers files prefer reads-as-zero / writes-ignored for bad accesses. */
struct vmm_mmio_ops {
    bool (*read)(void *dev, uint64_t offset, unsigned size, uint64_t *value);
    bool (*write)(void *dev, uint64_t offset, unsigned size, uint64_t value);
    /* The 32-bit word at a 4-aligned offset as an aligned read would give it, with no side
     * effect (no fault counted, no state changed). Needed by a region in the register page
     * (below); others may leave it NULL. */
    uint32_t (*peek)(void *dev, uint64_t offset);
};

struct vmm_mmio_region {
    uint64_t base, size;
    const struct vmm_mmio_ops *ops;
    void *dev;
    const char *name;
};

#define VMM_BUS_MAX_REGIONS 48 /* 32 virtio-mmio slots and the platform's devices */
#define VMM_BUS_PAGE 4096u     /* the register page's size */
#define VMM_BUS_LOG_TABLE 16   /* distinct bad addresses logged */

enum vmm_bus_status {
    VMM_BUS_OK = 0,
    VMM_BUS_UNCLAIMED, /* no region contains the address */
    VMM_BUS_CROSSES,   /* the access starts in a region and runs past its end */
    VMM_BUS_BAD_SIZE,  /* size not 1, 2, 4 or 8 */
    VMM_BUS_DEVICE,    /* the device refused the access */
};

struct vmm_bus {
    struct vmm *vmm;                                     /* for logging */
    struct vmm_mmio_region regions[VMM_BUS_MAX_REGIONS]; /* sorted by base, disjoint */
    unsigned count;
    uint64_t logged[VMM_BUS_LOG_TABLE]; /* addresses already complained about */
    unsigned nlogged;
    uint64_t bad_accesses; /* every access that did not reach a device, logged or not */
    /* The register page (docs/vmm.md "The register page"): a page the guest has mapped
     * read-only over [page_base, page_base + VMM_BUS_PAGE), so that its loads there take no
     * exit; its stores still fault to the VMM and come through vmm_bus_write. The bus keeps
     * every word of it equal to what a trapped aligned 32-bit read would give: the regions'
     * peek, page_unclaimed where no region is. NULL: no page. */
    volatile uint32_t *page;
    uint64_t page_base;
    uint32_t page_unclaimed;
};

void vmm_bus_init(struct vmm_bus *bus, struct vmm *vmm);

/* Adds a region: HV_EINVAL for size 0, an address range that wraps or no read/write
 * callback, or one in the register page without peek or not word-aligned, HV_EEXIST if it
 * overlaps a region already there, HV_ENOMEM when the table is full. A region in the register
 * page has its words written there at once. */
int vmm_bus_add(struct vmm_bus *bus, uint64_t base, uint64_t size, const struct vmm_mmio_ops *ops,
                void *dev, const char *name);

/* Gives the bus its register page: base page-aligned; every word is written, unclaimed where
 * no region is (what a read there gives: all ones on x86_64). HV_EINVAL for an unaligned base,
 * a second page, or a region already in it without peek or not word-aligned. */
int vmm_bus_page_init(struct vmm_bus *bus, uint64_t base, volatile uint32_t *page,
                      uint32_t unclaimed);

/* A device's state changed: writes the words of [addr, addr + size) that lie in the register
 * page again from the regions' peek. Nothing without a page or outside it. */
void vmm_bus_page_refresh(struct vmm_bus *bus, uint64_t addr, uint64_t size);

/* The region containing addr, or NULL. */
const struct vmm_mmio_region *vmm_bus_find(const struct vmm_bus *bus, uint64_t addr);

/* A guest access. A read's value is zero-extended from size bytes; it is 0 on failure. */
enum vmm_bus_status vmm_bus_read(struct vmm_bus *bus, uint64_t addr, unsigned size,
                                 uint64_t *value);
enum vmm_bus_status vmm_bus_write(struct vmm_bus *bus, uint64_t addr, unsigned size,
                                  uint64_t value);
