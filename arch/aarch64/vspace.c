/* AArch64 task address spaces: TTBR0_EL2 tables in the stage-1 format, ASIDs, and their TLB
 * maintenance. With E2H=1 and TGE=1 the EL1 TLBI operations act on the EL2&0 regime
 * (ARM ARM D8.13). */
#include "pt_format.h"
#include "sysreg.h"
#include <arch_core.h>
#include <kernel/assert.h>

#define ASID_BITS 16
#define ASID_COUNT (1u << ASID_BITS)
#define TTBR_ASID_SHIFT 48

/* ASID 0 is never given out: it tags nothing, so a stale TTBR0 matches no task's entries. */
static uint64_t asid_used[ASID_COUNT / 64] = {1};
static unsigned asid_next = 1;
static uint64_t loaded_ttbr0; /* 0: TTBR0 walks are off (TCR.EPD0), ASID 0 */

void aarch64_vspace_none(void);

static void ttbr0_walks(bool on)
{
    uint64_t tcr = read_sysreg(tcr_el2);
    write_sysreg(tcr_el2, on ? tcr & ~TCR_EPD0 : tcr | TCR_EPD0);
}

static unsigned asid_alloc(void)
{
    for (unsigned n = 0; n < ASID_COUNT; n++) {
        unsigned a = (asid_next + n) % ASID_COUNT;
        if (!(asid_used[a / 64] & (1ull << (a % 64)))) {
            asid_used[a / 64] |= 1ull << (a % 64);
            asid_next = a + 1;
            return a;
        }
    }
    /* 65535 live address spaces need more memory than any system here has. */
    kernel_assert_fail("an ASID is free", __FILE__, __LINE__);
}

const struct pt_format *arch_vspace_format(void)
{
    return &aarch64_stage1_format;
}

void arch_vspace_init(struct arch_vspace *avs, paddr_t root)
{
    avs->words[0] = asid_alloc();
    avs->words[1] = pa_addr(root) | avs->words[0] << TTBR_ASID_SHIFT; /* the TTBR0 value */
}

void arch_vspace_destroy(struct arch_vspace *avs, paddr_t root)
{
    uint64_t asid = avs->words[0];
    /* Never leave TTBR0 pointing at tables that are about to be reused. */
    if (loaded_ttbr0 == avs->words[1])
        aarch64_vspace_none();
    dsb(ishst);
    __asm__ volatile("tlbi aside1is, %0" ::"r"(asid << TTBR_ASID_SHIFT) : "memory");
    dsb(ish);
    isb();
    asid_used[asid / 64] &= ~(1ull << (asid % 64));
}

void arch_vspace_flush(struct arch_vspace *avs, uint64_t va, uint64_t size)
{
    uint64_t asid = avs->words[0] << TTBR_ASID_SHIFT;
    /* The descriptor was cleared before this: make that visible to the walker first. */
    dsb(ishst);
    for (uint64_t off = 0; off < size; off += 4096)
        __asm__ volatile("tlbi vae1is, %0" ::"r"(asid | ((va + off) >> 12)) : "memory");
    dsb(ish);
    isb();
}

/* Installs an address space in TTBR0 (and enables TTBR0 walks, off while no task ran). */
void aarch64_vspace_switch(const struct arch_vspace *avs)
{
    if (avs->words[1] == loaded_ttbr0)
        return;
    write_sysreg(ttbr0_el2, avs->words[1]);
    if (!loaded_ttbr0)
        ttbr0_walks(true);
    loaded_ttbr0 = avs->words[1];
    isb();
}

void aarch64_vspace_none(void)
{
    if (!loaded_ttbr0)
        return;
    /* No address space: walks off, and ASID 0, which tags no TLB entry, so that neither a walk
     * nor an entry cached for the last task translates anything (SEC-C1). */
    ttbr0_walks(false);
    write_sysreg(ttbr0_el2, 0);
    loaded_ttbr0 = 0;
    isb();
}
