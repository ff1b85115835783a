/* The guest's way out on a PC: QEMU's isa-debug-exit device (port 0xf4: QEMU exits with status
 * (value << 1) | 1); where that port does nothing (a partition offers none yet), ACPI S5 through
 * PM1a_CNT with the DSDT's \_S5 sleep type (ACPI 6.4, "\_Sx (System States)" and "PM1 Control
 * Registers"). */
#include <guest/acpi.h>
#include <guest/console.h>
#include <guest/guest.h>
#include <guest/time.h>
#include <guest/x86.h>

#define DEBUG_EXIT_PORT 0xf4
#define SLP_EN (1u << 13)

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
