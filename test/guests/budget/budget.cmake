# The budget benchmark (scripts/bench-budget, docs/testing.md "Benchmarks"): per arch, the budget
# guest (this directory, on test/guests/lib) as the kernel of small system images: two
# partitions with budgets of 40 % and 30 % running one load each (budget-<load>), the guest
# alone with the whole CPU (budget-solo-<load>, the cross-check's calibration), and a shorter
# spin run for the ctest test budget-<arch> (budget-test-spin).
include(${CMAKE_SOURCE_DIR}/test/guests/guests.cmake)

set(budget_dir ${CMAKE_SOURCE_DIR}/test/guests/budget)
set(budget_manifests ${CMAKE_SOURCE_DIR}/test/manifests)

# budget_image(<arch> <image> <pair|solo> <load> <window ms>): the manifest written from the
# arch's template, and its system image <build>/<arch>/images/<image>.elf.
function(budget_image arch image kind load ms)
  set(LOAD ${load})
  set(MS ${ms})
  set(manifest ${CMAKE_BINARY_DIR}/test/manifests/${image}-${arch}.dts)
  configure_file(${budget_manifests}/budget-${kind}-${arch}.dts.in ${manifest} @ONLY)
  duet_system_image(NAME ${image} ARCH ${arch} MANIFEST ${manifest})
  # mkimage must run again when the guest changes (duet_system_image knows only the manifest).
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/${arch}/images/${image}/payload/bootfs.list
                     APPEND DEPENDS ${budget_guest_${arch}})
  set_property(GLOBAL APPEND PROPERTY DUET_BUDGET_IMAGES_${arch} image-${arch}-${image})
endfunction()

foreach(arch ${DUET_ARCHES})
  if(arch STREQUAL "aarch64")
    set(guest ${CMAKE_BINARY_DIR}/guests/arm64/budget-aarch64.img)
  else()
    set(guest ${CMAKE_BINARY_DIR}/guests/amd64/budget-x86_64.bzImage)
  endif()
  set(budget_guest_${arch} ${guest})
  duet_test_guest(NAME budget ARCH ${arch} OUTPUT ${guest}
                  SOURCES ${budget_dir}/main.c ${budget_dir}/load.c ${budget_dir}/${arch}.c
                          ${CMAKE_SOURCE_DIR}/libhv/lib/cmdline.c)
  foreach(load spin dodge exit)
    budget_image(${arch} budget-${load} pair ${load} 3000)
  endforeach()
  # The dodger's loop is the spinner's (test/guests/budget/load.c): one calibration serves both.
  foreach(load spin exit)
    budget_image(${arch} budget-solo-${load} solo ${load} 1000)
  endforeach()
  budget_image(${arch} budget-test-spin pair spin 1000)

  get_property(images GLOBAL PROPERTY DUET_BUDGET_IMAGES_${arch})
  add_custom_target(budget-images-${arch} DEPENDS test-guest-${arch}-budget)
  add_dependencies(budget-images-${arch} ${images})

  add_test(NAME budget-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR}
                   --target test-guest-${arch}-budget image-${arch}-budget-test-spin)
  set_tests_properties(budget-images-${arch} PROPERTIES LABELS qemu TIMEOUT 1800
                       FIXTURES_SETUP budget-images-${arch} RESOURCE_LOCK duet-build)
  add_test(NAME budget-${arch}
           COMMAND python3 ${CMAKE_SOURCE_DIR}/scripts/bench-budget --arch ${arch}
                   --build ${CMAKE_BINARY_DIR} --test --logs ${CMAKE_BINARY_DIR}/qemu-logs)
  set_tests_properties(budget-${arch} PROPERTIES LABELS qemu TIMEOUT 90
                       FIXTURES_REQUIRED budget-images-${arch})
endforeach()
