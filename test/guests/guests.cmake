# Test guests: small freestanding programs built on test/guests/lib (entry, console, exceptions,
# interrupts, clock, exit), booted as a partition's kernel and on bare QEMU alike. Built in the
# host build with the host's clang as a cross compiler: a guest is not a Duet program and links
# nothing of the system but libhv's formatter and string routines (pure code).
#
# duet_test_guest(NAME <name> ARCH <aarch64|x86_64> OUTPUT <file> SOURCES <files...>)
#   OUTPUT: the bootable file: an arm64 Image (AArch64) or a bzImage (x86_64).
#   Also <build>/test-guests/<arch>/<name>/<name>.elf with symbols, for gdb.
#   Target test-guest-<arch>-<name>.
#   Optional, for guests in other formats (the loader guests, test/conformance/loaders):
#   HEAD <file.S> replaces the library's <arch>/head.S (its Image or bzImage header),
#   LINKER_SCRIPT <file.ld> the arch's, C_FLAGS/LINK_FLAGS are added, and FORMAT elf writes the
#   linked ELF itself as OUTPUT instead of its bytes (objcopy -O binary).

find_program(DUET_GUEST_OBJCOPY NAMES llvm-objcopy llvm-objcopy-14 REQUIRED)
set(DUET_GUEST_LIB ${CMAKE_SOURCE_DIR}/test/guests/lib)

set(guest_common_flags -ffreestanding -fno-builtin -fno-stack-protector -fno-pic -fno-pie
    -fno-common -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
    -mgeneral-regs-only -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter)
# AArch64: EL1 with the MMU off, where all data accesses are Device memory: no unaligned ones.
set(guest_aarch64_flags --target=aarch64-none-elf -march=armv8.2-a -mstrict-align)
set(guest_x86_64_flags --target=x86_64-none-elf -mno-red-zone -mcmodel=small)
set(guest_aarch64_ld ${DUET_GUEST_LIB}/aarch64/image.ld)
set(guest_x86_64_ld ${DUET_GUEST_LIB}/x86_64/bzimage.ld)

function(duet_test_guest)
  cmake_parse_arguments(G "" "NAME;ARCH;OUTPUT;HEAD;LINKER_SCRIPT;FORMAT"
                        "SOURCES;C_FLAGS;LINK_FLAGS" ${ARGN})
  set(lib ${DUET_GUEST_LIB})
  file(GLOB lib_sources CONFIGURE_DEPENDS ${lib}/common/*.c ${lib}/${G_ARCH}/*.c
       ${lib}/${G_ARCH}/*.S)
  if(G_HEAD)
    list(REMOVE_ITEM lib_sources ${lib}/${G_ARCH}/head.S)
    list(APPEND lib_sources ${G_HEAD})
  endif()
  set(sources ${lib_sources} ${CMAKE_SOURCE_DIR}/libhv/lib/fmt.c
      ${CMAKE_SOURCE_DIR}/libhv/lib/string.c ${G_SOURCES})
  set(dir ${CMAKE_BINARY_DIR}/test-guests/${G_ARCH}/${G_NAME})
  set(flags ${guest_common_flags} ${guest_${G_ARCH}_flags} ${G_C_FLAGS} -I${lib}/include
      -I${lib}/${G_ARCH}/include -I${CMAKE_SOURCE_DIR}/libhv/include)
  set(objs "")
  foreach(src ${sources})
    file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${src})
    set(obj ${dir}/obj/${rel}.o)
    get_filename_component(obj_dir ${obj} DIRECTORY)
    file(MAKE_DIRECTORY ${obj_dir})
    add_custom_command(OUTPUT ${obj}
      COMMAND ${CMAKE_C_COMPILER} ${flags} -MD -MF ${obj}.d -c ${src} -o ${obj}
      DEPENDS ${src} DEPFILE ${obj}.d
      COMMENT "Compiling test guest ${G_NAME} (${G_ARCH}): ${rel}" VERBATIM)
    list(APPEND objs ${obj})
  endforeach()
  set(elf ${dir}/${G_NAME}.elf)
  set(ld ${guest_${G_ARCH}_ld})
  if(G_LINKER_SCRIPT)
    set(ld ${G_LINKER_SCRIPT})
  endif()
  add_custom_command(OUTPUT ${elf}
    COMMAND ${CMAKE_C_COMPILER} --target=${G_ARCH}-none-elf -fuse-ld=lld -nostdlib -static
            -Wl,-T,${ld} -Wl,--gc-sections -Wl,-z,max-page-size=4096 ${G_LINK_FLAGS}
            -o ${elf} ${objs}
    DEPENDS ${objs} ${ld}
    COMMENT "Linking test guest ${G_NAME} (${G_ARCH})" VERBATIM)
  get_filename_component(out_dir ${G_OUTPUT} DIRECTORY)
  set(write ${DUET_GUEST_OBJCOPY} -O binary)
  if(G_FORMAT STREQUAL "elf")
    set(write ${CMAKE_COMMAND} -E copy)
  endif()
  add_custom_command(OUTPUT ${G_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${write} ${elf} ${G_OUTPUT}
    DEPENDS ${elf}
    COMMENT "Writing ${G_OUTPUT}" VERBATIM)
  add_custom_target(test-guest-${G_ARCH}-${G_NAME} DEPENDS ${G_OUTPUT})
endfunction()
