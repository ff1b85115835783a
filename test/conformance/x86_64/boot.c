/* Boot protocol checks: what a loader hands a bzImage's 64-bit entry (Linux
 * Documentation/arch/x86/boot.rst, "64-bit Boot Protocol"), which a partition's VMM claims to
 * follow. On bare QEMU the guest's own 32-bit entry gets there through QEMU's real-mode loader,
 * so these hold by construction there and test the partition. */
#include <guest/check.h>
#include <guest/guest.h>
#include <guest/x86.h>
#include <hv/string.h>

#include "../conform.h"

/* boot.rst: "%rsi must hold the base address of the struct boot_params"; the setup header is in
 * it at 0x1f1 with boot_flag 0xAA55 and "HdrS" at 0x202. */
CHECK(boot_params, "BOOT-X1")
{
    const uint8_t *bp = x86_boot.boot_params;
    uint16_t flag = *(const uint16_t *)(bp + 0x1fe);
    bool hdrs = memcmp(bp + 0x202, "HdrS", 4) == 0;
    report(flag == 0xaa55 && hdrs && bp[0x210] != 0,
           "RSI = %p: boot_flag 0x%x, header %s, type_of_loader 0x%x (%s entry)", (void *)bp, flag,
           hdrs ? "HdrS" : "missing", bp[0x210], x86_boot.via_32bit ? "32-bit" : "64-bit");
}

/* boot.rst: cmd_line_ptr points at the NUL-terminated command line the loader was given (QEMU
 * -append, the manifest's bootargs). */
CHECK(boot_cmdline, "BOOT-X2")
{
    report(strcmp(guest_cmdline(), CONFORM_CMDLINE) == 0, "command line '%s', expected '%s'",
           guest_cmdline(), CONFORM_CMDLINE);
}

/* boot.rst 64-bit protocol: long mode with paging, CS = __BOOT_CS (0x10) and DS, SS = __BOOT_DS
 * (0x18), interrupts disabled. */
CHECK(boot_cpu_state, "BOOT-X3")
{
    bool lma = x86_boot.efer >> 10 & 1, pg = x86_boot.cr0 >> 31 & 1;
    bool ok = lma && pg && x86_boot.cs == 0x10 && x86_boot.ds == 0x18 && x86_boot.ss == 0x18 &&
              !(x86_boot.rflags & RFLAGS_IF);
    report(ok, "EFER 0x%llx (LMA %u), CR0.PG %u, CS 0x%x DS 0x%x SS 0x%x, RFLAGS 0x%llx",
           (unsigned long long)x86_boot.efer, lma, pg, x86_boot.cs, x86_boot.ds, x86_boot.ss,
           (unsigned long long)x86_boot.rflags);
}
