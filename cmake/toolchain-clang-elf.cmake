# The body both cross toolchains share: Debian's clang and ld.lld building freestanding ELF
# for CMAKE_SYSTEM_PROCESSOR, which the arch's toolchain file sets before including this.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET ${CMAKE_SYSTEM_PROCESSOR}-none-elf)
set(CMAKE_ASM_COMPILER_TARGET ${CMAKE_SYSTEM_PROCESSOR}-none-elf)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld -nostdlib -static -flto=thin")
find_program(DUET_OBJCOPY NAMES llvm-objcopy llvm-objcopy-14 REQUIRED)
