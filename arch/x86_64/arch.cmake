# x86_64 build settings: a ring-0 kernel in the top 2 GiB, no FP/SIMD state, no red zone
# (interrupts arrive on the kernel stack).
set(DUET_PLATFORM qemu-q35)
set(DUET_ARCH_CFLAGS -mcmodel=kernel -mno-red-zone -mgeneral-regs-only
    -fno-asynchronous-unwind-tables)
set(DUET_LINKER_SCRIPT ${CMAKE_SOURCE_DIR}/arch/x86_64/kernel.ld)
# User programs at ring 3: small code model at 0x400000, no SSE state to save yet.
set(DUET_ARCH_USER_CFLAGS -mgeneral-regs-only -fno-asynchronous-unwind-tables)
