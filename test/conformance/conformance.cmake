# Differential conformance testing (docs/conformance.md): per arch, the conformance guest
# (test/conformance/) is built as a test guest, declared as the kernel of a one-partition
# system image (test/manifests/conform-<arch>.dts), and scripts/conform runs it on bare QEMU
# and in the partition and compares the results. The ctest test passes when every check ran on
# both sides and the checks that are not PASS on both are exactly the ones
# test/conformance/known-differences-<arch>.txt lists.
include(${CMAKE_SOURCE_DIR}/test/guests/guests.cmake)

set(conform_dir ${CMAKE_SOURCE_DIR}/test/conformance)
# The check families in the order they run (a file's checks run in file order). What disturbs
# the platform for good goes last (x86_64: disabling the local APIC, which QEMU can't undo).
set(conform_aarch64 boot.c id.c mem.c uart.c psci.c fault.c timer.c gic.c pmu.c debug.c
    probes.S)
set(conform_x86_64 boot.c cpuid.c msr.c mem.c uart.c fwcfg.c pm_timer.c fault.c cr8.c irq.c nmi.c
    lapic_timer.c apic_base.c mmio.c x2apic.c apic_enable.c probes.S)

foreach(arch ${DUET_ARCHES})
  if(arch STREQUAL "aarch64")
    set(deb arm64)
    set(file conform-aarch64.img)
  else()
    set(deb amd64)
    set(file conform-x86_64.bzImage)
  endif()
  list(TRANSFORM conform_${arch} PREPEND ${conform_dir}/${arch}/ OUTPUT_VARIABLE checks)
  # The image builder looks kernels up in the arch's guest payload folder (its --search path,
  # cmake/DuetSystemImage.cmake), so the guest is written there.
  set(guest ${CMAKE_BINARY_DIR}/guests/${deb}/${file})
  duet_test_guest(NAME conform ARCH ${arch} OUTPUT ${guest}
                  SOURCES ${conform_dir}/main.c ${checks})
  duet_system_image(NAME conform ARCH ${arch}
                    MANIFEST ${CMAKE_SOURCE_DIR}/test/manifests/conform-${arch}.dts)
  # mkimage must run again when the guest changes (duet_system_image knows only the manifest).
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/${arch}/images/conform/payload/bootfs.list
                     APPEND DEPENDS ${guest})

  add_test(NAME conform-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR}
                   --target test-guest-${arch}-conform image-${arch}-conform
                            conform-loader-guests-${arch} image-${arch}-conform-loaders)
  set_tests_properties(conform-images-${arch} PROPERTIES LABELS qemu TIMEOUT 1800
                       FIXTURES_SETUP conform-images-${arch} RESOURCE_LOCK duet-build)
  add_test(NAME conform-${arch}
           COMMAND python3 ${CMAKE_SOURCE_DIR}/scripts/conform --arch ${arch}
                   --build ${CMAKE_BINARY_DIR} --no-build
                   --check
                   --logs ${CMAKE_BINARY_DIR}/qemu-logs)
  set_tests_properties(conform-${arch} PROPERTIES LABELS qemu TIMEOUT 240
                       FIXTURES_REQUIRED conform-images-${arch})
endforeach()
include(${CMAKE_SOURCE_DIR}/test/conformance/loaders/loaders.cmake)
