/* Running a vcpu thread's guest (svm_vcpu.c), for the kernel's exit path (entry.c). */
#pragma once

#include <kernel/thread.h>

/* Runs t's guest until an exit and handles it (t may then be blocked or suspended). Interrupts
 * are off before and after. */
void x86_vcpu_run(struct thread *t);
