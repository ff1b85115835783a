/* AArch64 system-register access and the architectural bit names Duet uses (ARM ARM D19). */
#pragma once

#ifdef __ASSEMBLER__
#define BIT(n) (1 << (n))
#define KERNEL_VIRT_OFFSET 0xffff000000000000
#else
#include <kernel/types.h>
#define BIT(n) (1ull << (n))
#define KERNEL_VIRT_OFFSET 0xffff000000000000ull
#define read_sysreg(reg) ({ uint64_t v_; __asm__ volatile("mrs %0, " #reg : "=r"(v_)); v_; })
#define write_sysreg(reg, v) __asm__ volatile("msr " #reg ", %0" ::"r"((uint64_t)(v)))
#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
#endif

/* HCR_EL2 (ARM ARM D17.2.48). */
#define HCR_EL2_VM BIT(0)
#define HCR_EL2_FMO BIT(3)
#define HCR_EL2_IMO BIT(4)
#define HCR_EL2_AMO BIT(5)
#define HCR_EL2_TWI BIT(13)
#define HCR_EL2_TWE BIT(14)
#define HCR_EL2_TSC BIT(19)
#define HCR_EL2_TID3 BIT(18)   /* ID register reads trap: a guest sees the features it has */
#define HCR_EL2_TIDCP BIT(20)
#define HCR_EL2_TACR BIT(21)  /* ACTLR_EL1 accesses trap: the CPU's own controls are the host's */
#define HCR_EL2_TSW BIT(22)   /* set/way cache maintenance traps: it reaches other partitions */
#define HCR_EL2_TGE BIT(27)
#define HCR_EL2_RW BIT(31)
#define HCR_EL2_E2H BIT(34)
#define HCR_EL2_TLOR BIT(35)  /* LORegion registers trap: a partition has none */

/* CNTHCTL_EL2 with HCR_EL2.E2H=1 (ARM ARM D17.2.27): who reaches which counter and timer.
 * With TGE=1, EL0's CNTP_* are the EL2 physical timer: the kernel's tick. */
#define CNTHCTL_EL0PCTEN BIT(0)  /* tasks read the physical counter */
#define CNTHCTL_EL0VCTEN BIT(1)  /* tasks read the virtual counter */
#define CNTHCTL_EL0VTEN BIT(8)   /* tasks use the virtual timer */
#define CNTHCTL_EL0PTEN BIT(9)   /* tasks use the physical timer */
#define CNTHCTL_EL1PCTEN BIT(10) /* guests read the physical counter */
#define CNTHCTL_EL1PTEN BIT(11)  /* guests use the EL1 physical timer */

/* MDCR_EL2: a guest's PMU accesses trap (the cycle counter is the host's); its debug-register
 * accesses trap until it owns its debug state (guest_debug.c). */
#define MDCR_EL2_TPMCR BIT(5)
#define MDCR_EL2_TPM BIT(6)
#define MDCR_EL2_TDE BIT(8)
#define MDCR_EL2_TDA BIT(9)
#define MDCR_EL2_TDOSA BIT(10)
#define MDCR_EL2_TDRA BIT(11)

/* CPTR_EL2 in its E2H=1 layout (written as CPACR_EL1 from EL2): FPEN = 0b01 traps FP/SIMD
 * only at EL0 with TGE=1, i.e. host tasks, never the guest nor the kernel's own save. */
#define CPTR_E2H_FPEN_SHIFT 20
#define CPTR_E2H_FPEN_EL0_HOST 1ull

#define TCR_EPD0 BIT(7) /* no TTBR0 walks: set until the first task runs */

/* PMU (ARM ARM D13): the cycle counter. */
#define PMCR_E BIT(0)
#define PMCR_C BIT(2)
#define PMCR_LC BIT(6)
#define PMCCFILTR_NSH BIT(27)
#define PMCNTEN_CYCLES BIT(31)
#define PMUSERENR_CR BIT(2)

#define SCTLR_ELX_M BIT(0)
#define SCTLR_ELX_C BIT(2)
#define SCTLR_ELX_I BIT(12)

/* Memory attribute indices programmed into MAIR_EL2 at boot (boot.S). */
#define MAIR_IDX_DEVICE 0
#define MAIR_IDX_NORMAL 1
