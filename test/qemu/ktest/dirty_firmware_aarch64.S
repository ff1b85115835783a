/* A stand-in for firmware that hands over EL2 with its controls left open, linked into the test
 * image only (kernel/CMakeLists.txt): QEMU enters the kernel with these registers at their reset
 * values, which hide a kernel that forgets to set one (SEC-M4). Real firmware may leave tasks
 * and guests the physical counter and timer, an offset virtual counter and a made-up MIDR; the
 * kernel must set every control it depends on, so the tests then see what the design says. */

/* CNTHCTL_EL2, E2H layout (arch/aarch64/sysreg.h): EL0PCTEN, EL0VCTEN, EL0VTEN, EL0PTEN,
 * EL1PCTEN, EL1PTEN — every counter and timer open to tasks and guests. */
#define CNTHCTL_ALL_OPEN 0xf03
#define HCR_EL2_E2H      (1 << 34)

    .section .text.firmware_shim, "ax"
    .global dirty_firmware
dirty_firmware:
    /* E2H first, so CNTHCTL_EL2 takes the layout the kernel uses. */
    mov     x1, #HCR_EL2_E2H
    msr     hcr_el2, x1
    isb
    mov     x1, #CNTHCTL_ALL_OPEN
    msr     cnthctl_el2, x1
    mov     x1, #0x1000000
    msr     cntvoff_el2, x1
    movz    x1, #0x5eed
    msr     vpidr_el2, x1
    isb
    b       _start
