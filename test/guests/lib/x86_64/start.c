/* x86_64 start-up in C: note the entry state, then the guest's own GDT, IDT and page tables,
 * console, ACPI, local APIC and clock, and the program. */
#include <guest/acpi.h>
#include <guest/console.h>
#include <guest/guest.h>
#include <guest/lapic.h>
#include <guest/time.h>
#include <guest/x86.h>

#include "../common/lib.h"

/* boot.rst: the zero page's fields used here. */
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_CMD_LINE_PTR 0x228
#define BP_CMDLINE_SIZE 0x238

struct x86_boot_state x86_boot;
static char cmdline[256];

extern uint64_t entry_rflags;
extern uint16_t entry_cs, entry_ds, entry_ss;
extern uint32_t entered_via_32bit;

void x86_tables_init(void);
void x86_paging_init(void);

const char *guest_cmdline(void)
{
    return cmdline;
}

static void read_cmdline(const uint8_t *bp)
{
    uint32_t ptr = *(const uint32_t *)(bp + BP_CMD_LINE_PTR);
    uint32_t max = *(const uint32_t *)(bp + BP_CMDLINE_SIZE);
    if (!ptr)
        return;
    const char *s = (const char *)(uint64_t)ptr;
    for (uint32_t i = 0; i < max && i + 1 < sizeof(cmdline) && s[i]; i++)
        cmdline[i] = s[i];
}

/* Called by head64.S with the zero page the loader passed in RSI. */
void x86_start(const uint8_t *boot_params)
{
    x86_boot = (struct x86_boot_state){
        .boot_params = boot_params,
        .rflags = entry_rflags,
        .cr0 = read_cr(0),
        .cr4 = read_cr(4),
        .efer = rdmsr(MSR_EFER),
        .apic_base = rdmsr(MSR_IA32_APIC_BASE),
        .cs = entry_cs,
        .ds = entry_ds,
        .ss = entry_ss,
        .via_32bit = entered_via_32bit != 0,
    };
    x86_tables_init();
    x86_paging_init();
    arch_console_init();
    read_cmdline(boot_params);
    acpi_init(*(const uint64_t *)(boot_params + BP_ACPI_RSDP_ADDR));
    lapic_init();
    arch_time_init();
    guest_run();
}
