# reset_guest_image(<name> <arch> <manifest> [<archive name>=<program>]...): a system image of
# manifest whose partitions run the SEC-M1 reset guest (test/guests/reset), with the given
# programs in place of the standard ones (root_program_in_place), and the test
# <name>-images-<arch> that builds them (fixture <name>-images-<arch>). kbd_fault.cmake and
# dev_fault.cmake use it.
function(reset_guest_image name arch manifest)
  duet_system_image(NAME ${name} ARCH ${arch} MANIFEST ${manifest} PROGRAMS ${ARGN})
  if(arch STREQUAL "aarch64")
    set(guest ${CMAKE_BINARY_DIR}/guests/arm64/reset-aarch64.img)
  else()
    set(guest ${CMAKE_BINARY_DIR}/guests/amd64/reset-x86_64.bzImage)
  endif()
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/${arch}/images/${name}/payload/bootfs.list
                     APPEND DEPENDS ${guest})
  add_test(NAME ${name}-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR}
                   --target test-guest-${arch}-reset image-${arch}-${name})
  set_tests_properties(${name}-images-${arch} PROPERTIES LABELS qemu TIMEOUT 1800
                       FIXTURES_SETUP ${name}-images-${arch} RESOURCE_LOCK duet-build)
endfunction()
