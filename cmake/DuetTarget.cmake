# Cross build for one arch (DUET_ARCH): the kernel image and, later, its user programs.
if(NOT DUET_ARCH MATCHES "^(aarch64|x86_64)$")
  message(FATAL_ERROR "DUET_ARCH must be aarch64 or x86_64, not '${DUET_ARCH}'")
endif()

# One warnings policy and one set of freestanding flags for everything that runs in QEMU.
set(DUET_TARGET_CFLAGS
  -ffreestanding -fno-builtin -fno-stack-protector -fno-pic -fno-pie
  -fno-omit-frame-pointer -fno-common -ffunction-sections -fdata-sections
  -Wall -Wextra -Werror -Wno-unused-parameter -g -O2
  # Whole-program optimisation: the core reaches arch registers through arch_core.h
  # functions; LTO inlines them across the core/arch boundary (IPC: 768 -> 512 instructions).
  -flto=thin)

include(arch/${DUET_ARCH}/arch.cmake)        # DUET_ARCH_CFLAGS, DUET_PLATFORM

# User programs: same warnings, their own code model and link map, linked with libhv.
set(DUET_USER_CFLAGS ${DUET_ARCH_USER_CFLAGS})
set(DUET_USER_LINKER_SCRIPT ${CMAKE_SOURCE_DIR}/libhv/user/user.ld)

# duet_add_program(<name> SOURCES <files...>): a static EL0 / ring-3 ELF for the boot image.
function(duet_add_program name)
  cmake_parse_arguments(P "" "" "SOURCES" ${ARGN})
  add_executable(${name} ${P_SOURCES})
  target_compile_options(${name} PRIVATE ${DUET_TARGET_CFLAGS} ${DUET_USER_CFLAGS})
  target_link_libraries(${name} PRIVATE hv)
  target_link_options(${name} PRIVATE -T ${DUET_USER_LINKER_SCRIPT} -Wl,--gc-sections
                      -Wl,-z,max-page-size=4096)
  set_target_properties(${name} PROPERTIES OUTPUT_NAME ${name}.elf
                        LINK_DEPENDS ${DUET_USER_LINKER_SCRIPT})
endfunction()

include(cmake/DuetBearSSL.cmake)
add_subdirectory(libhv)
add_subdirectory(servers)
# The test image's programs: the in-QEMU test program (its root task) and the IPC echo peer.
add_subdirectory(test/qemu/ktest)
add_subdirectory(test/qemu/bench_server)
# The evaluation's rogue programs (docs/eval.md), only in its test images' boot archives.
add_subdirectory(test/eval/rogue)
add_subdirectory(kernel)
