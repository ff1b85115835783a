/* The root-task kit's allocator: slots of the root's cnode (fresh ones, and ones given back),
 * objects from its largest untyped region, pages and threads of its own address space
 * (device memory: device_mem.c). */
#include <hv/root.h>
#include <hv/abi/error.h>

#define FIRST_FREE_SLOT 64
#define PAGES_BASE 0x10000000ull
#define WORD_BITS 64u

static uint64_t untyped_slot, next_slot = FIRST_FREE_SLOT, next_page = PAGES_BASE;
static const struct hv_bootinfo *bootinfo;
/* Slots given back (root_slot_free), one bit each: taken again before fresh ones, so that
 * what is done over and over (a reset) can't use up the cnode. A bit per slot of the whole
 * cnode is 256 bytes, and can't overflow the way a list of limited length would. */
static uint64_t given_back[ROOT_CNODE_SLOTS / WORD_BITS];
static unsigned given_back_count;

void root_alloc_init(const struct hv_bootinfo *info)
{
    bootinfo = info;
    unsigned best = 0;
    for (unsigned i = 0; i < info->untyped_count; i++)
        if (!(info->untyped[i].flags & HV_BOOTINFO_DEVICE) &&
            (info->untyped[best].flags & HV_BOOTINFO_DEVICE ||
             info->untyped[i].size_bits > info->untyped[best].size_bits))
            best = i;
    untyped_slot = info->untyped_first_slot + best;
}

uint64_t root_use_untyped(uint64_t slot)
{
    uint64_t previous = untyped_slot;
    untyped_slot = slot;
    return previous;
}

uint64_t root_slot(void)
{
    for (unsigned w = 0; given_back_count && w < ROOT_CNODE_SLOTS / WORD_BITS; w++) {
        if (!given_back[w])
            continue;
        unsigned bit = (unsigned)__builtin_ctzll(given_back[w]);
        given_back[w] &= ~(1ull << bit);
        given_back_count--;
        return w * WORD_BITS + bit;
    }
    return next_slot++;
}

uint64_t root_slots(unsigned n)
{
    uint64_t first = next_slot;
    next_slot += n;
    return first;
}

void root_slot_free(uint64_t slot)
{
    /* Only slots root_slot handed out: never the kernel's fixed ones, nor one twice. */
    if (slot < FIRST_FREE_SLOT || slot >= next_slot || slot >= ROOT_CNODE_SLOTS ||
        given_back[slot / WORD_BITS] & 1ull << slot % WORD_BITS)
        return;
    hv_cap_delete(slot); /* empty, as root_slot promises; an empty slot is left as it is */
    given_back[slot / WORD_BITS] |= 1ull << slot % WORD_BITS;
    given_back_count++;
}

/* The slot, or 0 with the slot given back when making the object failed. */
static uint64_t made_or_given_back(int r, uint64_t slot)
{
    if (!r)
        return slot;
    root_slot_free(slot);
    return 0;
}

uint64_t root_new(unsigned type, unsigned size_bits)
{
    uint64_t slot = root_slot();
    return made_or_given_back(hv_retype(untyped_slot, type, size_bits, ROOT_CNODE, slot, 1),
                              slot);
}

/* The other RAM regions first, the main one last: partitions' RAM (2 MiB frames) comes through
 * here, and taking it from the main region first would leave it no room for the small objects
 * root_new takes only from there (on a PC the second partition's VMM then found none). */
int root_retype_at(unsigned type, unsigned size_bits, uint64_t slot)
{
    int r = HV_ENOMEM;
    for (unsigned i = 0; r && i < bootinfo->untyped_count; i++)
        if (!(bootinfo->untyped[i].flags & HV_BOOTINFO_DEVICE) &&
            bootinfo->untyped_first_slot + i != untyped_slot)
            r = hv_retype(bootinfo->untyped_first_slot + i, type, size_bits, ROOT_CNODE, slot, 1);
    if (r)
        r = hv_retype(untyped_slot, type, size_bits, ROOT_CNODE, slot, 1);
    return r;
}

uint64_t root_new_anywhere(unsigned type, unsigned size_bits)
{
    uint64_t slot = root_slot();
    return made_or_given_back(root_retype_at(type, size_bits, slot), slot);
}

uint64_t root_new_page(void)
{
    uint64_t frame = root_new(HV_OBJ_FRAME, 12);
    /* Every page is followed by an unmapped one: a stack overflow faults instead of
     * corrupting its neighbour. */
    uint64_t va = next_page;
    next_page += 0x2000;
    if (!frame)
        return 0;
    if (hv_map(frame, ROOT_VSPACE, va, HV_MAP_READ | HV_MAP_WRITE)) {
        root_slot_free(frame);
        return 0;
    }
    return va;
}

int root_new_sc(uint32_t budget, uint32_t period, uint64_t *sc)
{
    *sc = HV_SC_INHERIT;
    if (budget >= period)
        return HV_OK;
    uint64_t slot = root_new(HV_OBJ_SCHED_CONTEXT, 0);
    if (!slot)
        return HV_ENOMEM;
    int r = hv_sc_configure(ROOT_SCHED_CONTROL, slot, (uint64_t)budget * ROOT_TICK_US,
                            (uint64_t)period * ROOT_TICK_US);
    if (!r)
        *sc = slot;
    return r;
}

uint64_t root_spawn(void (*fn)(void), uint64_t cnode, uint64_t fault_ep, unsigned prio,
                    uint32_t budget, uint32_t period)
{
    uint64_t thread = root_new(HV_OBJ_THREAD, 0);
    uint64_t stack = root_new_page();
    uint64_t sc;
    if (!thread || !stack || root_new_sc(budget, period, &sc) ||
        hv_thread_configure(thread, cnode, ROOT_VSPACE, fault_ep, prio, sc, (uint64_t)fn,
                            stack + 0x1000) ||
        hv_thread_resume(thread))
        return 0;
    return thread;
}
