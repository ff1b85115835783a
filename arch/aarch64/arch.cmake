# AArch64 build settings: ARMv8.2 (VHE) at EL2, no FP/SIMD in the kernel.
set(DUET_PLATFORM qemu-virt)
set(DUET_ARCH_CFLAGS -march=armv8.2-a -mgeneral-regs-only -mcmodel=small)
set(DUET_LINKER_SCRIPT ${CMAKE_SOURCE_DIR}/arch/aarch64/kernel.ld)
# User programs at EL0 may use FP/SIMD later; for now they share the kernel's restriction.
set(DUET_ARCH_USER_CFLAGS -march=armv8.2-a -mgeneral-regs-only)
