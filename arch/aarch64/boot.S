/* AArch64 entry: from QEMU at EL2 with the MMU off to kernel_main in the upper half, VHE on. */
#include "sysreg.h"

#define PTE_TABLE       0x3
#define PTE_BLOCK       0x1
#define PTE_AF          (1 << 10)
#define PTE_SH_INNER    (3 << 8)
#define PTE_ATTR(idx)   ((idx) << 2)
#define BOOT_BLOCK_DEV  (PTE_BLOCK | PTE_AF | PTE_ATTR(MAIR_IDX_DEVICE))
#define BOOT_BLOCK_RAM  (PTE_BLOCK | PTE_AF | PTE_SH_INNER | PTE_ATTR(MAIR_IDX_NORMAL))

/* MAIR: index 0 Device-nGnRE, index 1 Normal write-back read/write-allocate. */
#define MAIR_VALUE      0xff04
/* TCR in the EL1 layout that E2H=1 gives TCR_EL2: 48-bit VAs in both halves, 4 KiB
 * granules, write-back cacheable inner-shareable walks. IPS is filled in from PARange. */
#define TCR_VALUE       ((16 << 0) | (1 << 8) | (1 << 10) | (3 << 12) | (0 << 14) | \
                         (16 << 16) | (1 << 24) | (1 << 26) | (3 << 28) | (2 << 30))
/* SCTLR (EL1 layout): M, C, SA, SA0, I, EL0 WFI/WFE not trapped, and the RES1 bits. */
#define SCTLR_VALUE     0x30c5183d

    .section .text.boot, "ax"
    .global _start
_start:
    /* QEMU enters an ELF -kernel at EL2; anything else is a setup we do not support. */
    mrs     x1, CurrentEL
    cmp     x1, #(2 << 2)
    b.ne    park

    /* VHE: the EL2&0 regime gives tasks ordinary stage-1 tables later; TGE routes
     * their exceptions here. */
    mov     x1, #(HCR_EL2_TGE)
    orr     x1, x1, #(HCR_EL2_E2H)
    msr     hcr_el2, x1
    isb

    /* Boot tables, one L0 and one L1 shared by both halves: L1[0] maps the first GiB
     * (devices), L1[1] the GiB of RAM the kernel is in. TTBR0 gives the identity map
     * this code runs from until the jump, TTBR1 the linear map the kernel is linked at. */
    adrp    x2, boot_l0
    adrp    x3, boot_l1
    mov     x4, x2
    add     x5, x2, #8192           /* boot_l0 and boot_l1 are adjacent pages */
1:  stp     xzr, xzr, [x4], #16
    cmp     x4, x5
    b.lo    1b
    orr     x4, x3, #PTE_TABLE
    str     x4, [x2]
    ldr     x4, =BOOT_BLOCK_DEV
    str     x4, [x3]
    ldr     x4, =(0x40000000 | BOOT_BLOCK_RAM)
    str     x4, [x3, #8]

    ldr     x1, =MAIR_VALUE
    msr     mair_el2, x1
    ldr     x1, =TCR_VALUE
    mrs     x4, ID_AA64MMFR0_EL1
    and     x4, x4, #7              /* PARange -> TCR.IPS */
    bfi     x1, x4, #32, #3
    msr     tcr_el2, x1
    msr     ttbr0_el2, x2
    msr     ttbr1_el2, x2
    isb
    tlbi    alle2
    dsb     nsh
    isb
    ldr     x1, =SCTLR_VALUE
    msr     sctlr_el2, x1
    isb

    /* Jump to the linked (upper-half) address; only absolute addresses from here on. */
    ldr     x1, =upper_half
    br      x1

upper_half:
    ldr     x1, =boot_stack_top
    mov     sp, x1
    ldr     x1, =exception_vectors
    msr     vbar_el2, x1
    isb
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
2:  cmp     x1, x2
    b.hs    3f
    str     xzr, [x1], #8
    b       2b
3:  mov     x29, xzr
    mov     x30, xzr
    bl      kernel_main

park:
    wfe
    b       park

    .section .boot_tables, "aw", %nobits
    .balign 4096
    .global boot_l0
boot_l0:
    .space  4096
boot_l1:
    .space  4096

    .section .boot_stack, "aw", %nobits
    .balign 16
boot_stack:
    .space  16384
    .global boot_stack_top
boot_stack_top:
