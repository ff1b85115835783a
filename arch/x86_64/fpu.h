/* The FPU/SSE and DR0..DR3 state a guest keeps while it is off the CPU, and the lazy switch of
 * those registers between guests and tasks (fpu.c). Knows nothing of SVM: a vcpu embeds a
 * struct fpu_state and hands it over. */
#pragma once

#include <kernel/types.h>

#define FPU_FXSAVE_SIZE 512

struct fpu_state {
    uint64_t dr[4]; /* DR0..DR3: VMRUN switches neither them nor the FPU */
    /* FXSAVE image; 16-byte aligned inside this buffer (fpu_fxsave_area). */
    uint8_t fxsave[FPU_FXSAVE_SIZE + 16];
};

static inline void *fpu_fxsave_area(struct fpu_state *f)
{
    return (void *)(((uintptr_t)f->fxsave + 15) & ~(uintptr_t)15);
}

/* The tasks' initial state (FNINIT, default MXCSR), taken once SVM has set CR4.OSFXSR. */
void fpu_init(void);
/* The registers become f's (NULL: the tasks'), saving the previous owner's. */
void fpu_switch_to(struct fpu_state *f);
