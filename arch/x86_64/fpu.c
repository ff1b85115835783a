/* Whose FPU/SSE and DR0..DR3 state the registers hold: a guest's, or the tasks' (one shared
 * state, as before guests existed). VMRUN switches neither, so the kernel does it when the CPU
 * goes from one to another, and only then: a guest that exits and is resumed without another
 * thread running in between pays nothing. The owner is always the thread that ran last, so it
 * is alive when its state is saved (an object can only die in a task's syscall, after the
 * switch to the tasks' state). */
#include "fpu.h"

static uint8_t task_area[FPU_FXSAVE_SIZE] __attribute__((aligned(16)));
static struct fpu_state *owner; /* NULL: the tasks' state is in the registers */

static void fxsave(void *area)
{
    __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

static void fxrstor(const void *area)
{
    __asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
}

void fpu_init(void)
{
    /* The tasks start from FNINIT and the default MXCSR (all exceptions masked). */
    uint32_t mxcsr = 0x1f80;
    __asm__ volatile("fninit; ldmxcsr %0" ::"m"(mxcsr));
    fxsave(task_area);
}

void fpu_switch_to(struct fpu_state *f)
{
    if (owner == f)
        return;
    if (owner) {
        fxsave(fpu_fxsave_area(owner));
        __asm__ volatile("mov %%db0, %0" : "=r"(owner->dr[0]));
        __asm__ volatile("mov %%db1, %0" : "=r"(owner->dr[1]));
        __asm__ volatile("mov %%db2, %0" : "=r"(owner->dr[2]));
        __asm__ volatile("mov %%db3, %0" : "=r"(owner->dr[3]));
    } else {
        fxsave(task_area);
    }
    /* Tasks can't read debug registers (ring 3) and the host runs with DR7 = 0x400 after
     * #VMEXIT (breakpoints off), so a guest's DR0..DR3 need not be cleared for them. */
    if (f) {
        fxrstor(fpu_fxsave_area(f));
        __asm__ volatile("mov %0, %%db0" ::"r"(f->dr[0]));
        __asm__ volatile("mov %0, %%db1" ::"r"(f->dr[1]));
        __asm__ volatile("mov %0, %%db2" ::"r"(f->dr[2]));
        __asm__ volatile("mov %0, %%db3" ::"r"(f->dr[3]));
    } else {
        fxrstor(task_area);
    }
    owner = f;
}
