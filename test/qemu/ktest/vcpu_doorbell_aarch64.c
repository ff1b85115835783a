/* Vcpu doorbells on the AArch64 test guests (docs/vcpu.md, "Doorbells"): VBELL-1, and the
 * doorbell store's round trip for duet.bench=exit. */
#include "bench.h"
#include "ktest.h"
#include "report.h"
#include "vcpu_guests_aarch64.h"
#include "vcpu_test_aarch64.h"
#include <hv/abi/error.h>
#include <hv/cycles.h>

extern const char vguest_mmio[], vguest_bell_bench[];

/* ---- VBELL-1: a doorbell: the guest's 32-bit store signals a notification without an exit;
 * the other guest's store to the same IPA still exits; taken away, the store exits again ---- */
static int store_exit(const struct hv_msg *m)
{
    uint64_t esr = m->w[HV_VCPU_W_CODE];
    return ESR_EC(esr) == EC_DABT_LOW && (esr & ESR_WNR) && m->w[HV_VCPU_W_ADDR] == G_MMIO_IPA;
}

void vcpu_doorbell_test(void)
{
    uint64_t bell = root_new(HV_OBJ_NOTIFICATION, 0), badged = root_slot(), bits = 0;
    int set = bell && badged && hv_cap_copy(bell, ROOT_CNODE, badged, HV_RIGHT_WRITE, 0x20) == 0 &&
              hv_sys(HV_SYS_VCPU_DOORBELL, ga.vcpu, 0, G_MMIO_IPA, badged, 0, 0) == HV_OK;
    struct hv_msg m = {0};
    int r = guest_run(&ga, vguest_mmio, &m);
    uint64_t esr = m.w[HV_VCPU_W_CODE];
    int load_first = r == HV_OK && ESR_EC(esr) == EC_DABT_LOW && !(esr & ESR_WNR) &&
                     m.w[HV_VCPU_W_ADDR] == G_MMIO_IPA + 8;
    int rang = hv_poll(bell, &bits) == HV_OK && bits == 0x20;
    r = guest_reply(&m, 4, HV_VCPU_RESUME_SET_A | ADVANCE, 0, ESR_SRT(esr), 0xcafe);
    int done = r == HV_OK && is_hvc(&m, G_MMIO_DONE) && m.w[HV_A64_W_X1] == 0xcafe;
    r = guest_run(&gb, vguest_mmio, &m);
    uint64_t other_bits = 0;
    int other = r == HV_OK && store_exit(&m) && hv_poll(bell, &other_bits) == HV_OK &&
                other_bits == 0;
    int gone = hv_sys(HV_SYS_VCPU_DOORBELL, ga.vcpu, 0, 0, 0, 0, 0) == HV_OK &&
               guest_run(&ga, vguest_mmio, &m) == HV_OK && store_exit(&m);
    test_check("VBELL-1", set && load_first && rang && done && other && gone,
               "a store to the doorbell signalled 0x%lx with no exit (first exit: the load, %d), "
               "the guest went on (%d); the other guest's store exited (%d); taken away, it exits "
               "again (%d)",
               bits, load_first, done, other, gone);
}

/* A doorbell store's round trip: the guest's store, the kernel's signal (nobody waits: the
 * notification's word), the guest resumed past it; per batch 1000 stores and one HVC exit,
 * whose share (under 1 %) is in the figure. */
bool vcpu_doorbell_bench(void)
{
    const char *name = "vcpu_doorbell_store";
    uint64_t per[BENCH_BATCHES], bell = root_new(HV_OBJ_NOTIFICATION, 0);
    struct hv_msg m = {0};
    int r = bell ? hv_sys(HV_SYS_VCPU_DOORBELL, ga.vcpu, 0, G_MMIO_IPA, bell, 0, 0) : HV_ENOMEM;
    if (!r)
        r = guest_run(&ga, vguest_bell_bench, &m);
    for (unsigned b = 0; b < BENCH_BATCHES && r == HV_OK; b++) {
        uint64_t t0 = hv_cycles();
        m.info = hv_msginfo(0, 2);
        m.w[0] = ADVANCE, m.w[1] = 0;
        r = hv_reply_recv(exit_ep, &m);
        per[b] = (hv_cycles() - t0) / BENCH_ROUNDS;
        if (r == HV_OK && !is_hvc(&m, G_BENCH))
            r = HV_EINVAL; /* a store reached us: the doorbell did not take it */
    }
    if (r) {
        bench_fail(name, "a doorbell batch failed", r);
        return false;
    }
    bench_print(name, per, "instructions");
    return true;
}
