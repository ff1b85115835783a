/* The system-call layer: decodes a thread's syscall registers, validates every argument, then
 * invokes the object operation (seL4's decode-then-invoke shape). */
#pragma once

#include <kernel/thread.h>

/* Handles the syscall t made (its registers in t->ctx); afterwards sched_choose() decides
 * which thread the arch returns to. */
void syscall_dispatch(struct thread *t);

/* Shared by the syscall decoders (kernel/syscall*.c). */
uint64_t sys_arg(struct thread *t, unsigned i);
/* The cap at address idx in t's cnode, of type (HV_OBJ_NONE: any) with at least rights:
 * HV_ERANGE (bad address), HV_ENOENT (empty), HV_ETYPE, HV_EPERM. */
int sys_lookup(struct thread *t, uint64_t idx, unsigned type, unsigned rights,
               struct cap_slot **out);
/* count empty slots at [index, index+count) of the cnode named by cnode_idx (write right). */
int sys_lookup_dest(struct thread *t, uint64_t cnode_idx, uint64_t index, uint64_t count,
                    struct cap_slot **dest);

/* kernel/syscall_obj.c */
int sys_retype(struct thread *t);
int sys_map(struct thread *t);
int sys_unmap(struct thread *t);
int sys_cap_copy(struct thread *t);
int sys_cap_delete(struct thread *t);
int sys_cap_revoke(struct thread *t);
int sys_thread_configure(struct thread *t);
int sys_thread_resume(struct thread *t);
int sys_thread_suspend(struct thread *t);
int sys_irq_get(struct thread *t);
int sys_irq_bind(struct thread *t);
int sys_irq_ack(struct thread *t);
int sys_ioport_in(struct thread *t);
int sys_ioport_out(struct thread *t);
int sys_dma_map(struct thread *t);
/* kernel/syscall_vcpu.c */
int sys_vcpu_bind(struct thread *t);
int sys_vcpu_read(struct thread *t);
int sys_vcpu_write(struct thread *t);
int sys_vcpu_inject(struct thread *t);
int sys_vcpu_doorbell(struct thread *t);
/* kernel/syscall_sched.c */
int sys_sc_configure(struct thread *t);
int sys_sc_consumed(struct thread *t);

#define SYS_RETYPE_MAX_COUNT 256
