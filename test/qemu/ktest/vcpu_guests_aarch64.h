/* The AArch64 vcpu tests' guests as their C files share them (vcpu_test_aarch64.c builds and
 * runs them; vcpu_doorbell_aarch64.c tests doorbells on them). */
#pragma once

#include <hv/abi/vcpu.h>
#include <hv/sys.h>
#include <stdbool.h>
#include <stdint.h>

#define ESR_EC(esr) ((esr) >> 26 & 0x3f)
#define EC_WFX 0x01
#define EC_HVC 0x16
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define EC_BREAKPT_CUR 0x31
#define ESR_ISV (1ull << 24)
#define ESR_WNR (1ull << 6)
#define ESR_SRT(esr) ((esr) >> 16 & 0x1f)
#define ADVANCE HV_VCPU_RESUME_ADVANCE

struct guest {
    uint64_t vcpu, thread, gvs, frame;
    uint8_t *ram; /* the VMM's mapping of the guest's RAM */
};

extern struct guest ga, gb;
extern uint64_t exit_ep;

/* Starts phase (an entry point of the guest) and returns its first exit. */
int guest_run(struct guest *g, const char *phase, struct hv_msg *m);
/* Replies to the last exit with up to 6 words and returns the next exit. */
int guest_reply(struct hv_msg *m, unsigned len, uint64_t w0, uint64_t w1, uint64_t w2,
                uint64_t w3);
int is_hvc(const struct hv_msg *m, uint64_t code);

/* vcpu_doorbell_aarch64.c: VBELL-1, and duet.bench=exit's vcpu_doorbell_store. */
void vcpu_doorbell_test(void);
bool vcpu_doorbell_bench(void);
