# Cross toolchain for the freestanding x86_64 kernel and tasks: Debian's clang + ld.lld.
set(CMAKE_SYSTEM_PROCESSOR x86_64)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-clang-elf.cmake)
