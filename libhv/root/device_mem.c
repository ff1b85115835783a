/* The root-task kit's device memory: frames at chosen physical addresses of the boot
 * information's device untyped, made by halving an untyped until a piece is the frame's size
 * (an untyped hands out memory front to back only, so a page in the middle takes a descent). */
#include <hv/abi/error.h>
#include <hv/root.h>
#include <stddef.h>

/* Pieces of device untyped: each halving adds two. A frame deep in a 1 GiB piece takes
 * about 36; the frames a system's servers need take a few dozen in all. */
#define DEVICE_PIECES 192

enum piece_state { PIECE_WHOLE, PIECE_SPLIT, PIECE_FRAME };

struct piece {
    uint64_t slot;  /* the untyped cap in the root's cnode */
    uint64_t paddr;
    uint64_t frame; /* PIECE_FRAME: the kit's own cap of the frame made of it */
    uint8_t bits;
    uint8_t state;
};

static struct piece pieces[DEVICE_PIECES];
static unsigned npieces;
static bool loaded;

static void add_piece(uint64_t slot, uint64_t paddr, unsigned bits)
{
    if (npieces < DEVICE_PIECES)
        pieces[npieces++] = (struct piece){slot, paddr, 0, (uint8_t)bits, PIECE_WHOLE};
}

static void load(const struct hv_bootinfo *info)
{
    if (loaded)
        return;
    loaded = true;
    for (unsigned i = 0; i < info->untyped_count; i++)
        if (info->untyped[i].flags & HV_BOOTINFO_DEVICE)
            add_piece(info->untyped_first_slot + i, info->untyped[i].paddr,
                      info->untyped[i].size_bits);
}

/* The unsplit piece holding paddr (pieces never overlap once split ones are skipped). */
static struct piece *piece_at(uint64_t paddr)
{
    for (unsigned i = 0; i < npieces; i++) {
        struct piece *p = &pieces[i];
        if (p->state != PIECE_SPLIT && p->paddr <= paddr && paddr - p->paddr < 1ull << p->bits)
            return p;
    }
    return NULL;
}

/* Halves p into two untyped of half its size; false when out of slots or table room. */
static bool split(struct piece *p)
{
    if (npieces + 2 > DEVICE_PIECES)
        return false;
    uint64_t slots = root_slots(2);
    if (hv_retype(p->slot, HV_OBJ_UNTYPED, p->bits - 1u, ROOT_CNODE, slots, 2))
        return false;
    p->state = PIECE_SPLIT;
    add_piece(slots, p->paddr, p->bits - 1u);
    add_piece(slots + 1, p->paddr + (1ull << (p->bits - 1u)), p->bits - 1u);
    return true;
}

/* A copy of p's frame for the caller, who may map, hand on or give it back as it likes. */
static uint64_t copy_of(const struct piece *p)
{
    uint64_t slot = root_slot();
    if (hv_cap_copy(p->frame, ROOT_CNODE, slot, HV_RIGHTS_ALL, 0)) {
        root_slot_free(slot);
        return 0;
    }
    return slot;
}

uint64_t root_device_frame_sized(const struct hv_bootinfo *info, uint64_t paddr, unsigned bits)
{
    if ((bits != 12 && bits != 21) || paddr & ((1ull << bits) - 1))
        return 0;
    load(info);
    for (;;) {
        struct piece *p = piece_at(paddr);
        if (!p || p->bits < bits)
            return 0;
        if (p->state == PIECE_FRAME)
            return p->bits == bits ? copy_of(p) : 0;
        if (p->bits > bits) {
            if (!split(p))
                return 0;
            continue;
        }
        uint64_t slot = root_slot();
        if (hv_retype(p->slot, HV_OBJ_FRAME, bits, ROOT_CNODE, slot, 1)) {
            root_slot_free(slot);
            return 0;
        }
        p->state = PIECE_FRAME;
        p->frame = slot;
        return copy_of(p);
    }
}

uint64_t root_device_frame(const struct hv_bootinfo *info, uint64_t paddr)
{
    return root_device_frame_sized(info, paddr, 12);
}
