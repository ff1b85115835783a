/* Word indices of an AArch64 thread's saved registers inside struct arch_context; vectors.S
 * uses the same byte offsets. */
#pragma once

#define CTX_X0 0       /* x0..x30 at words 0..30 */
#define CTX_SP 31      /* SP_EL0 */
#define CTX_PC 32      /* ELR_EL2 */
#define CTX_PSTATE 33  /* SPSR_EL2 */
#define CTX_TPIDR 34   /* TPIDR_EL0, the thread pointer a task may use freely */
#define CTX_WORDS 35

#define SPSR_EL0T 0x0
