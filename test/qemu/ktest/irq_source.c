/* A device the IRQ test can make interrupt on purpose: on QEMU virt the PL031 RTC (device
 * memory handed to the root task), whose match register raises its line within two seconds;
 * on the PC the CMOS RTC's periodic interrupt, through I/O-port capabilities. */
#include "irq_source.h"
#include <hv/root.h>
#include <hv/abi/error.h>
#include <platform.h> /* the board's RTC: platform/<board>/platform.h */

#if defined(__aarch64__)
#define RTC_PADDR PLAT_RTC_BASE
#define RTC_IRQ PLAT_IRQ_RTC
const unsigned irq_kernel_line = PLAT_IRQ_HYP_TIMER; /* the kernel's tick */
#define RTC_VA 0x0e000000ull
#define RTCDR 0x00  /* seconds */
#define RTCMR 0x04  /* match: interrupt when RTCDR reaches it */
#define RTCIMSC 0x10
#define RTCRIS 0x14
#define RTCICR 0x1c

static volatile uint32_t *rtc(unsigned off)
{
    return (volatile uint32_t *)(RTC_VA + off);
}

int irq_source_prepare(const struct hv_bootinfo *info, unsigned *irq)
{
    for (unsigned i = 0; i < info->untyped_count; i++) {
        if (!(info->untyped[i].flags & HV_BOOTINFO_DEVICE) || info->untyped[i].paddr != RTC_PADDR)
            continue;
        uint64_t frame = root_slot();
        int r = hv_retype(info->untyped_first_slot + i, HV_OBJ_FRAME, 12, ROOT_CNODE, frame, 1);
        if (!r)
            r = hv_map(frame, ROOT_VSPACE, RTC_VA, HV_MAP_READ | HV_MAP_WRITE);
        *irq = RTC_IRQ;
        return r;
    }
    return HV_ENOENT;
}

void irq_source_fire(void)
{
    *rtc(RTCICR) = 1;
    *rtc(RTCMR) = *rtc(RTCDR) + 1;
    *rtc(RTCIMSC) = 1;
}

bool irq_source_raised(void)
{
    return *rtc(RTCRIS) & 1;
}

void irq_source_clear(void)
{
    *rtc(RTCIMSC) = 0;
    *rtc(RTCICR) = 1;
}
#else
/* The CMOS RTC's periodic interrupt (ISA IRQ 8), reached through the root's I/O-port cap. */
#define CMOS_INDEX PLAT_CMOS_PORT
#define CMOS_DATA (PLAT_CMOS_PORT + 1)
#define CMOS_NMI_OFF 0x80 /* keep NMIs masked while a register is selected */
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_B_PIE 0x40    /* periodic interrupt enable */
#define RTC_C_PF 0x40     /* periodic interrupt flag (cleared by reading register C) */
#define RTC_IRQ PLAT_IRQ_RTC
const unsigned irq_kernel_line = 0; /* IOAPIC input 0 (the 8259's ExtINT), the kernel's */

static uint32_t cmos_read(unsigned reg)
{
    uint32_t v = 0;
    hv_ioport_out(ROOT_IOPORT, CMOS_INDEX, 1, CMOS_NMI_OFF | reg);
    hv_ioport_in(ROOT_IOPORT, CMOS_DATA, 1, &v);
    return v;
}

static void cmos_write(unsigned reg, uint32_t v)
{
    hv_ioport_out(ROOT_IOPORT, CMOS_INDEX, 1, CMOS_NMI_OFF | reg);
    hv_ioport_out(ROOT_IOPORT, CMOS_DATA, 1, v);
}

int irq_source_prepare(const struct hv_bootinfo *info, unsigned *irq)
{
    uint32_t v;
    *irq = RTC_IRQ;
    /* Fails cleanly if the cap or the ports are not the root's. */
    int r = hv_ioport_out(ROOT_IOPORT, CMOS_INDEX, 1, CMOS_NMI_OFF | RTC_REG_C);
    return r ? r : hv_ioport_in(ROOT_IOPORT, CMOS_DATA, 1, &v);
}

void irq_source_fire(void)
{
    cmos_read(RTC_REG_C);
    cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) | RTC_B_PIE);
}

bool irq_source_raised(void)
{
    return cmos_read(RTC_REG_C) & RTC_C_PF;
}

void irq_source_clear(void)
{
    cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) & ~(uint32_t)RTC_B_PIE);
    cmos_read(RTC_REG_C);
}
#endif
