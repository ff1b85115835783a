/* The contract between the arch-independent kernel and arch/<arch>/: each arch implements all of it. */
#pragma once

#include <kernel/types.h>
#include <kernel/boot_info.h>
#include <kernel/pagetable.h>

/* Polled console output; works from the first line of C, before interrupts. */
void arch_console_putc(char c);

/* Fills *bi from what the loader handed over (device tree, multiboot info). */
int arch_boot_info(struct boot_info *bi);

/* The kernel's own page tables (kernel/kernel_pt.c builds them): their descriptor format, the
 * device windows the kernel drives itself (mapped uncached in the linear map; returns how many
 * were written to out), and switching the CPU from the boot tables to them (root: their root
 * table), after which the boot map, identity part included, is gone. */
const struct pt_format *arch_kernel_pt_format(void);
unsigned arch_kernel_devices(struct mem_region *out, unsigned max);
void arch_kernel_pt_load(paddr_t root);

/* Translates a physical address into the kernel's linear map of RAM and devices. */
void *arch_phys_to_virt(paddr_t pa);
paddr_t arch_virt_to_phys(const void *va);

/* Interrupt controller, and the CPU's interrupt mask. */
void arch_irq_init(void);
void arch_irq_enable(void);
void arch_irq_disable(void);
void arch_wait_for_interrupt(void);
/* Called with interrupts masked when no thread is ready: waits until an interrupt is pending,
 * lets it (and any other pending) be taken, and returns with interrupts masked again. One
 * pending at the call ends the wait at once: none can be taken just before the wait and leave
 * the CPU asleep with the thread it readied (boot test BOOT-6). */
void arch_idle(void);

/* The timer: one one-shot deadline against a free-running counter, nothing more; the policy
 * (ticks, guests' deadlines, what happens after a stall) is kernel/tick.c's. init readies the
 * timer and its interrupt with no deadline set (an error, reported, if it can't). set_deadline
 * replaces the deadline: an interrupt once the counter reaches `when` (at once if it has),
 * which calls kernel_timer_interrupt(); that always sets the next deadline, and until then the
 * interrupt may stay asserted. The counter counts arch_counter_hz() per second. */
int arch_timer_init(void);
void arch_timer_set_deadline(uint64_t when);
uint64_t arch_counter_now(void);
uint64_t arch_counter_hz(void);

/* What the boot self-test asks of the hardware: each fills `what` (a short description)
 * and says whether the property held. */
struct arch_check {
    bool ok;
    char what[96];
};
void arch_check_privilege(struct arch_check *c);  /* EL2 / ring 0 */
void arch_check_mmu(struct arch_check *c);        /* our tables live, caches on */
void arch_check_virt(struct arch_check *c);       /* the virtualization features Duet needs */

/* Names for the banner: "aarch64", "EL2" / "x86_64", "ring 0". */
const char *arch_name(void);
const char *arch_privilege_name(void);

/* Device memory the kernel does not keep, handed to the root task as device untyped
 * (naturally aligned power-of-two regions). Returns how many were written to out. */
unsigned arch_user_device_regions(struct mem_region *out, unsigned max);

/* The ELF machine number of this arch's programs (EM_AARCH64, EM_X86_64). */
uint16_t arch_elf_machine(void);

/* Makes instructions the kernel wrote at va (through its linear map) visible to instruction
 * fetch from any mapping of the same memory. */
void arch_icache_sync(const void *va, uint64_t size);

/* Enters the thread the scheduler picks; the kernel runs again only through traps. */
_Noreturn void arch_run_first_thread(void);

/* Raises a CPU exception on purpose, to prove the exception report (fault test). */
void arch_trigger_fault(void);

/* Stops the machine. QEMU exits with status 0 when success, non-zero otherwise. */
_Noreturn void arch_poweroff(bool success);

/* Called by arch code. */
void kernel_timer_interrupt(void);
_Noreturn void kernel_main(void);
