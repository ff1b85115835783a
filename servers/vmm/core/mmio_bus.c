/* The MMIO bus: a sorted table of disjoint device regions, binary-searched on every access. */
#include "core/mmio_bus.h"
#include "core/vmm.h"
#include <hv/abi/error.h>
#include <hv/bits.h>

void vmm_bus_init(struct vmm_bus *bus, struct vmm *vmm)
{
    *bus = (struct vmm_bus){.vmm = vmm};
}

/* The last byte of a region (regions never wrap, so this is exact). */
static uint64_t last_byte(const struct vmm_mmio_region *r)
{
    return r->base + (r->size - 1);
}

/* Whether [base, base + size) shares a byte with the register page. */
static bool in_page(const struct vmm_bus *bus, uint64_t base, uint64_t size)
{
    return bus->page && base < bus->page_base + VMM_BUS_PAGE && base + size > bus->page_base;
}

int vmm_bus_add(struct vmm_bus *bus, uint64_t base, uint64_t size, const struct vmm_mmio_ops *ops,
                void *dev, const char *name)
{
    if (size == 0 || base + (size - 1) < base || !ops || !ops->read || !ops->write)
        return HV_EINVAL;
    if (in_page(bus, base, size) && (!ops->peek || base % 4 || size % 4))
        return HV_EINVAL; /* the guest would read words nobody keeps */
    uint64_t last = base + (size - 1);
    unsigned at = 0;
    while (at < bus->count && bus->regions[at].base < base)
        at++;
    if (at > 0 && last_byte(&bus->regions[at - 1]) >= base)
        return HV_EEXIST;
    if (at < bus->count && bus->regions[at].base <= last)
        return HV_EEXIST;
    if (bus->count == VMM_BUS_MAX_REGIONS)
        return HV_ENOMEM;
    for (unsigned i = bus->count; i > at; i--)
        bus->regions[i] = bus->regions[i - 1];
    bus->regions[at] = (struct vmm_mmio_region){base, size, ops, dev, name ? name : "?"};
    bus->count++;
    vmm_bus_page_refresh(bus, base, size);
    return HV_OK;
}

int vmm_bus_page_init(struct vmm_bus *bus, uint64_t base, volatile uint32_t *page,
                      uint32_t unclaimed)
{
    if (!page || base % VMM_BUS_PAGE || bus->page)
        return HV_EINVAL;
    for (unsigned i = 0; i < bus->count; i++) {
        const struct vmm_mmio_region *r = &bus->regions[i];
        if (r->base < base + VMM_BUS_PAGE && r->base + r->size > base &&
            (!r->ops->peek || r->base % 4 || r->size % 4))
            return HV_EINVAL;
    }
    bus->page = page;
    bus->page_base = base;
    bus->page_unclaimed = unclaimed;
    vmm_bus_page_refresh(bus, base, VMM_BUS_PAGE);
    return HV_OK;
}

void vmm_bus_page_refresh(struct vmm_bus *bus, uint64_t addr, uint64_t size)
{
    if (!in_page(bus, addr, size))
        return;
    uint64_t end = bus->page_base + VMM_BUS_PAGE;
    uint64_t from = addr > bus->page_base ? addr & ~3ull : bus->page_base;
    uint64_t to = addr + size < end ? addr + size : end;
    const struct vmm_mmio_region *r = NULL;
    for (uint64_t a = from; a < to; a += 4) {
        if (!r || a < r->base || a > last_byte(r))
            r = vmm_bus_find(bus, a);
        /* One aligned store: the guest's load of the word sees the old or the new value. */
        bus->page[(a - bus->page_base) / 4] = r ? r->ops->peek(r->dev, a - r->base)
                                                : bus->page_unclaimed;
    }
}

const struct vmm_mmio_region *vmm_bus_find(const struct vmm_bus *bus, uint64_t addr)
{
    unsigned lo = 0, hi = bus->count;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        const struct vmm_mmio_region *r = &bus->regions[mid];
        if (addr < r->base)
            hi = mid;
        else if (addr > last_byte(r))
            lo = mid + 1;
        else
            return r;
    }
    return NULL;
}

static const char *status_name(enum vmm_bus_status s)
{
    switch (s) {
    case VMM_BUS_UNCLAIMED:
        return "unclaimed address";
    case VMM_BUS_CROSSES:
        return "access past the end of";
    case VMM_BUS_BAD_SIZE:
        return "bad access size at";
    case VMM_BUS_DEVICE:
        return "access refused by";
    default:
        return "?";
    }
}

/* Logs a failed access the first time its address fails; once the table is full, new
 * addresses are only counted (a guest scanning the address space costs 16 lines). */
static enum vmm_bus_status complain(struct vmm_bus *bus, enum vmm_bus_status s, uint64_t addr,
                                    unsigned size, bool write)
{
    bus->bad_accesses++;
    for (unsigned i = 0; i < bus->nlogged; i++)
        if (bus->logged[i] == addr)
            return s;
    if (bus->nlogged == VMM_BUS_LOG_TABLE)
        return s;
    bus->logged[bus->nlogged++] = addr;
    const struct vmm_mmio_region *r = vmm_bus_find(bus, addr);
    vmm_logf(bus->vmm, "mmio: %s%s%s 0x%lx (%s, %u bytes)%s", status_name(s), r ? " " : "",
             r ? r->name : "", (unsigned long)addr, write ? "write" : "read", size,
             bus->nlogged == VMM_BUS_LOG_TABLE ? "; further addresses not logged" : "");
    return s;
}

static bool size_ok(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

/* Finds the region for a whole access, or says why there is none. */
static enum vmm_bus_status route(struct vmm_bus *bus, uint64_t addr, unsigned size,
                                 const struct vmm_mmio_region **out)
{
    if (!size_ok(size))
        return VMM_BUS_BAD_SIZE;
    const struct vmm_mmio_region *r = vmm_bus_find(bus, addr);
    if (!r)
        return VMM_BUS_UNCLAIMED;
    if (addr - r->base > r->size - size || r->size < size)
        return VMM_BUS_CROSSES;
    *out = r;
    return VMM_BUS_OK;
}

enum vmm_bus_status vmm_bus_read(struct vmm_bus *bus, uint64_t addr, unsigned size, uint64_t *value)
{
    const struct vmm_mmio_region *r = NULL;
    *value = 0;
    enum vmm_bus_status s = route(bus, addr, size, &r);
    if (s != VMM_BUS_OK)
        return complain(bus, s, addr, size, false);
    uint64_t v = 0;
    if (!r->ops->read(r->dev, addr - r->base, size, &v))
        return complain(bus, VMM_BUS_DEVICE, addr, size, false);
    *value = v & hv_size_mask(size);
    return VMM_BUS_OK;
}

enum vmm_bus_status vmm_bus_write(struct vmm_bus *bus, uint64_t addr, unsigned size, uint64_t value)
{
    const struct vmm_mmio_region *r = NULL;
    enum vmm_bus_status s = route(bus, addr, size, &r);
    if (s != VMM_BUS_OK)
        return complain(bus, s, addr, size, true);
    if (!r->ops->write(r->dev, addr - r->base, size, value & hv_size_mask(size)))
        return complain(bus, VMM_BUS_DEVICE, addr, size, true);
    return VMM_BUS_OK;
}
