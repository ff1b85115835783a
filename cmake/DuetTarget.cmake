# Cross build for one arch (DUET_ARCH): the kernel image and, later, its user programs.
if(NOT DUET_ARCH MATCHES "^(aarch64|x86_64)$")
  message(FATAL_ERROR "DUET_ARCH must be aarch64 or x86_64, not '${DUET_ARCH}'")
endif()

# One warnings policy and one set of freestanding flags for everything that runs in QEMU.
set(DUET_TARGET_CFLAGS
  -ffreestanding -fno-builtin -fno-stack-protector -fno-pic -fno-pie
  -fno-omit-frame-pointer -fno-common -ffunction-sections -fdata-sections
  -Wall -Wextra -Werror -Wno-unused-parameter -g -O2)

include(arch/${DUET_ARCH}/arch.cmake)        # DUET_ARCH_CFLAGS, DUET_PLATFORM
add_subdirectory(kernel)
