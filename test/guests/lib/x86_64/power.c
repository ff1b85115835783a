/* The guest's ways out on a PC. Exit: QEMU's isa-debug-exit device (port 0xf4: QEMU exits with
 * status (value << 1) | 1); where that port does nothing (a partition offers none yet), ACPI S5
 * through PM1a_CNT with the DSDT's \_S5 sleep type (ACPI 6.4, "\_Sx (System States)" and "PM1
 * Control Registers"). Reset: the reset control register at 0xcf9 (Intel ICH9 datasheet, "Reset
 * Control Register"), which the FADT names as RESET_REG on q35 and in a partition. */
#include <guest/acpi.h>
#include <guest/console.h>
#include <guest/guest.h>
#include <guest/time.h>
#include <guest/x86.h>

#define DEBUG_EXIT_PORT 0xf4
#define SLP_EN (1u << 13)
#define RESET_CONTROL_PORT 0xcf9
#define RESET_FULL_NOW 0x06 /* bit 1: full reset (not only the CPU), bit 2: do it */

void guest_exit(int status)
{
    gprintf("GUEST-EXIT: status %d, isa-debug-exit at 0x%x\n", status, DEBUG_EXIT_PORT);
    outl(DEBUG_EXIT_PORT, (uint32_t)status);
    delay_us(100000);
    if (acpi.pm1a_cnt && acpi.s5_found) {
        gprintf("GUEST-EXIT-FALLBACK: isa-debug-exit at 0x%x did not stop the machine; ACPI S5 "
                "(PM1a_CNT 0x%x, SLP_TYP %u)\n",
                DEBUG_EXIT_PORT, acpi.pm1a_cnt, acpi.s5_typ);
        outw(acpi.pm1a_cnt, (uint16_t)((unsigned)acpi.s5_typ << 10 | SLP_EN));
        delay_us(100000);
    }
    gprintf("GUEST-EXIT-FAILED: the machine is still running; halting\n");
    for (;;)
        __asm__ volatile("cli; hlt");
}

void guest_reset(void)
{
    outb(RESET_CONTROL_PORT, RESET_FULL_NOW);
    delay_us(100000);
    gprintf("GUEST-RESET-FAILED: the machine is still running after a write to 0x%x\n",
            RESET_CONTROL_PORT);
    for (;;)
        __asm__ volatile("cli; hlt");
}
