/* The library's internal interfaces between its common and arch halves. */
#pragma once

#include <guest/exc.h>
#include <stdint.h>

/* The arch's half of exc_catch (assembly): the callee-saved registers, stack pointer and return
 * address of exc_setjmp's caller, which the exception handler returns to through exc_longjmp. */
struct exc_jmp {
    uint64_t regs[14];
};
int exc_setjmp(struct exc_jmp *j) __attribute__((returns_twice));

/* The catcher an exception goes to (its info recorded), or NULL when no probe expects one. */
struct exc_jmp *exc_taken(const struct exc_info *info);
/* An exception nobody catches: a FAIL line, the SUMMARY, and the exit. */
__attribute__((noreturn)) void exc_fatal(const struct exc_info *e);
/* Resumes at the exc_setjmp of j, which then returns 1 (assembly). */
__attribute__((noreturn)) void exc_longjmp(struct exc_jmp *j);

uint64_t arch_irq_save(void);
void arch_irq_restore(uint64_t saved);

/* check.c: the SUMMARY line with the counts so far. */
unsigned check_summary(void);

/* start.c of each arch: set up, then run guest_main and exit with its status. */
__attribute__((noreturn)) void guest_run(void);
