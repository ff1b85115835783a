/* AArch64 guest address spaces: stage-2 tables (pt_format.c), 8-bit VMIDs, and their TLB
 * maintenance. With E2H=1 and TGE=1 the EL1 TLBI operations act on the host's EL2&0 regime
 * (ARM ARM D8.13.2), so stage-2 maintenance clears TGE for its duration, with the guest
 * space's VTTBR_EL2 loaded to select its VMID. */
#include "pt_format.h"
#include "sysreg.h"
#include <arch_vcpu.h>
#include <hv/abi/error.h>
#include <kernel/assert.h>

#define VMID_COUNT 256
#define VTTBR_VMID_SHIFT 48

/* VMID 0 is never a guest's: it is what VTTBR_EL2 holds when no guest space is loaded. */
static uint64_t vmid_used[VMID_COUNT / 64] = {1};

const struct pt_format *arch_guest_vspace_format(void)
{
    return &aarch64_stage2_format;
}

ipa_t arch_guest_vspace_top(void)
{
    return ipa_init(1ull << aarch64_stage2_format.va_bits);
}

int arch_guest_vspace_init(struct arch_vspace *avs, paddr_t root)
{
    for (unsigned id = 1; id < VMID_COUNT; id++) {
        if (!(vmid_used[id / 64] & (1ull << (id % 64)))) {
            vmid_used[id / 64] |= 1ull << (id % 64);
            avs->words[0] = id;
            avs->words[1] = pa_addr(root) | (uint64_t)id << VTTBR_VMID_SHIFT;
            return HV_OK;
        }
    }
    return HV_EBUSY;
}

/* Drops every TLB entry tagged with the space's VMID (stage 1 and 2, all CPUs). */
static void flush_vmid(const struct arch_vspace *avs)
{
    uint64_t hcr = read_sysreg(hcr_el2);
    /* The descriptor changes must be visible to the walkers before the invalidation. */
    dsb(ishst);
    write_sysreg(vttbr_el2, avs->words[1]);
    write_sysreg(hcr_el2, hcr & ~HCR_EL2_TGE);
    isb();
    __asm__ volatile("tlbi vmalls12e1is" ::: "memory");
    dsb(ish);
    write_sysreg(hcr_el2, hcr);
    isb();
}

void arch_guest_vspace_flush(struct arch_vspace *avs, ipa_t ipa, uint64_t size)
{
    /* One unmap is one frame: a whole-VMID flush costs little more than per-IPA ones
     * (which would also need the guest's stage-1 entries flushed) and is simpler. */
    flush_vmid(avs);
}

void arch_guest_vspace_destroy(struct arch_vspace *avs, paddr_t root)
{
    uint64_t id = avs->words[0];
    assert(id > 0 && id < VMID_COUNT && (avs->words[1] & 0xfffffffff000ull) == pa_addr(root));
    /* ARM ARM D8.13: no entry of the old space may survive into the VMID's next owner. */
    flush_vmid(avs);
    vmid_used[id / 64] &= ~(1ull << (id % 64));
}
