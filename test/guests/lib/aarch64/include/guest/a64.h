/* AArch64 system registers and exception syndromes, for test guests at EL1 (names as in the
 * Arm ARM, so that they can be looked up). */
#pragma once

#include <stdint.h>

#define read_sysreg(r)                                                                             \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrs %0, " #r : "=r"(v_));                                                \
        v_;                                                                                        \
    })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" ::"r"((uint64_t)(v)) : "memory")
#define isb() ({ __asm__ volatile("isb" ::: "memory"); })
#define dsb_sy() ({ __asm__ volatile("dsb sy" ::: "memory"); })

/* ESR_ELx.EC values (Arm ARM, ESR_EL1). */
#define EC_UNKNOWN 0x00
#define EC_SVC64 0x15
#define EC_HVC64 0x16
#define EC_SYS64 0x18
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define EC_SERROR 0x2f
#define EC_BREAKPT_CUR 0x31
#define EC_SOFTSTP_CUR 0x33
#define EC_WATCHPT_CUR 0x35
#define EC_BRK64 0x3c
#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr) ((esr)&0x1ffffff)
/* The fault status code of an abort's ISS: 0b010000 is a synchronous external abort. */
#define ESR_FSC(esr) ((esr)&0x3f)
#define FSC_SEA 0x10

/* PSTATE / SPSR bits. */
#define PSR_MODE_EL1H 0x5
#define PSR_F (1u << 6)
#define PSR_I (1u << 7)
#define PSR_A (1u << 8)
#define PSR_D (1u << 9)
#define PSR_SS (1u << 21)

/* The memory map of QEMU virt, which a partition copies (docs/vmm.md). */
#define VIRT_GICD 0x08000000ul
#define VIRT_GICR 0x080a0000ul
#define VIRT_UART 0x09000000ul
#define VIRT_RAM 0x40000000ul

static inline uint32_t mmio_read32(uintptr_t a)
{
    return *(volatile uint32_t *)a;
}

static inline void mmio_write32(uintptr_t a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}

/* The DTB the loader passed in x0 (NULL if x0 held none), and what the CPU looked like when the
 * guest was entered, before the library touched anything. */
struct a64_boot_state {
    uint64_t x0;
    uint64_t current_el;
    uint64_t daif;
    uint64_t sctlr;
    uint32_t gicr_waker;
};
extern struct a64_boot_state a64_boot;
const void *a64_dtb(void);
