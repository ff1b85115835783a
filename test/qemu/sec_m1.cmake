# SEC-M1 (docs/testing.md): a partition resets itself SEC_M1_RESETS times, then the other one
# resets once and must come back: the root task's reset path leaks nothing that runs out. Per
# arch, the guest (test/guests/reset) is the kernel of both partitions of the system image
# test/manifests/sec-m1-<arch>.dts.
include(${CMAKE_SOURCE_DIR}/test/guests/guests.cmake)

# The root task logs a partition's resets when their count is a power of two (1, 2, 4, ...,
# servers/root/partition.c), so the test waits for one of those.
set(SEC_M1_RESETS 2048 CACHE STRING "Resets of the first partition in sec-m1-<arch> (a power of two)")
math(EXPR sec_m1_low_bits "${SEC_M1_RESETS} & (${SEC_M1_RESETS} - 1)")
if(SEC_M1_RESETS LESS 1 OR NOT sec_m1_low_bits EQUAL 0)
  message(FATAL_ERROR "SEC_M1_RESETS must be a power of two, not ${SEC_M1_RESETS}")
endif()

foreach(arch ${DUET_ARCHES})
  if(arch STREQUAL "aarch64")
    set(deb arm64)
    set(file reset-aarch64.img)
  else()
    set(deb amd64)
    set(file reset-x86_64.bzImage)
  endif()
  # Written where the image builder looks kernels up (cmake/DuetSystemImage.cmake's --search).
  set(guest ${CMAKE_BINARY_DIR}/guests/${deb}/${file})
  duet_test_guest(NAME reset ARCH ${arch} OUTPUT ${guest}
                  SOURCES ${CMAKE_SOURCE_DIR}/test/guests/reset/main.c)
  duet_system_image(NAME sec-m1 ARCH ${arch}
                    MANIFEST ${CMAKE_SOURCE_DIR}/test/manifests/sec-m1-${arch}.dts)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/${arch}/images/sec-m1/payload/bootfs.list
                     APPEND DEPENDS ${guest})

  add_test(NAME sec-m1-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR}
                   --target test-guest-${arch}-reset image-${arch}-sec-m1)
  set_tests_properties(sec-m1-images-${arch} PROPERTIES LABELS qemu TIMEOUT 1800
                       FIXTURES_SETUP sec-m1-images-${arch} RESOURCE_LOCK duet-build)
  # looper's resets, then a key typed into waiter (it has the focus), which resets once and
  # must start again: its "waiting" line after the root's "waiter resets (1)".
  set(looped "^root: partition looper resets \\(${SEC_M1_RESETS}\\)$")
  add_test(NAME sec-m1-${arch}
           COMMAND python3 ${CMAKE_SOURCE_DIR}/scripts/duet-qemu test --arch ${arch}
                   --kernel ${CMAKE_BINARY_DIR}/${arch}/images/sec-m1.elf --name sec-m1-${arch}
                   --log ${CMAKE_BINARY_DIR}/qemu-logs/sec-m1-${arch}.log --timeout 180
                   --line-times
                   --until "${looped}" --send "${looped}=k"
                   --until "^root: partition waiter resets \\(1\\)$"
                   --until "^\\[waiter\\] RESET-GUEST: waiting for a key"
                   --expect "^\\[waiter\\] RESET-GUEST: key typed: resetting$")
  set_tests_properties(sec-m1-${arch} PROPERTIES LABELS qemu TIMEOUT 210
                       FIXTURES_REQUIRED sec-m1-images-${arch})
endforeach()
