# Cross toolchain for the freestanding aarch64 kernel and tasks: Debian's clang + ld.lld.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-clang-elf.cmake)
