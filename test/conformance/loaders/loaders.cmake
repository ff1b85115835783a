# The loader guests of the conformance suite (docs/conformance.md, "Loaders"): one small guest per
# kernel format `qemu -kernel` accepts beyond the arm64 Image and the bzImage, written to the
# arch's guest payload folder (where mkimage looks kernels up), and a system image per arch with
# one partition per guest (test/manifests/conform-loaders-<arch>.dts). scripts/conform boots
# each guest on bare QEMU and the image once, and adds the guests' LOAD-* rows to the table.
# Included by ../conformance.cmake after guests.cmake.
set(loader_dir ${CMAKE_SOURCE_DIR}/test/conformance/loaders)

# The module the x86 guests are given (-initrd bare, the partitions' initramfs): magic, pattern.
set(loader_module ${CMAKE_BINARY_DIR}/guests/amd64/loader-module.bin)
add_custom_command(OUTPUT ${loader_module}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/guests/amd64
  COMMAND python3 -c "import sys; d=bytearray((i*7+3)&255 for i in range(5000)); d[:8]=b'DUETMOD1'; open(sys.argv[1],'wb').write(d)" ${loader_module}
  DEPENDS ${loader_dir}/loader_module.h
  COMMENT "Writing the loader guests' module" VERBATIM)

# A 32-bit x86 loader guest: x86_entry.S + x86_loader.c for one format, linked at 1 MiB; an ELF32
# or (FORMAT binary) the a.out-kludge file. -N: one loadable segment, as small kernels have.
function(duet_loader_guest_x86 NAME DEFINE FORMAT OUTPUT)
  set(dir ${CMAKE_BINARY_DIR}/test-guests/x86_64/${NAME})
  file(MAKE_DIRECTORY ${dir})
  set(flags --target=i386-none-elf -march=i686 -m32 -ffreestanding -fno-builtin
      -fno-stack-protector -fno-pic -fno-pie -mno-sse -mno-mmx -mno-80387 -O2 -g -Wall -Wextra
      -Werror -std=gnu11 -D${DEFINE})
  set(objs "")
  foreach(src x86_entry.S x86_loader.c)
    set(obj ${dir}/${src}.o)
    add_custom_command(OUTPUT ${obj}
      COMMAND ${CMAKE_C_COMPILER} ${flags} -MD -MF ${obj}.d -c ${loader_dir}/${src} -o ${obj}
      DEPENDS ${loader_dir}/${src} DEPFILE ${obj}.d
      COMMENT "Compiling loader guest ${NAME}: ${src}" VERBATIM)
    list(APPEND objs ${obj})
  endforeach()
  set(elf ${dir}/${NAME}.elf)
  add_custom_command(OUTPUT ${elf}
    COMMAND ${CMAKE_C_COMPILER} --target=i386-none-elf -fuse-ld=lld -nostdlib -static
            -Wl,-T,${loader_dir}/x86_loader.ld -Wl,-N -o ${elf} ${objs}
    DEPENDS ${objs} ${loader_dir}/x86_loader.ld
    COMMENT "Linking loader guest ${NAME}" VERBATIM)
  set(write ${CMAKE_COMMAND} -E copy)
  if(FORMAT STREQUAL "binary")
    set(write ${DUET_GUEST_OBJCOPY} -O binary)
  endif()
  add_custom_command(OUTPUT ${OUTPUT}
    COMMAND ${write} ${elf} ${OUTPUT}
    DEPENDS ${elf}
    COMMENT "Writing ${OUTPUT}" VERBATIM)
endfunction()

set(loader_guests_aarch64 ${CMAKE_BINARY_DIR}/guests/arm64/conform-loader-raw.bin
    ${CMAKE_BINARY_DIR}/guests/arm64/conform-loader-dyn.elf)
set(loader_guests_x86_64 ${CMAKE_BINARY_DIR}/guests/amd64/conform-loader-mb-elf.elf
    ${CMAKE_BINARY_DIR}/guests/amd64/conform-loader-mb-aout.bin
    ${CMAKE_BINARY_DIR}/guests/amd64/conform-loader-pvh.elf ${loader_module})

foreach(arch ${DUET_ARCHES})
  if(arch STREQUAL "aarch64")
    # No Image header: QEMU and mkimage take the file as a raw binary at RAM base + 0x80000.
    duet_test_guest(NAME loader-raw ARCH aarch64 OUTPUT ${CMAKE_BINARY_DIR}/guests/arm64/conform-loader-raw.bin
                    HEAD ${loader_dir}/a64_entry.S SOURCES ${loader_dir}/a64_loader.c
                    C_FLAGS -DLOADER_RAW)
    # ET_DYN: linked -pie (nothing needs relocating where it is loaded), 2 MiB into RAM so that
    # QEMU's 1 MiB DTB fits below it (a64_loader.c DYN_LOAD): the library's script, moved.
    file(READ ${DUET_GUEST_LIB}/aarch64/image.ld script)
    string(REPLACE ". = 0x40080000;" ". = 0x40200000;" script "${script}")
    file(WRITE ${CMAKE_BINARY_DIR}/test-guests/aarch64/loader-dyn.ld "${script}")
    duet_test_guest(NAME loader-dyn ARCH aarch64 OUTPUT ${CMAKE_BINARY_DIR}/guests/arm64/conform-loader-dyn.elf
                    HEAD ${loader_dir}/a64_entry.S SOURCES ${loader_dir}/a64_loader.c
                    LINKER_SCRIPT ${CMAKE_BINARY_DIR}/test-guests/aarch64/loader-dyn.ld
                    C_FLAGS -DLOADER_DYN -fPIE FORMAT elf
                    LINK_FLAGS -Wl,-pie -Wl,-z,notext -Wl,--apply-dynamic-relocs)
  else()
    duet_loader_guest_x86(loader-mb-elf LOADER_MB_ELF elf
                          ${CMAKE_BINARY_DIR}/guests/amd64/conform-loader-mb-elf.elf)
    duet_loader_guest_x86(loader-mb-aout LOADER_MB_AOUT binary
                          ${CMAKE_BINARY_DIR}/guests/amd64/conform-loader-mb-aout.bin)
    duet_loader_guest_x86(loader-pvh LOADER_PVH elf
                          ${CMAKE_BINARY_DIR}/guests/amd64/conform-loader-pvh.elf)
  endif()
  add_custom_target(conform-loader-guests-${arch} DEPENDS ${loader_guests_${arch}})
  duet_system_image(NAME conform-loaders ARCH ${arch}
                    MANIFEST ${CMAKE_SOURCE_DIR}/test/manifests/conform-loaders-${arch}.dts)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/${arch}/images/conform-loaders/payload/bootfs.list
                     APPEND DEPENDS ${loader_guests_${arch}})
endforeach()

# A real kernel through the PVH entry: Debian's amd64 vmlinux (the ELF inside its bzImage, which
# carries the PVH note) as a partition's kernel, booted to DUET-GUEST-UP and powered off. An
# image with a ~67 MiB boot archive: built by its own fixture, a test of the Linux tests' labels.
if("x86_64" IN_LIST DUET_ARCHES)
  set(vmlinux ${CMAKE_BINARY_DIR}/guests/amd64/vmlinux-debian-amd64)
  add_custom_command(OUTPUT ${vmlinux}
    COMMAND python3 ${loader_dir}/extract-vmlinux
            ${DUET_GUEST_CACHE}/debian-amd64/root/boot/vmlinuz-debian-amd64 ${vmlinux}
    DEPENDS ${CMAKE_BINARY_DIR}/guests/amd64/fetched.stamp ${loader_dir}/extract-vmlinux
    COMMENT "Extracting the ELF vmlinux from Debian's amd64 bzImage" VERBATIM)
  duet_system_image(NAME linux-pvh ARCH x86_64
                    MANIFEST ${CMAKE_SOURCE_DIR}/test/manifests/linux-pvh-x86_64.dts)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/x86_64/images/linux-pvh/payload/bootfs.list
                     APPEND DEPENDS ${vmlinux})
  add_test(NAME linux-pvh-image-x86_64
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target image-x86_64-linux-pvh)
  set_tests_properties(linux-pvh-image-x86_64 PROPERTIES LABELS "qemu;linux" TIMEOUT 1800
                       FIXTURES_SETUP linux-pvh-image-x86_64 RESOURCE_LOCK duet-build)
  add_test(NAME linux-pvh-x86_64
           COMMAND python3 ${CMAKE_SOURCE_DIR}/scripts/duet-qemu test --arch x86_64
                   --kernel ${CMAKE_BINARY_DIR}/x86_64/images/linux-pvh.elf --name linux-pvh-x86_64
                   --log ${CMAKE_BINARY_DIR}/qemu-logs/linux-pvh-x86_64.log --timeout 120
                   --expect "^root: partition pvh: 128 MiB at 0x0"
                   --expect "^\\[pvh\\] \\[ *[0-9.]+\\] Linux version [0-9]"
                   --until "^\\[pvh\\] DUET-GUEST-UP pvh\\b"
                   --until "^root: partition pvh stopped\\b")
  set_tests_properties(linux-pvh-x86_64 PROPERTIES LABELS "qemu;linux" TIMEOUT 150
                       FIXTURES_REQUIRED linux-pvh-image-x86_64)
endif()
