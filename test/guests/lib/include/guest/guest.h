/* What a test guest program gives the library and what the library gives it back. */
#pragma once

/* The program's main, called once the CPU, console, exceptions and clock are set up; its
 * return value is the exit status (0: success). */
int guest_main(void);

/* The kernel command line the loader gave (QEMU -append, a partition's bootargs); "" if none. */
const char *guest_cmdline(void);

/* Stops the machine with a status: AArch64 PSCI SYSTEM_OFF (the status only shows in the log);
 * x86_64 QEMU's isa-debug-exit, else ACPI S5. Never returns. */
__attribute__((noreturn)) void guest_exit(int status);

/* Resets the machine, as a guest OS's reboot does: AArch64 PSCI SYSTEM_RESET; x86_64 a full
 * reset through the reset control register at 0xcf9 (the FADT's RESET_REG on q35). Never
 * returns. */
__attribute__((noreturn)) void guest_reset(void);
